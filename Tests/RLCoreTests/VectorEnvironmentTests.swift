// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore
import Testing

/// Vector environments: seeding, the three autoreset modes on a hand-checked schedule, threads against one
/// thread, batched spaces, errors, the vector `RecordEpisodeStatistics` and the vector checker. (Parity with
/// `gymnasium.vector.SyncVectorEnv` is in `ClassicControlTests/VectorGymnasiumParityTests`.)
@Suite struct VectorEnvironmentTests {
    /// `count` LineWalks cut after `limit` steps.
    static func lineWalks(_ count: Int, limit: Int = 3) -> [any Environment<Tensor, Tensor>] {
        (0..<count).map { _ in LineWalk().timeLimited(limit) }
    }

    static func zeros(_ n: Int) -> Tensor { Tensor(repeating: 0, shape: [n, 1]) }

    @Test func resetGivesSubEnvironmentISeedPlusI() throws {
        var envs = try SyncVectorEnvironment(Self.lineWalks(4))
        let reset = try envs.reset(seed: 7)
        #expect(reset.observations.shape == [4, 1])
        for i in 0..<4 {
            var single = LineWalk()
            let (expected, info) = try single.reset(seed: 7 + UInt64(i))
            #expect(reset.observations.scalars[i] == expected.scalars[0])
            #expect(reset.infos[i] == info)
        }
        // Distinct seeds give distinct starts here, so the rows are not one seed repeated.
        #expect(Set(reset.observations.scalars).count == 4)
        #expect(throws: VectorEnvironmentError.self) { try envs.reset(seed: UInt64.max - 1) }
        #expect(throws: VectorEnvironmentError.self) { try envs.reset(seeds: [1, 2], options: [:], mask: nil) }
    }

    @Test func nextStepResetsOnTheStepAfterTheEnd() throws {
        var envs = try SyncVectorEnvironment(Self.lineWalks(1), autoresetMode: .nextStep)
        _ = try envs.reset(seed: 3)
        var last: VectorStep?
        for t in 1...3 {
            let step = try envs.step(Tensor([[1]]))
            #expect(step.truncated == [t == 3])
            #expect(step.finalObservations == [nil])
            last = step
        }
        #expect(last?.rewards[0] != 0)
        var reference = LineWalk()
        _ = try reference.reset(seed: 3)
        let expectedReset = try reference.reset()   // the sub-environment's unseeded reset after three steps
        let resetStep = try envs.step(Tensor([[1]]))
        #expect(resetStep.rewards == [0])
        #expect(resetStep.terminated == [false] && resetStep.truncated == [false])
        #expect(resetStep.observations.scalars == expectedReset.observation.scalars)
        #expect(resetStep.infos[0] == expectedReset.info)
        // The reset step ignored its action: the next step moves from the reset state.
        let next = try envs.step(Tensor([[1]]))
        #expect(abs(next.observations.scalars[0] - (expectedReset.observation.scalars[0] + 0.1)) < 1e-6)
    }

    @Test func sameStepResetsWithinTheEndingStep() throws {
        var envs = try SyncVectorEnvironment(Self.lineWalks(2, limit: 2), autoresetMode: .sameStep)
        _ = try envs.reset(seed: 11)
        _ = try envs.step(Self.zeros(2))
        let ending = try envs.step(Tensor([[1], [-1]]))
        #expect(ending.truncated == [true, true])
        var reference = LineWalk()
        let start = try reference.reset(seed: 11).observation.scalars[0]
        let final = try #require(ending.finalObservations[0])
        #expect(abs(final.scalars[0] - (start + 0.1)) < 1e-6)
        #expect(ending.finalInfos[0]?["x"] != nil)
        #expect(abs(ending.rewards[0] + abs(start + 0.1)) < 1e-6)   // the ended step's reward
        let expectedReset = try reference.reset()
        #expect(ending.observations.scalars[0] == expectedReset.observation.scalars[0])
        #expect(ending.infos[0] == expectedReset.info)
        let after = try envs.step(Self.zeros(2))
        #expect(after.finalObservations == [nil, nil])
        #expect(after.rewards[0] != 0)   // a real step of the new episode
    }

    @Test func disabledNeedsAMaskedReset() throws {
        var envs = try SyncVectorEnvironment([LineWalk().timeLimited(1), LineWalk().timeLimited(5)], autoresetMode: .disabled)
        let first = try envs.reset(seed: 1)
        let step = try envs.step(Self.zeros(2))
        #expect(step.ended == [true, false])
        #expect(step.finalObservations == [nil, nil])
        #expect(throws: VectorEnvironmentError.stepAfterEpisodeEnd(index: 0)) { try envs.step(Self.zeros(2)) }
        #expect(throws: VectorEnvironmentError.self) { try envs.reset(mask: [false, false]) }
        #expect(throws: VectorEnvironmentError.self) { try envs.reset(mask: [true]) }
        let reset = try envs.reset(mask: [true, false])
        #expect(reset.observations.scalars[1] == step.observations.scalars[1])   // the other keeps its episode
        #expect(reset.infos[1].isEmpty && !reset.infos[0].isEmpty)
        #expect(reset.observations.scalars[0] != first.observations.scalars[0])  // unseeded: the generator moved on
        let next = try envs.step(Self.zeros(2))
        #expect(next.ended == [true, false])
    }

