// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import TensorCore
import _TestSupport

/// The performance kernels equal the plain definitions they replace.
@Suite struct KernelTests {
    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randomUniform(shape, low: low, high: high, using: &g)
    }

    @Test func generatorSequenceAndCoding() throws {
        // xoshiro256** seeded through SplitMix64 (values from an independent implementation).
        var g = SeededGenerator(seed: 42)
        #expect([g.next(), g.next(), g.next()] == [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009])
        let data = try JSONEncoder().encode(g)
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: data)
        #expect(restored == g && restored.next() == g.next())
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SeededGenerator.self, from: Data(#"{"state":[0,0,0,0]}"#.utf8)) }
        var copy = SeededGenerator(state: g.state)
        #expect(copy.next() == g.next())
    }

    @Test func dropoutMaskEqualsDropoutOfOnes() {
        for rate: Float in [0.01, 0.3, 0.5] {
            var a = SeededGenerator(seed: 3), b = a
            let mask = Tensor.dropoutMask([7, 33], rate: rate, using: &a)
            let reference = Tensor.ones([7, 33]).dropout(rate: rate, using: &b)
            #expect(mask == reference, "rate \(rate)")
            #expect(a == b)
        }
    }

    @Test func vectorLoopsMatchScalarDefinitions() {
        let x = Self.random([203], seed: 4, low: -30, high: 30)
        var inPlace = x.scalars
        inPlace.withUnsafeMutableBufferPointer { p in VectorMath.mish(p.baseAddress!, p.baseAddress!, p.count) }
        #expect(maxAbsDifference(inPlace, x.scalars.map { VectorMath.mish($0) }) == 0)
        var e = x.scalars
        e.withUnsafeMutableBufferPointer { p in VectorMath.exp(p.baseAddress!, p.baseAddress!, p.count) }
        #expect(e == x.scalars.map { VectorMath.exp($0) })
        let g = Self.random([203], seed: 5)
        var d = [Float](repeating: 0, count: 203)
        x.withUnsafeBufferPointer { xp in g.withUnsafeBufferPointer { gp in d.withUnsafeMutableBufferPointer { dp in
            VectorMath.mishBackward(xp.baseAddress!, gp.baseAddress!, dp.baseAddress!, 203)
        } } }
        let expected = (0..<203).map { g.scalars[$0] * VectorMath.mishDerivative(x.scalars[$0]) }
        #expect(maxAbsDifference(d, expected) <= 1e-6)
        let sumSquares = x.withUnsafeBufferPointer { OptimizerKernels.sumOfSquares($0.baseAddress!, count: 203) }
        let reference = x.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(Swift.abs(sumSquares - reference) <= 1e-5 * reference)
    }

    @Test func adamStepMatchesTheScalarUpdate() {
        let n = 37
        var p = Self.random([n], seed: 6).scalars, m = Self.random([n], seed: 7).scalars
        var v = Self.random([n], seed: 8, low: 0, high: 1).scalars
        let g = Self.random([n], seed: 9).scalars
        var (pr, mr, vr) = (p, m, v)
        for i in 0..<n {
            mr[i] = mr[i] * 0.9 + (1 - 0.9) * g[i]
            vr[i] = vr[i] * 0.999 + (1 - 0.999) * g[i] * g[i]
            pr[i] -= 0.01 * (mr[i] / (vr[i].squareRoot() / 0.5 + 1e-8))
        }
        OptimizerKernels.adamStep(parameter: &p, firstMoment: &m, secondMoment: &v, gradient: g, count: n, stepSize: 0.01,
                                  beta1: 0.9, beta2: 0.999, epsilon: 1e-8, biasCorrection2Sqrt: 0.5)
        #expect(maxAbsDifference(p, pr) <= 1e-6 && maxAbsDifference(m, mr) <= 1e-7 && maxAbsDifference(v, vr) <= 1e-7)
    }

    @Test(arguments: [NormedActivation.mish, .simNorm(groupSize: 8), .identity])
    func stridedNormedLinearMatchesTheTensorOp(_ activation: NormedActivation) {
        let (rows, inDim, outDim, pad) = (9, 21, 24, 5)
        let x = Self.random([rows, inDim], seed: 10), w = Self.random([outDim, inDim], seed: 11), b = Self.random([outDim], seed: 12)
        let gamma = Self.random([outDim], seed: 13) + 1.5, beta = Self.random([outDim], seed: 14)
        let expected = Tensor.normedLinear(x, weight: w, bias: b, normWeight: gamma, normBias: beta, activation: activation)
        // Input rows padded to a wider stride, output written into a wider buffer.
        var input = [Float](repeating: .nan, count: rows * (inDim + pad))
        for r in 0..<rows { for j in 0..<inDim { input[r * (inDim + pad) + j] = x[r, j] } }
        var output = [Float](repeating: -7, count: rows * (outDim + pad))
        InferenceKernels.withPointers(to: [w, b, gamma, beta]) { p in
            InferenceKernels.normedLinear(rows: rows, input: input, inputStride: inDim + pad, inputDimensions: inDim, weight: p[0],
                                          weightStride: inDim, bias: p[1], normWeight: p[2], normBias: p[3], outputDimensions: outDim,
                                          activation: activation, output: &output, outputStride: outDim + pad)
        }
        var worst: Float = 0
        for r in 0..<rows {
            for j in 0..<outDim { worst = Swift.max(worst, Swift.abs(output[r * (outDim + pad) + j] - expected[r, j])) }
            for j in outDim..<(outDim + pad) { #expect(output[r * (outDim + pad) + j] == -7, "padding must stay untouched") }
        }
        #expect(worst <= 1e-5, "\(activation): \(worst)")
    }

    @Test func sharedLatentTermEqualsTheFullFirstLayer() {
        // W [z, a] + b = (W_z z + b) + W_a a when every row has the same z.
        let (rows, latent, action, outDim) = (6, 10, 3, 16)
        let z = Self.random([1, latent], seed: 15), a = Self.random([rows, action], seed: 16)
        let w = Self.random([outDim, latent + action], seed: 17), b = Self.random([outDim], seed: 18)
        let gamma = Self.random([outDim], seed: 19) + 1.5, beta = Self.random([outDim], seed: 20)
        let input = Tensor.concatenate([Tensor.concatenate(Array(repeating: z, count: rows), along: 0), a], along: 1)
        let expected = Tensor.normedLinear(input, weight: w, bias: b, normWeight: gamma, normBias: beta, activation: .mish)
        var shared = [Float](repeating: 0, count: outDim)
        var columns = [Float](repeating: 0, count: action * outDim)
        for j in 0..<action { for o in 0..<outDim { columns[j * outDim + o] = w[o, latent + j] } }
        var out = [Float](repeating: 0, count: rows * outDim)
        InferenceKernels.withPointers(to: [z, w, b, gamma, beta, a]) { p in
            InferenceKernels.linear(rows: 1, input: p[0], inputStride: latent, inputDimensions: latent, weight: p[1], weightStride: latent + action,
                                    bias: p[2], outputDimensions: outDim, output: &shared, outputStride: outDim)
            InferenceKernels.sharedPlusNarrowLinear(rows: rows, shared: shared, input: p[5], inputStride: action, inputDimensions: action,
                                                    transposedWeight: columns, outputDimensions: outDim, output: &out, outputStride: outDim)
            InferenceKernels.normalizeRows(rows: rows, &out, stride: outDim, dimensions: outDim, bias: nil, normWeight: p[3], normBias: p[4],
                                           activation: .mish)
        }
        #expect(maxAbsDifference(out, expected.scalars) <= 1e-5)
    }

    @Test func rowParallelKernelsMatchOneThread() {
        lockThreadCount(); defer { unlockThreadCount() }
        // Rows split over threads: the same values (up to summation order) as one thread.
        let x = Self.random([512, 64], seed: 21), w = Self.random([96, 64], seed: 22), b = Self.random([96], seed: 23)
        let gamma = Self.random([96], seed: 24) + 1.5, beta = Self.random([96], seed: 25)
        var maskGenerator = SeededGenerator(seed: 26)
        let mask = Tensor.ones([512, 96]).dropout(rate: 0.2, using: &maskGenerator)
        func run() -> [Tensor] {
            let (_, grads) = valueWithGradients(at: [x, w, b, gamma, beta]) { v in
                (Tensor.normedLinear(v[0], weight: v[1], bias: v[2], normWeight: v[3], normBias: v[4], activation: .mish, dropoutMask: mask)
                    * Self.random([512, 96], seed: 27)).sum()
            }
            return [Tensor.normedLinear(x, weight: w, bias: b, normWeight: gamma, normBias: beta, activation: .mish)] + grads
        }
        BLAS.setThreadCount(1)
        let one = run()
        BLAS.setThreadCount(2)
        #expect(Parallel.partCount(512, itemSize: 96) == 2)
        let two = run()
        for (a, c) in zip(one, two) { #expect(maxAbsDifference(a.scalars, c.scalars) <= 1e-4, "\(a.shape)") }
    }

    @Test func concatenatedPartsEqualTheConcatenation() {
        // A plain block and an ensemble with a shared input: values and gradients of the parts equal
        // those through an explicit concatenation; a constant part gets no gradient.
        let z = Self.random([5, 7], seed: 30), a = Self.random([5, 3], seed: 31)
        for (w, b, gamma, beta) in [(Self.random([12, 10], seed: 32), Self.random([12], seed: 33), Self.random([12], seed: 34) + 1.5, Self.random([12], seed: 35)),
                                    (Self.random([3, 12, 10], seed: 36), Self.random([3, 12], seed: 37), Self.random([3, 12], seed: 38) + 1.5,
                                     Self.random([3, 12], seed: 39))] {
            let parts = Tensor.normedLinear(concatenating: [z, a], weight: w, bias: b, normWeight: gamma, normBias: beta, activation: .mish)
            let joined = Tensor.normedLinear(Tensor.concatenate([z, a], along: -1), weight: w, bias: b, normWeight: gamma, normBias: beta, activation: .mish)
            #expect(maxAbsDifference(parts.scalars, joined.scalars) == 0)
            // epsilon 1e-2 (the default): at 1e-3 the float32 rounding of the loss, divided by 2 epsilon, reaches the
            // tolerance on some CPUs (1.02x at one ensemble weight on AMD Zen 3, whose GEMMs round differently).
            let r = checkGradients([z, a, w, b, gamma, beta], epsilon: 1e-2) {
                Tensor.normedLinear(concatenating: [$0[0], $0[1]], weight: $0[2], bias: $0[3], normWeight: $0[4], normBias: $0[5], activation: .mish)
            }
            #expect(r.passed, "\(w.shape): \(r)")
            let (_, grads) = valueWithGradients(at: [a, w]) { v in
                Tensor.normedLinear(concatenating: [z, v[0]], weight: v[1], bias: b, normWeight: gamma, normBias: beta, activation: .mish).sum()
            }
            let (_, reference) = valueWithGradients(at: [a, w]) { v in
                Tensor.normedLinear(Tensor.concatenate([z, v[0]], along: -1), weight: v[1], bias: b, normWeight: gamma, normBias: beta,
                                    activation: .mish).sum()
            }
            #expect(maxAbsDifference(grads[0].scalars, reference[0].scalars) <= 1e-6)
            #expect(maxAbsDifference(grads[1].scalars, reference[1].scalars) <= 1e-6)
        }
    }

    /// The 16-lane (AVX-512) row passes (sums and Mish) give the same bits as the 8-lane loops:
    /// 8-lane steps, scalar tails, dropout masks and Mish's clamps included.
    @Test(.enabled(if: VectorMath.hasWideLanes), arguments: [16, 24, 45, 384])
    func wideRowPassesMatchEightLanes(_ n: Int) {
        var g = SeededGenerator(seed: UInt64(n))
        let x = Tensor.randomUniform([n], low: -4, high: 4, using: &g).scalars
        let bias = Tensor.randomUniform([n], low: -1, high: 1, using: &g).scalars
        let mask = Tensor.ones([n]).dropout(rate: 0.3, using: &g).scalars
        // Large gains push some LayerNorm outputs past Mish's clamps (20 and -87.3).
        let gamma = Tensor.randomUniform([n], low: -60, high: 60, using: &g).scalars
        let beta = Tensor.randomUniform([n], low: -1, high: 1, using: &g).scalars
        let activations: [NormedActivation] = n % 8 == 0 ? [.mish, .simNorm(groupSize: 8), .identity] : [.mish, .identity]
        for activation in activations {
            for masked in [false, true] {
                func run(wide: Bool) -> [[UInt32]] {
                    var out = x, normalized = [Float](repeating: 0, count: n), derivative = [Float](repeating: 0, count: n)
                    let rstd = out.withUnsafeMutableBufferPointer { o in normalized.withUnsafeMutableBufferPointer { h in
                        derivative.withUnsafeMutableBufferPointer { d in
                            mask.withUnsafeBufferPointer { m in
                                Tensor.normedRowForward(o.baseAddress!, bias: bias, mask: masked ? m.baseAddress! : nil, gamma: gamma, beta: beta,
                                                        normalized: h.baseAddress!, derivative: activation == .mish ? d.baseAddress! : nil, n: n,
                                                        epsilon: 1e-5, activation: activation, wide: wide)
                            } } } }
                    return [out, normalized, derivative, [rstd]].map { $0.map(\.bitPattern) }
                }
                #expect(run(wide: true) == run(wide: false), "n \(n), \(activation), masked \(masked)")
            }
        }
        var out = x
        _ = Tensor.normedRowForward(&out, bias: bias, mask: nil, gamma: gamma, beta: beta, normalized: nil, derivative: nil, n: n,
                                    epsilon: 1e-5, activation: .mish, wide: true)
        #expect(out.contains { $0 > 20 } && out.contains { $0 < -1e-6 })
    }
}
