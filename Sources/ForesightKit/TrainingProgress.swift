// Foresight — ForesightKit
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Time left in a training run

/// How far a training run is and how long it has left, from the trainer's events and the times they arrived.
///
/// The estimate has two parts. Training: the steps left at the recent training rate (the last `window` seconds of
/// training after the seed steps; time spent evaluating, and in the pretraining burst, is not training time), so the
/// fast random seed steps do not inflate it. Evaluation: the evaluations still to come (every `evaluationInterval`
/// steps and the final one), each `evaluationEpisodes` episodes at the measured time per evaluation episode. Until
/// both rates are measured the estimate says which part is missing instead of a number.
public struct TrainingProgress {
    public let totalSteps: Int, seedSteps: Int, evaluationInterval: Int, evaluationEpisodes: Int
    /// Seconds of training time over which the rate is measured.
    public var window: Double = 30

    public private(set) var step: Int
    /// The environment step of the next periodic evaluation.
    public private(set) var nextEvaluationStep: Int
    /// `(finished, episodes)` while an evaluation runs.
    public private(set) var evaluation: (finished: Int, episodes: Int)?
    /// Measured seconds per evaluation episode (the latest evaluation's mean so far).
    public private(set) var secondsPerEvaluationEpisode: Double?

    /// Training-time samples `(seconds, step)` after the seed steps, oldest first.
    var samples: [(time: Double, step: Int)] = []
    /// Wall-clock seconds at the last event, and the training-time clock (wall time minus evaluations and bursts).
    var lastTime: Double?, trainingTime = 0.0
    var evaluationStart: Double?
    var inBurst = false, finalEvaluationDone = false

    /// - Parameters:
    ///   - startStep: the step a resumed run continues from (0 for a new run).
    ///   - nextEvaluationStep: the next periodic evaluation (default: the first multiple of the interval after `startStep`).
    public init(totalSteps: Int, seedSteps: Int, evaluationInterval: Int, evaluationEpisodes: Int, startStep: Int = 0, nextEvaluationStep: Int? = nil) {
        self.totalSteps = totalSteps
        self.seedSteps = seedSteps
        self.evaluationInterval = Swift.max(evaluationInterval, 1)
        self.evaluationEpisodes = evaluationEpisodes
        step = startStep
        self.nextEvaluationStep = nextEvaluationStep ?? (startStep / Swift.max(evaluationInterval, 1) + 1) * Swift.max(evaluationInterval, 1)
    }

    /// Takes in `event`, which arrived at `time` (seconds on any monotonic clock).
    public mutating func record(_ event: TrainerEvent, at time: Double) {
        let elapsed = lastTime.map { Swift.max(time - $0, 0) } ?? 0
        lastTime = time
        if evaluation == nil && !inBurst { trainingTime += elapsed }
        switch event {
        case .pretraining(let s, _):
            step = s
            inBurst = true   // the burst's updates run at this step; its time is not the per-step rate
            samples.removeAll()
        case let .update(s, _, _), let .episode(s, _, _, _, _):
            if inBurst && s == step { return }
            inBurst = false
            step = s
            if step >= seedSteps {
                samples.append((trainingTime, step))
                while let first = samples.first, trainingTime - first.time > window, samples.count > 2 { samples.removeFirst() }
            }
        case let .evaluating(s, finished, episodes):
            step = s
            if finished == 0 { evaluationStart = time }
            evaluation = (finished, episodes)
            if finished > 0, let start = evaluationStart { secondsPerEvaluationEpisode = (time - start) / Double(finished) }
        case .evaluation(let result):
            step = result.step
            evaluation = nil
            evaluationStart = nil
            if result.step >= totalSteps { finalEvaluationDone = true }
            while nextEvaluationStep <= step { nextEvaluationStep += evaluationInterval }
        case .checkpoint(let s):
            step = s
        }
    }

    /// Training steps per second over the recent window; nil until measured after the seed steps.
    public var trainingRate: Double? {
        guard let first = samples.first, let last = samples.last, last.step > first.step, last.time > first.time else { return nil }
        return Double(last.step - first.step) / (last.time - first.time)
    }

    /// Evaluation episodes still to run: the rest of the current evaluation, the periodic ones before the end and
    /// the final one. (Periodic evaluations run at episode ends, so one that falls in the last episode is counted
    /// although the final evaluation replaces it.)
    public var evaluationEpisodesLeft: Int {
        if finalEvaluationDone { return 0 }
        var left = 0, next = nextEvaluationStep
        if let evaluation {
            left += evaluation.episodes - evaluation.finished
            if step >= totalSteps { return left }
            while next <= step { next += evaluationInterval }
        } else if step >= totalSteps {
            return evaluationEpisodes
        }
        while next < totalSteps { left += evaluationEpisodes; next += evaluationInterval }
        return left + evaluationEpisodes   // the final evaluation
    }

    /// The estimate of the time left.
    public enum Estimate: Equatable {
        /// Seconds left, training and evaluation.
        case seconds(Double)
        /// Still in the seed steps (random actions, much faster than training): the rate is measured after them.
        case afterSeedSteps
        /// The training rate is not measured yet (the pretraining burst, or the first steps of a resumed run).
        case measuring
        /// Seconds of training left; no evaluation episode has been timed yet.
        case trainingOnly(Double)
    }

    public var timeLeft: Estimate {
        let training: Double
        if step >= totalSteps { training = 0 } else {
            guard step >= seedSteps else { return .afterSeedSteps }
            guard let rate = trainingRate else { return .measuring }
            training = Double(totalSteps - step) / rate
        }
        let episodes = evaluationEpisodesLeft
        guard episodes > 0 else { return .seconds(training) }
        guard let perEpisode = secondsPerEvaluationEpisode else { return .trainingOnly(training) }
        return .seconds(training + Double(episodes) * perEpisode)
    }

    /// `12 s left`, `12 s left + evaluations`, `time left after the seed steps`.
    public var timeLeftText: String {
        func format(_ s: Double) -> String {
            let s = Int(s.rounded())
            return s >= 3600 ? "\(s / 3600) h \(s % 3600 / 60) min" : s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
        }
        switch timeLeft {
        case .seconds(let s): return "\(format(s)) left"
        case .trainingOnly(let s): return "\(format(s)) left + evaluations"
        case .afterSeedSteps: return "time left known after the seed steps"
        case .measuring: return "measuring the time left"
        }
    }
}
