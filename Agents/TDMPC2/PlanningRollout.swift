// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN

// MARK: - Planning rollout

/// The returns of MPPI's action sequences, computed as TD-MPC2's `_estimate_value` does but on
/// preallocated buffers, with every sample of a step in one GEMM per layer, and without work whose
/// result is already known:
///
/// - Every sample of one latent starts from the same `z`, so the first reward and dynamics layers split as
///   `W [z, a] + b = (W_z z + b) + W_a a`: the latent share is computed once per plan and latent.
/// - The policy-prior trajectories (`cachedRows` per latent) have the same actions in every iteration,
///   so their reward sums and final latents are computed in the first iteration only; their terminal
///   value (which draws fresh noise and a fresh Q pair) is recomputed every iteration.
///
/// Batched planning: with `E = latentCount` latents (one per environment), the rows are the `E · N` samples of
/// all latents, laid out as ``MPPIPlanner/row(latent:sample:latentCount:sampleCount:cachedRows:)`` says: the
/// cached rows of every latent first (`[0, E · cachedRows)`), then the sampled rows (so the rows recomputed each
/// iteration are contiguous); each thread's rows pass through the heads in blocks of at most ``blockRows`` rows
/// (one block for one latent). With one latent the layout is today's.
/// - Only the two Q members that are used are evaluated.
///
/// The random draws (Q pair, then `[N, A]` terminal policy noise) are those of
/// ``MPPIPlanner/estimateValue(_:_:model:discount:greedyActionCount:using:)``, in the same order.
/// With `greedyTerminal` (``CategoricalPlanner``: `Discrete(A)` actions as one-hot vectors), the terminal
/// value is the best over the `A` one-hot actions of the two members' mean Q, as `estimateValue` with
/// `greedyActionCount: A`; only the Q pair is drawn, and the policy head is not used.
struct PlanningRollout {
    let dynamics: [LayerView], reward: [LayerView], policy: [LayerView]
    let termination: [LayerView]?
    let qMembers: [[LayerView]]
    /// `[L]`, the latent every sample starts from, and `[K]` bin centres.
    let latent: UnsafePointer<Float>, bins: UnsafePointer<Float>
    let binCount: Int
    let logStdMin: Float, logStdMax: Float
    let latentDimensions: Int, actionDimensions: Int, horizon: Int, sampleCount: Int, cachedRows: Int
    /// The number of latents `E` planned for together (`latent` holds `[E, L]`).
    let latentCount: Int
    /// The most rows one pass through the heads takes (each thread's rows run in blocks of at most this many,
    /// so that a block's activations stay in cache); `Int.max`: all of a thread's rows at once.
    var blockRows = Int.max
    let discount: Float
    let greedyTerminal: Bool
    let buffers: PlanningBuffers
    /// Whether rows `0..<cachedRows` hold their rollout from an earlier call.
    private(set) var hasCache = false

    init(dynamics: [LayerView], reward: [LayerView], policy: [LayerView], termination: [LayerView]?, qMembers: [[LayerView]],
         latent: UnsafePointer<Float>, bins: UnsafePointer<Float>, binCount: Int, logStdMin: Float, logStdMax: Float,
         latentDimensions: Int, actionDimensions: Int, horizon: Int, sampleCount: Int, cachedRows: Int, latentCount: Int = 1, discount: Float,
         greedyTerminal: Bool = false, buffers: PlanningBuffers) {
        self.latentCount = latentCount
        self.dynamics = dynamics; self.reward = reward; self.policy = policy; self.termination = termination; self.qMembers = qMembers
        self.latent = latent; self.bins = bins; self.binCount = binCount; self.logStdMin = logStdMin; self.logStdMax = logStdMax
        self.latentDimensions = latentDimensions; self.actionDimensions = actionDimensions; self.horizon = horizon
        self.sampleCount = sampleCount; self.cachedRows = cachedRows; self.discount = discount; self.greedyTerminal = greedyTerminal
        self.buffers = buffers
    }

    // MARK: Shared first-layer terms

    // Layout: `W_a^T` of dynamics then reward, then `u` of dynamics `[E, m_d]`, then `u` of reward `[E, m_r]`.
    private var dynamicsActionColumns: UnsafeMutablePointer<Float> { buffers.shared }
    private var rewardActionColumns: UnsafeMutablePointer<Float> { buffers.shared + actionDimensions * dynamics[0].outputDimensions }
    private var dynamicsShared: UnsafeMutablePointer<Float> {
        buffers.shared + actionDimensions * (dynamics[0].outputDimensions + reward[0].outputDimensions)
    }
    private var rewardShared: UnsafeMutablePointer<Float> { dynamicsShared + latentCount * dynamics[0].outputDimensions }

