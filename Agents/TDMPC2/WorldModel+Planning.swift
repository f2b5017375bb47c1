// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN

// MARK: - Raw views of the heads

/// One layer of an MLP as raw parameter pointers (valid inside ``WorldModel/withPlanningRollout(latent:sampleCount:cachedRows:horizon:discount:_:)``).
struct LayerView {
    var weight: UnsafePointer<Float>
    var bias: UnsafePointer<Float>
    var normWeight: UnsafePointer<Float>?, normBias: UnsafePointer<Float>?
    var inputDimensions: Int, outputDimensions: Int
    /// nil for a plain linear output layer.
    var activation: NormedActivation?
    /// `Wᵀ` prepared for this plan by `BLAS.prepare` (packed for the 16-lane GEMM on AVX-512 machines,
    /// transposed elsewhere), so that the plan's GEMMs do not copy the weight each time; nil: use `weight`.
    var preparedWeight: UnsafePointer<Float>? = nil
}

/// Where a layer's parameters sit in a flat tensor list (resolved to pointers later).
private struct LayerRecipe {
    var weight: Int, bias: Int, normWeight: Int?, normBias: Int?
    var weightOffset = 0, vectorOffset = 0
    var inputDimensions: Int, outputDimensions: Int
    var activation: NormedActivation?

    func resolve(_ p: [UnsafePointer<Float>]) -> LayerView {
        LayerView(weight: p[weight] + weightOffset, bias: p[bias] + vectorOffset,
                  normWeight: normWeight.map { p[$0] + vectorOffset }, normBias: normBias.map { p[$0] + vectorOffset },
                  inputDimensions: inputDimensions, outputDimensions: outputDimensions, activation: activation)
    }
}

private struct RecipeBuilder {
    var tensors: [Tensor] = []

    mutating func add(_ t: Tensor) -> Int { tensors.append(t); return tensors.count - 1 }

    /// The layers of an MLP made of `NormedLinear` blocks and an optional plain `Linear` output; nil otherwise.
    mutating func recipe(_ mlp: MLP) -> [LayerRecipe]? {
        var out: [LayerRecipe] = []
        for layer in mlp.layers {
            if let block = layer as? NormedLinear, let bias = block.linear.bias {
                out.append(LayerRecipe(weight: add(block.linear.weight.value), bias: add(bias.value), normWeight: add(block.norm.weight.value),
                                       normBias: add(block.norm.bias.value), inputDimensions: block.linear.inputDimensions,
                                       outputDimensions: block.linear.outputDimensions, activation: block.activation))
            } else if let linear = layer as? Linear, let bias = linear.bias {
                out.append(LayerRecipe(weight: add(linear.weight.value), bias: add(bias.value), normWeight: nil, normBias: nil,
                                       inputDimensions: linear.inputDimensions, outputDimensions: linear.outputDimensions, activation: nil))
            } else {
                return nil
            }
        }
        return out
    }

    /// Member `member` of a Q ensemble (its slice of the stacked weights).
    mutating func recipe(_ ensemble: EnsembleMLP, member: Int) -> [LayerRecipe] {
        var out: [LayerRecipe] = []
        for block in ensemble.layers {
            let s = block.weight.value.shape   // [E, out, in]
            out.append(LayerRecipe(weight: add(block.weight.value), bias: add(block.bias.value), normWeight: add(block.normWeight.value),
                                   normBias: add(block.normBias.value), weightOffset: member * s[1] * s[2], vectorOffset: member * s[1],
                                   inputDimensions: s[2], outputDimensions: s[1], activation: .mish))
        }
        let s = ensemble.output.weight.value.shape
        out.append(LayerRecipe(weight: add(ensemble.output.weight.value), bias: add(ensemble.output.bias.value), normWeight: nil, normBias: nil,
                               weightOffset: member * s[1] * s[2], vectorOffset: member * s[1],
                               inputDimensions: s[2], outputDimensions: s[1], activation: nil))
        return out
    }
}

// MARK: - Reusable buffers

