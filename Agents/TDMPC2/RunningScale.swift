// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Running scale

/// TD-MPC2's Q normaliser for the policy loss (`common/scale.py`): an EMA of the 5–95 percentile
/// range of Q values, at least 1.
/// ```
/// value ← value + tau (max(p95 − p5, 1) − value)      // value starts at 1
/// ```
/// Percentiles interpolate linearly at position `p (n − 1) / 100` of the sorted values.
public struct RunningScale: Codable, Equatable, Sendable {
    public private(set) var value: Float = 1
    public let tau: Float

    public init(tau: Float = 0.01) { self.tau = tau }

    /// Restores a saved value.
    public init(value: Float, tau: Float) { self.value = value; self.tau = tau }

    /// Linear-interpolated percentile `p` in [0, 100] of `values`.
    public static func percentile(_ values: [Float], _ p: Float) -> Float {
        let sorted = values.sorted()
        let position = p * Float(sorted.count - 1) / 100
        let lower = Int(position.rounded(.down)), upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Float(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    /// Updates the scale from a batch of Q values.
    public mutating func update(_ values: [Float]) {
        guard !values.isEmpty else { return }
        let range = Swift.max(Self.percentile(values, 95) - Self.percentile(values, 5), 1)
        value += tau * (range - value)
    }
}
