// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ImageIO
import TensorCore

// MARK: - Confidence intervals

/// A mean over seeds with a percentile-bootstrap confidence interval.
public struct Interval: Codable, Equatable, Sendable {
    public var mean: Double
    public var low: Double
    public var high: Double
    /// The number of values (seeds) behind it.
    public var count: Int

    /// Whether the interval lies entirely above (`1`) or below (`-1`) zero, or contains it (`0`).
    public var sign: Int { low > 0 ? 1 : high < 0 ? -1 : 0 }
}

/// Seed-level statistics of a study: bootstrap intervals per arm and metric, and paired per-seed differences.
///
/// The bootstrap resamples seeds with replacement (`resamples` times, a seeded generator, so the same records give the
/// same intervals) and takes the 2.5 % and 97.5 % percentiles of the resampled means. With few seeds the interval is
/// narrow-biased (five seeds have only 126 distinct resamples); it says how much the seeds at hand vary, not more.
public enum StudyStatistics {
    /// The metrics reported with intervals: (column name, value of a record).
    public static let metrics: [(name: String, value: @Sendable (StudyRecord) -> Double?)] = [
        ("count accuracy", { $0.countAccuracy }),
        ("clusters", { Double($0.clusters) }),
        ("clustered fraction", { $0.clusteredFraction }),
        ("mean distance", { $0.meanPairwiseDistance }),
        ("count probe", { $0.countProbeAccuracy }),
        ("shape probe", { $0.shapeProbeAccuracy }),
        ("colour R²", { $0.colourProbeR2 }),
        ("position R²", { $0.positionProbeR2 }),
        ("success", { $0.successRate }),
        ("steps to 4 vs oracle", { r in
            guard let steps = r.meanStepsToTarget, let oracle = r.oracleMeanStepsToTarget, steps.isFinite, oracle > 0 else { return nil }
            return steps / oracle
        }),
        ("hold success", { $0.holdSuccessRate }),
        ("hold return vs oracle", { r in
            guard let ret = r.holdMeanReturn, let oracle = r.holdOracleMeanReturn, oracle > 0 else { return nil }
            return ret / oracle
        }),
    ]

    /// The pairs compared seed by seed: (arm, baseline). `reward` vs `q` is the question; `reward+q` vs `q` asks what
    /// the reward head adds to TD-MPC2's default.
    public static let pairs: [(String, String)] = [("reward", "q"), ("reward+q", "q"), ("reward", "reward+q")]

    /// The percentile-bootstrap interval of the mean of `values` (non-finite values dropped); nil when none is left.
    public static func interval(_ values: [Double], confidence: Double = 0.95, resamples: Int = 10_000, seed: UInt64 = 2509_12249) -> Interval? {
        let v = values.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        let mean = v.reduce(0, +) / Double(v.count)
        guard v.count > 1 else { return Interval(mean: mean, low: mean, high: mean, count: 1) }
        var generator = SeededGenerator(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0.0
            for _ in 0..<v.count { sum += v[Int(generator.next() % UInt64(v.count))] }
            means[r] = sum / Double(v.count)
        }
        means.sort()
        let tail = (1 - confidence) / 2
        let lowIndex = Swift.min(resamples - 1, Swift.max(0, Int(Foundation.floor(tail * Double(resamples)))))
        let highIndex = Swift.min(resamples - 1, Swift.max(0, Int(Foundation.ceil((1 - tail) * Double(resamples))) - 1))
        return Interval(mean: mean, low: means[lowIndex], high: means[highIndex], count: v.count)
    }

    /// Per-seed differences `metric(arm) − metric(baseline)` over the seeds both have, in seed order.
    public static func pairedDifferences(_ records: [StudyRecord], arm: String, baseline: String,
                                         metric: (StudyRecord) -> Double?) -> [(seed: Int, difference: Double)] {
        let base = Dictionary(records.filter { $0.config == baseline }.map { ($0.seed, $0) }, uniquingKeysWith: { a, _ in a })
        return records.filter { $0.config == arm }.sorted { $0.seed < $1.seed }.compactMap { r in
            guard let b = base[r.seed], let x = metric(r), let y = metric(b), x.isFinite, y.isFinite else { return nil }
            return (r.seed, x - y)
        }
    }

    /// The configurations of `records` in first-appearance order.
    static func configs(_ records: [StudyRecord]) -> [String] {
        var out: [String] = []
        for r in records where !out.contains(r.config) { out.append(r.config) }
        return out
    }

    static func cell(_ i: Interval?) -> String {
        guard let i else { return "–" }
        if i.count == 1 { return StudyReport.format(i.mean) }
        return "\(StudyReport.format(i.mean)) [\(StudyReport.format(i.low)), \(StudyReport.format(i.high))]"
    }

