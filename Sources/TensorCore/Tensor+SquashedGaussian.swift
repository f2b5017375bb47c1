// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Squashed Gaussian policy sample (fused)

/// One draw from a policy prior. Shapes `[N, A]` (action, mean, log-std) and `[N, 1]` (entropies).
/// ``Tensor/squashedGaussian(_:noise:logStdMin:logStdMax:)`` fills it for a tanh-squashed Gaussian (TD-MPC2's
/// prior); other priors (a categorical one) fill the fields with their own counterparts.
public struct PolicySample {
    /// The drawn action: `tanh(mean + noise * exp(logStd))` for the squashed Gaussian.
    public var action: Tensor
    /// The action without noise: `tanh(mean)`.
    public var mean: Tensor
    /// `logStdMin + (logStdMax - logStdMin) / 2 * (tanh(raw) + 1)`.
    public var logStd: Tensor
    /// `-log π(a)`, including the tanh correction.
    public var entropy: Tensor
    /// TD-MPC2's `scaled_entropy`: `entropy * (A log p) / (log π(a) + 1e-8)`, where `log p` is the
    /// Gaussian log-density before the correction (about `A` times the Gaussian entropy term).
    public var scaledEntropy: Tensor

    public init(action: Tensor, mean: Tensor, logStd: Tensor, entropy: Tensor, scaledEntropy: Tensor) {
        self.action = action; self.mean = mean; self.logStd = logStd; self.entropy = entropy; self.scaledEntropy = scaledEntropy
    }
}

extension Tensor {
    /// TD-MPC2's policy draw (`world_model.pi` with `math.gaussian_logprob` and `math.squash`) as one
    /// operation: about thirty small elementwise operations (each with its own buffer and tape entry)
    /// become one pass forward and one backward per output. The forward pass makes the same floating-point
    /// operations in the same order as the unfused chain, so the values are the same bits.
    ///
    /// - Parameters:
    ///   - head: the policy head's output `[N, 2A]`: means, then raw log-stds.
    ///   - noise: standard normal draws `[N, A]`, a constant (no gradient).
    ///   - logStdMin: the smallest log-std.
    ///   - logStdMax: the largest log-std.
    public static func squashedGaussian(_ head: Tensor, noise: Tensor, logStdMin: Float, logStdMax: Float) -> PolicySample {
        precondition(head.rank == 2 && head.shape[1] % 2 == 0, "squashedGaussian: head \(head.shape) must be [N, 2A]")
        let (n, a) = (head.shape[0], head.shape[1] / 2)
        precondition(noise.shape == [n, a], "squashedGaussian: noise \(noise.shape) must be [\(n), \(a)]")
        let halfRange = 0.5 * (logStdMax - logStdMin)
        let count = n * a
        // Saved for the backward passes: tanh(raw log-std), exp(log-std), the action, tanh(mean) per
        // element; the corrected log-density, the scaled Gaussian log-density and the entropy scale per row.
        var action = [Float](uninitializedCount: count), squashedMean = [Float](uninitializedCount: count)
        var logStd = [Float](uninitializedCount: count), rawTanh = [Float](uninitializedCount: count), std = [Float](uninitializedCount: count)
        var entropy = [Float](uninitializedCount: n), scaledEntropy = [Float](uninitializedCount: n)
        var logProbability = [Float](uninitializedCount: n), scaledGaussian = [Float](uninitializedCount: n), entropyScale = [Float](uninitializedCount: n)
        let scale = Float(a)
        head.withUnsafeBufferPointer { hp in noise.withUnsafeBufferPointer { np in
        action.withUnsafeMutableBufferPointer { ap in squashedMean.withUnsafeMutableBufferPointer { mp in
        logStd.withUnsafeMutableBufferPointer { lp in rawTanh.withUnsafeMutableBufferPointer { tp in std.withUnsafeMutableBufferPointer { sp in
        entropy.withUnsafeMutableBufferPointer { ep in scaledEntropy.withUnsafeMutableBufferPointer { sep in
        logProbability.withUnsafeMutableBufferPointer { lpp in scaledGaussian.withUnsafeMutableBufferPointer { sgp in
        entropyScale.withUnsafeMutableBufferPointer { esp in
            let (h, z) = (hp.baseAddress!, np.baseAddress!)
            let (ao, mo, lo, to, so) = (ap.baseAddress!, mp.baseAddress!, lp.baseAddress!, tp.baseAddress!, sp.baseAddress!)
            let (eo, seo, lpo, sgo, eso) = (ep.baseAddress!, sep.baseAddress!, lpp.baseAddress!, sgp.baseAddress!, esp.baseAddress!)
            Parallel.forEachRange(n, parts: Parallel.partCount(n, itemSize: 32 * a)) { rows, _ in
                for r in rows {
                    var gaussian: Float = 0, correction: Float = 0
                    for j in 0..<a {
                        let (i, x) = (r * a + j, h + r * 2 * a)
                        let t = Foundation.tanh(x[a + j])
                        let ls = logStdMin + halfRange * (t + 1)
                        let e = z[i]
                        gaussian += -0.5 * (e * e) - ls - 0.918_938_5
                        let s = VectorMath.exp(ls)
                        let y = Foundation.tanh(x[j] + e * s)
                        correction += Foundation.log(Swift.max(1 - y * y, 0) + 1e-6)
                        (to[i], lo[i], so[i], ao[i], mo[i]) = (t, ls, s, y, Foundation.tanh(x[j]))
                    }
                    let scaled = gaussian * scale
                    let corrected = gaussian - correction
                    let ratio = scaled / (corrected + 1e-8)
                    (lpo[r], sgo[r], eso[r]) = (corrected, scaled, ratio)
                    (eo[r], seo[r]) = (-corrected, -corrected * ratio)
                }
            }
        } } } } } } } } } } } }
        let headShape = head.shape
        let saved = SquashedGaussianSaved(noise: noise, rawTanh: rawTanh, std: std, action: action, squashedMean: squashedMean,
                                          logProbability: logProbability, scaledGaussian: scaledGaussian, entropyScale: entropyScale,
                                          rows: n, actions: a, halfRange: halfRange)
        func output(_ values: [Float], _ shape: [Int], _ kind: SquashedGaussianSaved.Output) -> Tensor {
            record(Tensor(shape: shape, scalars: values), inputs: [head]) { g in [Tensor(shape: headShape, scalars: saved.backward(g, kind))] }
        }
        return PolicySample(action: output(action, [n, a], .action), mean: output(squashedMean, [n, a], .mean),
                                      logStd: output(logStd, [n, a], .logStd), entropy: output(entropy, [n, 1], .entropy),
                                      scaledEntropy: output(scaledEntropy, [n, 1], .scaledEntropy))
    }
}

