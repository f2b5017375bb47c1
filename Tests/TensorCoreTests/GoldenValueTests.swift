// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
import _TestSupport

// MARK: - Golden values from PyTorch

/// Forward values and gradients checked against float64 PyTorch references written by
/// `scripts/fixtures/torch_golden.py` into `Fixtures/golden_*.json`.
///
/// Tolerance, unless a test says otherwise: `|actual - expected| <= 1e-5 + 1e-5 * |expected|` per element.
/// Gradients are those of `sum(output * upstream)` with the fixture's `upstream`.
@Suite struct GoldenValueTests {
    static let absolute = 1e-5, relative = 1e-5

    private func fixture(_ name: String) throws -> GoldenFixture {
        let url = try #require(Bundle.module.url(forResource: "golden_\(name)", withExtension: "json", subdirectory: "Fixtures"),
                               "missing Fixtures/golden_\(name).json")
        return try GoldenFixture(contentsOf: url)
    }

    private func expectMatches(_ f: GoldenFixture, _ pairs: [(Tensor, String)], absolute: Double = absolute, relative: Double = relative,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        for (actual, key) in pairs {
            let check = f.compare(actual, to: key, absolute: absolute, relative: relative)
            #expect(check.passed, "\(check)", sourceLocation: sourceLocation)
        }
    }

    @Test func layerNorm() throws {
        let f = try fixture("layer_norm")
        let (x, w, b, up) = (try f.input("x"), try f.input("weight"), try f.input("bias"), try f.input("upstream"))
        let epsilon = Float(try f.parameter("epsilon"))
        let y = x.layerNorm(weight: w, bias: b, epsilon: epsilon)
        let grads = valueWithGradients(at: [x, w, b]) { v in (v[0].layerNorm(weight: v[1], bias: v[2], epsilon: epsilon) * up).sum() }.gradients
        expectMatches(f, [(y, "y"), (grads[0], "grad_x"), (grads[1], "grad_weight"), (grads[2], "grad_bias")])
    }

    @Test func mish() throws {
        let f = try fixture("mish")
        let (x, up) = (try f.input("x"), try f.input("upstream"))
        let grads = valueWithGradients(at: [x]) { v in (v[0].mish() * up).sum() }.gradients
        expectMatches(f, [(x.mish(), "y"), (grads[0], "grad_x")])
    }

    @Test func simNorm() throws {
        let f = try fixture("sim_norm")
        let (x, up) = (try f.input("x"), try f.input("upstream"))
        let groupSize = Int(try f.parameter("group_size"))
        let grads = valueWithGradients(at: [x]) { v in (v[0].simNorm(groupSize: groupSize) * up).sum() }.gradients
        expectMatches(f, [(x.simNorm(groupSize: groupSize), "y"), (grads[0], "grad_x")])
    }

    @Test func symlogAndSymexp() throws {
        let f = try fixture("symlog_symexp")
        let (x, ux, z, uz) = (try f.input("x"), try f.input("upstream_x"), try f.input("z"), try f.input("upstream_z"))
        let gx = valueWithGradients(at: [x]) { v in (v[0].symlog() * ux).sum() }.gradients[0]
        let gz = valueWithGradients(at: [z]) { v in (v[0].symexp() * uz).sum() }.gradients[0]
        expectMatches(f, [(x.symlog(), "symlog"), (gx, "grad_x"), (z.symexp(), "symexp"), (gz, "grad_z")])
    }

    private func regression(_ f: GoldenFixture) throws -> DiscreteRegression {
        DiscreteRegression(binCount: Int(try f.parameter("bin_count")), vmin: Float(try f.parameter("vmin")), vmax: Float(try f.parameter("vmax")))
    }

    /// Bin edges, mid-bin points, clamping at both ends and negatives. Two-hot is continuous in x, so a
    /// float32 floor landing one bin lower at an edge still agrees to within rounding. Tolerance: 2e-5
    /// absolute, since the bin position `(x' - vmin) / 0.2` reaches 100, where float32 values are 7.6e-6 apart.
    @Test func twoHot() throws {
        let f = try fixture("two_hot")
        let regression = try regression(f)
        #expect(regression == DiscreteRegression())
        let t = regression.twoHot(try f.input("x"))
        expectMatches(f, [(t, "two_hot")], absolute: 2e-5)
        #expect(t.sum(squeezingAxes: [1]).scalars.allSatisfy { Swift.abs($0 - 1) < 1e-5 }, "each row sums to 1")
    }

    @Test func softCrossEntropy() throws {
        let f = try fixture("soft_cross_entropy")
        let regression = try regression(f)
        let (logits, target, up) = (try f.input("logits"), try f.input("target"), try f.input("upstream"))
        let loss = regression.softCrossEntropy(logits, target)
        let grad = valueWithGradients(at: [logits]) { v in (regression.softCrossEntropy(v[0], target) * up).sum() }.gradients[0]
        expectMatches(f, [(loss, "loss"), (grad, "grad_logits")])
    }

    /// Rows 0-2 decode to small values and are checked at the default tolerance. Rows 3 and 4 are peaked and
    /// decode to ~8000 and ~-12000; there the gradient `e^|s| p_k (b_k - s)` cancels badly and float32 (PyTorch's
    /// own float32 result included, 93x the default tolerance) is only good to about 1e-6 |y|, so those rows
    /// use an absolute tolerance of 5e-6 |y| (0.04 and 0.06).
    @Test func twoHotInverse() throws {
        let f = try fixture("two_hot_inv")
        let regression = try regression(f)
        let (logits, up) = (try f.input("logits"), try f.input("upstream"))
        let grad = valueWithGradients(at: [logits]) { v in (regression.decode(v[0]) * up).sum() }.gradients[0]
        expectMatches(f, [(regression.decode(logits), "y")])
        let expected = try f.output("grad_logits"), y = try f.output("y")
        let wellConditioned = f.compare(grad[rows: 0..<3], to: expected.rows(0..<3), label: "grad_logits rows 0-2",
                                        absolute: Self.absolute, relative: Self.relative)
        #expect(wellConditioned.passed, "\(wellConditioned)")
        for row in 3..<5 {
            let check = f.compare(grad[rows: row..<(row + 1)], to: expected.rows(row..<(row + 1)), label: "grad_logits row \(row)",
                                  absolute: 5e-6 * Swift.abs(y.data[row]), relative: Self.relative)
            #expect(check.passed, "\(check)")
        }
    }

    @Test(arguments: ["conv2d_stride2_pad1", "conv2d_stride1"])
    func conv2d(_ name: String) throws {
        let f = try fixture(name)
        let (x, w, b, up) = (try f.input("x"), try f.input("weight"), try f.input("bias"), try f.input("upstream"))
        let stride = Int(try f.parameter("stride")), padding = Int(try f.parameter("padding"))
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
        let grads = valueWithGradients(at: [x, w, b]) { v in
            (Tensor.conv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: padding) * up).sum()
        }.gradients
        expectMatches(f, [(y, "y"), (grads[0], "grad_x"), (grads[1], "grad_weight"), (grads[2], "grad_bias")])
    }

    /// The comparison itself must be able to fail: a perturbed value is caught.
    @Test func comparisonDetectsAnError() throws {
        let f = try fixture("mish")
        var y = try f.input("x").mish()
        y.setScalar(y.scalars[3] + 1e-3, at: 3)
        let check = f.compare(y, to: "y", absolute: Self.absolute, relative: Self.relative)
        #expect(!check.passed && check.description.contains("worst element 3"))
        #expect(!f.compare(Tensor.zeros([2]), to: "y", absolute: 1, relative: 1).passed, "shape mismatch fails")
    }
}
