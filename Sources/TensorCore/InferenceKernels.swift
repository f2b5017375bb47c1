// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Allocation-free inference on caller-owned buffers

/// Untracked building blocks for inference that writes into reusable buffers instead of building a
/// tensor per operation (the MPPI planner evaluates thousands of rows per call with these).
///
/// Matrices are row-major with explicit row strides (in elements), so a block can read the latent
/// columns of a `[z, a]` buffer or write its output into them without copying. Weights use
/// PyTorch's layout, `[out, in]`. Nothing here allocates.
public enum InferenceKernels {
    /// `output[r, 0..<O] = input[r, 0..<I] W^T + bias` for `rows` rows (one GEMM).
    /// - Parameters:
    ///   - input: `[rows, I]` with row stride `inputStride`.
    ///   - weight: `[O, I]` with row stride `weightStride` (`I` for a whole matrix; larger to use its
    ///     leading columns only); with `weightIsPrepared`, `Wᵀ` prepared by `BLAS.prepare` (the stride
    ///     is then not read).
    ///   - bias: `[O]`, or nil.
    ///   - output: `[rows, O]` with row stride `outputStride`; must not overlap `input`.
    public static func linear(rows: Int, input: UnsafePointer<Float>, inputStride: Int, inputDimensions: Int,
                              weight: UnsafePointer<Float>, weightStride: Int, weightIsPrepared: Bool = false,
                              bias: UnsafePointer<Float>?, outputDimensions: Int,
                              output: UnsafeMutablePointer<Float>, outputStride: Int) {
        guard rows > 0 else { return }
        if weightIsPrepared {
            BLAS.gemm(input, lda: inputStride, prepared: weight, output, ldc: outputStride, m: rows, n: outputDimensions, k: inputDimensions)
        } else {
            BLAS.gemm(input, lda: inputStride, transA: false, weight, ldb: weightStride, transB: true, output, ldc: outputStride,
                      m: rows, n: outputDimensions, k: inputDimensions)
        }
        if let bias {
            Parallel.forEachRange(rows, parts: Parallel.partCount(rows, itemSize: outputDimensions)) { range, _ in
                for r in range {
                    let o = output + r * outputStride
                    for j in 0..<outputDimensions { o[j] += bias[j] }
                }
            }
        }
    }

    /// In place, per row: `x = activation(LayerNorm(x + bias))` (bias optional), over `dimensions`
    /// columns of `rows` rows with row stride `stride`.
    /// - Parameters:
    ///   - normWeight, normBias: `[dimensions]`, the LayerNorm gain and shift.
    public static func normalizeRows(rows: Int, _ data: UnsafeMutablePointer<Float>, stride: Int, dimensions d: Int,
                                     bias: UnsafePointer<Float>?, normWeight: UnsafePointer<Float>, normBias: UnsafePointer<Float>,
                                     activation: NormedActivation, epsilon: Float = 1e-5) {
        // The forward row pass of the fused training block, without saving x-hat (the same bits).
        Parallel.forEachRange(rows, parts: Parallel.partCount(rows, itemSize: d)) { range, _ in
            for r in range {
                _ = Tensor.normedRowForward(data + r * stride, bias: bias, mask: nil, gamma: normWeight, beta: normBias, normalized: nil,
                                            derivative: nil, n: d, epsilon: epsilon, activation: activation)
            }
        }
    }

