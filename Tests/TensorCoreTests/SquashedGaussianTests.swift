// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Testing
import TensorCore
import _TestSupport

/// The fused squashed-Gaussian policy draw against the chain of elementwise operations it replaces
/// (TD-MPC2's `world_model.pi`), and against finite differences.
@Suite struct SquashedGaussianTests {
    static let (logStdMin, logStdMax): (Float, Float) = (-10, 2)

    /// The unfused chain, operation by operation: `[N, 2A]` head and `[N, A]` noise to the five outputs.
    static func chain(_ head: Tensor, _ noise: Tensor) -> [Tensor] {
        let a = noise.shape[1]
        let parts = head.chunked(into: 2, along: -1)
        let mean = parts[0]
        let logStd = logStdMin + 0.5 * (logStdMax - logStdMin) * (parts[1].tanh() + 1)
        let logProb = (-0.5 * noise.squared() - logStd - 0.918_938_5).sum(alongAxes: [-1])
        let scaledLogProb = logProb * Float(a)
        let action = mean + noise * logStd.exp()
        let squashedMean = mean.tanh(), squashedAction = action.tanh()
        let squashedLogProb = logProb - ((1 - squashedAction.squared()).relu() + 1e-6).log().sum(alongAxes: [-1])
        let entropyScale = scaledLogProb / (squashedLogProb + 1e-8)
        return [squashedAction, squashedMean, logStd, -squashedLogProb, -squashedLogProb * entropyScale]
    }

    static func fused(_ head: Tensor, _ noise: Tensor) -> [Tensor] {
        let s = Tensor.squashedGaussian(head, noise: noise, logStdMin: logStdMin, logStdMax: logStdMax)
        return [s.action, s.mean, s.logStd, s.entropy, s.scaledEntropy]
    }

    static func inputs(rows: Int, actions: Int, seed: UInt64) -> (Tensor, Tensor) {
        var g = SeededGenerator(seed: seed)
        return (Tensor.randomUniform([rows, 2 * actions], low: -1.5, high: 1.5, using: &g), Tensor.randomNormal([rows, actions], using: &g))
    }

    @Test(arguments: [(3, 1), (5, 6), (1500, 6)])
    func forwardIsTheChainsBits(_ size: (Int, Int)) {
        let (head, noise) = Self.inputs(rows: size.0, actions: size.1, seed: 11)
        let (fused, chain) = (Self.fused(head, noise), Self.chain(head, noise))
        for (k, (f, c)) in zip(fused, chain).enumerated() {
            #expect(f.shape == c.shape, "output \(k)")
            #expect(f.scalars == c.scalars, "output \(k) differs from the unfused chain")
        }
    }

    @Test func gradientsMatchTheChain() {
        let (head, noise) = Self.inputs(rows: 64, actions: 6, seed: 12)
        var g = SeededGenerator(seed: 13)
        // A loss that weighs every output (as the policy loss weighs action and scaled entropy).
        let weights = Self.chain(head, noise).map { Tensor.randomUniform($0.shape, low: -1, high: 1, using: &g) }
        func loss(_ outputs: [Tensor]) -> Tensor { zip(outputs, weights).map { ($0 * $1).sum() }.reduce(Tensor(0), +) }
        let fused = valueWithGradients(at: [head]) { loss(Self.fused($0[0], noise)) }
        let chain = valueWithGradients(at: [head]) { loss(Self.chain($0[0], noise)) }
        #expect(fused.value.scalar == chain.value.scalar)
        let (f, c) = (fused.gradients[0].scalars, chain.gradients[0].scalars)
        let worst = zip(f, c).map { Swift.abs($0 - $1) / Swift.max(Swift.abs($1), 1e-3) }.max() ?? 0
        #expect(worst < 1e-4, "largest relative difference \(worst)")
    }

    @Test(arguments: 0..<5)
    func eachOutputAgainstFiniteDifferences(_ output: Int) {
        let (head, noise) = Self.inputs(rows: 4, actions: 3, seed: UInt64(20 + output))
        let r = checkGradients([head], epsilon: 1e-3) { Self.fused($0[0], noise)[output] }
        #expect(r.passed, "output \(output): \(r)")
    }

    @Test func saturatedActionsHaveNoCorrectionGradient() {
        // tanh saturates to ±1 in Float: relu(1 - y^2) is 0 there and passes no gradient (as the chain's relu).
        let head = Tensor(shape: [1, 2], scalars: [20, 1]), noise = Tensor(shape: [1, 1], scalars: [0.5])
        let fused = valueWithGradients(at: [head]) { Self.fused($0[0], noise)[3].sum() }
        let chain = valueWithGradients(at: [head]) { Self.chain($0[0], noise)[3].sum() }
        #expect(fused.value.scalar == chain.value.scalar)
        #expect(fused.gradients[0].scalars == chain.gradients[0].scalars)
        #expect(fused.gradients[0].scalars.allSatisfy { $0.isFinite })
    }
}
