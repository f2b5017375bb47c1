// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Testing
import TensorCore
import _TestSupport

/// Finite-difference checks for every differentiable op, including broadcasting and batched cases.
@Suite struct GradientTests {
    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randomUniform(shape, low: low, high: high, using: &g)
    }
    static func positive(_ shape: [Int], seed: UInt64) -> Tensor { random(shape, seed: seed, low: 0.5, high: 2) }

    nonisolated(unsafe) static let unaryCases: [(String, (Tensor) -> Tensor, Bool)] = [
        ("negate", { -$0 }, false), ("exp", { $0.exp() }, false), ("log", { $0.log() }, true),
        ("sqrt", { $0.sqrt() }, true), ("square", { $0.squared() }, false), ("tanh", { $0.tanh() }, false),
        ("sigmoid", { $0.sigmoid() }, false), ("softplus", { $0.softplus() }, false), ("relu", { $0.relu() }, false),
        ("elu", { $0.elu() }, false), ("mish", { $0.mish() }, false), ("clamp", { $0.clamped(to: -0.5...0.5) }, false),
        ("symlog", { $0.symlog() }, false), ("symexp", { $0.symexp() }, false), ("abs", { $0.abs() }, false),
        ("softmax", { $0.softmax() }, false), ("softmax axis 0", { $0.softmax(alongAxis: 0) }, false),
        ("logSoftmax", { $0.logSoftmax() }, false), ("logSoftmax axis 0", { $0.logSoftmax(alongAxis: 0) }, false),
        ("sum axes", { $0.sum(alongAxes: [0]) }, false), ("mean squeeze", { $0.mean(squeezingAxes: [1]) }, false),
        ("max", { $0.max(alongAxis: 1) }, false), ("min", { $0.min(squeezingAxis: 0) }, false),
        ("transpose", { $0.transposed2D }, false), ("slice", { $0.slice(along: 1, 2..<5) }, false),
        ("gather", { $0.gathering([2, 0, 2]) }, false), ("reshape", { $0.reshaped(to: [-1]) }, false),
        ("chunk", { $0.chunked(into: 2, along: 1)[1] }, false),
    ]

    @Test(arguments: 0..<unaryCases.count)
    func unary(_ index: Int) {
        let (name, f, needsPositive) = Self.unaryCases[index]
        // Values away from kinks (relu/abs/clamp at 0, ±0.5) so central differences are valid.
        var x = needsPositive ? Self.positive([3, 8], seed: UInt64(index)) : Self.random([3, 8], seed: UInt64(index), low: -2, high: 2)
        x = x.mapScalars { v in (Swift.abs(v) < 0.05 || Swift.abs(Swift.abs(v) - 0.5) < 0.05) ? v + 0.15 : v }
        let r = checkGradients([x], epsilon: 1e-3) { f($0[0]) }
        #expect(r.passed, "\(name): \(r)")
    }

    @Test(arguments: [([3, 4], [3, 4]), ([3, 4], [4]), ([3, 4], [1]), ([2, 3, 4], [3, 1]), ([4], [2, 3, 4]), ([2, 1, 4], [1, 3, 1])])
    func binaryBroadcasting(_ shapes: ([Int], [Int])) {
        let a = Self.random(shapes.0, seed: 1), b = Self.positive(shapes.1, seed: 2)
        for (name, f) in [("add", { (x: Tensor, y: Tensor) in x + y }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }), ("div", { $0 / $1 }),
                          ("maximum", { $0.maximum($1) }), ("minimum", { $0.minimum($1) })] as [(String, (Tensor, Tensor) -> Tensor)] {
            let r = checkGradients([a, b], epsilon: 1e-3) { f($0[0], $0[1]) }
            #expect(r.passed, "\(name) \(shapes): \(r)")
        }
    }

    @Test func matmulPlainBatchedAndShared() {
        let cases: [([Int], [Int])] = [([3, 4], [4, 5]), ([1, 4], [4, 5]), ([2, 3, 4], [2, 4, 5]), ([2, 3, 4], [4, 5]), ([3, 4], [2, 4, 5])]
        for (sa, sb) in cases {
            let r = checkGradients([Self.random(sa, seed: 3), Self.random(sb, seed: 4)]) { Tensor.matmul($0[0], $0[1]) }
            #expect(r.passed, "matmul \(sa) x \(sb): \(r)")
        }
    }

    @Test func linearWithAndWithoutBias() {
        let x = Self.random([5, 6], seed: 5), w = Self.random([4, 6], seed: 6), b = Self.random([4], seed: 7)
        let r1 = checkGradients([x, w, b]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
        #expect(r1.passed, "linear: \(r1)")
        let r2 = checkGradients([Self.random([2, 3, 6], seed: 8), w]) { Tensor.linear($0[0], weight: $0[1], bias: nil) }
        #expect(r2.passed, "linear rank 3, no bias: \(r2)")
        let r3 = checkGradients([Self.random([1, 6], seed: 9), w, b]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
        #expect(r3.passed, "linear one row (sgemv): \(r3)")
    }

    @Test func layerNormAndSimNorm() {
        let x = Self.random([4, 16], seed: 10, low: -2, high: 2), w = Self.random([16], seed: 11), b = Self.random([16], seed: 12)
        let r = checkGradients([x, w, b], epsilon: 1e-3) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        #expect(r.passed, "layerNorm: \(r)")
        let s = checkGradients([x], epsilon: 1e-3) { $0[0].simNorm(groupSize: 8) }
        #expect(s.passed, "simNorm: \(s)")
    }

    @Test func conv2d() {
        let x = Self.random([2, 3, 7, 7], seed: 13), w = Self.random([4, 3, 3, 3], seed: 14), b = Self.random([4], seed: 15)
        for (stride, padding) in [(1, 0), (2, 1), (2, 0)] {
            let r = checkGradients([x, w, b]) { Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding) }
            #expect(r.passed, "conv2d stride \(stride) padding \(padding): \(r)")
        }
    }

    @Test func concatenateAndMSE() {
        let a = Self.random([2, 3], seed: 16), b = Self.random([2, 5], seed: 17)
        let r = checkGradients([a, b]) { Tensor.concatenate([$0[0], $0[1]], along: 1) }
        #expect(r.passed, "concatenate: \(r)")
        let c = Self.random([2, 3], seed: 18)
        let m = checkGradients([a, c]) { Tensor.meanSquaredError($0[0], $0[1]) }
        #expect(m.passed, "mse: \(m)")
        let r0 = checkGradients([a, c]) { Tensor.concatenate([$0[0], $0[1]], along: 0) }
        #expect(r0.passed, "concatenate axis 0: \(r0)")
    }

    @Test func discreteRegression() {
        let reg = DiscreteRegression()
        let logits = Self.random([4, 101], seed: 19, low: -3, high: 3)
        let target = Tensor(shape: [4, 1], scalars: [-3.2, 0, 0.7, 150])
        let r = checkGradients([logits], epsilon: 1e-3) { reg.softCrossEntropy($0[0], target) }
        #expect(r.passed, "softCE: \(r)")
        let d = checkGradients([logits], epsilon: 1e-3) { reg.decode($0[0]) }
        #expect(d.passed, "two-hot inverse: \(d)")
    }

    @Test func seededDropout() {
        // A fresh generator with the same seed per evaluation gives the same mask, so differences are valid.
        let x = Self.random([4, 6], seed: 22)
        let r = checkGradients([x]) { xs in
            var g = SeededGenerator(seed: 5)
            return xs[0].dropout(rate: 0.3, using: &g)
        }
        #expect(r.passed, "dropout: \(r)")
    }

    @Test func sharedUseAccumulates() {
        // The same tensor used three times (as an unrolled horizon does with shared weights).
        let w = Self.random([4, 4], seed: 20), x = Self.random([2, 4], seed: 21)
        let r = checkGradients([w, x]) { xs in
            var z = xs[1]
            for _ in 0..<3 { z = Tensor.linear(z, weight: xs[0], bias: nil).tanh() }
            return z
        }
        #expect(r.passed, "shared weights over 3 steps: \(r)")
    }
}
