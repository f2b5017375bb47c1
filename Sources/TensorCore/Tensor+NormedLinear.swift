// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Fused Linear -> (Dropout) -> LayerNorm -> activation

/// The activation that closes a fused normed-linear block.
public enum NormedActivation: Sendable, Equatable, Codable {
    /// Mish, `x tanh(softplus(x))` (TD-MPC2's hidden layers).
    case mish
    /// SimNorm over groups of the given size (TD-MPC2's latent outputs).
    case simNorm(groupSize: Int)
    /// No activation after the LayerNorm.
    case identity
}

extension Tensor {
    /// One fused TD-MPC2 `NormedLinear` block, `act(LayerNorm(Dropout(x W^T + b)))`, as a single tape node.
    ///
    /// The GEMM goes through BLAS; the dropout mask, LayerNorm and activation run in one pass per row
    /// while the row is in cache, and the backward pass does the same in reverse.
    /// - Parameters:
    ///   - x: `[..., I]`; for an ensemble, `[E, B, I]` or a shared `[B, I]`.
    ///   - weight: `[O, I]`, or `[E, O, I]` for an ensemble of `E` independent members.
    ///   - bias, normWeight, normBias: `[O]`, or `[E, O]`.
    ///   - dropoutMask: optional `[..., O]` (or `[E, B, O]`) multiplier applied after the bias.
    /// - Returns: `[..., O]`, or `[E, B, O]` for an ensemble.
    public static func normedLinear(_ x: Tensor, weight: Tensor, bias: Tensor, normWeight: Tensor, normBias: Tensor,
                                    activation: NormedActivation, dropoutMask: Tensor? = nil, epsilon: Float = 1e-5) -> Tensor {
        normedLinear(x, parts: [x], weight: weight, bias: bias, normWeight: normWeight, normBias: normBias,
                     activation: activation, dropoutMask: dropoutMask, epsilon: epsilon)
    }

    /// ``normedLinear(_:weight:bias:normWeight:normBias:activation:dropoutMask:epsilon:)`` of the
    /// concatenation of `parts` along the last axis, without a concatenation node: the backward pass
    /// computes the input gradient only for the parts that need one (for example the action columns
    /// of `[z, a]` when the latent `z` is a constant), one GEMM on the matching weight columns each.
    /// - Parameter parts: `[..., I_p]` each, equal leading shapes, `sum(I_p) = I`.
    public static func normedLinear(concatenating parts: [Tensor], weight: Tensor, bias: Tensor, normWeight: Tensor, normBias: Tensor,
                                    activation: NormedActivation, dropoutMask: Tensor? = nil, epsilon: Float = 1e-5) -> Tensor {
        precondition(!parts.isEmpty, "normedLinear: no input parts")
        let x = parts.count == 1 ? parts[0] : Tensor.concatenate(parts.map { $0.detached() }, along: -1)
        return normedLinear(x, parts: parts, weight: weight, bias: bias, normWeight: normWeight, normBias: normBias,
                            activation: activation, dropoutMask: dropoutMask, epsilon: epsilon)
    }

