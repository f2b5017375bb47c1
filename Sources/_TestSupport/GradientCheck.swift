// Foresight — _TestSupport
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Finite-difference gradient checking

/// The result of comparing analytic and finite-difference gradients.
public struct GradientCheckResult: CustomStringConvertible {
    /// The largest error over all elements, `|a - n| / max(1, |a|, |n|)` scaled by `1 / tolerance`.
    public var worst: Double
    /// Where the worst element is: input index and flat element index, with both values.
    public var location: (input: Int, element: Int, analytic: Double, numeric: Double)
    public var passed: Bool { worst <= 1 }
    public var description: String {
        "worst error \(worst)x tolerance at input \(location.input) element \(location.element): analytic \(location.analytic), numeric \(location.numeric)"
    }
}

/// Checks `valueWithGradients` against central differences of `f`.
///
/// The scalar checked is `sum(f(inputs) * weights)` with fixed random weights, so every output
/// element contributes. Differences are taken in Float with step `epsilon` and accumulated in
/// Double; an element passes when `|analytic - numeric| <= absolute + relative * max(|analytic|, |numeric|)`.
public func checkGradients(_ inputs: [Tensor], epsilon: Float = 1e-2, relative: Double = 2e-2, absolute: Double = 2e-3,
                           seed: UInt64 = 7, _ f: @escaping ([Tensor]) -> Tensor) -> GradientCheckResult {
    var g = SeededGenerator(seed: seed)
    let probe = f(inputs)
    let weights = Tensor.randomUniform(probe.shape, low: -1, high: 1, using: &g)
    let loss: ([Tensor]) -> Tensor = { xs in (f(xs) * weights).sum() }
    let analytic = valueWithGradients(at: inputs) { loss($0) }.gradients
    func value(_ xs: [Tensor]) -> Double {
        withoutGradients { Double(loss(xs).scalar) }
    }
    var result = GradientCheckResult(worst: 0, location: (0, 0, 0, 0))
    for (i, x) in inputs.enumerated() {
        for e in 0..<x.count {
            var plus = inputs, minus = inputs
            var xp = x, xm = x
            xp.setScalar(x.scalars[e] + epsilon, at: e)
            xm.setScalar(x.scalars[e] - epsilon, at: e)
            plus[i] = xp
            minus[i] = xm
            let numeric = (value(plus) - value(minus)) / (2 * Double(epsilon))
            let a = Double(analytic[i].scalars[e])
            let err = Swift.abs(a - numeric) / (absolute + relative * Swift.max(Swift.abs(a), Swift.abs(numeric)))
            if err > result.worst { result = GradientCheckResult(worst: err, location: (i, e, a, numeric)) }
        }
    }
    return result
}

/// Whether two float arrays agree elementwise within `tolerance` (absolute plus relative).
public func isClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) where Swift.abs(x - y) > tolerance * (1 + Swift.max(Swift.abs(x), Swift.abs(y))) { return false }
    return true
}

/// The largest absolute difference between two float arrays (infinity when lengths differ).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
}
