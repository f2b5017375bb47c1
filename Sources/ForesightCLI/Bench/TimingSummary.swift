// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Timing

/// Summary statistics of repeated timings, in milliseconds.
public struct TimingSummary: Sendable, Codable {
    public var median: Double, min: Double, max: Double, samples: Int

    public init(median: Double, min: Double, max: Double, samples: Int) {
        self.median = median; self.min = min; self.max = max; self.samples = samples
    }

    /// Times `body` `iterations` times after `warmup` untimed runs.
    /// - Precondition: `warmup >= 0` and `iterations >= 1` (there is no median of nothing).
    public static func measure(warmup: Int = 2, iterations: Int = 10, _ body: () throws -> Void) rethrows -> TimingSummary {
        precondition(warmup >= 0 && iterations >= 1, "TimingSummary.measure needs warmup >= 0 and iterations >= 1, got \(warmup) and \(iterations)")
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let mid = times.count / 2
        let median = times.count % 2 == 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2
        return TimingSummary(median: median, min: times.first ?? 0, max: times.last ?? 0, samples: times.count)
    }

    /// GFLOP/s at the median time for `flops` floating-point operations per call.
    public func gigaflops(_ flops: Double) -> Double { flops / (median * 1e6) }
}
