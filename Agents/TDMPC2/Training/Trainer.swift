// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ImageIO
import NN
import RLCore

// MARK: - Events and results

/// One evaluation: `episodes` episodes with `.evaluate` actions.
public struct EvaluationResult: Codable, Equatable, Sendable {
    public var step: Int
    public var meanReturn: Double
    public var returns: [Double]
    public var meanLength: Double
    /// Fraction of episodes whose last step reported `success == 1` (nil when the environment reports none).
    public var successRate: Double?
    /// The trainer's ``EvaluationProbe`` measurements at this evaluation, by column (finite values only; nil
    /// without a probe).
    public var probe: [String: Double]? = nil

    public init(step: Int, meanReturn: Double, returns: [Double], meanLength: Double, successRate: Double? = nil, probe: [String: Double]? = nil) {
        self.step = step
        self.meanReturn = meanReturn
        self.returns = returns
        self.meanLength = meanLength
        self.successRate = successRate
        self.probe = probe
    }
}

/// Measurements of the agent taken at every periodic evaluation besides its returns: for example what its
/// encoder has learned so far (ForesightKit installs the counting study's representation metrics on the counting
/// tasks). The trainer writes them to `name.csv` and `name.jsonl` in the run directory, one row per evaluation
/// (`step`, then `columns`), truncates both with the other logs when a run resumes, and adds them to the
/// ``EvaluationResult``. `measure` must not draw from the agent's generators or change its weights, so a run
/// trains identically with or without a probe.
public struct EvaluationProbe {
    /// The log files' name (`name.csv`, `name.jsonl`); letters, digits, `-` and `_`.
    public var name: String
    /// Column names of the values `measure` returns, in order.
    public var columns: [String]
    public var measure: (TDMPC2Agent) throws -> [Double]

    public init(name: String, columns: [String], measure: @escaping (TDMPC2Agent) throws -> [Double]) {
        self.name = name
        self.columns = columns
        self.measure = measure
    }
}

/// What the trainer reports while it runs (the CLI draws progress from these; the library never prints).
public enum TrainerEvent {
    /// The pretraining burst starts at environment step `step`: the end of the seed steps, or the end of the first
    /// episode long enough to sample when the seed steps end inside it.
    case pretraining(step: Int, updates: Int)
    case update(step: Int, update: Int, metrics: UpdateMetrics)
    case episode(step: Int, index: Int, episodeReturn: Double, length: Int, success: Bool?)
    /// A periodic or final evaluation at environment step `step` has finished `finishedEpisodes` of its `episodes`
    /// episodes (sent with 0 when it starts and after every episode), so progress can include evaluation time.
    case evaluating(step: Int, finishedEpisodes: Int, episodes: Int)
    case evaluation(EvaluationResult)
    case checkpoint(step: Int)
}

/// The run's summary, also written to `summary.json`.
public struct TrainingSummary: Codable, Equatable, Sendable {
    public var environment: String
    public var seed: UInt64
    public var steps: Int
    public var updates: Int
    public var episodes: Int
    public var finalEvaluationReturn: Double?
    public var bestEvaluationReturn: Double?
    public var successRate: Double?
    public var wallClockSeconds: Double
    public var stepsPerSecond: Double
    /// The first evaluation step whose mean return reached the configured `targetReturn` (nil if none was set or reached).
    public var targetReachedStep: Int? = nil
    public var evaluations: [EvaluationResult]
}

/// The trainer's counters and generator, saved with every checkpoint.
struct TrainerState: Codable, Equatable {
    var step = 0, episode = 0, updates = 0
    var isPretrained = false
    var lastCheckpointStep = 0
    var nextEvaluationStep = 0
    var evaluations: [EvaluationResult] = []
    var generator: SeededGenerator
    var elapsedSeconds: Double = 0
    var logSizes: [String: [UInt64]] = [:]
}

// MARK: - Trainer

/// TD-MPC2's online training loop: random actions for the seed steps, a pretraining burst, then
/// updates every environment step; periodic evaluation; logs, learning curve, checkpoints and
/// exact resumption.
///
/// Determinism: every episode starts with `reset(seed:)` from a seed derived from the run seed and
/// the episode index, and checkpoints are written at episode ends together with every generator,
/// so a resumed run continues exactly as one that was never stopped (same thread count).
public final class Trainer {
    public let configuration: TrainerConfiguration
    public let agent: TDMPC2Agent
    public let runDirectory: URL
    public let environmentID: String
    public let adapter: ActionAdapter
    public let episodeLength: Int
    public internal(set) var buffer: EpisodeReplayBuffer
    var environment: any Environment<Tensor, Tensor>
    var evaluationEnvironment: any Environment<Tensor, Tensor>
    var state: TrainerState
    let updateLog: RunLog, episodeLog: RunLog, evaluationLog: RunLog
    /// The log of ``evaluationProbe`` (nil without one).
    var probeLog: RunLog? { evaluationProbe.map { RunLog(directory: runDirectory, name: $0.name, columns: ["step"] + $0.columns) } }
    /// Measured at every periodic evaluation (not by ``evaluate(episodes:index:)`` alone); set it before
    /// ``run(onEvent:)`` and before ``resume()``, so that resuming truncates its log too.
    /// ``run(onEvent:)`` refuses a name other than letters, digits, `-` and `_`, one of the trainer's own logs, or
    /// a probe without columns.
    public var evaluationProbe: EvaluationProbe?

