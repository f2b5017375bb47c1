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
        distances_<config>.svg, learning_curves.svg, intervals.svg, reconstructions.png (see the README, "Study outputs"). \
        Each finished run is kept in <run dir>/completed/; run the same command again to resume a study that was stopped.
        """)

    @Option(parsing: .unconditional, help: "Seeds per configuration (0, 1, ...).") var seeds = 1
    @Option(name: .customLong("first-seed"), parsing: .unconditional, help: "The first seed (seeds first-seed ..< first-seed + seeds); with `study merge`, split seeds over processes.")
    var firstSeed = 0
    @Flag(help: "About a minute: smaller sets and fewer updates.") var quick = false
    @Option(help: "The run directory.") var runDir = "runs/study-counting"
    @Option(help: "Comma-separated configurations (default: untrained and the eight trained ones).") var configs: String?
    @Flag(help: "Also train and evaluate on CountingHold-v0, and continue on the agent's own Counting-v0 experience.") var closedLoop = false
    @Option(parsing: .unconditional, help: "Updates per configuration (default: \(StudySettings.standard.updates), --quick \(StudySettings.quick.updates)).") var updates: Int?
    @Option(parsing: .unconditional, help: "OpenBLAS threads per run.") var threads = 1
    @Option(parsing: .unconditional, help: "Runs (configuration and seed) trained side by side on their own threads (default: the cores divided by --threads).")
    var jobs: Int?
    @Option(help: "Reward of the training data and target of the current-reward head: sparse (1 iff 4 objects, the paper's; default) or dense (the authors' dense variant).")
    var reward: CountingReward?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Update batch size (default: \(StudySettings.standard.batchSize), --quick \(StudySettings.quick.batchSize)).") var batchSize: Int?
    @Option(name: .customLong("consistency-coefficient"), parsing: .unconditional, help: "The P-JEPA configurations' consistency weight (default 2, the authors'; the current-reward head has 10).")
    var consistencyCoefficient: Float?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override any study setting: NAME=VALUE (repeatable; the names are those of metrics.json's settings, e.g. horizon=3, pixelArchitecture=resnet).", valueName: "name=value"))
    var overrides: [String] = []

    func validate() throws {
        if let consistencyCoefficient, !(consistencyCoefficient > 0 && consistencyCoefficient.isFinite) {
            throw ValidationError("--consistency-coefficient must be a positive number, got \(consistencyCoefficient)")
        }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        guard firstSeed >= 0 else { throw ValidationError("--first-seed must be at least 0, got \(firstSeed)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
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
        if let reward { settings.trainingReward = reward }
        for text in overrides {
            guard let equals = text.firstIndex(of: "=") else { throw ValidationError("--set expects NAME=VALUE, got \"\(text)\"") }
            do { try settings.set(String(text[..<equals]), to: String(text[text.index(after: equals)...])) } catch let error as StudyError {
                throw ValidationError(error.description)
            }
        }
        try settings.validate()
        let arms = try arms()
        let seedList = Array(firstSeed..<(firstSeed + seeds))
        let jobs = self.jobs ?? Swift.max(1, ProcessInfo.processInfo.activeProcessorCount / threads)
        let start = Date()
        say("counting study: \(arms.map(\.rawValue).joined(separator: ", ")); \(seeds) seed(s); \(settings.updates) updates at batch "
            + "\(settings.batchSize); \(settings.trainingReward.rawValue) reward; \(jobs) run(s) at a time")
        let study = try CountingStudy(settings: settings)
        let directory = URL(fileURLWithPath: runDir)
        // Finished runs are kept in <run dir>/completed; a study killed part-way resumes from them.
        let store = StudyRunStore(runDirectory: directory, settings: settings)
        let kept = arms.flatMap { arm in seedList.map { store.url(arm: arm, seed: $0) } }
            .filter { FileManager.default.fileExists(atPath: $0.path) }.count
        if kept > 0 { say("resuming: \(kept) of \(arms.count * seedList.count) runs already finished in \(store.directory.path)") }
        var tracker = StudyProgressTracker(runs: arms.map { $0 == .untrained ? 0 : settings.updates }, seeds: seedList.count, start: start)
        let result = try study.run(arms: arms, seeds: seedList, jobs: jobs, store: store) { event in
            let elapsed = String(format: "%6.0fs", Date().timeIntervalSince(start))
            switch event {
            case let .phase(arm, seed, name):
                tracker.phase(arm: arm, seed: seed, arms: arms, seeds: seedList)
                say("\(elapsed) [\(tracker.label(arm: arm, seed: seed))] \(arm.rawValue) seed \(seed): \(name)\(tracker.remaining)")
            case let .curve(arm, seed, p):
                guard arm != .untrained else { return }
                tracker.update(arm: arm, seed: seed, update: p.update)
                say(String(format: "%@ [%@] %@ seed %d update %5d  count acc %.3f  mean dist %.2e  consistency %.2e  auxiliary %.3f%@",
                           elapsed, tracker.label(arm: arm, seed: seed), arm.rawValue, seed, p.update, p.countAccuracy,
                           p.meanPairwiseDistance, p.consistencyLoss, p.auxiliaryLoss, tracker.remaining))
            case let .finished(r):
                tracker.finish(config: r.config, seed: r.seed)
                say(String(format: "%@ %@ seed %d: count acc %.3f, clusters %d, mean dist %.2e, shape probe %.3f, success %.2f (%.0fs)%@",
                             elapsed, r.config, r.seed, r.countAccuracy, r.clusters, r.meanPairwiseDistance, r.shapeProbeAccuracy,
                             r.successRate, r.totalSeconds, tracker.remaining))
            }
        }
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

/// Which run of a study is where, and the time left from the work done so far (updates, plus a fixed share of each
/// run for its measurements).
struct StudyProgressTracker {
    /// Updates per arm, in the order of the arms.
    let updatesPerArm: [Int]
    let seeds: Int
    let start: Date
    private var done: [String: Double] = [:]
    private var index: [String: Int] = [:]

    init(runs updatesPerArm: [Int], seeds: Int, start: Date) {
        self.updatesPerArm = updatesPerArm
        self.seeds = seeds
        self.start = start
    }

    var total: Int { updatesPerArm.count * seeds }
    /// A run's weight: its updates plus a share for measurement and control (about a fifth of a trained run).
    private func weight(_ updates: Int) -> Double { Double(updates) + 0.25 * Double(updatesPerArm.max() ?? 0) + 1 }
    private var totalWork: Double { Double(seeds) * updatesPerArm.map(weight).reduce(0, +) }

    private static func key(_ config: String, _ seed: Int) -> String { "\(config)#\(seed)" }

    mutating func phase(arm: StudyArm, seed: Int, arms: [StudyArm], seeds: [Int]) {
        let k = Self.key(arm.rawValue, seed)
        if index[k] == nil, let a = arms.firstIndex(of: arm), let s = seeds.firstIndex(of: seed) { index[k] = s * arms.count + a + 1 }
        if done[k] == nil { done[k] = 0 }
    }

    mutating func update(arm: StudyArm, seed: Int, update: Int) { done[Self.key(arm.rawValue, seed)] = Double(update) }

    mutating func finish(config: String, seed: Int) {
        let k = Self.key(config, seed)
        let arm = index[k].map { ($0 - 1) % updatesPerArm.count } ?? 0
        done[k] = weight(updatesPerArm[arm])
    }

    /// `k/n`: the run's place among all runs.
    func label(arm: StudyArm, seed: Int) -> String { "\(index[Self.key(arm.rawValue, seed)] ?? 0)/\(total)" }

    /// `", about N min left"` once there is enough work done to tell.
    var remaining: String {
        let work = done.values.reduce(0, +), elapsed = Date().timeIntervalSince(start)
        guard work > 0, elapsed > 5 else { return "" }
        let left = Swift.max(0, elapsed * (totalWork - work) / work)
        return left >= 90 ? String(format: ", about %.0f min left", left / 60) : String(format: ", about %.0f s left", left)
    }
}

/// Writes one line to standard output at once (unbuffered), so progress shows also when piped to a file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
