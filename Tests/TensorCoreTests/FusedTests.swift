// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Testing
import TensorCore
import _TestSupport

/// The fused normed-linear block equals the unfused composition and has correct gradients.
@Suite struct FusedTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randomUniform(shape, low: -1, high: 1, using: &g)
    }

    @Test(arguments: [NormedActivation.mish, .simNorm(groupSize: 8), .identity])
    func matchesUnfusedAndGradients(_ activation: NormedActivation) {
        let x = Self.random([5, 6], seed: 1), w = Self.random([16, 6], seed: 2), b = Self.random([16], seed: 3)
        let gamma = Self.random([16], seed: 4) + 1.5, beta = Self.random([16], seed: 5)
        let fused = Tensor.normedLinear(x, weight: w, bias: b, normWeight: gamma, normBias: beta, activation: activation)
        let ln = Tensor.linear(x, weight: w, bias: b).layerNorm(weight: gamma, bias: beta)
        let reference: Tensor
        switch activation {
        case .mish: reference = ln.mish()
        case .simNorm(let k): reference = ln.simNorm(groupSize: k)
        case .identity: reference = ln
        }
        #expect(maxAbsDifference(fused.scalars, reference.scalars) < 1e-5)
        let r = checkGradients([x, w, b, gamma, beta], epsilon: 1e-3) {
            Tensor.normedLinear($0[0], weight: $0[1], bias: $0[2], normWeight: $0[3], normBias: $0[4], activation: activation)
        }
        #expect(r.passed, "\(activation): \(r)")
    }

    @Test func dropoutMaskAndEnsemble() {
        var g = SeededGenerator(seed: 9)
        let mask = Tensor.ones([3, 4, 8]).dropout(rate: 0.3, using: &g)
        let x = Self.random([3, 4, 5], seed: 6), w = Self.random([3, 8, 5], seed: 7), b = Self.random([3, 8], seed: 8)
        let gamma = Self.random([3, 8], seed: 10) + 1.5, beta = Self.random([3, 8], seed: 11)
        let r = checkGradients([x, w, b, gamma, beta], epsilon: 1e-3) {
            Tensor.normedLinear($0[0], weight: $0[1], bias: $0[2], normWeight: $0[3], normBias: $0[4], activation: .mish, dropoutMask: mask)
        }
        #expect(r.passed, "ensemble with dropout: \(r)")
        // Shared input: every member sees the same rows; the input gradient sums over members.
        let xs = Self.random([4, 5], seed: 12)
        let shared = checkGradients([xs, w, b, gamma, beta], epsilon: 1e-3) {
            Tensor.normedLinear($0[0], weight: $0[1], bias: $0[2], normWeight: $0[3], normBias: $0[4], activation: .mish)
        }
        #expect(shared.passed, "ensemble with shared input: \(shared)")
        // Member e of the ensemble equals a single block with member e's parameters.
        let out = Tensor.normedLinear(x, weight: w, bias: b, normWeight: gamma, normBias: beta, activation: .mish)
        for e in 0..<3 {
            let single = Tensor.normedLinear(x[row: e], weight: w[row: e], bias: b[row: e], normWeight: gamma[row: e], normBias: beta[row: e], activation: .mish)
            #expect(maxAbsDifference(out[row: e].scalars, single.scalars) < 1e-6)
        }
        let lin = checkGradients([xs, w, b]) { Tensor.ensembleLinear($0[0], weight: $0[1], bias: $0[2]) }
        #expect(lin.passed, "ensembleLinear: \(lin)")
    }
}

/// The fused mean squared error against the chain it replaces, `(a - b).squared().mean()`.
@Suite struct MeanSquaredErrorTests {
    @Test(arguments: [[7], [37, 19], [256, 64], [3, 5, 11]])
    func valueAndGradientsAreTheChainsBits(_ shape: [Int]) {
        let a = FusedTests.random(shape, seed: 31), b = FusedTests.random(shape, seed: 32)
        let fused = valueWithGradients(at: [a, b]) { Tensor.meanSquaredError($0[0], $0[1]) * 3 }
        let chain = valueWithGradients(at: [a, b]) { ($0[0] - $0[1]).squared().mean() * 3 }
        #expect(fused.value.shape == chain.value.shape)
        #expect(fused.value.scalars == chain.value.scalars, "\(shape): \(fused.value.scalar) vs \(chain.value.scalar)")
        #expect(fused.gradients[0].scalars == chain.gradients[0].scalars, "\(shape): gradient at a")
        #expect(fused.gradients[1].scalars == chain.gradients[1].scalars, "\(shape): gradient at b")
    }

    @Test func finiteDifferencesAndOneSidedGradients() {
        let a = FusedTests.random([4, 6], seed: 33), b = FusedTests.random([4, 6], seed: 34)
        let r = checkGradients([a, b], epsilon: 1e-3) { Tensor.meanSquaredError($0[0], $0[1]) }
        #expect(r.passed, "\(r)")
        // A constant target (the consistency loss's detached latents) gets no gradient.
        let (_, g) = valueWithGradients(at: [a]) { Tensor.meanSquaredError($0[0], b) }
        #expect(g[0].scalars == zip(a.scalars, b.scalars).map { (1 / Float(24)) * (2 * ($0 - $1)) })
    }

    @Test func broadcastShapesUseTheChain() {
        let a = FusedTests.random([3, 4], seed: 35), b = FusedTests.random([4], seed: 36)
        #expect(Tensor.meanSquaredError(a, b).scalars == (a - b).squared().mean().scalars)
    }
}
