// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import NN
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

/// A 1-D reach task: position x in [-1, 1], action a in [-1, 1] moves x by 0.25 a, reward -|x - 0.5|.
/// 16 steps per episode. Optionally returns a NaN reward from a given global step on.
struct Reach: Environment {
    var x: Float = 0
    var generator = SeededGenerator(seed: 0)
    var nanAfter: Int? = nil
    var discrete = false
    var taken = 0
    var observationSpace: Box { Box(low: -1, high: 1, shape: [2]) }
    var actionSpace: AnySpace<Tensor> { discrete ? AnySpace(IndexSpace(Discrete(3))) : AnySpace(Box(low: -1, high: 1, shape: [1])) }
    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        x = 2 * generator.nextUniform() - 1
        return (Tensor([x, 0.5]), [:])
    }
    mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        let a: Float = discrete ? action.scalars[0] - 1 : action.scalars[0]
        x = Swift.min(Swift.max(x + 0.25 * a, -1), 1)
        taken += 1
        var reward = -Swift.abs(x - 0.5)
        if let nanAfter, taken > nanAfter { reward = .nan }
        return Step(observation: Tensor([x, 0.5]), reward: reward, isTruncated: false, info: ["success": Swift.abs(x - 0.5) < 0.15 ? 1 : 0])
    }
}

@Suite(.serialized) struct TrainerTests {
    static func agentConfiguration(discrete: Bool = false) -> TDMPC2Configuration {
        var c = TDMPC2Configuration(observationShape: [2], actionDimensions: discrete ? 3 : 1, modelSize: .m1)
        c.latentDimensions = 16; c.mlpDimensions = 32; c.encoderDimensions = 32; c.batchSize = 16; c.horizon = 3
        c.planner.sampleCount = 64; c.planner.eliteCount = 8; c.planner.policyTrajectoryCount = 4; c.planner.iterations = 3
        c.episodeLength = 16
        c.isEpisodic = true
        if discrete { c.discreteActionCount = 3 }
        return c
    }

    static func trainerConfiguration(steps: Int) -> TrainerConfiguration {
        var t = TrainerConfiguration()
        t.steps = steps; t.seedSteps = 64; t.pretrainingUpdates = 20; t.evaluationInterval = 64; t.evaluationEpisodes = 2
        t.checkpointInterval = 32; t.updateLogInterval = 5; t.seed = 3
        return t
    }

