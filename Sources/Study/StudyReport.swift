// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ImageIO
import TensorCore

// MARK: - Results

/// Every arm and seed of a study run, with what the report needs.
public struct StudyResult: Sendable {
    public var settings: StudySettings
    /// The pixel probes on the original images (the decoder probe's ceiling).
    public var pixelReference: ProbeScores
    public var runs: [ArmRun]
    /// The held-out probe set's counts (for the figures).
    public var probeCounts: [Int]
    /// The original held-out images shown in the reconstruction grid, `[K, 3, 64, 64]`.
    public var gridOriginals: Tensor
    public var seconds: Double

    /// The records, in run order.
    public var records: [StudyRecord] { runs.map(\.record) }
}

extension CountingStudy {
    /// Runs every arm for every seed, `jobs` at a time on as many threads (arms and seeds are independent: each run
    /// draws only from generators seeded by its own arm and seed, so the records do not depend on `jobs` or on the
    /// order in which runs finish). The result lists the runs seed-major: all arms of the first seed, then the next.
    /// - Parameters:
    ///   - jobs: runs trained at once (one OpenBLAS thread each is the intended setting).
    ///   - store: where finished runs are kept: a run found there is read instead of trained, and every run trained
    ///     is saved there as it finishes (nil: nothing is kept).
    ///   - progress: called from the worker threads, one call at a time.
    /// - Throws: the first error of any run, after the runs in flight have finished; ``StudyRunStore/load(arm:seed:probeCount:)``'s
    ///   errors before any run starts.
    public func run(arms: [StudyArm], seeds: [Int], jobs: Int = 1, store: StudyRunStore? = nil,
                    progress: @escaping (StudyProgress) -> Void = { _ in }) throws -> StudyResult {
        let start = Date()
        let tasks = seeds.flatMap { seed in arms.map { (arm: $0, seed: seed) } }
        let stored = try tasks.map { try store?.load(arm: $0.arm, seed: $0.seed, probeCount: probeSet.count) }
        // Everything shared by the runs is built before they start, so the workers only read it.
        for seed in Set(tasks.indices.filter { stored[$0] == nil }.map { tasks[$0].seed }) { _ = try randomData(seed: seed) }
        let reference = pixelReference
        let box = RunBox(count: tasks.count)
        let report: (StudyProgress) -> Void = { event in box.locked { progress(event) } }
        let work: (Int) -> Void = { _ in
            while let i = box.claim() {
                let (arm, seed) = tasks[i]
                if var done = stored[i] {
                    if done.record.adjacentSeparation == nil {   // a run kept before the measure existed
                        done.record.adjacentSeparation = PairwiseDistances(done.latents).adjacentLabelSeparation(labels: self.probeSet.counts)
                    }
                    report(.phase(arm: arm, seed: seed, name: "read from \(store?.url(arm: arm, seed: seed).lastPathComponent ?? "")"))
                    report(.finished(done.record))
                    box.finish(i, .success(done))
                    continue
                }
                let outcome = Result { () throws -> ArmRun in
                    let run = try self.run(arm: arm, seed: seed, progress: report)
                    try store?.save(run)
                    return run
                }
                box.finish(i, outcome)
            }
        }
        let workers = Swift.max(1, Swift.min(jobs, tasks.count))
        if workers == 1 {
            work(0)
        } else {
            // The runs share only what was built above (read-only) and `box` (locked).
            nonisolated(unsafe) let shared = work
            DispatchQueue.concurrentPerform(iterations: workers) { shared($0) }
        }
        let runs = try box.results()
        return StudyResult(settings: settings, pixelReference: reference, runs: runs, probeCounts: probeSet.counts,
                           gridOriginals: probeSet.observations.gathering(gridIndices), seconds: Date().timeIntervalSince(start))
    }
}