/// What the backward passes of ``Tensor/squashedGaussian(_:noise:logStdMin:logStdMax:)`` read.
private struct SquashedGaussianSaved {
    enum Output { case action, mean, logStd, entropy, scaledEntropy }
    let noise: Tensor
    let rawTanh: [Float], std: [Float], action: [Float], squashedMean: [Float]
    let logProbability: [Float], scaledGaussian: [Float], entropyScale: [Float]
    let rows: Int, actions: Int, halfRange: Float

    /// The gradient at the head `[N, 2A]` from the gradient `g` of one output.
    func backward(_ g: Tensor, _ output: Output) -> [Float] {
        let a = actions
        var out = [Float](repeating: 0, count: rows * 2 * a)
        g.withUnsafeBufferPointer { gp in noise.withUnsafeBufferPointer { np in out.withUnsafeMutableBufferPointer { op in
            let (g, z, o) = (gp.baseAddress!, np.baseAddress!, op.baseAddress!)
            for r in 0..<rows {
                let (mean, raw) = (o + r * 2 * a, o + r * 2 * a + a)
                // Gradients at the row's corrected log-density (`lp`) and its Gaussian part (`gaussian`).
                var dCorrected: Float = 0, dScaled: Float = 0
                switch output {
                case .action, .mean, .logStd: break
                case .entropy: dCorrected = -g[r]
                case .scaledEntropy:
                    // s = -lp * q, q = sc / (lp + 1e-8): ds/dlp = -q + lp sc / (lp + 1e-8)^2, ds/dsc = -lp / (lp + 1e-8).
                    let (lp, sc, q) = (logProbability[r], scaledGaussian[r], entropyScale[r])
                    let d = lp + 1e-8
                    dCorrected = g[r] * (-q + lp * sc / (d * d))
                    dScaled = g[r] * (-lp / d)
                }
                let dGaussian = dCorrected + Float(a) * dScaled
                for j in 0..<a {
                    let i = r * a + j
                    let (y, t, s) = (action[i], rawTanh[i], std[i])
                    var dLogStd: Float = 0, dAction: Float = 0
                    switch output {
                    case .action: dAction = g[i]
                    case .mean: mean[j] = g[i] * (1 - squashedMean[i] * squashedMean[i]); continue
                    case .logStd: dLogStd = g[i]
                    case .entropy, .scaledEntropy:
                        // The correction log(relu(1 - y^2) + 1e-6) enters lp with a minus sign.
                        let w = 1 - y * y
                        if w > 0 { dAction = -dCorrected * (-2 * y) / (w + 1e-6) }
                        dLogStd = -dGaussian
                    }
                    let dPre = dAction * (1 - y * y)       // through tanh to mean + noise * std
                    mean[j] = dPre
                    dLogStd += dPre * z[i] * s             // through std = exp(logStd)
                    raw[j] = dLogStd * halfRange * (1 - t * t)
                }
            }
        } } }
        return out
    }
}
