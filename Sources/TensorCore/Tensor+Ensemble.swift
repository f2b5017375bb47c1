// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Ensemble of linear maps

extension Tensor {
    /// An ensemble of plain linear maps, `out[e] = x[e] W[e]^T + b[e]`, as one tape node: one GEMM per
    /// member with the bias written first (no transposed weight copy, no broadcast).
    /// - Parameters:
    ///   - x: `[E, B, I]`, or `[B, I]` shared by every member.
    ///   - weight: `[E, O, I]`.
    ///   - bias: `[E, O]`.
    /// - Returns: `[E, B, O]`.
    public static func ensembleLinear(_ x: Tensor, weight: Tensor, bias: Tensor) -> Tensor {
        precondition(weight.rank == 3, "ensembleLinear: weight \(weight.shape) must be [E, O, I]")
        let members = weight.shape[0], outDim = weight.shape[1], inDim = weight.shape[2]
        let shared = x.rank == 2
        precondition(x.shape.last == inDim && (shared || (x.rank == 3 && x.shape[0] == members)),
                     "ensembleLinear: input \(x.shape) does not match weight \(weight.shape)")
        precondition(bias.shape == [members, outDim], "ensembleLinear: bias \(bias.shape) must be [\(members), \(outDim)]")
        let rows = shared ? x.shape[0] : x.shape[1]
        var out = [Float](uninitializedCount: members * rows * outDim)
        x.withUnsafeBufferPointer { xp in weight.withUnsafeBufferPointer { wp in bias.withUnsafeBufferPointer { bp in
            out.withUnsafeMutableBufferPointer { op in
                // The bias rows (every member's), split between threads, then each member's GEMM adds onto them.
                let (o, b) = (op.baseAddress!, bp.baseAddress!)
                Parallel.forEachRange(members * rows, parts: Parallel.partCount(members * rows, itemSize: outDim)) { range, _ in
                    for q in range { (o + q * outDim).update(from: b + (q / rows) * outDim, count: outDim) }
                }
                for e in 0..<members {
                    let oe = op.baseAddress! + e * rows * outDim
                    BLAS.gemm(xp.baseAddress! + (shared ? 0 : e * rows * inDim), transA: false, wp.baseAddress! + e * outDim * inDim,
                              transB: true, oe, m: rows, n: outDim, k: inDim, beta: 1)
                }
            }
        } } }
        let result = Tensor(shape: [members, rows, outDim], scalars: out)
        return record(result, inputs: [x, weight, bias]) { g in
            var gx: Tensor? = nil, gw: Tensor? = nil, gb: Tensor? = nil
            g.withUnsafeBufferPointer { gp in
                if x.needsGradient {
                    var d = [Float](uninitializedCount: x.count)
                    weight.withUnsafeBufferPointer { wp in d.withUnsafeMutableBufferPointer { dp in
                        for e in 0..<members {
                            BLAS.gemm(gp.baseAddress! + e * rows * outDim, transA: false, wp.baseAddress! + e * outDim * inDim, transB: false,
                                      dp.baseAddress! + (shared ? 0 : e * rows * inDim), m: rows, n: inDim, k: outDim,
                                      beta: shared && e > 0 ? 1 : 0)
                        }
                    } }
                    gx = Tensor(shape: x.shape, scalars: d)
                }
                if weight.needsGradient {
                    var d = [Float](uninitializedCount: weight.count)
                    x.withUnsafeBufferPointer { xp in d.withUnsafeMutableBufferPointer { dp in
                        for e in 0..<members {
                            BLAS.gemm(gp.baseAddress! + e * rows * outDim, transA: true, xp.baseAddress! + (shared ? 0 : e * rows * inDim),
                                      transB: false, dp.baseAddress! + e * outDim * inDim, m: outDim, n: inDim, k: rows)
                        }
                    } }
                    gw = Tensor(shape: weight.shape, scalars: d)
                }
                if bias.needsGradient {
                    var d = [Float](repeating: 0, count: members * outDim)
                    d.withUnsafeMutableBufferPointer { dp in
                        for e in 0..<members {
                            let de = dp.baseAddress! + e * outDim
                            for r in 0..<rows {
                                let row = gp.baseAddress! + (e * rows + r) * outDim
                                for j in 0..<outDim { de[j] += row[j] }
                            }
                        }
                    }
                    gb = Tensor(shape: bias.shape, scalars: d)
                }
            }
            return [gx, gw, gb]
        }
    }
}