/// The shared state of a parallel study run: the next run to start, the finished ones and the first failure.
private final class RunBox: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var failed = false
    private var outcomes: [Result<ArmRun, Error>?]

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The index of the next run to start, or nil when all are taken or one has failed.
    func claim() -> Int? {
        locked {
            guard !failed, next < outcomes.count else { return nil }
            next += 1
            return next - 1
        }
    }

    func finish(_ index: Int, _ outcome: Result<ArmRun, Error>) {
        locked {
            outcomes[index] = outcome
            if case .failure = outcome { failed = true }
        }
    }

    /// The runs in task order, or the first failure (in task order).
    func results() throws -> [ArmRun] {
        try locked {
            var runs: [ArmRun] = []
            for outcome in outcomes {
                switch outcome {
                case let .success(run)?: runs.append(run)
                case let .failure(error)?: throw error
                case nil: continue
                }
            }
            return runs
        }
    }
}

// MARK: - Report

/// Writes a study's outputs into a run directory:
/// `metrics.json`, `summary.md` (mean ± std over seeds), `pca_<config>.svg`, `distances_<config>.svg`,
/// `learning_curves.svg` and `reconstructions.png` (figures from the first seed of each configuration).
public enum StudyReport {
    /// The metrics.json document.
    public struct Document: Codable, Sendable {
        public var study: String
        public var settings: StudySettings
        public var pixelReference: ProbeScores
        public var seconds: Double
        public var runs: [StudyRecord]
    }

    /// The columns of the summary table: (header, field).
    static let columns: [(String, @Sendable (StudyRecord) -> Double?)] = [
        ("count acc", { $0.countAccuracy }), ("clusters", { Double($0.clusters) }), ("clustered", { $0.clusteredFraction }), ("within/between", { $0.withinBetweenRatio }),
        ("mean dist", { $0.meanPairwiseDistance }), ("RankMe", { $0.rankme }),
        ("count probe", { $0.countProbeAccuracy }), ("shape probe", { $0.shapeProbeAccuracy }),
        ("colour probe", { $0.colourProbeAccuracy }), ("colour R²", { $0.colourProbeR2 }), ("position R²", { $0.positionProbeR2 }),
        ("dec. MSE / mean image", { $0.decoderMse / $0.decoderMeanImageMse }), ("dec. shape", { $0.decoderShapeAccuracy }), ("dec. colour R²", { $0.decoderColourR2 }),
        ("dec. position R²", { $0.decoderPositionR2 }), ("success", { $0.successRate }),
        ("hold success", { $0.holdSuccessRate }), ("hold return", { $0.holdMeanReturn }),
        ("online count acc", { $0.onlineCountAccuracy }), ("online success", { $0.onlineSuccessRate }),
    ]

