// Foresight — ForesightKitTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import ForesightKit
import Testing

/// The time left of a training run on a synthetic timeline: 1,000 steps, 200 fast seed steps (0.01 s each), a 10 s
/// pretraining burst, training at 0.1 s a step, evaluations of 2 episodes at 3 s each every 400 steps and at the end.
@Suite struct TrainingProgressTests {
    /// Records `.episode` events for steps `from...to` (`seconds` apart) and returns the time after the last.
    static func steps(_ p: inout TrainingProgress, from: Int, to: Int, seconds: Double, startingAt time: Double) -> Double {
        var t = time
        for s in from...to {
            t += seconds
            p.record(.episode(step: s, index: 0, episodeReturn: 0, length: 1, success: nil), at: t)
        }
        return t
    }

    static func evaluate(_ p: inout TrainingProgress, at step: Int, startingAt time: Double) -> Double {
        p.record(.evaluating(step: step, finishedEpisodes: 0, episodes: 2), at: time)
        p.record(.evaluating(step: step, finishedEpisodes: 1, episodes: 2), at: time + 3)
        p.record(.evaluating(step: step, finishedEpisodes: 2, episodes: 2), at: time + 6)
        p.record(.evaluation(EvaluationResult(step: step, meanReturn: 0, returns: [0, 0], meanLength: 1)), at: time + 6)
        return time + 6
    }

    static func expectSeconds(_ estimate: TrainingProgress.Estimate, _ expected: Double, _ what: String) {
        guard case .seconds(let s) = estimate else { Issue.record("\(what): \(estimate), expected \(expected) s"); return }
        #expect(Swift.abs(s - expected) < 1e-6, "\(what): \(s) s, expected \(expected) s")
    }

    @Test func timeLeftUsesTheRecentTrainingRateAndCountsEveryEvaluation() {
        var p = TrainingProgress(totalSteps: 1000, seedSteps: 200, evaluationInterval: 400, evaluationEpisodes: 2)
        var t = Self.steps(&p, from: 1, to: 100, seconds: 0.01, startingAt: 0)
        // The random seed steps say nothing about the training rate.
        #expect(p.timeLeft == .afterSeedSteps && p.trainingRate == nil)
        t = Self.steps(&p, from: 101, to: 200, seconds: 0.01, startingAt: t)
        p.record(.pretraining(step: 200, updates: 100), at: t)
        t = Self.steps(&p, from: 200, to: 200, seconds: 10, startingAt: t)   // the burst: 10 s at step 200
        t = Self.steps(&p, from: 201, to: 300, seconds: 0.1, startingAt: t)
        // 10 steps/s (not 300 steps in 13 s); 700 steps left; no evaluation timed yet; 3 evaluations of 2 episodes to come.
        #expect(Swift.abs((p.trainingRate ?? 0) - 10) < 1e-6, "rate \(String(describing: p.trainingRate))")
        #expect(p.evaluationEpisodesLeft == 6)
        guard case .trainingOnly(let training) = p.timeLeft else { Issue.record("\(p.timeLeft)"); return }
        #expect(Swift.abs(training - 70) < 1e-6)
        #expect(p.timeLeftText == "1 min 10 s left + evaluations")
        t = Self.steps(&p, from: 301, to: 400, seconds: 0.1, startingAt: t)
        // Mid-evaluation: 600 steps at 10/s, then 1 + 2 + 2 episodes at 3 s.
        p.record(.evaluating(step: 400, finishedEpisodes: 0, episodes: 2), at: t)
        p.record(.evaluating(step: 400, finishedEpisodes: 1, episodes: 2), at: t + 3)
        Self.expectSeconds(p.timeLeft, 60 + 15, "during the evaluation at 400")
        p.record(.evaluating(step: 400, finishedEpisodes: 2, episodes: 2), at: t + 6)
        p.record(.evaluation(EvaluationResult(step: 400, meanReturn: 0, returns: [0, 0], meanLength: 1)), at: t + 6)
        t = Self.steps(&p, from: 401, to: 500, seconds: 0.1, startingAt: t + 6)
        // The 6 s of evaluation are not training time: still 10 steps/s; 500 steps, then 2 + 2 episodes.
        #expect(Swift.abs((p.trainingRate ?? 0) - 10) < 1e-6, "rate \(String(describing: p.trainingRate))")
        Self.expectSeconds(p.timeLeft, 50 + 12, "at step 500")
        // Faster training (20 steps/s for 10 s): the rate over a 5 s window is the new one.
        p.window = 5
        t = Self.steps(&p, from: 501, to: 700, seconds: 0.05, startingAt: t)
        #expect(Swift.abs((p.trainingRate ?? 0) - 20) < 1e-6, "rate \(String(describing: p.trainingRate))")
        Self.expectSeconds(p.timeLeft, 300.0 / 20 + 12, "at step 700")
        t = Self.steps(&p, from: 701, to: 800, seconds: 0.05, startingAt: t)
        t = Self.evaluate(&p, at: 800, startingAt: t)
        t = Self.steps(&p, from: 801, to: 1000, seconds: 0.05, startingAt: t)
        // Training is over; the final evaluation is still to come, then nothing.
        Self.expectSeconds(p.timeLeft, 6, "at step 1000 before the final evaluation")
        _ = Self.evaluate(&p, at: 1000, startingAt: t)
        Self.expectSeconds(p.timeLeft, 0, "after the final evaluation")
        #expect(p.timeLeftText == "0 s left")
    }

    /// A resumed run counts from its step: the next evaluation is the next multiple of the interval.
    @Test func resumedRunCountsTheEvaluationsAfterItsStep() {
        let p = TrainingProgress(totalSteps: 1000, seedSteps: 200, evaluationInterval: 300, evaluationEpisodes: 4, startStep: 650)
        #expect(p.nextEvaluationStep == 900 && p.evaluationEpisodesLeft == 8)
        #expect(p.timeLeft == .measuring && p.trainingRate == nil)
    }
}