    /// The number of floats the shared terms take.
    static func sharedCount(dynamicsWidth: Int, rewardWidth: Int, actionDimensions: Int, latentCount: Int) -> Int {
        (dynamicsWidth + rewardWidth) * (actionDimensions + latentCount)
    }

    /// All rows: `latentCount · sampleCount`.
    var rowCount: Int { latentCount * sampleCount }

    /// `u = W_z z + b` for every latent and the transposed action columns `W_a^T` of the first reward and dynamics layers.
    func prepareSharedTerms() {
        let (L, A) = (latentDimensions, actionDimensions)
        for (layer, u, columns) in [(dynamics[0], dynamicsShared, dynamicsActionColumns), (reward[0], rewardShared, rewardActionColumns)] {
            let m = layer.outputDimensions
            InferenceKernels.linear(rows: latentCount, input: latent, inputStride: L, inputDimensions: L, weight: layer.weight, weightStride: L + A,
                                    bias: layer.bias, outputDimensions: m, output: u, outputStride: m)
            for j in 0..<A { for o in 0..<m { columns[j * m + o] = layer.weight[o * (L + A) + L + j] } }
        }
    }

    // MARK: Returns

    /// The returns `[N]` of the action sequences `actions` `[H, N, A]` (row-major).
    ///
    /// With more than one thread (``BLAS/threadCount``), the rows are split into contiguous parts, one
    /// per thread, each running its own single-threaded GEMMs (``Parallel/forEachPart(_:_:)``); a
    /// row's value does not depend on the other rows.
    /// - Returns: a pointer into the buffers, valid until the next call.
    mutating func returns(actions: UnsafePointer<Float>, using generator: inout some RandomNumberGenerator) -> UnsafePointer<Float> {
        let (n, A) = (rowCount, actionDimensions)
        let first = hasCache ? latentCount * cachedRows : 0
        // Rollouts of the rows not cached (rewards, alive flags, final latents), then the draws,
        // then the terminal values of all rows.
        let rolloutParts = Parallel.regionPartCount(n - first)
        Parallel.forEachPart(rolloutParts) { part in
            for block in blocks(Parallel.range(of: part, parts: rolloutParts, in: first..<n)) { rollout(rows: block, actions: actions) }
        }
        hasCache = true
        let members = qMembers.count
        let i0 = Int(generator.next() % UInt64(members))
        var i1 = Int(generator.next() % UInt64(members - 1))
        if i1 >= i0 { i1 += 1 }
        // The raw draws of `nextNormal()` in order; each part transforms its own rows' (the same values).
        if !greedyTerminal { for i in 0..<(2 * n * A) { buffers.rawNoise[i] = generator.next() } }
        let terminalParts = Parallel.regionPartCount(n)
        Parallel.forEachPart(terminalParts) { part in
            for block in blocks(Parallel.range(of: part, parts: terminalParts, in: 0..<n)) { terminalValue(rows: block, members: (i0, i1)) }
        }
        return UnsafePointer(buffers.rowValues + 5 * n)
    }

    /// `range` in consecutive blocks of at most ``blockRows`` rows (a row's value does not depend on its block).
    private func blocks(_ range: Range<Int>) -> [Range<Int>] {
        guard range.count > blockRows else { return [range] }
        return stride(from: range.lowerBound, to: range.upperBound, by: blockRows).map { $0..<Swift.min($0 + blockRows, range.upperBound) }
    }

    /// Per-part scratch: the buffers' rows of one contiguous row range (each buffer holds `[N, width]`).
    private struct Scratch {
        var preactivation: UnsafeMutablePointer<Float>, hidden0: UnsafeMutablePointer<Float>, hidden1: UnsafeMutablePointer<Float>,
            output: UnsafeMutablePointer<Float>
    }

    private func scratch(from row: Int) -> Scratch {
        let offset = row * buffers.width
        return Scratch(preactivation: buffers.preactivation + offset, hidden0: buffers.hidden0 + offset, hidden1: buffers.hidden1 + offset,
                       output: buffers.headOutput + offset)
    }

