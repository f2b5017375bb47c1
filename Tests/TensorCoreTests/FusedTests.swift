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