    static func makeTrainer(_ dir: URL, steps: Int, nanAfter: Int? = nil, discrete: Bool = false, targetReturn: Double? = nil,
                            explorationDecay: ExplorationDecay? = nil, learningRateDecay: LearningRateDecay? = nil,
                            seedSteps: Int = 64) throws -> Trainer {
        let agent = try TDMPC2Agent(configuration: agentConfiguration(discrete: discrete), seed: 11)
        var t = trainerConfiguration(steps: steps)
        t.seedSteps = seedSteps
        t.targetReturn = targetReturn
        t.explorationDecay = explorationDecay
        t.learningRateDecay = learningRateDecay
        return try Trainer(configuration: t, agent: agent, environmentID: "Reach", episodeLength: 16,
                           runDirectory: dir) { OrderEnforcing(TimeLimit(Reach(nanAfter: nanAfter, discrete: discrete), maxEpisodeSteps: 16)) }
    }

    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("foresight-\(name)-\(UUID().uuidString)")
        return url
    }

    @Test func shortRunWritesLogsCurveSummaryAndCheckpoint() throws {
        let dir = Self.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Self.makeTrainer(dir, steps: 128)
        var events = 0
        let summary = try trainer.run { _ in events += 1 }
        #expect(summary.steps == 128 && summary.episodes == 8)
        #expect(summary.updates == 20 + (128 - 64))
        #expect(summary.evaluations.count == 2 && summary.finalEvaluationReturn != nil)
        for name in ["updates.csv", "updates.jsonl", "episodes.csv", "episodes.jsonl", "evaluations.csv", "learning_curve.svg", "summary.json", "checkpoint/agent.safetensors", "checkpoint/buffer.safetensors", "checkpoint/trainer.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "missing \(name)")
        }
        let csv = try String(contentsOf: dir.appendingPathComponent("episodes.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "step,episode,return,length,success" && csv.count == 9)
        let jsonl = try String(contentsOf: dir.appendingPathComponent("updates.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(jsonl.count == summary.updates / 5)
        #expect(try JSONSerialization.jsonObject(with: Data(jsonl[0].utf8)) is [String: Any])
        #expect(events > 0)
    }

    /// Seed steps that end inside the first episode (8 of Reach's 16 steps): the pretraining burst waits for that
    /// episode to be stored, then runs in full, and the event says when. It used to be reported and skipped.
    @Test func pretrainingWaitsForTheFirstEpisodeWhenTheSeedStepsEndInsideIt() throws {
        let dir = Self.temporaryDirectory("late-pretraining")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Self.makeTrainer(dir, steps: 32, seedSteps: 8)
        var bursts: [(step: Int, updates: Int)] = []
        let summary = try trainer.run { event in if case let .pretraining(step, updates) = event { bursts.append((step, updates)) } }
        #expect(bursts.map(\.step) == [16] && bursts.map(\.updates) == [20])
        #expect(summary.updates == 20 + 16)   // the burst, then one update per step from step 17 to 32
        #expect(trainer.agent.updateCount == summary.updates)
    }

    /// A new run in a directory with the logs of a run stopped before its first checkpoint is refused before it
    /// writes anything (it used to append, so the episodes appeared twice); no evaluation of zero episodes either.
    @Test func newRunRefusesStaleLogsAndZeroEvaluationEpisodes() throws {
        let dir = Self.temporaryDirectory("stale")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let stale = "step,episode,return,length,success\n16,0,-5,16,0\n"
        try Data(stale.utf8).write(to: dir.appendingPathComponent("episodes.csv"))
        let trainer = try Self.makeTrainer(dir, steps: 32)
        #expect(throws: TrainerError.staleLogs(directory: dir.path, files: ["episodes.csv"])) { try trainer.run() }
        #expect(try String(contentsOf: dir.appendingPathComponent("episodes.csv"), encoding: .utf8) == stale)
        #expect(trainer.completedSteps == 0 && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("updates.csv").path))
        #expect(TrainerError.staleLogs(directory: dir.path, files: ["episodes.csv"]).description.contains("nothing was started"))
        var t = Self.trainerConfiguration(steps: 32)
        t.evaluationEpisodes = 0
        #expect(throws: TrainerError.invalidConfiguration("evaluationEpisodes must be >= 1 (the mean return of no episodes is undefined), got 0")) {
            try t.validate()
        }
    }

    /// Every evaluation is announced with its progress (0 of n, then after each episode) before its result, so a
    /// progress display can count evaluation time; an evaluation of no episodes is refused (it reported a mean of 0).
    @Test func evaluationsReportTheirProgressAndNeedAnEpisode() throws {
        let dir = Self.temporaryDirectory("evaluating")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Self.makeTrainer(dir, steps: 128)   // evaluations at 64 and 128, 2 episodes each
        var seen: [String] = []
        _ = try trainer.run { event in
            switch event {
            case let .evaluating(step, finished, episodes): seen.append("\(step):\(finished)/\(episodes)")
            case .evaluation(let result): seen.append("\(result.step):done")
            default: break
            }
        }
        #expect(seen == ["64:0/2", "64:1/2", "64:2/2", "64:done", "128:0/2", "128:1/2", "128:2/2", "128:done"])
        #expect(throws: TrainerError.invalidConfiguration("evaluation episodes must be >= 1, got 0")) { try trainer.evaluate(episodes: 0, index: 1) }
    }

    @Test func shortTrainingBeatsARandomPolicy() throws {
        let dir = Self.temporaryDirectory("improve")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Self.makeTrainer(dir, steps: 320)
        try trainer.run()
        let trained = try trainer.evaluate(episodes: 8, index: 99)
        // The same 8 episodes with uniformly random actions.
        var env = OrderEnforcing(TimeLimit(Reach(), maxEpisodeSteps: 16))
        var g = SeededGenerator(seed: 1)
        var randomReturn = 0.0
        for k in 0..<8 {
            _ = try env.reset(seed: trainer.episodeSeed(k, evaluation: 99), options: [:])
            var done = false
            while !done {
                let step = try env.step(Tensor([2 * g.nextUniform() - 1]))
                randomReturn += Double(step.reward)
                done = step.isLast
            }
        }
        randomReturn /= 8
        // Reach's optimum is about -1 per episode; a random walk stays far from the goal.
        #expect(trained.meanReturn > randomReturn + 2, "trained \(trained.meanReturn), random \(randomReturn)")
    }

    @Test func targetReturnStopsTheRunAtTheFirstEvaluationThatReachesIt() throws {
        // Every evaluation return on Reach is at least -24 (|x - 0.5| <= 1.5 for 16 steps), so a
        // target of -100 is met by the first evaluation (step 64): the run stops there instead of running 320 steps.
        let dir = Self.temporaryDirectory("target")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Self.makeTrainer(dir, steps: 320, targetReturn: -100)
        let summary = try trainer.run()
        #expect(summary.targetReachedStep == 64 && summary.steps == 64 && summary.evaluations.count == 1)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint/trainer.json").path))
        // An unreachable target runs every step and records nothing.
        let dir2 = Self.temporaryDirectory("target2")
        defer { try? FileManager.default.removeItem(at: dir2) }
        let full = try Self.makeTrainer(dir2, steps: 128, targetReturn: 1).run()
        #expect(full.targetReachedStep == nil && full.steps == 128)
    }

    @Test func explorationFloorDecaysLinearlyAfterTheSeedSteps() throws {
        var t = Self.trainerConfiguration(steps: 400)
        #expect(t.explorationFloor(initial: 0.5, step: 300, seedSteps: 64) == 0.5)   // no schedule: fixed
        t.explorationDecay = ExplorationDecay(final: 0.1, steps: 264)
        #expect(t.explorationFloor(initial: 0.5, step: 10, seedSteps: 64) == 0.5)
        #expect(t.explorationFloor(initial: 0.5, step: 64, seedSteps: 64) == 0.5)
        #expect(abs(t.explorationFloor(initial: 0.5, step: 164, seedSteps: 64) - 0.3) < 1e-6)
        #expect(t.explorationFloor(initial: 0.5, step: 264, seedSteps: 64) == 0.1)
        #expect(t.explorationFloor(initial: 0.5, step: 1000, seedSteps: 64) == 0.1)
        // A schedule that ends with the seed steps jumps to its final floor there (and is never NaN before).
        t.explorationDecay = ExplorationDecay(final: 0.1, steps: 64)
        #expect(t.explorationFloor(initial: 0.5, step: 10, seedSteps: 64) == 0.5)
        #expect(t.explorationFloor(initial: 0.5, step: 64, seedSteps: 64) == 0.1)
        t.learningRateDecay = LearningRateDecay(final: 0.3, steps: 64)
        #expect(t.learningRateFactor(step: 10, seedSteps: 64) == 1)
        #expect(t.learningRateFactor(step: 64, seedSteps: 64) == 0.3)
        t.learningRateDecay = nil
        // Decoded from a run file; bad values are refused by name.
        let decoded = try JSONDecoder().decode(TrainerConfiguration.self, from: Data(#"{"explorationDecay": {"final": 0.05, "steps": 5000}}"#.utf8))
        #expect(decoded.explorationDecay == ExplorationDecay(final: 0.05, steps: 5000))
        t.explorationDecay = ExplorationDecay(final: 0, steps: 100)
        #expect(throws: TrainerError.invalidConfiguration("explorationDecay.final must be a positive number, got 0.0")) { try t.validate() }
    }

    @Test func learningRateDecaysLinearlyAfterTheSeedSteps() throws {
        var t = Self.trainerConfiguration(steps: 400)
        #expect(t.learningRateFactor(step: 300, seedSteps: 64) == 1)   // no schedule: constant
        t.learningRateDecay = LearningRateDecay(final: 0.2, steps: 264)
        #expect(t.learningRateFactor(step: 10, seedSteps: 64) == 1)
        #expect(t.learningRateFactor(step: 64, seedSteps: 64) == 1)
        #expect(abs(t.learningRateFactor(step: 164, seedSteps: 64) - 0.6) < 1e-6)
        #expect(t.learningRateFactor(step: 264, seedSteps: 64) == 0.2)
        #expect(t.learningRateFactor(step: 1000, seedSteps: 64) == 0.2)
        let decoded = try JSONDecoder().decode(TrainerConfiguration.self, from: Data(#"{"learningRateDecay": {"final": 0.1, "steps": 10000}}"#.utf8))
        #expect(decoded.learningRateDecay == LearningRateDecay(final: 0.1, steps: 10000))
        t.learningRateDecay = LearningRateDecay(final: 1.5, steps: 100)
        #expect(throws: TrainerError.invalidConfiguration("learningRateDecay.final must be in [0, 1] (a fraction of the learning rate), got 1.5")) {
            try t.validate()
        }
        t.learningRateDecay = LearningRateDecay(final: 0.5, steps: 0)
        #expect(throws: TrainerError.invalidConfiguration("learningRateDecay.steps must be >= 1, got 0")) { try t.validate() }
    }

    /// The trainer sets both optimizers' rate from the schedule, the pretraining burst runs at the full rate, and
    /// a resumed trainer continues at the rate the run reached.
    @Test func trainerDecaysBothLearningRates() throws {
        let dir = Self.temporaryDirectory("lr-decay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let decay = LearningRateDecay(final: 0.25, steps: 80)
        let trainer = try Self.makeTrainer(dir, steps: 96, learningRateDecay: decay)
        let base = trainer.agent.configuration.learningRate
        var pretrainingRate: Float?
        try trainer.run { event in
            if case .pretraining = event { pretrainingRate = trainer.agent.modelOptimizer.learningRate }
        }
        #expect(pretrainingRate == base)
        #expect(trainer.agent.modelOptimizer.learningRate == base * 0.25)
        #expect(trainer.agent.policyOptimizer.learningRate == base * 0.25)
        let resumed = try Self.makeTrainer(dir, steps: 96, learningRateDecay: decay)
        try resumed.resume()
        #expect(resumed.agent.modelOptimizer.learningRate == base * 0.25)
        // Without a schedule the rate stays the configured one.
        let dir2 = Self.temporaryDirectory("lr-constant")
        defer { try? FileManager.default.removeItem(at: dir2) }
        let constant = try Self.makeTrainer(dir2, steps: 96)
        try constant.run()
        #expect(constant.agent.modelOptimizer.learningRate == base)
    }

    @Test func trainerAnnealsThePlannersFloorAndRefusesAFloorAboveOneForDiscreteActions() throws {
        let dir = Self.temporaryDirectory("decay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Self.makeTrainer(dir, steps: 96, discrete: true, explorationDecay: ExplorationDecay(final: 0.4, steps: 80))
        #expect(trainer.agent.categoricalPlanner?.configuration.minStd == trainer.agent.configuration.planner.minStd)
        try trainer.run()
        #expect(trainer.agent.categoricalPlanner?.configuration.minStd == 0.4)
        #expect(trainer.agent.configuration.planner.minStd == 0.05)
        // A trainer that resumes the run (as `foresight evaluate` does) plans with the floor the run reached.
        let resumed = try Self.makeTrainer(dir, steps: 96, discrete: true, explorationDecay: ExplorationDecay(final: 0.4, steps: 80))
        try resumed.resume()
        #expect(resumed.agent.categoricalPlanner?.configuration.minStd == 0.4)
        let dir2 = Self.temporaryDirectory("decay2")
        defer { try? FileManager.default.removeItem(at: dir2) }
        #expect(throws: TrainerError.self) { try Self.makeTrainer(dir2, steps: 96, discrete: true, explorationDecay: ExplorationDecay(final: 1.5, steps: 80)) }
    }

    @Test func resumedRunEqualsUninterruptedRun() throws {
        lockThreadCount(); defer { unlockThreadCount() }
        BLAS.setThreadCount(1)
        let straight = Self.temporaryDirectory("straight"), split = Self.temporaryDirectory("split")
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: split) }
        let a = try Self.makeTrainer(straight, steps: 160)
        let summaryA = try a.run()
        let first = try Self.makeTrainer(split, steps: 96)
        _ = try first.run()
        let second = try Self.makeTrainer(split, steps: 160)
        try second.resume()
        #expect(second.completedSteps == 96)
        let summaryB = try second.run()
        // The resumed run also evaluated where it stopped (step 96); evaluations never change training.
        #expect(summaryA.evaluations == summaryB.evaluations.filter { $0.step != 96 })
        #expect(a.agent.model.stateDict() == second.agent.model.stateDict())
        let logA = try String(contentsOf: straight.appendingPathComponent("episodes.csv"), encoding: .utf8)
        let logB = try String(contentsOf: split.appendingPathComponent("episodes.csv"), encoding: .utf8)
        #expect(logA == logB)
    }

    @Test func nonFiniteLossStopsAndKeepsTheLastCheckpoint() throws {
        let dir = Self.temporaryDirectory("nan")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Rewards turn NaN after 100 steps of the training environment.
        let trainer = try Self.makeTrainer(dir, steps: 200, nanAfter: 100)
        #expect(throws: TrainerError.self) { try trainer.run() }
        let restarted = try Self.makeTrainer(dir, steps: 200)
        try restarted.resume()
        #expect(restarted.completedSteps > 0 && restarted.completedSteps <= 112)
        #expect(restarted.agent.model.parameters.allSatisfy { $0.value.scalars.allSatisfy(\.isFinite) })
    }

    @Test func brokenCheckpointIsRefusedWithAClearError() throws {
        let dir = Self.temporaryDirectory("broken")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.makeTrainer(dir, steps: 64).run()
        let agentFile = dir.appendingPathComponent("checkpoint/agent.safetensors")
        var data = try Data(contentsOf: agentFile)
        data = data.prefix(data.count / 2)
        try data.write(to: agentFile)
        let trainer = try Self.makeTrainer(dir, steps: 64)
        #expect(throws: (any Error).self) { try trainer.resume() }
        // A checkpoint of another configuration is refused by the agent.
        _ = try Self.makeTrainer(Self.temporaryDirectory("other"), steps: 1)
        var c = Self.agentConfiguration(); c.latentDimensions = 24
        let other = try TDMPC2Agent(configuration: c, seed: 1)
        let good = try TDMPC2Agent(configuration: Self.agentConfiguration(), seed: 1)
        let file = Self.temporaryDirectory("agent").appendingPathExtension("safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try good.save(to: file)
        #expect(throws: AgentError.self) { try other.load(from: file) }
        // Explicit defaults and unset optional settings build the same agent: the checkpoint loads either way.
        var explicit = Self.agentConfiguration()
        explicit.pixelReadout = .flatten; explicit.pixelOffset = 0.5; explicit.routing.currentRewardZeroInitialized = true
        #expect(throws: Never.self) { try TDMPC2Agent(configuration: explicit, seed: 2).load(from: file) }
        explicit.pixelOffset = 0
        #expect(throws: AgentError.self) { try TDMPC2Agent(configuration: explicit, seed: 2).load(from: file) }
    }

    /// Values read from a checkpoint are checked like user input: a bad Adam step count, update count, episode index
    /// or log size is refused with the file, the field and the value (each used to trap), and neither the checkpoint
    /// nor the logs change.
    @Test func outOfRangeCheckpointValuesAreRefusedByFileFieldAndValue() throws {
        let dir = Self.temporaryDirectory("bad-values")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.makeTrainer(dir, steps: 64).run()
        let agentURL = dir.appendingPathComponent("checkpoint/agent.safetensors"), stateURL = dir.appendingPathComponent("checkpoint/trainer.json")
        let (agentData, stateData) = (try Data(contentsOf: agentURL), try Data(contentsOf: stateURL))
        let logURL = dir.appendingPathComponent("updates.csv")
        let logData = try Data(contentsOf: logURL)
        func agentFile(_ change: (inout [String: Tensor], inout [String: String]) -> Void) throws -> Data {
            var (tensors, metadata) = try SafeTensors.loadData(agentData)
            change(&tensors, &metadata)
            let file = Self.temporaryDirectory("agent").appendingPathExtension("safetensors")
            defer { try? FileManager.default.removeItem(at: file) }
            try SafeTensors.save(tensors, metadata: metadata, to: file)
            return try Data(contentsOf: file)
        }
        func stateFile(_ change: (inout TrainerState) -> Void) throws -> Data {
            var state = try JSONDecoder().decode(TrainerState.self, from: stateData)
            change(&state)
            return try JSONEncoder().encode(state)
        }
        var cases: [(agent: Data, state: Data, needles: [String])] = []
        for (key, value) in [("optim.model.step", Float.nan), ("optim.model.step", .infinity), ("optim.model.step", -.infinity),
                             ("optim.model.step", 1e30), ("optim.policy.step", .nan)] {
            cases.append((try agentFile { t, _ in t[key] = Tensor(value) }, stateData, ["agent.safetensors", "\"\(key)\"", "\(value)"]))
        }
        cases.append((try agentFile { _, m in m["update_count"] = "\(Int.max)" }, stateData, ["agent.safetensors", "update_count", "\(Int.max)"]))
        cases.append((agentData, try stateFile { $0.episode = -3 }, ["trainer.json", "\"episode\"", "-3"]))
        cases.append((agentData, try stateFile { $0.logSizes["updates"] = [UInt64.max, 0] }, ["trainer.json", "logSizes.updates", "\(UInt64.max)"]))
        for (agent, state, needles) in cases {
            try agent.write(to: agentURL)
            try state.write(to: stateURL)
            let trainer = try Self.makeTrainer(dir, steps: 128)
            do {
                try trainer.resume()
                Issue.record("accepted a checkpoint with \(needles)")
            } catch {
                let message = "\(error)"
                #expect(needles.allSatisfy(message.contains), "\(message) lacks one of \(needles)")
            }
            #expect(trainer.completedSteps == 0)
            #expect(try Data(contentsOf: agentURL) == agent && Data(contentsOf: stateURL) == state && Data(contentsOf: logURL) == logData)
        }
    }

    @Test func discreteActionsTrainWithTheCategoricalPlanner() throws {
        let dir = Self.temporaryDirectory("discrete")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Self.makeTrainer(dir, steps: 96, discrete: true)
        let summary = try trainer.run()
        #expect(summary.steps == 96 && summary.updates > 0)
        let action = trainer.agent.act(Tensor([0, 0.5]), isFirstStep: true, mode: .explore)
        #expect(action.shape == [3] && action.scalars.filter { $0 == 1 }.count == 1 && action.sum().scalar == 1)
    }
}

/// `Trainer.evaluationProbe`: measurements at every periodic evaluation, logged next to the evaluations.
@Suite(.serialized) struct EvaluationProbeTests {
    /// A probe that reads the weights: the sum of the encoder's absolute weights, and a constant.
    static func probe(name: String = "probe", extraValue: Bool = false) -> EvaluationProbe {
        EvaluationProbe(name: name, columns: ["weight_sum", "constant"]) { agent in
            let sum = agent.model.encoder.stateDict().values.reduce(0.0) { $0 + $1.scalars.reduce(0.0) { $0 + Double(Swift.abs($1)) } }
            return [sum, 7] + (extraValue ? [1] : [])
        }
    }

    static func rows(_ url: URL) throws -> [Substring] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    }

    @Test func probeIsLoggedPerEvaluationLeavesTrainingAloneAndResumes() throws {
        lockThreadCount(); defer { unlockThreadCount() }
        BLAS.setThreadCount(1)
        let plain = TrainerTests.temporaryDirectory("plain"), straight = TrainerTests.temporaryDirectory("probe"),
            split = TrainerTests.temporaryDirectory("probe-split")
        defer { for d in [plain, straight, split] { try? FileManager.default.removeItem(at: d) } }
        let without = try TrainerTests.makeTrainer(plain, steps: 160)
        let summaryWithout = try without.run()
        let with = try TrainerTests.makeTrainer(straight, steps: 160)
        with.evaluationProbe = Self.probe()
        let summary = try with.run()
        // Measuring never changes training: the same weights and returns as without a probe.
        #expect(with.agent.model.stateDict() == without.agent.model.stateDict())
        #expect(summary.evaluations.map(\.meanReturn) == summaryWithout.evaluations.map(\.meanReturn))
        #expect(summaryWithout.evaluations.allSatisfy { $0.probe == nil })
        // One row per evaluation, the values in the evaluation results too.
        let rows = try Self.rows(straight.appendingPathComponent("probe.csv"))
        #expect(rows.first == "step,weight_sum,constant" && rows.count == 1 + summary.evaluations.count)
        #expect(rows.dropFirst().map { $0.split(separator: ",").first.map(String.init) } == summary.evaluations.map { "\($0.step)" })
        for e in summary.evaluations {
            let values = try #require(e.probe)
            #expect(values["constant"] == 7 && (values["weight_sum"] ?? 0) > 0)
        }
        #expect(Set(summary.evaluations.compactMap { $0.probe?["weight_sum"] }).count == summary.evaluations.count)   // weights change
        #expect(try Self.rows(straight.appendingPathComponent("probe.jsonl")).count == summary.evaluations.count)

        // Stopped at 96, a row written after that checkpoint (a run killed mid-way) is dropped on resume.
        let first = try TrainerTests.makeTrainer(split, steps: 96)
        first.evaluationProbe = Self.probe()
        _ = try first.run()
        try RunLog.appendText("999,1,1\n", to: split.appendingPathComponent("probe.csv"))
        let second = try TrainerTests.makeTrainer(split, steps: 160)
        second.evaluationProbe = Self.probe()
        try second.resume()
        let resumed = try second.run()
        let splitRows = try Self.rows(split.appendingPathComponent("probe.csv"))
        #expect(!splitRows.contains("999,1,1"))
        // The resumed run also evaluated at 96, where it stopped; the other rows equal the uninterrupted run's.
        #expect(splitRows.filter { !$0.hasPrefix("96,") } == rows)
        #expect(resumed.evaluations.filter { $0.step != 96 } == summary.evaluations)
    }

    @Test func badProbesAreRefusedByName() throws {
        for (probe, needle) in [(Self.probe(name: "updates"), "\"updates\""), (Self.probe(name: "a/b"), "\"a/b\""),
                                (Self.probe(extraValue: true), "returned 3 values for 2 columns")] {
            let dir = TrainerTests.temporaryDirectory("bad-probe")
            defer { try? FileManager.default.removeItem(at: dir) }
            let trainer = try TrainerTests.makeTrainer(dir, steps: 64)
            trainer.evaluationProbe = probe
            do {
                _ = try trainer.run()
                Issue.record("\(probe.name) was accepted")
            } catch let TrainerError.invalidConfiguration(message) {
                #expect(message.contains(needle), "\(message)")
            }
        }
    }
}
