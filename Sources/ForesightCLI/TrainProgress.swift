// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit

/// Draws `foresight train`'s progress: a one-line bar on a terminal, plain lines (at most one every 10 s, plus one
/// per evaluation, checkpoint and pretraining burst) otherwise. The time left includes the evaluations still to run
/// and uses the recent training rate (``TrainingProgress``).
final class ProgressReporter {
    var progress: TrainingProgress
    let interactive: Bool
    let start = ContinuousClock.now
    var lastReturn: Double?, lastLoss: Double?, lastPrint: Double = -.infinity

    init(_ progress: TrainingProgress, interactive: Bool) {
        self.progress = progress
        self.interactive = interactive
    }

    var now: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    func handle(_ event: TrainerEvent) {
        progress.record(event, at: now)
        switch event {
        case let .pretraining(s, n): line("pretraining: \(n) updates on the seed data at step \(s)")
        case let .update(_, _, m): lastLoss = Double(m.totalLoss)
        case let .episode(_, _, r, _, _): lastReturn = r
        case let .evaluating(s, finished, episodes):
            if finished == 0 { line("evaluating @\(s): \(episodes) episodes") }
        case .evaluation(let e):
            line("eval @\(e.step): return \(String(format: "%.3f", e.meanReturn))" + (e.successRate.map { ", success \(String(format: "%.2f", $0))" } ?? "")
                 + (e.probe?["count_accuracy"].map { ", encoder count accuracy \(String(format: "%.3f", $0))" } ?? ""))
        case .checkpoint(let s): if !interactive { line("checkpoint @\(s)") }
        }
        draw()
    }

    func draw() {
        let time = now
        guard time - lastPrint > (interactive ? 0.2 : 10) else { return }
        lastPrint = time
        let total = progress.totalSteps, step = Swift.min(progress.step, total)
        let filled = Int(Double(step) / Double(Swift.max(total, 1)) * 24)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 24 - filled)
        let phase: String
        if let e = progress.evaluation {
            phase = "evaluating \(e.finished)/\(e.episodes) episodes"
        } else {
            phase = "return \(lastReturn.map { String(format: "%.2f", $0) } ?? "-")  loss \(lastLoss.map { String(format: "%.3f", $0) } ?? "-")"
                + (progress.trainingRate.map { String(format: "  %.1f steps/s", $0) } ?? "")
        }
        let text = "[\(bar)] \(step)/\(total)  \(phase)  \(progress.timeLeftText)"
        emit(interactive ? "\r\u{1B}[K" + text : text + "\n")
    }

    func line(_ text: String) { emit(interactive ? "\r\u{1B}[K" + text + "\n" : text + "\n") }

    func finish() { if interactive { emit("\n") } }

    /// Unbuffered, so progress shows up at once in logs and pipes.
    func emit(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
}
