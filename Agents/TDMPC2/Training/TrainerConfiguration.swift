// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import NN
import RLCore

// MARK: - Trainer configuration

/// The online training loop's settings (TD-MPC2 `trainer/online_trainer.py`).
public struct TrainerConfiguration: Codable, Equatable, Sendable {
    /// Environment steps (agent decisions) to train for.
    public var steps = 10_000
    /// Steps of uniformly random actions before the agent acts; `nil` is TD-MPC2's
    /// `max(1000, 5 · episodeLength)`, capped at half the run.
    public var seedSteps: Int? = nil
    /// Gradient updates when the seed steps end (TD-MPC2: as many as seed steps); `nil` = seed steps.
    public var pretrainingUpdates: Int? = nil
    /// Gradient updates per environment step afterwards (TD-MPC2: 1).
    public var updatesPerStep = 1
    /// Evaluate every this many environment steps (and at the end).
    public var evaluationInterval = 2_000
    public var evaluationEpisodes = 10
    /// Write a checkpoint at the first episode end after this many steps since the last one (and at the end).
    public var checkpointInterval = 2_000
    /// Log every this many updates to `updates.csv` / `updates.jsonl`.
    public var updateLogInterval = 10
    public var seed: UInt64 = 1
    public var bufferCapacity = 1_000_000
    /// The info key holding each observation's auxiliary value (the P-JEPA current-reward target).
    public var stateValueKey = "success"
    /// Stop once an evaluation's mean return reaches this (nil: always run all `steps`). The summary then
    /// records the step at which it was reached; a resumed run that already reached it does not continue.
    public var targetReturn: Double? = nil
    /// Anneals the planner's exploration floor (the agent's `planner.minStd`: the sampling std floor for
    /// continuous actions, the uniform mixing weight for discrete ones) linearly from its configured value when the
    /// seed steps end to `final` at environment step `steps`, like DQN's epsilon schedule (Mnih et al. 2015).
    /// `nil` keeps the floor fixed (TD-MPC2).
    public var explorationDecay: ExplorationDecay? = nil
    /// Decays both optimizers' learning rate linearly from the agent's `learningRate` when the seed steps end
    /// to `final` times it at environment step `steps`, constant after (the pretraining burst runs at the full
    /// rate). Smaller late updates settle a policy whose evaluations swing between updates. `nil` keeps the rate
    /// constant (TD-MPC2).
    public var learningRateDecay: LearningRateDecay? = nil

    public init() {}

    /// The keys of its JSON form, for configuration readers that refuse unknown keys.
    public static var keys: [String] { CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case steps, seedSteps, pretrainingUpdates, updatesPerStep, evaluationInterval, evaluationEpisodes, checkpointInterval
        case updateLogInterval, seed, bufferCapacity, stateValueKey, targetReturn, explorationDecay, learningRateDecay
    }