    /// - Parameters:
    ///   - makeEnvironment: builds a fresh environment (called twice: training and evaluation).
    ///   - episodeLength: the environment's step limit (seed steps and logs use it).
    /// - Throws: ``TrainerError`` for a bad configuration or action space; file-system errors.
    public init(configuration: TrainerConfiguration, agent: TDMPC2Agent, environmentID: String, episodeLength: Int,
                runDirectory: URL, makeEnvironment: () throws -> any Environment<Tensor, Tensor>) throws {
        try configuration.validate()
        self.configuration = configuration
        self.agent = agent
        self.environmentID = environmentID
        self.episodeLength = episodeLength
        self.runDirectory = runDirectory
        environment = try makeEnvironment()
        evaluationEnvironment = try makeEnvironment()
        adapter = try ActionAdapter(environment.actionSpace)
        guard adapter.agentDimensions == agent.configuration.actionDimensions else {
            throw TrainerError.invalidConfiguration("the agent acts in \(agent.configuration.actionDimensions) dimensions, the environment needs \(adapter.agentDimensions)")
        }
        if let d = configuration.explorationDecay {
            let (limit, what) = agent.configuration.discreteActionCount != nil
                ? (Float(1), "the uniform mixing weight of discrete actions") : (agent.configuration.planner.maxStd, "planner.maxStd")
            guard d.final <= limit else {
                throw TrainerError.invalidConfiguration("explorationDecay.final must be at most \(limit) (\(what)), got \(d.final)")
            }
        }
        buffer = EpisodeReplayBuffer(capacity: configuration.bufferCapacity)
        state = TrainerState(generator: SeededGenerator(seed: configuration.seed ^ 0x5EED_7A11))
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        updateLog = RunLog(directory: runDirectory, name: "updates", columns: ["step", "update"] + UpdateMetrics().named.map(\.name))
        episodeLog = RunLog(directory: runDirectory, name: "episodes", columns: ["step", "episode", "return", "length", "success"])
        evaluationLog = RunLog(directory: runDirectory, name: "evaluations", columns: ["step", "mean_return", "mean_length", "success_rate"])
    }

    var seedSteps: Int { configuration.effectiveSeedSteps(episodeLength: episodeLength) }

    /// Environment steps taken so far (restored by `resume()`).
    public var currentStep: Int { state.step }

    /// The reset seed of training episode `index` (or evaluation episode when `evaluation`).
    func episodeSeed(_ index: Int, evaluation: Int? = nil) -> UInt64 {
        var g = SeededGenerator(seed: configuration.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64((evaluation ?? -1) + 1) &* 0xD1B5_4A32_D192_ED03)
        return g.next()
    }

    /// Sets the planners' exploration floor (``TrainerConfiguration/explorationDecay``) and the optimizers' learning
    /// rate (``TrainerConfiguration/learningRateDecay``) for the current step; also after `resume()`, so that a
    /// resumed run continues with the floor and rate the run had reached.
    func applySchedules() {
        if configuration.learningRateDecay != nil {
            let rate = agent.configuration.learningRate * configuration.learningRateFactor(step: state.step, seedSteps: seedSteps)
            agent.modelOptimizer.learningRate = rate
            agent.policyOptimizer.learningRate = rate
        }
        guard configuration.explorationDecay != nil else { return }
        agent.setExplorationFloor(configuration.explorationFloor(initial: agent.configuration.planner.minStd, step: state.step, seedSteps: seedSteps))
    }

    /// The auxiliary value of an observation from its info (0 when absent).
    func stateValue(_ info: [String: Double]) -> Float { Float(info[configuration.stateValueKey] ?? 0) }

    // MARK: Loop