    @Test(arguments: AutoresetMode.allCases)
    func threadsGiveTheSynchronousResults(mode: AutoresetMode) throws {
        let registry = try toyRegistry()
        var sync = try registry.make("LineWalk-v0", count: 5, maxEpisodeSteps: 7, autoresetMode: mode)
        var threaded = try registry.make("LineWalk-v0", count: 5, maxEpisodeSteps: 7, autoresetMode: mode, execution: .threads(2))
        #expect(threaded is ThreadedVectorEnvironment && sync is SyncVectorEnvironment)
        #expect(try sync.reset(seed: 5).observations == threaded.reset(seed: 5).observations)
        var generator = SeededGenerator(seed: 9)
        var ends = 0
        for _ in 0..<60 {
            let actions = sync.actionSpace.sample(using: &generator)
            let a = try sync.step(actions), b = try threaded.step(actions)
            #expect(a.observations == b.observations && a.rewards == b.rewards && a.terminated == b.terminated && a.truncated == b.truncated)
            #expect(a.infos == b.infos && a.finalObservations == b.finalObservations && a.finalInfos == b.finalInfos)
            ends += a.ended.filter { $0 }.count
            if mode == .disabled, a.ended.contains(true) {
                #expect(try sync.reset(mask: a.ended).observations == threaded.reset(mask: a.ended).observations)
            }
        }
        #expect(ends >= 10)
    }

    @Test func batchedSpaces() throws {
        let registry = try toyRegistry()
        let envs = try registry.make("LineWalk-v0", count: 3)
        let box = try #require(envs.observationSpace.box)
        #expect(box.shape == [3, 1] && box.low.scalars == [-2, -2, -2] && box.high.scalars == [2, 2, 2])
        #expect(envs.actionSpace.contains(Tensor([[1], [-1], [0.5]])))
        #expect(!envs.actionSpace.contains(Tensor([[1], [-1]])))
        #expect(!envs.actionSpace.contains(Tensor([[1], [2], [0]])))
        var generator = SeededGenerator(seed: 4)
        let sample = envs.actionSpace.sample(using: &generator)
        #expect(sample.shape == [3, 1] && envs.actionSpace.contains(sample))
        // Discrete actions batch to [N, 1] index tensors (Gymnasium's MultiDiscrete).
        let corridors = try registry.make("Corridor-v1", count: 2)
        #expect(corridors.actionSpace.box == nil)
        #expect(corridors.actionSpace.contains(Tensor([[0], [1]])) && !corridors.actionSpace.contains(Tensor([[0], [2]])))
    }