    /// Decodes settings in which any key may be left out (its default applies).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainerConfiguration()
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
        seedSteps = try c.decodeIfPresent(Int.self, forKey: .seedSteps)
        pretrainingUpdates = try c.decodeIfPresent(Int.self, forKey: .pretrainingUpdates)
        updatesPerStep = try c.decodeIfPresent(Int.self, forKey: .updatesPerStep) ?? d.updatesPerStep
        evaluationInterval = try c.decodeIfPresent(Int.self, forKey: .evaluationInterval) ?? d.evaluationInterval
        evaluationEpisodes = try c.decodeIfPresent(Int.self, forKey: .evaluationEpisodes) ?? d.evaluationEpisodes
        checkpointInterval = try c.decodeIfPresent(Int.self, forKey: .checkpointInterval) ?? d.checkpointInterval
        updateLogInterval = try c.decodeIfPresent(Int.self, forKey: .updateLogInterval) ?? d.updateLogInterval
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        bufferCapacity = try c.decodeIfPresent(Int.self, forKey: .bufferCapacity) ?? d.bufferCapacity
        stateValueKey = try c.decodeIfPresent(String.self, forKey: .stateValueKey) ?? d.stateValueKey
        targetReturn = try c.decodeIfPresent(Double.self, forKey: .targetReturn)
        explorationDecay = try c.decodeIfPresent(ExplorationDecay.self, forKey: .explorationDecay)
        learningRateDecay = try c.decodeIfPresent(LearningRateDecay.self, forKey: .learningRateDecay)
    }

    /// The seed steps used for a task whose episodes last `episodeLength` steps.
    public func effectiveSeedSteps(episodeLength: Int) -> Int {
        seedSteps ?? Swift.min(Swift.max(1000, 5 * episodeLength), steps / 2)
    }

    /// - Throws: ``TrainerError/invalidConfiguration(_:)`` naming the first bad value.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw TrainerError.invalidConfiguration(message) } }
        try check(steps >= 1, "steps must be >= 1, got \(steps)")
        try check((seedSteps ?? 0) >= 0, "seedSteps must be >= 0, got \(seedSteps ?? 0)")
        try check((pretrainingUpdates ?? 0) >= 0, "pretrainingUpdates must be >= 0, got \(pretrainingUpdates ?? 0)")
        try check(updatesPerStep >= 0, "updatesPerStep must be >= 0, got \(updatesPerStep)")
        try check(evaluationInterval >= 1, "evaluationInterval must be >= 1, got \(evaluationInterval)")
        try check(evaluationEpisodes >= 1, "evaluationEpisodes must be >= 1 (the mean return of no episodes is undefined), got \(evaluationEpisodes)")
        try check(checkpointInterval >= 1, "checkpointInterval must be >= 1, got \(checkpointInterval)")
        try check(updateLogInterval >= 1, "updateLogInterval must be >= 1, got \(updateLogInterval)")
        try check(bufferCapacity >= 1, "bufferCapacity must be >= 1, got \(bufferCapacity)")
        try check(targetReturn?.isFinite ?? true, "targetReturn must be a finite number, got \(targetReturn ?? 0)")
        if let d = explorationDecay {
            try check(d.final > 0 && d.final.isFinite, "explorationDecay.final must be a positive number, got \(d.final)")
            try check(d.steps >= 1, "explorationDecay.steps must be >= 1, got \(d.steps)")
        }
        if let d = learningRateDecay {
            try check(d.final >= 0 && d.final <= 1, "learningRateDecay.final must be in [0, 1] (a fraction of the learning rate), got \(d.final)")
            try check(d.steps >= 1, "learningRateDecay.steps must be >= 1, got \(d.steps)")
        }
    }

    /// The exploration floor at environment step `step`: `initial` until the seed steps end, then linear to
    /// `explorationDecay.final` at `explorationDecay.steps`, constant after.
    public func explorationFloor(initial: Float, step: Int, seedSteps: Int) -> Float {
        guard let d = explorationDecay else { return initial }
        return Self.linearSchedule(from: initial, to: d.final, endStep: d.steps, step: step, seedSteps: seedSteps)
    }

    /// `from` until the seed steps end, then linear to `to` at `endStep`, constant after. A schedule that ends at
    /// or before the end of the seed steps jumps to `to` there (the `max(_, 1)` keeps 0/0 out).
    static func linearSchedule(from initial: Float, to final: Float, endStep: Int, step: Int, seedSteps: Int) -> Float {
        guard step < endStep else { return final }
        let progress = Float(Swift.max(step - seedSteps, 0)) / Float(Swift.max(endStep - seedSteps, 1))
        return initial + (final - initial) * progress
    }

    /// The factor on the agent's learning rate at environment step `step`: 1 until the seed steps end, then
    /// linear to `learningRateDecay.final` at `learningRateDecay.steps`, constant after.
    public func learningRateFactor(step: Int, seedSteps: Int) -> Float {
        guard let d = learningRateDecay else { return 1 }
        return Self.linearSchedule(from: 1, to: d.final, endStep: d.steps, step: step, seedSteps: seedSteps)
    }
}

/// A linear schedule of the planner's exploration floor (see ``TrainerConfiguration/explorationDecay``).
public struct ExplorationDecay: Codable, Equatable, Sendable {
    /// The floor reached at `steps` and kept after.
    public var final: Float
    /// The environment step at which the floor reaches `final`.
    public var steps: Int

    public init(final: Float, steps: Int) { self.final = final; self.steps = steps }

    /// The keys of its JSON form.
    public static var keys: [String] { CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable { case final, steps }
}

/// A linear decay of the learning rate (see ``TrainerConfiguration/learningRateDecay``).
public struct LearningRateDecay: Codable, Equatable, Sendable {
    /// The fraction of the configured learning rate reached at `steps` and kept after, in [0, 1].
    public var final: Float
    /// The environment step at which the rate reaches `final` times the configured one.
    public var steps: Int

    public init(final: Float, steps: Int) { self.final = final; self.steps = steps }

    /// The keys of its JSON form.
    public static var keys: [String] { CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable { case final, steps }
}

/// Errors from training.
public enum TrainerError: Error, Equatable, CustomStringConvertible {
    case unsupportedActionSpace(String)
    case invalidConfiguration(String)
    case nonFiniteLoss(step: Int, update: Int, metric: String)
    case checkpoint(String)
    /// A new run's directory already holds logs (of a run stopped before its first checkpoint, for example) that the
    /// new run would append to.
    case staleLogs(directory: String, files: [String])

    public var description: String {
        switch self {
        case .unsupportedActionSpace(let s): "unsupported action space \(s): expected a bounded Box or a Discrete space"
        case .invalidConfiguration(let s): "invalid trainer configuration: \(s)"
        case let .nonFiniteLoss(step, update, metric):
            "the loss became non-finite (\(metric)) at environment step \(step), update \(update); training stopped and the last good checkpoint is kept"
        case .checkpoint(let s): "checkpoint: \(s)"
        case let .staleLogs(directory, files):
            "\(directory) holds logs of an earlier run (\(files.joined(separator: ", "))) that a new run would append to, repeating their rows; nothing was started. Resume that run if it has a checkpoint (a run stopped before its first checkpoint cannot be resumed), or remove the logs or choose another run directory"
        }
    }
}
