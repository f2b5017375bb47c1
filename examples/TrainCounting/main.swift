// Foresight — examples/TrainCounting
// Copyright (c) 2026 the Foresight developers. MIT License.
//
// The main job: the P-JEPA result in a few minutes. Two TD-MPC2 world models learn from the same random-action
// episodes of the counting environment (Counting-v0: 64x64 images of 0-8 objects, a sign action adds or removes one,
// reward 1 and termination when the count is 4), side by side on two threads:
//
//   joint-reward     the encoder is shaped by latent consistency (no stop-gradient) and a head that predicts the
//                    sparse reward 1[count = 4] (P-JEPA's auxiliary);
//   transition-only  the encoder is shaped by latent consistency alone.
//
// The paper's theorem says the first must keep every count apart (a two-valued reward plus the dynamics tell all
// nine counts apart) and the second may collapse. The job prints what each encoder kept (nearest-count-centroid
// accuracy on 1,080 held-out images, label-free clusters, spread), MPPI control against the oracle, and writes the
// study's figures, among them a PCA picture of the latents coloured by count.
//
// Usage: TrainCounting [RUN_DIR] [UPDATES]

import Foundation
import ForesightKit

let arguments = Array(CommandLine.arguments.dropFirst())
let runDirectory = URL(fileURLWithPath: arguments.first ?? "runs/counting-main")

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("TrainCounting: \(message)\n".utf8))
    exit(1)
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

do {
    BLAS.setThreadCount(1)
    var settings = StudySettings.mainJob
    if arguments.count > 1 {
        guard let updates = Int(arguments[1]), updates >= 1 else { fail("UPDATES must be a positive integer, got \(arguments[1])") }
        settings.updates = updates
    }
    let arms: [StudyArm] = [.jointReward, .transitionOnly]
    let seed = 0
    say("Training two encoders on \(settings.randomEpisodes) random-action Counting-v0 episodes (sparse reward 1[count = 4]), "
        + "\(settings.updates) updates each at batch \(settings.batchSize), side by side:")
    let start = Date()
    let study = try CountingStudy(settings: settings)
    let result = try study.run(arms: arms, seeds: [seed], jobs: 2) { event in
        switch event {
        case let .curve(arm, _, point) where point.update % 500 == 0 || point.update == settings.updates:
            say(String(format: "  %6.0f s  %-15@ update %5d  count accuracy %.2f", Date().timeIntervalSince(start), arm.rawValue, point.update, point.countAccuracy))
        case let .phase(arm, _, name) where name != "train" && name != "collect":
            say(String(format: "  %6.0f s  %-15@ %@", Date().timeIntervalSince(start), arm.rawValue, name))
        default: break
        }
    }
    try StudyReport.write(result, to: runDirectory)
    let seconds = Date().timeIntervalSince(start)
    guard let joint = result.records.first(where: { $0.config == StudyArm.jointReward.rawValue }),
          let transition = result.records.first(where: { $0.config == StudyArm.transitionOnly.rawValue }) else {
        fail("the study returned no record for an arm")
    }
    func steps(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
    say("")
    say(String(format: "Done in %.0f s (training %.0f s and %.0f s).", seconds, joint.trainSeconds, transition.trainSeconds))
    say("")
    say("What the encoders kept (\(study.probeSet.count) held-out images, balanced over counts 0-8; chance 0.11):")
    for r in [joint, transition] {
        say(String(format: "  %-15@ count accuracy %.3f, %d label-free clusters, mean pairwise distance %.2e, shape probe %.2f (chance 0.25), position R² %.2f",
                   r.config, r.countAccuracy, r.clusters, r.meanPairwiseDistance, r.shapeProbeAccuracy, r.positionProbeR2))
    }
    say(String(format: "  transition-only's spread is %.1f%% of joint-reward's: without the reward head the latents collapse.",
               100 * transition.meanPairwiseDistance / Swift.max(joint.meanPairwiseDistance, 1e-12)))
    say("")
    say("Control on Counting-v0 with MPPI in the joint-reward model (\(settings.evaluationEpisodes) episodes, start counts 0-8):")
    say(String(format: "  agent  : success %.2f, steps to 4 objects %@", joint.successRate, steps(joint.meanStepsToTarget)))
    say(String(format: "  oracle : success %.2f, steps to 4 objects %@", joint.oracleSuccessRate, steps(joint.oracleMeanStepsToTarget)))
    say("")
    say("PCA of the joint-reward latents coloured by count: \(runDirectory.appendingPathComponent("pca_joint-reward.svg").path)")
    say("Also there: pca_transition-only.svg, distances_*.svg, learning_curves.svg, reconstructions.png, metrics.json, summary.md")
} catch {
    fail("\(error)")
}
