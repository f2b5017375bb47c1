// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit

/// `foresight study ...`: experiments that write a run directory.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Reproducible studies (tables and figures in a run directory).",
        subcommands: [StudyCounting.self, StudyMerge.self])
}

/// `foresight study counting`: which auxiliary heads make the encoder keep the count and drop the nuisances.
struct StudyCounting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counting",
        abstract: "Train each auxiliary-head configuration on random-action Counting-v0 data; measure the representation, a decoder probe and MPPI control.",
        discussion: """
        Configurations: \(StudyArm.allCases.map(\.rawValue).joined(separator: ", ")) (`untrained` is the encoder at \
        initialisation, a baseline). Outputs in the run directory: metrics.json, summary.md, pca_<config>.svg, \
        distances_<config>.svg, learning_curves.svg, reconstructions.png (see the README, "Study outputs").
        """)

    @Option(help: "Seeds per configuration (0, 1, ...).") var seeds = 1
    @Option(name: .customLong("first-seed"), help: "The first seed (seeds first-seed ..< first-seed + seeds); with `study merge`, split seeds over processes.")
    var firstSeed = 0
    @Flag(help: "About a minute: smaller sets and fewer updates.") var quick = false
    @Option(help: "The run directory.") var runDir = "runs/study-counting"
    @Option(help: "Comma-separated configurations (default: untrained and the six trained ones).") var configs: String?
    @Flag(help: "Also train and evaluate on CountingHold-v0, and continue on the agent's own Counting-v0 experience.") var closedLoop = false
    @Option(help: "Override the number of updates per configuration.") var updates: Int?
    @Option(help: "OpenBLAS threads.") var threads = 1
    @Option(help: "Reward of the training data and target of the current-reward head: dense (default; the authors' dense variant) or sparse (1 iff 4 objects; does not train within the default budget).")
    var reward: CountingReward = .dense
    @Option(name: .customLong("batch-size"), help: "Override the update batch size.") var batchSize: Int?
    @Option(name: .customLong("consistency-coefficient"), help: "The P-JEPA configurations' consistency weight (default 2, the authors'; the current-reward head has 10).")
    var consistencyCoefficient: Float?

    func validate() throws {
        if let consistencyCoefficient, !(consistencyCoefficient > 0 && consistencyCoefficient.isFinite) {
            throw ValidationError("--consistency-coefficient must be a positive number, got \(consistencyCoefficient)")
        }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        guard firstSeed >= 0 else { throw ValidationError("--first-seed must be at least 0, got \(firstSeed)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let updates, updates < 1 { throw ValidationError("--updates must be at least 1, got \(updates)") }
        _ = try arms()
    }

    func arms() throws -> [StudyArm] {
        guard let configs else { return [.untrained] + StudyArm.trained }
        do {
            return try configs.split(separator: ",").map { try StudyArm(parsing: String($0)) }
        } catch let error as StudyError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        #if DEBUG
        say("note: debug build; run the study with `swift run -c release foresight study counting`")
        #endif
        BLAS.setThreadCount(threads)
        var settings = quick ? StudySettings.quick : StudySettings.standard
        settings.closedLoop = closedLoop
        if let updates { settings.updates = updates }
        if let batchSize { settings.batchSize = batchSize }
        if let consistencyCoefficient { settings.pjepaConsistencyCoefficient = consistencyCoefficient }
        settings.trainingReward = reward
        let arms = try arms()
        let start = Date()
        let elapsed = { String(format: "%6.0fs", Date().timeIntervalSince(start)) }
        say("counting study: \(arms.map(\.rawValue).joined(separator: ", ")); \(seeds) seed(s); \(settings.updates) updates at batch \(settings.batchSize)")
        let study = try CountingStudy(settings: settings)
        let result = try study.run(arms: arms, seeds: Array(firstSeed..<(firstSeed + seeds))) { event in
            switch event {
            case let .phase(arm, seed, name):
                say("\(elapsed()) \(arm.rawValue) seed \(seed): \(name)")
            case let .curve(arm, _, p):
                guard arm != .untrained else { return }
                say(String(format: "        update %5d  count acc %.3f  mean dist %.2e  consistency %.2e  auxiliary %.3f",
                             p.update, p.countAccuracy, p.meanPairwiseDistance, p.consistencyLoss, p.auxiliaryLoss))
            case let .finished(r):
                say(String(format: "%@ %@ seed %d: count acc %.3f, clusters %d, mean dist %.2e, shape probe %.3f, success %.2f (%.0fs)",
                             elapsed(), r.config, r.seed, r.countAccuracy, r.clusters, r.meanPairwiseDistance, r.shapeProbeAccuracy,
                             r.successRate, r.totalSeconds))
            }
        }
        let directory = URL(fileURLWithPath: runDir)
        try StudyReport.write(result, to: directory)
        say("\n" + StudyReport.markdownTable(result.records, pixelReference: result.pixelReference))
        say("wrote \(directory.path)/metrics.json, summary.md and figures in \(String(format: "%.0f", result.seconds)) s")
    }
}

/// `foresight study merge`: one table from the metrics of several counting-study runs (for example seeds run in
/// separate processes with `--first-seed`).
struct StudyMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the metrics.json of several counting-study run directories into one metrics.json and summary.md.")

    @Argument(help: "Run directories of `foresight study counting`.") var directories: [String]
    @Option(help: "The output directory.") var runDir = "runs/study-counting-merged"

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("name at least one run directory to merge") }
    }

    func run() throws {
        var documents: [StudyReport.Document] = []
        for path in directories {
            let url = URL(fileURLWithPath: path).appendingPathComponent("metrics.json")
            guard let data = try? Data(contentsOf: url) else { throw ValidationError("cannot read \(url.path): expected a study run directory") }
            do { documents.append(try StudyRecord.decoder().decode(StudyReport.Document.self, from: data)) } catch {
                throw ValidationError("\(url.path) is not a study metrics file: \(error)")
            }
        }
        let merged = try StudyReport.merge(documents)
        let directory = URL(fileURLWithPath: runDir)
        try StudyReport.write(merged, to: directory)
        say(StudyReport.markdownTable(merged.runs, pixelReference: merged.pixelReference))
        say("wrote \(directory.path)/metrics.json and summary.md (\(merged.runs.count) runs)")
    }
}

extension CountingReward: ExpressibleByArgument {}

/// Writes one line to standard output at once (unbuffered), so progress shows also when piped to a file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
