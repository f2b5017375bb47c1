// Foresight — Sweep
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit

// MARK: - Gathering a sweep

/// Every run of a sweep read back from its directory: the metrics of the runs that are done, grouped over seeds
/// (mean and 95 % bootstrap interval, ``StudyStatistics/interval(_:confidence:resamples:seed:)``), and the runs that
/// are not done, by name. Reading changes nothing in the sweep directory.
public struct SweepCollection: Sendable {
    /// One run's state and, when it is done, its metrics by name.
    public struct Row: Sendable {
        public var run: SweepRun
        public var state: SweepDirectory.RunState
        public var metrics: [String: Double]
    }

    /// One group's interval of one metric.
    public struct Cell: Equatable, Sendable {
        public var group: String
        public var metric: String
        public var interval: Interval
    }

    public var plan: SweepPlan
    public var rows: [Row]
    /// The metric names in column order (only those some run has).
    public var metricNames: [String]
    /// Study sweeps: the done runs' metrics documents merged as `foresight study merge` does (seed-major, as a local
    /// study orders its runs), for ``StudyReport/write(_:to:)-(Document,_)``.
    public var studyDocument: StudyReport.Document?

    /// The metrics of a train run's `summary.json`.
    public static let trainMetrics: [(name: String, value: @Sendable (TrainingSummary) -> Double?)] = [
        ("final return", { $0.finalEvaluationReturn }), ("best return", { $0.bestEvaluationReturn }), ("success rate", { $0.successRate }),
        ("target step", { $0.targetReachedStep.map(Double.init) }), ("steps", { Double($0.steps) }), ("updates", { Double($0.updates) }),
        ("seconds", { $0.wallClockSeconds }),
    ]

    /// Reads the sweep in `directory`.
    /// - Throws: ``SweepError`` naming a file that is there but cannot be read (a plan, a summary or metrics file).
    public init(_ directory: SweepDirectory) throws {
        plan = try directory.loadPlan()
        rows = []
        var documents: [StudyReport.Document] = []
        for run in plan.runs {
            let state = directory.state(of: run)
            var metrics: [String: Double] = [:]
            if state == .done {
                let runDirectory = directory.runDirectory(run)
                if run.isStudy {
                    let url = runDirectory.appendingPathComponent("metrics.json")
                    let document: StudyReport.Document
                    do { document = try StudyRecord.decoder().decode(StudyReport.Document.self, from: try Data(contentsOf: url)) } catch {
                        throw SweepError.file(url.path, reason: "not a study metrics file (\(error))")
                    }
                    guard document.runs.count == 1, let record = document.runs.first, record.config == run.studyConfig, record.seed == run.seed else {
                        throw SweepError.file(url.path, reason: "holds \(document.runs.map { "\($0.config) seed \($0.seed)" }), expected only \(run.studyConfig ?? "") seed \(run.seed)")
                    }
                    documents.append(document)
                    for m in StudyStatistics.metrics { if let v = m.value(record), v.isFinite { metrics[m.name] = v } }
                } else {
                    let url = runDirectory.appendingPathComponent("summary.json")
                    let summary: TrainingSummary
                    do { summary = try JSONDecoder().decode(TrainingSummary.self, from: try Data(contentsOf: url)) } catch {
                        throw SweepError.file(url.path, reason: "not a training summary (\(error))")
                    }
                    for m in Self.trainMetrics { if let v = m.value(summary), v.isFinite { metrics[m.name] = v } }
                }
            }
            rows.append(Row(run: run, state: state, metrics: metrics))
        }
        let names = plan.kind == "study" ? StudyStatistics.metrics.map(\.name) : Self.trainMetrics.map(\.name)
        let read = rows
        metricNames = names.filter { name in read.contains { $0.metrics[name] != nil } }
        studyDocument = documents.isEmpty ? nil : try StudyReport.merge(documents)
    }