    @Test func badInputIsRefusedWithAClearError() throws {
        #expect(throws: VectorEnvironmentError.self) { try SyncVectorEnvironment([]) }
        #expect(throws: VectorEnvironmentError.self) { try ThreadedVectorEnvironment(Self.lineWalks(2), threadCount: 0) }
        let mixed: [any Environment<Tensor, Tensor>] = [LineWalk(), Corridor().indexTensorActions()]
        #expect(throws: VectorEnvironmentError.mismatchedSpaces(index: 1, "observation space Box(low: 0.0, high: 4.0, shape: [1]), expected Box(low: -2.0, high: 2.0, shape: [1])")) {
            try SyncVectorEnvironment(mixed)
        }
        #expect(throws: VectorEnvironmentError.invalidCount("0 sub-environments of 'LineWalk-v0'; expected at least 1")) {
            try toyRegistry().make("LineWalk-v0", count: 0)
        }
        var envs = try SyncVectorEnvironment(Self.lineWalks(2))
        #expect(throws: VectorEnvironmentError.stepBeforeReset) { try envs.step(Self.zeros(2)) }
        _ = try envs.reset(seed: 0)
        #expect(throws: VectorEnvironmentError.invalidActions("shape [3, 1]; expected [2, ...], one row per sub-environment")) {
            try envs.step(Self.zeros(3))
        }
        // A sub-environment's own error comes through, and the vector environment then needs a reset.
        #expect(throws: EnvironmentError.self) { try envs.step(Tensor(repeating: 0, shape: [2, 2])) }
        #expect(throws: VectorEnvironmentError.stepBeforeReset) { try envs.step(Self.zeros(2)) }
        #expect(VectorEnvironmentError.stepAfterEpisodeEnd(index: 3).description.contains("Sub-environment 3"))
    }

    @Test(arguments: AutoresetMode.allCases)
    func recordEpisodeStatisticsCountsEachEpisode(mode: AutoresetMode) throws {
        var envs = try SyncVectorEnvironment([LineWalk().timeLimited(2), LineWalk().timeLimited(3)], autoresetMode: mode)
            .recordingEpisodeStatistics(historyLength: 4)
        _ = try envs.reset(seed: 2)
        var singles = [LineWalk().timeLimited(2).recordingEpisodeStatistics(), LineWalk().timeLimited(3).recordingEpisodeStatistics()]
        for i in 0..<2 { _ = try singles[i].reset(seed: 2 + UInt64(i)) }
        var recorded: [[Double]] = [[], []]
        for _ in 0..<12 {
            let step = try envs.step(Tensor([[0.5], [-0.5]]))
            for i in 0..<2 {
                if let r = step.infos[i]["episode.return"] {
                    recorded[i].append(r)
                    #expect(step.infos[i]["episode.length"] == Double(i + 2))
                }
            }
            if mode == .disabled, step.ended.contains(true) { _ = try envs.reset(mask: step.ended) }
        }
        // The single-environment wrapper over the same episodes (each starting where the vector's did).
        #expect(recorded[0].count >= 3 && recorded[1].count >= 2)
        #expect(envs.episodeCount == recorded[0].count + recorded[1].count)
        #expect(envs.returns.count == 4 && envs.lengths.allSatisfy { $0 == 2 || $0 == 3 })
        for i in 0..<2 {
            let steps = i + 2
            var first = 0.0
            for _ in 0..<steps { first = try singles[i].step(Tensor([i == 0 ? 0.5 : -0.5])).info["episode.return"] ?? first }
            #expect(abs(recorded[i][0] - first) < 1e-9, "sub-environment \(i): first episode return \(recorded[i][0]), single \(first)")
        }
    }

    @Test(arguments: AutoresetMode.allCases)
    func checkerPassesTheToyEnvironments(mode: AutoresetMode) throws {
        let registry = try toyRegistry()
        for id in registry.ids {
            let issues = checkVectorEnvironment { try registry.make(id, count: 3, autoresetMode: mode) }
            #expect(issues.failures.isEmpty, "\(id) \(mode): \(issues)")
        }
        let threaded = checkVectorEnvironment { try registry.make("LineWalk-v0", count: 3, autoresetMode: mode, execution: .threads(2)) }
        #expect(threaded.failures.isEmpty, "\(threaded)")
    }

    @Test func checkerFindsBrokenVectorEnvironments() throws {
        let registry = try toyRegistry()
        let sameSeed = checkVectorEnvironment { FaultyVector(base: AnyVectorEnvironment(try registry.make("LineWalk-v0", count: 3)), fault: .sameSeed) }
        #expect(sameSeed.failures.contains { $0.check == .seeding }, "\(sameSeed)")
        let noFinal = checkVectorEnvironment {
            FaultyVector(base: AnyVectorEnvironment(try registry.make("LineWalk-v0", count: 3, autoresetMode: .sameStep)), fault: .dropsFinalObservations)
        }
        #expect(noFinal.failures.contains { $0.check == .autoreset }, "\(noFinal)")
        let rewardOnReset = checkVectorEnvironment {
            FaultyVector(base: AnyVectorEnvironment(try registry.make("LineWalk-v0", count: 3)), fault: .rewardsEveryStep)
        }
        #expect(rewardOnReset.failures.contains { $0.check == .autoreset }, "\(rewardOnReset)")
        let neverEnds = checkVectorEnvironment(steps: 5) { try registry.make("LineWalk-v0", count: 2) }
        #expect(neverEnds.warnings.contains { $0.check == .autoreset } && neverEnds.failures.isEmpty, "\(neverEnds)")
    }
}

/// A vector environment breaking one rule of the contract.
struct FaultyVector: VectorEnvironment {
    enum Fault { case sameSeed, dropsFinalObservations, rewardsEveryStep }
    var base: AnyVectorEnvironment
    let fault: Fault

    var count: Int { base.count }
    var autoresetMode: AutoresetMode { base.autoresetMode }
    var singleObservationSpace: AnySpace<Tensor> { base.singleObservationSpace }
    var singleActionSpace: AnySpace<Tensor> { base.singleActionSpace }

    mutating func reset(seeds: [UInt64?], options: ResetOptions, mask: [Bool]?) throws -> VectorReset {
        try base.reset(seeds: fault == .sameSeed ? seeds.map { _ in seeds[0] } : seeds, options: options, mask: mask)
    }

    mutating func step(_ actions: Tensor) throws -> VectorStep {
        var step = try base.step(actions)
        if fault == .dropsFinalObservations { step.finalObservations = Array(repeating: nil, count: count) }
        if fault == .rewardsEveryStep { step.rewards = step.rewards.map { $0 == 0 ? -1 : $0 } }
        return step
    }

    mutating func close() { base.close() }
}