    /// The `H`-step rollout of `rows`: discounted rewards into the rollout returns, alive flags, and the
    /// final latents in the latent columns of `[z, a]`.
    private func rollout(rows range: Range<Int>, actions: UnsafePointer<Float>) {
        guard !range.isEmpty else { return }
        let (n, L, A, K) = (rowCount, latentDimensions, actionDimensions, binCount)
        let width = L + A
        let s = scratch(from: range.lowerBound)
        let xa = buffers.latentAction, out = s.output
        let rewardRow = buffers.rowValues, rolloutReturn = rewardRow + n, alive = rewardRow + 2 * n
        let m = range.count
        let rows = xa + range.lowerBound * width
        var d: Float = 1
        for r in range { rolloutReturn[r] = 0; alive[r] = 1 }
        for t in 0..<horizon {
            for r in range { (xa + r * width + L).update(from: actions + (t * n + r) * A, count: A) }
            // Reward of (z_t, a_t), then z_{t+1} written over z_t.
            if t == 0 {
                firstLayer(reward[0], shared: rewardShared, columns: rewardActionColumns, rows: range, input: rows, scratch: s)
                run(reward, from: 1, rows: m, input: s.preactivation, inputStride: reward[0].outputDimensions, output: out, outputStride: K, scratch: s)
            } else {
                run(reward, from: 0, rows: m, input: rows, inputStride: width, output: out, outputStride: K, scratch: s)
            }
            decode(rows: m, logits: out, into: rewardRow + range.lowerBound)
            if t == 0 {
                firstLayer(dynamics[0], shared: dynamicsShared, columns: dynamicsActionColumns, rows: range, input: rows, scratch: s)
                run(dynamics, from: 1, rows: m, input: s.preactivation, inputStride: dynamics[0].outputDimensions, output: rows, outputStride: width,
                    scratch: s)
            } else {
                run(dynamics, from: 0, rows: m, input: rows, inputStride: width, output: rows, outputStride: width, scratch: s)
            }
            for r in range { rolloutReturn[r] += d * alive[r] * rewardRow[r] }
            if let termination {
                run(termination, from: 0, rows: m, input: rows, inputStride: width, output: out, outputStride: 1, scratch: s)
                for r in range where out[r - range.lowerBound] > 0 { alive[r] = 0 }
            }
            d *= discount
        }
    }

    /// The totals of `rows`: rollout return plus the discounted mean of two Q members at the final
    /// latent and a policy action (from the noise already drawn), or the best one-hot action (`greedyTerminal`).
    private func terminalValue(rows range: Range<Int>, members: (Int, Int)) {
        guard !range.isEmpty else { return }
        let (n, L, A, K) = (rowCount, latentDimensions, actionDimensions, binCount)
        let width = L + A
        let s = scratch(from: range.lowerBound)
        let out = s.output, rows = buffers.latentAction + range.lowerBound * width
        let rolloutReturn = buffers.rowValues + n, alive = buffers.rowValues + 2 * n
        let q0 = buffers.rowValues + 3 * n, q1 = buffers.rowValues + 4 * n, total = buffers.rowValues + 5 * n
        let m = range.count
        var d: Float = 1
        for _ in 0..<horizon { d *= discount }
        if greedyTerminal {
            // total = max over one-hot actions k of (Q_i + Q_j) / 2, actions in order as `bestOverOneHotActions`.
            for k in 0..<A {
                for r in range { let a = buffers.latentAction + r * width + L; for j in 0..<A { a[j] = j == k ? 1 : 0 } }
                for (member, q) in [(members.0, q0), (members.1, q1)] {
                    run(qMembers[member], from: 0, rows: m, input: rows, inputStride: width, output: out, outputStride: K, scratch: s)
                    decode(rows: m, logits: out, into: q + range.lowerBound)
                }
                for r in range {
                    let v = (q0[r] + q1[r]) / 2
                    total[r] = k == 0 ? v : Swift.max(total[r], v)
                }
            }
            for r in range { total[r] = rolloutReturn[r] + d * alive[r] * total[r] }
            return
        }
        run(policy, from: 0, rows: m, input: rows, inputStride: width, output: out, outputStride: 2 * A, scratch: s)
        let stdScale = 0.5 * (logStdMax - logStdMin)
        for r in range {
            let o = out + (r - range.lowerBound) * 2 * A, raw = buffers.rawNoise + 2 * r * A, a = buffers.latentAction + r * width + L
            for j in 0..<A {
                let logStd = logStdMin + stdScale * (Foundation.tanh(o[A + j]) + 1)
                let noise = SeededGenerator.boxMuller(raw[2 * j], raw[2 * j + 1])
                a[j] = Foundation.tanh(o[j] + noise * Foundation.exp(logStd))
            }
        }
        for (member, q) in [(members.0, q0), (members.1, q1)] {
            run(qMembers[member], from: 0, rows: m, input: rows, inputStride: width, output: out, outputStride: K, scratch: s)
            decode(rows: m, logits: out, into: q + range.lowerBound)
        }
        for r in range { total[r] = rolloutReturn[r] + d * alive[r] * ((q0[r] + q1[r]) * 0.5) }
    }