    /// The groups in plan order (a study: its configurations in table order).
    public var groups: [String] {
        var out: [String] = []
        for row in rows where !out.contains(row.run.group) { out.append(row.run.group) }
        return out
    }

    /// The runs that are not done.
    public var unfinished: [Row] { rows.filter { $0.state != .done } }

    /// Mean and 95 % bootstrap interval over the done seeds of each group and metric (seeds in plan order).
    public var cells: [Cell] {
        groups.flatMap { group in
            metricNames.compactMap { metric in
                let values = rows.filter { $0.run.group == group }.compactMap { $0.metrics[metric] }
                return StudyStatistics.interval(values).map { Cell(group: group, metric: metric, interval: $0) }
            }
        }
    }

    /// `group,metric,seeds,mean,low,high`, one line per group and metric.
    public var groupCSV: String {
        (["group,metric,seeds,mean,low,high"] + cells.map { c in
            [Self.csvField(c.group), Self.csvField(c.metric), String(c.interval.count), Self.number(c.interval.mean),
             Self.number(c.interval.low), Self.number(c.interval.high)].joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }

    /// `run,group,seed,state,<metrics>`, one line per run (empty cells: no value).
    public var runCSV: String {
        let header = (["run", "group", "seed", "state"] + metricNames).map(Self.csvField).joined(separator: ",")
        return ([header] + rows.map { row in
            ([row.run.name, row.run.group, String(row.run.seed), row.state.label].map(Self.csvField)
                + metricNames.map { row.metrics[$0].map(Self.number) ?? "" }).joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }

    /// The markdown report: one row per group, `mean [low, high]` per metric, then the runs that are not done.
    public var markdown: String {
        let done = rows.count - unfinished.count
        var lines = ["# Sweep \(plan.name)", "",
                     "\(done) of \(rows.count) runs done (\(plan.kind); planned by foresight \(plan.foresightVersion)\(plan.commit.map { ", commit \($0)" } ?? "")).",
                     "Mean over seeds [95 % bootstrap interval over seeds]:", "",
                     "| group | seeds | " + metricNames.joined(separator: " | ") + " |",
                     "|---|---|" + String(repeating: "---|", count: metricNames.count)]
        let all = cells
        for group in groups {
            let seeds = rows.filter { $0.run.group == group && $0.state == .done }.count
            let values = metricNames.map { metric -> String in
                guard let i = all.first(where: { $0.group == group && $0.metric == metric })?.interval else { return "–" }
                return i.count == 1 ? Self.number(i.mean) : "\(Self.number(i.mean)) [\(Self.number(i.low)), \(Self.number(i.high))]"
            }
            lines.append("| \(group) | \(seeds) | " + values.joined(separator: " | ") + " |")
        }
        lines.append("")
        if unfinished.isEmpty {
            lines.append("Every run is done.")
        } else {
            lines.append("Runs not done (\(unfinished.count)):")
            lines.append("")
            for row in unfinished { lines.append("- \(row.run.name) (\(row.run.group), seed \(row.run.seed)): \(row.state.label)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `results.csv` (per group), `runs.csv` (per run) and `results.md` into `output` (created if needed;
    /// atomically), and for a study sweep with done runs `study/metrics.json` and `study/summary.md` as
    /// `foresight study merge` writes them.
    public func write(to output: URL) throws {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try Data(groupCSV.utf8).write(to: output.appendingPathComponent("results.csv"), options: .atomic)
        try Data(runCSV.utf8).write(to: output.appendingPathComponent("runs.csv"), options: .atomic)
        try Data(markdown.utf8).write(to: output.appendingPathComponent("results.md"), options: .atomic)
        if let studyDocument { try StudyReport.write(studyDocument, to: output.appendingPathComponent("study", isDirectory: true)) }
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded() && Swift.abs(v) < 1e15 { return String(format: "%.0f", v) }
        return String(format: "%.4g", v)
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
