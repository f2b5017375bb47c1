// Foresight — NNTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import NN
import _TestSupport

// MARK: - Golden values: Linear -> LayerNorm -> Mish

/// TD-MPC2's `NormedLinear` block against float64 PyTorch values from `scripts/fixtures/torch_golden.py`
/// (`Fixtures/golden_mlp_block.json`): forward output and gradients with respect to the input and all
/// four parameters, for the loss `sum(y * upstream)`.
///
/// Tolerance: `|actual - expected| <= 1e-5 + 1e-5 * |expected|` per element.
@Suite struct GoldenMLPBlockTests {
    static let absolute = 1e-5, relative = 1e-5
    let f: GoldenFixture

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "golden_mlp_block", withExtension: "json", subdirectory: "Fixtures"))
        f = try GoldenFixture(contentsOf: url)
    }

    private func expectMatches(_ pairs: [(Tensor?, String)], sourceLocation: SourceLocation = #_sourceLocation) {
        for (actual, key) in pairs {
            guard let actual else { Issue.record("no gradient for \(key)", sourceLocation: sourceLocation); continue }
            let check = f.compare(actual, to: key, absolute: Self.absolute, relative: Self.relative)
            #expect(check.passed, "\(check)", sourceLocation: sourceLocation)
        }
    }

    /// A `NormedLinear` (fused op) loaded with the fixture's weights through `load(stateDict:)`.
    private func makeBlock() throws -> NormedLinear {
        var generator = SeededGenerator(seed: 0)
        let block = NormedLinear(inputDimensions: 6, outputDimensions: 8, activation: .mish, generator: &generator)
        try block.load(stateDict: ["linear.weight": f.input("weight"), "linear.bias": f.input("bias"),
                                   "norm.weight": f.input("ln_weight"), "norm.bias": f.input("ln_bias")])
        #expect(block.norm.epsilon == Float(try f.parameter("epsilon")))
        return block
    }

    @Test func normedLinearModuleMatchesPyTorch() throws {
        let block = try makeBlock()
        let (x, upstream) = (try f.input("x"), try f.input("upstream"))
        #expect(block.linear.weight.value == (try f.input("weight")))

        let (_, grads) = valueWithGradients(at: block.parameters) { (block(x) * upstream).sum() }
        let inputGradient = valueWithGradients(at: [x]) { v in (block(v[0]) * upstream).sum() }.gradients[0]
        expectMatches([(block(x), "y"), (inputGradient, "grad_x"),
                       (grads[block.linear.weight], "grad_weight"), (block.linear.bias.flatMap { grads[$0] }, "grad_bias"),
                       (grads[block.norm.weight], "grad_ln_weight"), (grads[block.norm.bias], "grad_ln_bias")])
    }

    /// The same block from separate ops (`linear`, `layerNorm`, `mish`), with intermediate values.
    @Test func unfusedOpsMatchPyTorch() throws {
        let names = ["x", "weight", "bias", "ln_weight", "ln_bias"]
        let inputs = try names.map { try f.input($0) }
        let upstream = try f.input("upstream"), epsilon = Float(try f.parameter("epsilon"))
        func forward(_ v: [Tensor]) -> (linear: Tensor, normed: Tensor, y: Tensor) {
            let hidden = Tensor.linear(v[0], weight: v[1], bias: v[2])
            let normed = hidden.layerNorm(weight: v[3], bias: v[4], epsilon: epsilon)
            return (hidden, normed, normed.mish())
        }
        let values = forward(inputs)
        let grads = valueWithGradients(at: inputs) { v in (forward(v).y * upstream).sum() }.gradients
        expectMatches([(values.linear, "linear"), (values.normed, "layer_norm"), (values.y, "y")]
            + zip(grads, names).map { ($0, "grad_\($1)") })
    }
}