    /// The shared implementation: `x` is the (untracked, when `parts.count > 1`) concatenation of `parts`,
    /// which are the recorded inputs.
    static func normedLinear(_ x: Tensor, parts: [Tensor], weight: Tensor, bias: Tensor, normWeight: Tensor, normBias: Tensor,
                             activation: NormedActivation, dropoutMask: Tensor?, epsilon: Float) -> Tensor {
        let ensemble = weight.rank == 3
        let members = ensemble ? weight.shape[0] : 1
        let outDim = weight.shape[weight.rank - 2], inDim = weight.shape[weight.rank - 1]
        precondition(x.shape.last == inDim, "normedLinear: input \(x.shape) does not match weight \(weight.shape)")
        let paramShape = ensemble ? [members, outDim] : [outDim]
        precondition(bias.shape == paramShape && normWeight.shape == paramShape && normBias.shape == paramShape,
                     "normedLinear: bias/norm shapes \(bias.shape), \(normWeight.shape), \(normBias.shape) must be \(paramShape)")
        let sharedInput = ensemble && x.rank == 2
        if ensemble && !sharedInput { precondition(x.rank == 3 && x.shape[0] == members, "normedLinear: ensemble input \(x.shape) must be [\(members), B, \(inDim)] or [B, \(inDim)]") }
        let rowsPerMember = sharedInput ? x.count / inDim : x.count / inDim / members
        let outShape = ensemble ? [members, rowsPerMember, outDim] : Array(x.shape.dropLast()) + [outDim]
        if let dropoutMask { precondition(dropoutMask.shape == outShape, "normedLinear: dropout mask \(dropoutMask.shape) must be \(outShape)") }
        let total = members * rowsPerMember * outDim
        let recording = Tape.current != nil && (parts.contains { $0.node != nil } || weight.node != nil || bias.node != nil
                                                 || normWeight.node != nil || normBias.node != nil)

        var out = [Float](uninitializedCount: total)
        // Rows are split over threads; each part runs its GEMM rows and then normalizes them while
        // they are in cache (one hand-off per member).
        let chunks = Parallel.partCount(rows: rowsPerMember, workPerRow: outDim * (inDim + 16))
        var normalized = [Float](uninitializedCount: recording ? total : 0)   // x-hat, saved for the backward pass
        // Mish' at the LayerNorm output, saved in the forward pass (its exp is shared with Mish).
        var derivative = [Float](uninitializedCount: recording && activation == .mish ? total : 0)
        var rstd = [Float](uninitializedCount: members * rowsPerMember)
        rstd.withUnsafeMutableBufferPointer { rsp in
        x.withUnsafeBufferPointer { xp in weight.withUnsafeBufferPointer { wp in bias.withUnsafeBufferPointer { bp in
        normWeight.withUnsafeBufferPointer { gp in normBias.withUnsafeBufferPointer { bt in
        out.withUnsafeMutableBufferPointer { op in normalized.withUnsafeMutableBufferPointer { nh in
        derivative.withUnsafeMutableBufferPointer { dv in
        let derivativeBase = dv.isEmpty ? nil : dv.baseAddress   // an empty array may still have an address
        withOptionalPointer(dropoutMask) { maskBase in
            for e in 0..<members {
                let xe = xp.baseAddress! + (sharedInput ? 0 : e * rowsPerMember * inDim)
                let oe = op.baseAddress! + e * rowsPerMember * outDim
                let (be, we) = (bp.baseAddress! + e * outDim, wp.baseAddress! + e * outDim * inDim)
                let (nhBase, rsBase, gamma, beta) = (nh.baseAddress, rsp.baseAddress!, gp.baseAddress! + e * outDim, bt.baseAddress! + e * outDim)
                Parallel.forEachPart(chunks) { part in
                    let range = Parallel.range(of: part, parts: chunks, in: 0..<rowsPerMember)
                    guard !range.isEmpty else { return }
                    // The bias is added in the row pass (the pass OpenBLAS makes over the output for beta 0
                    // is cheaper than copying the bias into every row first).
                    BLAS.gemm(xe + range.lowerBound * inDim, transA: false, we, transB: true, oe + range.lowerBound * outDim,
                              m: range.count, n: outDim, k: inDim, beta: 0)
                    for r in range {
                        let idx = (e * rowsPerMember + r) * outDim
                        let h = recording ? nhBase! + idx : nil
                        rsBase[e * rowsPerMember + r] = normedRowForward(oe + r * outDim, bias: be, mask: maskBase.map { $0 + idx },
                                                                         gamma: gamma, beta: beta, normalized: h,
                                                                         derivative: derivativeBase.map { $0 + idx }, n: outDim,
                                                                         epsilon: epsilon, activation: activation)
                    }
                }
            }
        } } } } } } } } } }
        let result = Tensor(shape: outShape, scalars: out)
        guard recording else { return result }
        return record(result, inputs: parts + [weight, bias, normWeight, normBias]) { g in
            normedLinearBackward(g, x: x, parts: parts, weight: weight, normWeight: normWeight, normBias: normBias, activation: activation,
                                 dropoutMask: dropoutMask, normalized: normalized, derivative: derivative, rstd: rstd, output: result,
                                 members: members, rows: rowsPerMember, inDim: inDim, outDim: outDim, sharedInput: sharedInput)
        }
    }

