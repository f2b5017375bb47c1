// Foresight — ClassicControlTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import ClassicControl
import Foundation
import RLCore
import TensorCore
import Testing

/// Replays runs of `gymnasium.vector.SyncVectorEnv` (wrapped in `gymnasium.wrappers.vector.RecordEpisodeStatistics`)
/// recorded by `scripts/fixtures/gym_vector.py`: CartPole-v1 and Pendulum-v1, three sub-environments with
/// different step limits, in each autoreset mode, with the same seed and actions.
///
/// Foresight's generator is not numpy's, so every reset (the first and each autoreset) starts from the float64
/// state Gymnasium's sub-environment had after that reset (``ScriptedResets``). Everything the vector semantics
/// decide is compared: which sub-environments are reset in which call, observations, rewards, terminated and
/// truncated flags, same-step final observations, and each ended episode's return and length. Tolerances are
/// those of ``GymnasiumFixtureTests`` (observations and rewards 1e-6 relative to `max(|expected|, 1)`).
///
/// One exception: with disabled autoreset, Gymnasium 1.4's vector `RecordEpisodeStatistics` restarts every
/// sub-environment's counters on a masked reset (`SyncVectorEnv.reset` pops `reset_mask` from the options dict
/// before the wrapper looks for it), so the lengths it reports are too short. There the expected return and length
/// of each episode are the sums of the fixture's rewards and steps since that sub-environment's reset.
@Suite struct VectorGymnasiumParityTests {
    static let tolerance = 1e-6

    struct Fixture: Decodable {
        var env: String
        var mode: String
        var gymnasium: String
        var max_episode_steps: [Int]
        var seed: UInt64
        var calls: [Call]
    }

    struct Call: Decodable {
        var kind: String
        var mask: [Bool]?
        var seeds: [UInt64]?
        var actions: [GymFixture.Action]?
        var observations: [[Double]]
        var rewards: [Double]?
        var terminated: [Bool]?
        var truncated: [Bool]?
        var final_observations: [[Double]?]?
        var episodes: [Episode?]?
        var reset_states: [String: [Double]]
    }

    struct Episode: Decodable { var `return`: Double; var length: Int }

    static func load(_ id: String, _ mode: AutoresetMode) throws -> Fixture {
        let name = "vector-\(id)-\(mode.rawValue)"
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/\(name).json"])
        }
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// The sub-environments' reset states, in the order Gymnasium reset them.
    static func resetStates(_ fixture: Fixture) -> [[[Double]]] {
        var states = [[[Double]]](repeating: [], count: fixture.max_episode_steps.count)
        for call in fixture.calls {
            for (key, state) in call.reset_states { if let i = Int(key) { states[i].append(state) } }
        }
        return states
    }

    static func registry() throws -> EnvironmentRegistry {
        var registry = EnvironmentRegistry()
        try ClassicControlFamily.register(into: &registry)
        return registry
    }

    static func makeVector(_ fixture: Fixture, mode: AutoresetMode, threads: Int?) throws
        -> VectorRecordEpisodeStatistics<AnyVectorEnvironment>
    {
        let registry = try registry()
        let states = resetStates(fixture)
        let environments: [any Environment<Tensor, Tensor>] = try fixture.max_episode_steps.enumerated().map { i, limit in
            ScriptedResets(AnyEnvironment(try registry.make(fixture.env, maxEpisodeSteps: limit)), states: states[i])
        }
        let vector: any VectorEnvironment = if let threads {
            try ThreadedVectorEnvironment(environments, autoresetMode: mode, threadCount: threads)
        } else {
            try SyncVectorEnvironment(environments, autoresetMode: mode)
        }
        return AnyVectorEnvironment(vector).recordingEpisodeStatistics()
    }

    /// How many resets each sub-environment has made (states consumed from its script).
    static func resetCounts(_ envs: VectorRecordEpisodeStatistics<AnyVectorEnvironment>) -> [Int] {
        let base = envs.base.wrapped
        let subs = (base as? SyncVectorEnvironment)?.environments ?? (base as? ThreadedVectorEnvironment)?.environments ?? []
        return subs.map { ($0 as? ScriptedResets)?.used ?? -1 }
    }

    func compare(_ actual: Tensor, _ expected: [[Double]], _ context: String) {
        #expect(actual.shape.first == expected.count, "\(context): shape \(actual.shape)")
        let flat = expected.flatMap { $0 }
        #expect(actual.count == flat.count, "\(context): \(actual.count) values, expected \(flat.count)")
        let worst = zip(actual.scalars, flat).map { relativeError(Double($0), $1) }.max() ?? 0
        #expect(worst <= Self.tolerance, "\(context): observations differ by \(worst) (relative)")
    }