    /// Mean and sample standard deviation (0 for one value); nil when no value is present.
    static func meanStd(_ values: [Double]) -> (mean: Double, std: Double)? {
        let v = values.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.count > 1 ? v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1) : 0
        return (mean, variance.squareRoot())
    }

    static func format(_ v: Double) -> String {
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 100 { return String(format: "%.0f", v) }
        if a >= 0.01 { return String(format: "%.3f", v) }
        return String(format: "%.2e", v)
    }

    /// The markdown table: one row per configuration, `mean ± std` over seeds, columns without any value omitted.
    public static func markdownTable(_ records: [StudyRecord], pixelReference: ProbeScores? = nil) -> String {
        let configs = StudyStatistics.configs(records)
        let used = columns.filter { column in records.contains { column.1($0) != nil } }
        var lines = ["| config | seeds | " + used.map(\.0).joined(separator: " | ") + " |",
                     "|---|---|" + String(repeating: "---|", count: used.count)]
        for config in configs {
            let rs = records.filter { $0.config == config }
            let cells = used.map { column -> String in
                guard let (m, s) = meanStd(rs.compactMap(column.1)) else { return "–" }
                return rs.count > 1 ? "\(format(m)) ± \(format(s))" : format(m)
            }
            lines.append("| \(config) | \(rs.count) | " + cells.joined(separator: " | ") + " |")
        }
        var text = lines.joined(separator: "\n") + "\n"
        if let p = pixelReference {
            text += "\nPixel probes on the original images (the decoder probe's ceiling): shape \(format(p.shapeAccuracy)), "
                + "colour bin \(format(p.colourAccuracy)), colour R² \(format(p.colourR2)), position R² \(format(p.positionR2)), "
                + "count \(format(p.countAccuracy)). Chance: count 0.111, shape 0.25, colour bin 0.125.\n"
        }
        return text
    }

    /// Held-out count accuracy per count (mean over seeds): which counts each configuration confuses. Empty when no
    /// record has them.
    public static func byCountTable(_ records: [StudyRecord]) -> String {
        let withCounts = records.filter { $0.countAccuracyByCount != nil }
        guard let width = withCounts.compactMap({ $0.countAccuracyByCount?.count }).max(), width > 0 else { return "" }
        let configs = StudyStatistics.configs(withCounts)
        var lines = ["Nearest-centroid accuracy of the held-out images of each count (mean over seeds):", "",
                     "| config | " + (0..<width).map { "count \($0)" }.joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---|", count: width)]
        for config in configs {
            let rows = withCounts.filter { $0.config == config }.compactMap(\.countAccuracyByCount)
            let cells = (0..<width).map { k -> String in
                let values = rows.compactMap { k < $0.count && $0[k].isFinite ? $0[k] : nil }
                return values.isEmpty ? "–" : String(format: "%.3f", values.reduce(0, +) / Double(values.count))
            }
            lines.append("| \(config) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The adjacent-count separation (``StudyRecord/adjacentSeparation``) per pair of counts, mean over seeds. Empty when
    /// no record has it.
    public static func separationTable(_ records: [StudyRecord]) -> String {
        let with = records.filter { $0.adjacentSeparation != nil }
        guard let width = with.compactMap({ $0.adjacentSeparation?.count }).max(), width > 0 else { return "" }
        var lines = ["Adjacent counts apart at their own scale: mean distance between the held-out latents of counts k and k+1 over "
                     + "the larger mean distance within either (above 1: apart; mean over seeds, then the smallest of any seed):", "",
                     "| config | " + (0..<width).map { "\($0)-\($0 + 1)" }.joined(separator: " | ") + " | smallest |",
                     "|---|" + String(repeating: "---|", count: width + 1)]
        for config in StudyStatistics.configs(with) {
            let rows = with.filter { $0.config == config }.compactMap(\.adjacentSeparation)
            let cells = (0..<width).map { k -> String in
                let values = rows.compactMap { k < $0.count && $0[k].isFinite ? $0[k] : nil }
                return values.isEmpty ? "–" : String(format: "%.2f", values.reduce(0, +) / Double(values.count))
            }
            let smallest = rows.flatMap { $0.filter { !$0.isNaN } }.min()
            lines.append("| \(config) | " + cells.joined(separator: " | ") + " | " + (smallest.map { String(format: "%.2f", $0) } ?? "–") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One document from several runs of the same study settings (seeds split over processes).
    /// - Throws: ``StudyError/invalidSetting(name:value:expected:)`` when the settings differ or a configuration and
    ///   seed appears twice.
    public static func merge(_ documents: [Document]) throws -> Document {
        guard let first = documents.first else { throw StudyError.invalidSetting(name: "documents", value: "none", expected: "at least one") }
        var seen = Set<String>()
        for d in documents {
            guard d.settings == first.settings else {
                throw StudyError.invalidSetting(name: "settings", value: "different in two runs", expected: "the same settings in every run")
            }
            for r in d.runs where !seen.insert("\(r.config)#\(r.seed)").inserted {
                throw StudyError.invalidSetting(name: "run", value: "\(r.config) seed \(r.seed) twice", expected: "each configuration and seed once")
            }
        }
        return Document(study: first.study, settings: first.settings, pixelReference: first.pixelReference,
                        seconds: documents.map(\.seconds).reduce(0, +), runs: documents.flatMap(\.runs))
    }

    /// Writes `metrics.json` and `summary.md` of a merged document (figures need the latents: see the runs).
    public static func write(_ document: Document, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeMetrics(document, to: directory)
        let summary = "# Counting study: auxiliary heads\n\n"
            + "\(document.runs.count) runs; \(Set(document.runs.map(\.seed)).count) seed(s); merged from several run directories "
            + "(other figures: see those).\n\n" + markdownTable(document.runs, pixelReference: document.pixelReference)
            + "\n" + byCountTable(document.runs) + "\n" + separationTable(document.runs) + "\n" + StudyStatistics.markdown(document.runs)
        try summary.write(to: directory.appendingPathComponent("summary.md"), atomically: true, encoding: .utf8)
        try StudyStatistics.figure(document.runs).text
            .write(to: directory.appendingPathComponent("intervals.svg"), atomically: true, encoding: .utf8)
    }

    /// `metrics.json`, written atomically.
    static func writeMetrics(_ document: Document, to directory: URL) throws {
        try StudyRecord.encoder().encode(document).write(to: directory.appendingPathComponent("metrics.json"), options: .atomic)
    }

    /// Writes every output into `directory` (created if needed).
    /// - Throws: file-system and image-encoding errors.
    public static func write(_ result: StudyResult, to directory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeMetrics(Document(study: "counting", settings: result.settings, pixelReference: result.pixelReference,
                                  seconds: result.seconds, runs: result.records), to: directory)
        let summary = "# Counting study: auxiliary heads\n\n"
            + "\(result.records.count) runs; \(Set(result.records.map(\.seed)).count) seed(s); \(String(format: "%.0f", result.seconds)) s.\n\n"
            + markdownTable(result.records, pixelReference: result.pixelReference)
            + "\n" + byCountTable(result.records) + "\n" + separationTable(result.records) + "\n" + StudyStatistics.markdown(result.records)
        var firstRuns: [ArmRun] = []
        for run in result.runs where !firstRuns.contains(where: { $0.record.config == run.record.config }) { firstRuns.append(run) }
        let figures = "\nFigures: `intervals.svg` (every seed); first seed of each configuration: `pca_<config>.svg`, `distances_<config>.svg`, "
            + "`learning_curves.svg` (mean over seeds), `reconstructions.png` (rows: originals, then "
            + firstRuns.map(\.record.config).joined(separator: ", ") + ").\n"
        try (summary + figures).write(to: directory.appendingPathComponent("summary.md"), atomically: true, encoding: .utf8)
        try StudyStatistics.figure(result.records).text
            .write(to: directory.appendingPathComponent("intervals.svg"), atomically: true, encoding: .utf8)
        for run in firstRuns {
            let name = run.record.config.replacingOccurrences(of: "+", with: "_")
            let title = "\(run.record.config) (seed \(run.record.seed))"
            try StudyFigures.pcaScatter(run.latents, counts: result.probeCounts, title: "PCA of latents: " + title).text
                .write(to: directory.appendingPathComponent("pca_\(name).svg"), atomically: true, encoding: .utf8)
            try StudyFigures.distanceHeatmap(run.latents, counts: result.probeCounts, title: "pairwise distances, sorted by count: " + title).text
                .write(to: directory.appendingPathComponent("distances_\(name).svg"), atomically: true, encoding: .utf8)
        }
        let curves = firstRuns.map { run in
            (name: run.record.config, points: averagedCurve(result.records.filter { $0.config == run.record.config }.map(\.curve)))
        }.filter { $0.points.count > 1 }
        if !curves.isEmpty {
            try StudyFigures.learningCurves(curves).text
                .write(to: directory.appendingPathComponent("learning_curves.svg"), atomically: true, encoding: .utf8)
        }
        let grid = try StudyFigures.reconstructionGrid(originals: result.gridOriginals,
                                                       rows: firstRuns.map { ($0.record.config, $0.reconstructions) })
        try grid.writePNG(to: directory.appendingPathComponent("reconstructions.png"))
    }

    /// The pointwise mean of curves of equal length (the shortest length is used).
    static func averagedCurve(_ curves: [[LearningCurvePoint]]) -> [LearningCurvePoint] {
        guard let first = curves.first else { return [] }
        let n = curves.map(\.count).min() ?? 0
        return (0..<n).map { i in
            let ps = curves.map { $0[i] }
            let mean = { (f: (LearningCurvePoint) -> Double) in ps.reduce(0.0) { $0 + f($1) } / Double(ps.count) }
            return LearningCurvePoint(update: first[i].update, consistencyLoss: mean(\.consistencyLoss), auxiliaryLoss: mean(\.auxiliaryLoss),
                                      rewardLoss: mean(\.rewardLoss), valueLoss: mean(\.valueLoss), countAccuracy: mean(\.countAccuracy),
                                      meanPairwiseDistance: mean(\.meanPairwiseDistance))
        }
    }
}