/// The planning rollout's buffers, kept by the world model between calls.
final class PlanningBuffers {
    let rows: Int, latentActionWidth: Int, width: Int, sharedCount: Int, binCount: Int, actionDimensions: Int
    /// `[N, L + A]`: the latent and action of every sample, the input of every head.
    let latentAction: UnsafeMutablePointer<Float>
    /// Four `[N, width]` buffers: first-layer pre-activations, two for hidden layers, head outputs.
    let preactivation: UnsafeMutablePointer<Float>, hidden0: UnsafeMutablePointer<Float>, hidden1: UnsafeMutablePointer<Float>,
        headOutput: UnsafeMutablePointer<Float>
    /// `[6, N]` per-row values: reward, rollout return, alive flag, two Q values, total.
    let rowValues: UnsafeMutablePointer<Float>
    /// `[N, A, 2]` raw draws of the terminal policy noise (two per standard normal value, in
    /// ``SeededGenerator/nextNormal()``'s order), drawn in order and transformed by the rows' threads.
    let rawNoise: UnsafeMutablePointer<UInt64>
    /// Shared first-layer terms and transposed action columns of the reward and dynamics heads.
    let shared: UnsafeMutablePointer<Float>
    /// The prepared weights of the layers the rollout runs by GEMM (`preparedCount` floats).
    let prepared: UnsafeMutablePointer<Float>
    let preparedCount: Int
    private let all: [UnsafeMutablePointer<Float>]

    init(rows: Int, latentActionWidth: Int, width: Int, sharedCount: Int, binCount: Int, actionDimensions: Int, preparedCount: Int) {
        self.rows = rows; self.latentActionWidth = latentActionWidth; self.width = width
        self.sharedCount = sharedCount; self.binCount = binCount; self.actionDimensions = actionDimensions
        self.preparedCount = preparedCount
        func make(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(n, 1))
            p.initialize(repeating: 0, count: Swift.max(n, 1))
            return p
        }
        latentAction = make(rows * latentActionWidth)
        preactivation = make(rows * width); hidden0 = make(rows * width); hidden1 = make(rows * width); headOutput = make(rows * width)
        rowValues = make(6 * rows)
        rawNoise = UnsafeMutablePointer<UInt64>.allocate(capacity: Swift.max(2 * rows * actionDimensions, 1))
        rawNoise.initialize(repeating: 0, count: Swift.max(2 * rows * actionDimensions, 1))
        shared = make(sharedCount)
        prepared = make(preparedCount)
        all = [latentAction, preactivation, hidden0, hidden1, headOutput, rowValues, shared, prepared]
    }

    deinit { for p in all { p.deallocate() }; rawNoise.deallocate() }

    func fits(rows: Int, latentActionWidth: Int, width: Int, sharedCount: Int, binCount: Int, actionDimensions: Int,
              preparedCount: Int) -> Bool {
        self.rows == rows && self.latentActionWidth == latentActionWidth && self.width == width && self.sharedCount == sharedCount
            && self.binCount == binCount && self.actionDimensions == actionDimensions && self.preparedCount == preparedCount
    }
}

/// A small pool, so that concurrent plans on one model never share buffers and sequential plans
/// reuse them.
final class PlanningBufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [PlanningBuffers] = []

    func take(rows: Int, latentActionWidth: Int, width: Int, sharedCount: Int, binCount: Int, actionDimensions: Int,
              preparedCount: Int) -> PlanningBuffers {
        lock.lock()
        defer { lock.unlock() }
        if let i = free.firstIndex(where: { $0.fits(rows: rows, latentActionWidth: latentActionWidth, width: width, sharedCount: sharedCount,
                                                    binCount: binCount, actionDimensions: actionDimensions, preparedCount: preparedCount) }) {
            return free.remove(at: i)
        }
        return PlanningBuffers(rows: rows, latentActionWidth: latentActionWidth, width: width, sharedCount: sharedCount,
                               binCount: binCount, actionDimensions: actionDimensions, preparedCount: preparedCount)
    }

    func give(_ buffers: PlanningBuffers) {
        lock.lock()
        defer { lock.unlock() }
        free.removeAll { !$0.fits(rows: buffers.rows, latentActionWidth: buffers.latentActionWidth, width: buffers.width,
                                  sharedCount: buffers.sharedCount, binCount: buffers.binCount, actionDimensions: buffers.actionDimensions,
                                  preparedCount: buffers.preparedCount) }
        if free.count < 2 { free.append(buffers) }
    }
}

// MARK: - Entry point