    // MARK: Kernels

    /// `pre = act(LN(u + W_a a))` for the first layer of a head whose latent share `u` (`[E, m]`, one row per
    /// latent) is precomputed: `input` holds the rows of `range`, whose latents are read from the row layout.
    private func firstLayer(_ layer: LayerView, shared: UnsafePointer<Float>, columns: UnsafePointer<Float>, rows range: Range<Int>,
                            input: UnsafePointer<Float>, scratch s: Scratch) {
        let m = layer.outputDimensions, width = latentDimensions + actionDimensions
        forEachLatentSegment(range) { latent, segment in
            let offset = segment.lowerBound - range.lowerBound
            InferenceKernels.sharedPlusNarrowLinear(rows: segment.count, shared: shared + latent * m, input: input + offset * width + latentDimensions,
                                                    inputStride: width, inputDimensions: actionDimensions, transposedWeight: columns,
                                                    outputDimensions: m, output: s.preactivation + offset * m, outputStride: m)
        }
        InferenceKernels.normalizeRows(rows: range.count, s.preactivation, stride: m, dimensions: m, bias: nil,
                                       normWeight: layer.normWeight!, normBias: layer.normBias!, activation: layer.activation!)
    }

    /// Calls `body(latent, rows)` for the maximal runs of `range` whose rows start from the same latent
    /// (one run when there is one latent).
    private func forEachLatentSegment(_ range: Range<Int>, _ body: (Int, Range<Int>) -> Void) {
        let (E, p, n) = (latentCount, cachedRows, sampleCount)
        func latent(of row: Int) -> (latent: Int, end: Int) {
            if E == 1 { return (0, Int.max) }
            if row < E * p { return (row / p, (row / p + 1) * p) }
            let e = (row - E * p) / (n - p)
            return (e, E * p + (e + 1) * (n - p))
        }
        var start = range.lowerBound
        while start < range.upperBound {
            let current = latent(of: start).latent
            var end = latent(of: start).end
            // Merge the cached and sampled runs of the same latent when they touch.
            while end < range.upperBound, latent(of: end).latent == current { end = latent(of: end).end }
            let stop = Swift.min(end, range.upperBound)
            body(current, start..<stop)
            start = stop
        }
    }

    /// Runs `layers[start...]` on `rows` rows; hidden results alternate between the two hidden buffers.
    private func run(_ layers: [LayerView], from start: Int, rows: Int, input: UnsafePointer<Float>, inputStride: Int,
                     output: UnsafeMutablePointer<Float>, outputStride: Int, scratch s: Scratch) {
        var x = input, stride = inputStride
        for i in start..<layers.count {
            let layer = layers[i]
            let isLast = i == layers.count - 1
            let destination = isLast ? output : (x == UnsafePointer(s.hidden0) ? s.hidden1 : s.hidden0)
            let destinationStride = isLast ? outputStride : layer.outputDimensions
            let (weight, weightIsPrepared) = layer.preparedWeight.map { ($0, true) } ?? (layer.weight, false)
            if let activation = layer.activation {
                InferenceKernels.normedLinear(rows: rows, input: x, inputStride: stride, inputDimensions: layer.inputDimensions,
                                              weight: weight, weightStride: layer.inputDimensions, weightIsPrepared: weightIsPrepared, bias: layer.bias,
                                              normWeight: layer.normWeight!, normBias: layer.normBias!, outputDimensions: layer.outputDimensions,
                                              activation: activation, output: destination, outputStride: destinationStride)
            } else {
                InferenceKernels.linear(rows: rows, input: x, inputStride: stride, inputDimensions: layer.inputDimensions,
                                        weight: weight, weightStride: layer.inputDimensions, weightIsPrepared: weightIsPrepared, bias: layer.bias,
                                        outputDimensions: layer.outputDimensions, output: destination, outputStride: destinationStride)
            }
            x = UnsafePointer(destination)
            stride = destinationStride
        }
    }

    /// Two-hot decoding of `rows` rows of `[K]` logits: `symexp(sum_k softmax(logits)_k bins_k)`.
    private func decode(rows: Int, logits: UnsafePointer<Float>, into values: UnsafeMutablePointer<Float>) {
        InferenceKernels.twoHotDecode(rows: rows, logits: logits, binCount: binCount, bins: bins, into: values)
    }
}