    func replay(_ id: String, _ mode: AutoresetMode, threads: Int?) throws {
        let fixture = try Self.load(id, mode)
        #expect(fixture.gymnasium.hasPrefix("1."))
        #expect(fixture.mode == mode.rawValue)
        var envs = try Self.makeVector(fixture, mode: mode, threads: threads)
        let n = fixture.max_episode_steps.count
        var expectedResets = [Int](repeating: 0, count: n)
        var endings = 0, finals = 0
        // Disabled mode: each episode's return and length from the fixture's own rewards (see the type's note).
        var runningReturn = [Double](repeating: 0, count: n), runningLength = [Int](repeating: 0, count: n)
        for (index, call) in fixture.calls.enumerated() {
            let context = "\(id) \(mode) threads \(threads ?? 0) call \(index) (\(call.kind))"
            for key in call.reset_states.keys { if let i = Int(key) { expectedResets[i] += 1 } }
            if call.kind == "reset" {
                let result: VectorReset
                if let mask = call.mask, mask.contains(false) || index > 0 {
                    result = try envs.reset(mask: mask)
                } else {
                    // Gymnasium seeds sub-environment i with seed + i.
                    #expect(call.seeds == (0..<UInt64(n)).map { fixture.seed + $0 }, "\(context)")
                    result = try envs.reset(seed: fixture.seed)
                }
                compare(result.observations, call.observations, context)
                for i in 0..<n where call.mask?[i] ?? true { runningReturn[i] = 0; runningLength[i] = 0 }
            } else {
                let actions = try #require(call.actions)
                let rows: [Float] = actions.flatMap { action -> [Float] in
                    switch action {
                    case .index(let i): [Float(i)]
                    case .vector(let v): v.map { Float($0) }
                    }
                }
                let step = try envs.step(Tensor(shape: [n, rows.count / n], scalars: rows))
                compare(step.observations, call.observations, context)
                for i in 0..<n {
                    #expect(relativeError(Double(step.rewards[i]), call.rewards?[i] ?? .nan) <= Self.tolerance,
                            "\(context) sub-environment \(i): reward \(step.rewards[i]), expected \(call.rewards?[i] ?? .nan)")
                    #expect(step.terminated[i] == call.terminated?[i], "\(context) sub-environment \(i): terminated")
                    #expect(step.truncated[i] == call.truncated?[i], "\(context) sub-environment \(i): truncated")
                    let expectedFinal = call.final_observations?[i] ?? nil
                    #expect((step.finalObservations[i] != nil) == (expectedFinal != nil), "\(context) sub-environment \(i): final observation")
                    if let final = step.finalObservations[i], let expectedFinal {
                        compare(final.reshaped(to: [1] + final.shape), [expectedFinal], "\(context) final observation \(i)")
                        finals += 1
                    }
                    runningReturn[i] += call.rewards?[i] ?? .nan
                    runningLength[i] += 1
                    var episode = call.episodes?[i] ?? nil
                    if mode == .disabled, episode != nil { episode = Episode(return: runningReturn[i], length: runningLength[i]) }
                    #expect((step.infos[i]["episode.length"] != nil) == (episode != nil), "\(context) sub-environment \(i): episode statistics")
                    if let episode {
                        endings += 1
                        #expect(step.infos[i]["episode.length"] == Double(episode.length), "\(context) sub-environment \(i): episode length")
                        #expect(relativeError(step.infos[i]["episode.return"] ?? .nan, episode.return) <= 1e-5,
                                "\(context) sub-environment \(i): episode return \(step.infos[i]["episode.return"] ?? .nan), expected \(episode.return)")
                    }
                }
            }
            #expect(Self.resetCounts(envs) == expectedResets, "\(context): sub-environments reset so far")
        }
        // The fixture must have exercised what it is for.
        #expect(endings >= 5, "\(id) \(mode): only \(endings) episode ends")
        #expect(mode != .sameStep || finals == endings, "\(id) same-step: \(finals) final observations for \(endings) ends")
        #expect(envs.episodeCount == endings)
    }

    @Test(arguments: ["CartPole-v1", "Pendulum-v1"], AutoresetMode.allCases)
    func synchronousMatchesGymnasium(id: String, mode: AutoresetMode) throws {
        try replay(id, mode, threads: nil)
    }

    @Test(arguments: AutoresetMode.allCases)
    func vectorCheckerPassesEveryClassicControlTask(mode: AutoresetMode) throws {
        let registry = try Self.registry()
        for id in registry.ids {
            // Short step limits, so that every mode's autoreset is exercised within the checker's steps.
            let issues = checkVectorEnvironment(steps: 120) { try registry.make(id, count: 3, maxEpisodeSteps: 40, autoresetMode: mode) }
            #expect(issues.failures.isEmpty, "\(id) \(mode): \(issues)")
            #expect(!issues.contains { $0.check == .autoreset }, "\(id) \(mode): \(issues)")
        }
    }

    @Test(arguments: ["CartPole-v1", "Pendulum-v1"], AutoresetMode.allCases)
    func threadedMatchesGymnasium(id: String, mode: AutoresetMode) throws {
        try replay(id, mode, threads: 2)
    }
}

// MARK: - Helpers

/// Starts each reset from the next of a list of states (``OptionKey/initialState``), so that a run can follow
/// one recorded with another generator. Throws when the list is used up.
struct ScriptedResets: Environment {
    var base: AnyEnvironment<Tensor, Tensor>
    let states: [[Double]]
    private(set) var used = 0

    init(_ base: AnyEnvironment<Tensor, Tensor>, states: [[Double]]) {
        self.base = base
        self.states = states
    }

    var observationSpace: AnySpace<Tensor> { base.observationSpace }
    var actionSpace: AnySpace<Tensor> { base.actionSpace }

    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        guard used < states.count else {
            throw EnvironmentError.invalidOption(key: OptionKey.initialState, message: "reset \(used + 1) has no recorded state (\(states.count) recorded)")
        }
        var options = options
        options[OptionKey.initialState] = OptionValue(states[used])
        used += 1
        return try base.reset(seed: seed, options: options)
    }

    mutating func step(_ action: Tensor) throws -> Step<Tensor> { try base.step(action) }
}