extension WorldModel {
    /// Runs `body` with a ``PlanningRollout`` over `sampleCount` action sequences per latent of `latent`
    /// `[E, L]` (one latent per environment; `[1, L]` for one): parameter pointers and buffers stay valid for the
    /// whole call.
    /// Returns nil (without calling `body`) when a head is not a plain normed-linear MLP, or when the policy
    /// prior is categorical and `greedyTerminal` is false.
    /// - Parameter greedyTerminal: terminal values from the best one-hot action (``CategoricalPlanner``); the
    ///   policy head is not used.
    func withPlanningRollout<R>(latent: Tensor, sampleCount n: Int, cachedRows: Int, horizon: Int, discount: Float,
                                greedyTerminal: Bool = false, _ body: (inout PlanningRollout) -> R) -> R? {
        let c = configuration
        // The rollout's terminal policy action is the Gaussian prior's; a categorical prior plans with greedy terminal values.
        guard c.discreteActionCount == nil || greedyTerminal else { return nil }
        var builder = RecipeBuilder()
        guard let dyn = builder.recipe(dynamics), let rew = builder.recipe(reward) else { return nil }
        var pol: [LayerRecipe] = []
        if !greedyTerminal {
            guard let p = builder.recipe(policy) else { return nil }
            pol = p
        }
        var term: [LayerRecipe]? = nil
        if let termination {
            guard let t = builder.recipe(termination) else { return nil }
            term = t
        }
        let (L, A) = (c.latentDimensions, c.actionDimensions)
        guard dyn.count >= 2, rew.count >= 2, greedyTerminal || pol.count >= 2, (term?.count ?? 2) >= 2, dyn[0].activation != nil, rew[0].activation != nil,
              dyn[0].inputDimensions == L + A, rew[0].inputDimensions == L + A, latent.count >= L, latent.count % L == 0 else { return nil }
        let latentCount = latent.count / L
        let qRecipes = (0..<qs.memberCount).map { builder.recipe(qs, member: $0) }
        let latentIndex = builder.add(latent)
        let bins = builder.add(c.regression.bins)
        let widths = [dyn, rew, pol, term ?? []].flatMap { $0.map(\.outputDimensions) } + qRecipes.flatMap { $0.map(\.outputDimensions) }
        let width = widths.max() ?? 1
        let sharedCount = PlanningRollout.sharedCount(dynamicsWidth: dyn[0].outputDimensions, rewardWidth: rew[0].outputDimensions,
                                                      actionDimensions: A, latentCount: latentCount)
        // Every layer but the two first layers (whose latent share is computed once) runs by GEMM.
        let gemmLayers = [Array(dyn.dropFirst()), Array(rew.dropFirst()), pol, term ?? []] + qRecipes
        let preparedCount = gemmLayers.joined().reduce(0) { $0 + BLAS.preparedCount(n: $1.outputDimensions, k: $1.inputDimensions) }
        let buffers = planningBufferPool.take(rows: latentCount * n, latentActionWidth: L + A, width: width, sharedCount: sharedCount,
                                              binCount: c.regression.binCount, actionDimensions: A, preparedCount: preparedCount)
        defer { planningBufferPool.give(buffers) }
        return InferenceKernels.withPointers(to: builder.tensors) { p in
            // The weights prepared once per plan: each is read by `iterations x horizon` GEMMs.
            var next = buffers.prepared
            func resolve(_ recipes: [LayerRecipe], skippingFirst: Bool = false) -> [LayerView] {
                recipes.enumerated().map { i, recipe in
                    var view = recipe.resolve(p)
                    guard !(skippingFirst && i == 0) else { return view }
                    let (n, k) = (view.outputDimensions, view.inputDimensions)
                    BLAS.prepare(view.weight, n: n, k: k, into: next)
                    view.preparedWeight = UnsafePointer(next)
                    next += BLAS.preparedCount(n: n, k: k)
                    return view
                }
            }
            var rollout = PlanningRollout(
                dynamics: resolve(dyn, skippingFirst: true), reward: resolve(rew, skippingFirst: true), policy: resolve(pol),
                termination: term.map { resolve($0) }, qMembers: qRecipes.map { resolve($0) },
                latent: p[latentIndex], bins: p[bins], binCount: c.regression.binCount,
                logStdMin: c.logStdMin, logStdMax: c.logStdMax, latentDimensions: L, actionDimensions: A,
                horizon: horizon, sampleCount: n, cachedRows: cachedRows, latentCount: latentCount, discount: discount, greedyTerminal: greedyTerminal,
                buffers: buffers)
            rollout.prepareSharedTerms()
            return body(&rollout)
        }
    }
}