    /// Markdown: the mean and 95 % bootstrap interval per arm and metric, then the paired differences of ``pairs``.
    public static func markdown(_ records: [StudyRecord]) -> String {
        let configs = configs(records)
        let used = metrics.filter { m in records.contains { m.value($0) != nil } }
        var lines = ["| config | seeds | " + used.map(\.name).joined(separator: " | ") + " |",
                     "|---|---|" + String(repeating: "---|", count: used.count)]
        for config in configs {
            let rs = records.filter { $0.config == config }
            lines.append("| \(config) | \(rs.count) | " + used.map { m in cell(interval(rs.compactMap(m.value))) }.joined(separator: " | ") + " |")
        }
        var text = "Mean over seeds [95 % bootstrap interval over seeds]:\n\n" + lines.joined(separator: "\n") + "\n"
        let pairRows = pairs.filter { p in configs.contains(p.0) && configs.contains(p.1) }
        if !pairRows.isEmpty {
            var rows = ["| difference | seeds | " + used.map(\.name).joined(separator: " | ") + " |",
                        "|---|---|" + String(repeating: "---|", count: used.count)]
            for (arm, baseline) in pairRows {
                let cells = used.map { m -> String in
                    let d = pairedDifferences(records, arm: arm, baseline: baseline, metric: m.value).map(\.difference)
                    guard let i = interval(d) else { return "–" }
                    return cell(i) + (i.count > 1 && i.sign != 0 ? " *" : "")
                }
                let n = pairedDifferences(records, arm: arm, baseline: baseline, metric: { $0.countAccuracy }).count
                rows.append("| \(arm) − \(baseline) | \(n) | " + cells.joined(separator: " | ") + " |")
            }
            text += "\nPaired per-seed differences, mean [95 % bootstrap interval]; * marks an interval that excludes 0:\n\n"
                + rows.joined(separator: "\n") + "\n"
        }
        return text
    }

    /// A figure of the intervals: one panel per metric, one row per arm (dot: mean over seeds; bar: 95 % interval;
    /// small dots: the seeds).
    public static func figure(_ records: [StudyRecord], metricNames: [String] = ["count accuracy", "shape probe", "position R²", "success", "hold success"]) -> SVGDocument {
        let configs = configs(records)
        let panels = metricNames.compactMap { name in metrics.first { $0.name == name } }.filter { m in records.contains { m.value($0) != nil } }
        let panelWidth = 210.0, rowHeight = 22.0, left = 110.0
        let height = Double(configs.count) * rowHeight + 80
        var svg = SVGDocument(width: left + Double(panels.count) * panelWidth + 10, height: height)
        for (k, m) in panels.enumerated() {
            let ox = left + Double(k) * panelWidth
            let values = records.compactMap(m.value).filter(\.isFinite)
            let ax = SVGAxis(values: values + [0], pixelLow: ox + 10, pixelHigh: ox + panelWidth - 15)
            let ay = SVGAxis(values: [0, Double(configs.count)], pixelLow: height - 45, pixelHigh: 30)
            svg.rect(x: ax.pixelLow, y: 30, width: ax.pixelHigh - ax.pixelLow, height: height - 75, fill: "none", stroke: "#999")
            for t in ax.ticks {
                let x = ax.map(t)
                svg.line(x1: x, y1: height - 45, x2: x, y2: height - 41, stroke: "#999")
                svg.text(SVGAxis.label(t), x: x, y: height - 30, size: 9, anchor: "middle")
            }
            svg.text(m.name, x: (ax.pixelLow + ax.pixelHigh) / 2, y: 22, size: 12, anchor: "middle")
            for (row, config) in configs.enumerated() {
                let y = 30 + (Double(row) + 0.5) * rowHeight
                let colour = SVGPalette.arms[row % SVGPalette.arms.count]
                if k == 0 { svg.text(config, x: left - 8, y: y + 4, size: 11, anchor: "end") }
                let vs = records.filter { $0.config == config }.compactMap(m.value)
                for v in vs where v.isFinite { svg.circle(x: ax.map(v), y: y + 6, radius: 1.8, fill: colour, opacity: 0.5) }
                guard let i = interval(vs) else { continue }
                svg.line(x1: ax.map(i.low), y1: y, x2: ax.map(i.high), y2: y, stroke: colour, width: 2.5)
                svg.circle(x: ax.map(i.mean), y: y, radius: 3.5, fill: colour)
            }
            _ = ay
        }
        svg.text("dot: mean over seeds; bar: 95 % bootstrap interval; small dots: seeds", x: left, y: height - 8, size: 10)
        return svg
    }
}