    static func normedLinearBackward(_ g: Tensor, x: Tensor, parts: [Tensor], weight: Tensor, normWeight: Tensor, normBias: Tensor,
                                     activation: NormedActivation, dropoutMask: Tensor?, normalized: [Float], derivative: [Float], rstd: [Float],
                                     output: Tensor, members: Int, rows: Int, inDim: Int, outDim: Int, sharedInput: Bool) -> [Tensor?] {
        let total = members * rows * outDim
        let gy = UnsafeMutablePointer<Float>.allocate(capacity: total)     // gradient at the GEMM output (after bias)
        defer { gy.deallocate() }
        // The input gradient of each part that needs one, from the weight columns of that part.
        var offsets: [Int] = [], offset = 0
        for part in parts { offsets.append(offset); offset += part.shape[part.rank - 1] }
        let inputWidth = zip(parts, offsets).filter { $0.0.needsGradient }.map { $0.0.shape[$0.0.rank - 1] }.reduce(0, +)
        // All input gradients in one buffer (usually only one part needs one, which then owns it).
        var gradientOffsets: [Int?] = [], gradientCount = 0
        for part in parts { gradientOffsets.append(part.needsGradient ? gradientCount : nil); if part.needsGradient { gradientCount += part.count } }
        var inputGradients = [Float](uninitializedCount: gradientCount)
        // Rows are split over threads; each part accumulates its own gamma/beta/bias gradients
        // (and has its own scratch), summed in part order afterwards, and computes the input
        // gradient of its rows.
        let chunks = Parallel.partCount(rows: rows, workPerRow: members * outDim * (inputWidth + 16))
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: chunks * (3 * members + 1) * outDim)
        defer { partial.deallocate() }
        partial.initialize(repeating: 0, count: chunks * (3 * members + 1) * outDim)
        let partStride = (3 * members + 1) * outDim
        inputGradients.withUnsafeMutableBufferPointer { ip in
        g.withUnsafeBufferPointer { gp in normWeight.withUnsafeBufferPointer { gam in normBias.withUnsafeBufferPointer { bet in
        normalized.withUnsafeBufferPointer { nh in derivative.withUnsafeBufferPointer { dv in
        let derivativeBase = dv.isEmpty ? nil : dv.baseAddress
        output.withUnsafeBufferPointer { op in rstd.withUnsafeBufferPointer { rs in
        weight.withUnsafeBufferPointer { wp in
        withOptionalPointer(dropoutMask) { maskBase in
        let inputPointers = gradientOffsets.map { $0.map { ip.baseAddress! + $0 } }
        Parallel.forEachPart(chunks) { part in
            let range = Parallel.range(of: part, parts: chunks, in: 0..<rows)
            guard !range.isEmpty else { return }
            let base = partial + part * partStride
            let gz = base + 3 * members * outDim
            for e in 0..<members {
                let ga = gam.baseAddress! + e * outDim
                let gg = base + e * outDim, gbt = base + (members + e) * outDim, gbi = base + (2 * members + e) * outDim
                for r in range {
                    let idx = (e * rows + r) * outDim
                    normedRowBackward(gp.baseAddress! + idx, normalized: nh.baseAddress! + idx, derivative: derivativeBase.map { $0 + idx },
                                      output: op.baseAddress! + idx, gamma: ga, beta: bet.baseAddress! + e * outDim, rstd: rs[e * rows + r], mask: maskBase.map { $0 + idx },
                                      gz: gz, gy: gy + idx, gradGamma: gg, gradBeta: gbt, gradBias: gbi, n: outDim, activation: activation)
                }
                // 4. The input gradient of these rows: gy W for each part's columns (summed over
                // the members when they share the input).
                for (p, dp) in inputPointers.enumerated() {
                    guard let dp else { continue }
                    let width = parts[p].shape[parts[p].rank - 1]
                    BLAS.gemm(gy + (e * rows + range.lowerBound) * outDim, lda: outDim, transA: false,
                              wp.baseAddress! + e * outDim * inDim + offsets[p], ldb: inDim, transB: false,
                              dp + ((sharedInput ? 0 : e * rows) + range.lowerBound) * width, ldc: width,
                              m: range.count, n: width, k: outDim, beta: sharedInput && e > 0 ? 1 : 0)
                }
            }
        }
        }
        }
        } } } } } } } }
        var gGamma = [Float](repeating: 0, count: members * outDim)
        var gBeta = [Float](repeating: 0, count: members * outDim)
        var gb = [Float](repeating: 0, count: members * outDim)
        for part in 0..<chunks {
            let base = partial + part * partStride
            for i in 0..<(members * outDim) {
                gGamma[i] += base[i]
                gBeta[i] += base[members * outDim + i]
                gb[i] += base[2 * members * outDim + i]
            }
        }
        let gParts: [Tensor?] = parts.indices.map { p in
            guard let o = gradientOffsets[p] else { return nil }
            return Tensor(shape: parts[p].shape, scalars: parts[p].count == gradientCount ? inputGradients : Array(inputGradients[o..<(o + parts[p].count)]))
        }
        // 5. The weight gradient (its GEMM splits over the output rows).
        var gw: Tensor? = nil
        if weight.needsGradient {
            var d = [Float](uninitializedCount: weight.count)
            x.withUnsafeBufferPointer { xp in d.withUnsafeMutableBufferPointer { dp in
                for e in 0..<members {
                    BLAS.gemm(gy + e * rows * outDim, transA: true, xp.baseAddress! + (sharedInput ? 0 : e * rows * inDim),
                              transB: false, dp.baseAddress! + e * outDim * inDim, m: outDim, n: inDim, k: rows)
                }
            } }
            gw = Tensor(shape: weight.shape, scalars: d)
        }
        let pShape = normWeight.shape
        return gParts + [gw, Tensor(shape: pShape, scalars: gb), Tensor(shape: pShape, scalars: gGamma), Tensor(shape: pShape, scalars: gBeta)]
    }

    /// Calls `body` with the element pointer of `tensor`, or nil.
    @inline(__always)
    static func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let tensor else { return body(nil) }
        return tensor.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