    /// One fused normed-linear block, `output = activation(LayerNorm(input W^T + bias))`: a GEMM,
    /// then one in-cache pass per row. Strides as in ``linear(rows:input:inputStride:inputDimensions:weight:weightStride:weightIsPrepared:bias:outputDimensions:output:outputStride:)``.
    public static func normedLinear(rows: Int, input: UnsafePointer<Float>, inputStride: Int, inputDimensions: Int,
                                    weight: UnsafePointer<Float>, weightStride: Int, weightIsPrepared: Bool = false,
                                    bias: UnsafePointer<Float>, normWeight: UnsafePointer<Float>, normBias: UnsafePointer<Float>,
                                    outputDimensions: Int, activation: NormedActivation, epsilon: Float = 1e-5,
                                    output: UnsafeMutablePointer<Float>, outputStride: Int) {
        guard rows > 0 else { return }
        // The GEMM without a bias: the row pass adds it.
        linear(rows: rows, input: input, inputStride: inputStride, inputDimensions: inputDimensions, weight: weight, weightStride: weightStride,
               weightIsPrepared: weightIsPrepared, bias: nil, outputDimensions: outputDimensions, output: output, outputStride: outputStride)
        normalizeRows(rows: rows, output, stride: outputStride, dimensions: outputDimensions, bias: bias,
                      normWeight: normWeight, normBias: normBias, activation: activation, epsilon: epsilon)
    }

    /// `output[r, :] = shared + sum_j input[r, j] * transposedWeight[j, :]` for a narrow input
    /// (`inputDimensions` small, e.g. the action columns of a first layer whose latent share
    /// `shared = W_z z + b` is the same for every row).
    /// - Parameters:
    ///   - shared: `[O]`.
    ///   - input: `[rows, I]` with row stride `inputStride`.
    ///   - transposedWeight: `[I, O]`, contiguous.
    ///   - output: `[rows, O]` with row stride `outputStride`.
    public static func sharedPlusNarrowLinear(rows: Int, shared: UnsafePointer<Float>, input: UnsafePointer<Float>, inputStride: Int,
                                              inputDimensions: Int, transposedWeight: UnsafePointer<Float>, outputDimensions d: Int,
                                              output: UnsafeMutablePointer<Float>, outputStride: Int) {
        Parallel.forEachRange(rows, parts: Parallel.partCount(rows, itemSize: d * (inputDimensions + 1))) { range, _ in
            for r in range {
                let o = output + r * outputStride, a = input + r * inputStride
                o.update(from: shared, count: d)
                for i in 0..<inputDimensions {
                    let s = a[i], w = transposedWeight + i * d
                    for j in 0..<d { o[j] += s * w[j] }
                }
            }
        }
    }

    /// Two-hot decoding of `rows` rows of logits (TD-MPC2 `two_hot_inv`):
    /// `values[r] = symexp(sum_k softmax(logits[r])_k bins_k)`.
    /// - Parameters:
    ///   - logits: `[rows, K]`, contiguous.
    ///   - bins: `[K]` bin centres.
    ///   - values: `[rows]`.
    public static func twoHotDecode(rows: Int, logits: UnsafePointer<Float>, binCount k: Int, bins: UnsafePointer<Float>,
                                    into values: UnsafeMutablePointer<Float>) {
        Parallel.forEachRange(rows, parts: Parallel.partCount(rows, itemSize: 4 * k)) { range, _ in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { scratch in
                let e = scratch.baseAddress!
                for r in range {
                    let x = logits + r * k
                    let m = VectorMath.maximum(x, k)
                    for j in 0..<k { e[j] = x[j] - m }
                    VectorMath.expInPlace(e, k)
                    let v = VectorMath.dot(e, bins, k) / VectorMath.sum(e, k)
                    values[r] = (v < 0 ? -1 : 1) * Foundation.expm1(Swift.abs(v))
                }
            }
        }
    }

    /// `x[i] = exp(x[i])` in place (vectorized; relative error about 2e-7).
    public static func exp(_ x: UnsafeMutablePointer<Float>, count: Int) { VectorMath.expInPlace(x, count) }

    /// Calls `body` with the element pointers of `tensors`, all valid for the duration of the call.
    /// - Precondition: no tensor is empty.
    public static func withPointers<R>(to tensors: [Tensor], _ body: ([UnsafePointer<Float>]) -> R) -> R {
        Tensor.withElementPointers(tensors) { pointers in
            body(pointers.enumerated().map { i, p in
                precondition(p != nil, "withPointers: tensor \(i) is empty")
                return p!
            })
        }
    }
}