    /// Trains until `configuration.steps` environment steps, resuming from the counters in place.
    /// - Throws: ``TrainerError/nonFiniteLoss(step:update:metric:)`` (the last checkpoint stays intact),
    ///   ``TrainerError/staleLogs(directory:files:)`` for a new run in a directory with a stopped run's logs,
    ///   environment errors, and file-system errors.
    @discardableResult
    public func run(onEvent: (TrainerEvent) -> Void = { _ in }) throws -> TrainingSummary {
        var clock = ContinuousClock.now
        func tick() { let now = ContinuousClock.now; state.elapsedSeconds += Self.seconds(now - clock); clock = now }
        if let probe = evaluationProbe {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
            guard !probe.name.isEmpty, probe.name.allSatisfy(allowed.contains), !["updates", "episodes", "evaluations"].contains(probe.name),
                  !probe.columns.isEmpty else {
                throw TrainerError.invalidConfiguration("evaluation probe \"\(probe.name)\" with \(probe.columns.count) columns: expected a name of letters, digits, - and _ other than updates, episodes and evaluations, and at least one column")
            }
        }
        try refuseStaleLogs()
        if state.step == 0 && state.nextEvaluationStep == 0 { state.nextEvaluationStep = configuration.evaluationInterval }
        while state.step < configuration.steps && targetReachedStep == nil {
            var (observation, info) = try environment.reset(seed: episodeSeed(state.episode), options: [:])
            var recorder = EpisodeRecorder(firstObservation: observation, actionDimensions: adapter.agentDimensions, stateValue: stateValue(info))
            var episodeReturn = 0.0, success: Bool? = nil, done = false
            while !done && state.step < configuration.steps {
                applySchedules()
                let action = state.step < seedSteps
                    ? adapter.randomAction(using: &state.generator)
                    : agent.act(observation, isFirstStep: recorder.length == 0, mode: .explore)
                let step = try environment.step(adapter.environmentAction(action))
                recorder.append(action: action, reward: step.reward, terminated: step.isTerminated, nextObservation: step.observation,
                                stateValue: stateValue(step.info))
                episodeReturn += Double(step.reward)
                if let s = step.info["success"] { success = s == 1 }
                observation = step.observation
                done = step.isLast
                state.step += 1
                if state.step >= seedSteps { try train(onEvent: onEvent) }
            }
            if let episode = recorder.episode() { buffer.append(episode) }
            // Seed steps that ended inside this episode: the pretraining burst runs now that an episode is stored.
            if !state.isPretrained && state.step >= seedSteps { try train(onEvent: onEvent) }
            try episodeLog.append([Double(state.step), Double(state.episode), episodeReturn, Double(recorder.length), success.map { $0 ? 1 : 0 }])
            onEvent(.episode(step: state.step, index: state.episode, episodeReturn: episodeReturn, length: recorder.length, success: success))
            state.episode += 1
            if state.step >= state.nextEvaluationStep || state.step >= configuration.steps {
                tick()
                let (evaluationStep, episodes) = (state.step, configuration.evaluationEpisodes)
                var result = try evaluate(episodes: episodes, index: state.step) {
                    onEvent(.evaluating(step: evaluationStep, finishedEpisodes: $0, episodes: episodes))
                }
                if let probe = evaluationProbe, let probeLog {
                    let values = try probe.measure(agent)
                    guard values.count == probe.columns.count else {
                        throw TrainerError.invalidConfiguration("evaluation probe \(probe.name) returned \(values.count) values for \(probe.columns.count) columns")
                    }
                    result.probe = Dictionary(uniqueKeysWithValues: zip(probe.columns, values).filter { $0.1.isFinite })
                    try probeLog.append([Double(result.step)] + values)
                }
                state.evaluations.append(result)
                try evaluationLog.append([Double(result.step), result.meanReturn, result.meanLength, result.successRate])
                onEvent(.evaluation(result))
                while state.nextEvaluationStep <= state.step { state.nextEvaluationStep += configuration.evaluationInterval }
                try writeLearningCurve()
            }
            if state.step - state.lastCheckpointStep >= configuration.checkpointInterval || state.step >= configuration.steps
                || targetReachedStep != nil {
                tick()
                try saveCheckpoint()
                onEvent(.checkpoint(step: state.step))
            }
        }
        tick()
        let summary = makeSummary()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: runDirectory.appendingPathComponent("summary.json"), options: .atomic)
        return summary
    }

    /// The pretraining burst at the end of the seed steps, then `updatesPerStep` updates per step. Updates need a
    /// finished episode of at least `horizon` transitions in the buffer: until one is there (seed steps that end
    /// inside the first episode), no update is done and the burst waits for it.
    func train(onEvent: (TrainerEvent) -> Void) throws {
        let c = agent.configuration
        guard buffer.episodes.contains(where: { $0.length >= c.horizon }) else { return }
        var count = configuration.updatesPerStep
        if !state.isPretrained {
            count = configuration.pretrainingUpdates ?? seedSteps
            state.isPretrained = true
            onEvent(.pretraining(step: state.step, updates: count))
        }
        for _ in 0..<count {
            let batch = try buffer.sample(batchSize: c.batchSize, horizon: c.horizon, tdSteps: c.resolvedTDSteps, discount: c.discount,
                                          using: &state.generator)
            let metrics = agent.update(batch)
            state.updates += 1
            guard metrics.isFinite else {
                let bad = metrics.named.first { !$0.value.isFinite }?.name ?? "loss"
                throw TrainerError.nonFiniteLoss(step: state.step, update: state.updates, metric: bad)
            }
            if state.updates % configuration.updateLogInterval == 0 {
                try updateLog.append([Double(state.step), Double(state.updates)] + metrics.named.map(\.value))
                onEvent(.update(step: state.step, update: state.updates, metrics: metrics))
            }
        }
    }

    /// Runs `episodes` evaluation episodes (no exploration noise) on the evaluation environment.
    ///
    /// Evaluation draws from its own generator (derived from the run seed and `index`) and restores
    /// the agent's acting state afterwards, so evaluating never changes the training trajectory.
    /// - Parameters:
    ///   - episodes: at least 1.
    ///   - index: keys the evaluation seeds (the trainer passes the environment step).
    ///   - onEpisode: called with the number of finished episodes, 0 before the first.
    /// - Throws: ``TrainerError/invalidConfiguration(_:)`` for fewer than one episode (a mean of no returns is no
    ///   result), and what the environment throws.
    public func evaluate(episodes: Int, index: Int, onEpisode: (Int) -> Void = { _ in }) throws -> EvaluationResult {
        guard episodes >= 1 else { throw TrainerError.invalidConfiguration("evaluation episodes must be >= 1, got \(episodes)") }
        onEpisode(0)
        let savedGenerator = agent.actingGenerator, savedPlanner = agent.planner, savedCategorical = agent.categoricalPlanner
        agent.actingGenerator = SeededGenerator(seed: episodeSeed(index, evaluation: 1 << 20))
        defer { agent.actingGenerator = savedGenerator; agent.planner = savedPlanner; agent.categoricalPlanner = savedCategorical }
        var returns: [Double] = [], lengths: [Double] = [], successes: [Double] = []
        for k in 0..<episodes {
            var (observation, _) = try evaluationEnvironment.reset(seed: episodeSeed(k, evaluation: index), options: [:])
            var total = 0.0, length = 0, done = false, success: Double? = nil
            while !done {
                let action = agent.act(observation, isFirstStep: length == 0, mode: .evaluate)
                let step = try evaluationEnvironment.step(adapter.environmentAction(action))
                total += Double(step.reward)
                length += 1
                observation = step.observation
                if let s = step.info["success"] { success = s }
                done = step.isLast
            }
            returns.append(total)
            lengths.append(Double(length))
            if let success { successes.append(success == 1 ? 1 : 0) }
            onEpisode(k + 1)
        }
        let mean = { (xs: [Double]) in xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        return EvaluationResult(step: state.step, meanReturn: mean(returns), returns: returns, meanLength: mean(lengths),
                                successRate: successes.count == episodes && episodes > 0 ? mean(successes) : nil)
    }

    /// The first evaluation step that reached `targetReturn`.
    var targetReachedStep: Int? {
        guard let target = configuration.targetReturn else { return nil }
        return state.evaluations.first { $0.meanReturn >= target }?.step
    }

    func makeSummary() -> TrainingSummary {
        let seconds = state.elapsedSeconds
        return TrainingSummary(environment: environmentID, seed: configuration.seed, steps: state.step, updates: state.updates,
                               episodes: state.episode, finalEvaluationReturn: state.evaluations.last?.meanReturn,
                               bestEvaluationReturn: state.evaluations.map(\.meanReturn).max(), successRate: state.evaluations.last?.successRate,
                               wallClockSeconds: seconds, stepsPerSecond: seconds > 0 ? Double(state.step) / seconds : 0,
                               targetReachedStep: targetReachedStep, evaluations: state.evaluations)
    }

    /// `learning_curve.svg`: evaluation returns over environment steps.
    func writeLearningCurve() throws {
        var chart = SVGChart(title: "\(environmentID): evaluation return", xLabel: "environment steps", yLabel: "mean return")
        chart.series.append(.init(name: "evaluation", points: state.evaluations.map { (Double($0.step), $0.meanReturn) }, color: SVGChart.color(0)))
        try chart.write(to: runDirectory.appendingPathComponent("learning_curve.svg"))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
