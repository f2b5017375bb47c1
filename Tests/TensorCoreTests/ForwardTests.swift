// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import TensorCore
import _TestSupport

@Suite struct ForwardTests {
    @Test func gradientCheckerCatchesAWrongGradient() {
        // d/dx (stop(x) * x) is x analytically, but 2x numerically: the checker must fail.
        let x = Tensor([0.5, 1.5, -2])
        let r = checkGradients([x]) { $0[0].detached() * $0[0] }
        #expect(!r.passed)
    }

    @Test func broadcastingValues() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect((a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor(shape: [2, 1], scalars: [2, 3])).scalars == [2, 4, 6, 12, 15, 18])
        #expect((Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4]) - Tensor(shape: [1, 3, 1], scalars: [1, 2, 3])).shape == [2, 3, 2])
        #expect((2 - a).scalars == [1, 0, -1, -2, -3, -4])
    }

    @Test func reductionsAndIndexing() {
        let a = Tensor([[1, 7, 3], [9, 5, 6]])
        #expect(a.sum(alongAxes: [0]).shape == [1, 3])
        #expect(a.sum(squeezingAxes: [0]).scalars == [10, 12, 9])
        let means: [Float] = [11.0 / 3, 20.0 / 3]
        #expect(maxAbsDifference(a.mean(squeezingAxes: [1]).scalars, means) < 1e-6)
        #expect(a.max(squeezingAxis: 1).scalars == [7, 9])
        #expect(a.min(alongAxis: 0).scalars == [1, 5, 3])
        #expect(a.argmax(alongAxis: 1) == [1, 0])
        #expect(a.argmin(alongAxis: 0) == [0, 1, 0])
        #expect(a.sum().scalar == 31)
        #expect(a.transposed2D.scalars == [1, 9, 7, 5, 3, 6])
        #expect(a[row: 1].scalars == [9, 5, 6])
        #expect(a.gathering([1, 1, 0]).scalars == [9, 5, 6, 9, 5, 6, 1, 7, 3])
        #expect(Tensor.concatenate([a, a], along: 1).shape == [2, 6])
        #expect(Tensor.concatenate([a, a], along: 0)[rows: 2..<4] == a)
        let t = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let p = t.transposed(permutation: [2, 0, 1])
        #expect(p.shape == [4, 2, 3] && p[3, 1, 2] == t[1, 2, 3])
    }

    @Test func matmulMatchesNaiveProduct() {
        var g = SeededGenerator(seed: 1)
        for (m, k, n) in [(1, 7, 5), (4, 3, 6), (33, 17, 9)] {
            let a = Tensor.randomNormal([m, k], using: &g), b = Tensor.randomNormal([k, n], using: &g)
            let c = Tensor.matmul(a, b)
            var naive = [Float](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n { for l in 0..<k { naive[i * n + j] += a[i, l] * b[l, j] } } }
            #expect(maxAbsDifference(c.scalars, naive) < 1e-4, "\(m)x\(k)x\(n)")
        }
    }

    @Test func vectorizedExpAndMishAreAccurate() {
        let xs = stride(from: -30.0, through: 30.0, by: 0.37).map { Float($0) }
        let e = Tensor(xs).exp().scalars
        let m = Tensor(xs).mish().scalars
        for (i, x) in xs.enumerated() {
            let exact = Foundation.exp(Double(x))
            #expect(Swift.abs(Double(e[i]) - exact) <= 1e-6 * exact, "exp(\(x))")
            let mish = Double(x) * Foundation.tanh(Foundation.log1p(Foundation.exp(Double(x))))
            #expect(Swift.abs(Double(m[i]) - mish) <= 1e-6 * (1 + Swift.abs(mish)), "mish(\(x))")
        }
    }

    @Test func softmaxAndSimNorm() {
        let x = Tensor(shape: [2, 16], scalars: (0..<32).map { Float($0 % 5) - 2 })
        let s = x.simNorm(groupSize: 8)
        for group in 0..<4 {
            let total = s.scalars[(group * 8)..<(group * 8 + 8)].reduce(0, +)
            #expect(Swift.abs(total - 1) < 1e-6)
        }
        let lsm = x.logSoftmax().exp().sum(squeezingAxes: [1]).scalars
        #expect(lsm.allSatisfy { Swift.abs($0 - 1) < 1e-5 })
        // Large logits stay finite.
        #expect(Tensor([1000, 0, -1000]).softmax().scalars == [1, 0, 0])
    }

    @Test func twoHotEncodesAndDecodes() {
        let reg = DiscreteRegression()
        let values: [Float] = [0, 1, -1, 5.5, -300, 22025, 1e9]
        let th = reg.twoHot(Tensor(shape: [values.count, 1], scalars: values))
        for i in 0..<values.count {
            let row = Array(th.scalars[(i * 101)..<((i + 1) * 101)])
            #expect(Swift.abs(row.reduce(0, +) - 1) < 1e-5)
            // The expectation over bins is the clamped symlog.
            let mean = zip(row, reg.bins.scalars).map { $0 * $1 }.reduce(0, +)
            let sl = Float((values[i] < 0 ? -1 : 1) * Foundation.log1p(Double(Swift.abs(values[i]))))
            #expect(Swift.abs(mean - Swift.min(Swift.max(sl, -10), 10)) < 1e-4)
        }
        #expect(th.scalars[50] == 1)  // zero sits exactly on the middle bin
        // Logits equal to log of a two-hot decode back to the value.
        let logits = (th + 1e-12).log()
        let decoded = reg.decode(logits).scalars
        for (d, v) in zip(decoded.prefix(4), values.prefix(4)) { #expect(Swift.abs(d - v) < 1e-3 * (1 + Swift.abs(v))) }
        // Uniform logits decode to zero (zero-initialised heads predict 0).
        #expect(Swift.abs(reg.decode(Tensor.zeros([1, 101])).scalar) < 1e-5)
    }

    @Test func seededRandomIsReproducibleAndDistributed() {
        var g1 = SeededGenerator(seed: 42), g2 = SeededGenerator(seed: 42)
        let a = Tensor.randomNormal([10000], using: &g1), b = Tensor.randomNormal([10000], using: &g2)
        #expect(a == b)
        let mean = a.mean().scalar, variance = (a - mean).squared().mean().scalar
        #expect(Swift.abs(mean) < 0.05 && Swift.abs(variance - 1) < 0.05)
        let t = Tensor.randomTruncatedNormal([10000], standardDeviation: 1, low: -0.5, high: 0.5, using: &g1)
        #expect(t.scalars.allSatisfy { $0 >= -0.5 && $0 <= 0.5 })
        var g3 = SeededGenerator(seed: 43)
        #expect(Tensor.randomNormal([8], using: &g3) != Tensor.randomNormal([8], using: &g1))
    }

    @Test func noGradientModeRecordsNothing() {
        let p = Parameter(Tensor([1, 2, 3]))
        let (_, grads) = valueWithGradients(at: [p]) {
            withoutGradients { (p.variable * 2).sum() }
        }
        #expect(grads[p] == nil)
        let (v, g2) = valueWithGradients(at: [p]) { (p.variable * p.variable).sum() }
        #expect(v.scalar == 14 && g2[p]?.scalars == [2, 4, 6])
        let (_, g3) = valueWithGradients(at: [p]) { (p.variable.detached() * 3).sum() }
        #expect(g3[p] == nil)
    }

    @Test func dropoutIsSeededAndScaled() {
        lockThreadCount(); defer { unlockThreadCount() }
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let x = Tensor.ones([1000])
        let a = x.dropout(rate: 0.25, using: &g1), b = x.dropout(rate: 0.25, using: &g2)
        #expect(a == b)
        let zeros = a.scalars.filter { $0 == 0 }.count
        #expect(zeros > 180 && zeros < 320)
        #expect(a.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 4.0 / 3) < 1e-6 })
        // A mask large enough that its fill is split between threads: the same mask as with one thread.
        func mask(threads: Int) -> Tensor {
            BLAS.setThreadCount(threads)
            var g = SeededGenerator(seed: 6)
            return Tensor.dropoutMask([5, 256, 512], rate: 0.01, using: &g)
        }
        let (one, two) = (mask(threads: 1), mask(threads: 2))
        #expect(Parallel.partCount(5 * 256 * 512, itemSize: 4) == 2)
        #expect(one == two)
        let dropped = two.scalars.filter { $0 == 0 }.count
        #expect(dropped > 5_900 && dropped < 7_200, "\(dropped) zeros of 655,360 at rate 0.01")
        #expect(two.scalars.allSatisfy { $0 == 0 || $0 == 1 / Float(0.99) })
    }
}
