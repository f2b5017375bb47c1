// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import NN

// MARK: - World model

/// TD-MPC2's world model (`common/world_model.py`): encoder, latent dynamics, reward, termination,
/// policy prior and a Q ensemble with an EMA target copy, plus the P-JEPA auxiliary heads.
///
/// Shapes: observations `[N, ...observationShape]`, latents `[N, L]`, actions `[N, A]`,
/// reward and Q logits `[N, K]` with `K = regression.binCount`.
public final class WorldModel: Module {
    public let encoder: any Layer
    public let dynamics: MLP
    public let reward: MLP
    public let termination: MLP?
    public let policy: MLP
    public let qs: EnsembleMLP
    public let targetQs: EnsembleMLP
    /// The P-JEPA current-reward head `P(z)` (logits over the reward bins), when enabled.
    public let currentReward: MLP?
    /// Predictor for the random-projection auxiliary, when enabled.
    public let randomPredictor: MLP?
    /// The fixed random projection `[D, prod(observationShape)]` (not a parameter).
    /// Settable inside the module so that reference tests can install a fixture's projection.
    public internal(set) var randomProjection: Tensor?
    public let configuration: TDMPC2Configuration
    /// Reusable buffers of the planning rollout (see `WorldModel+Planning.swift`).
    let planningBufferPool = PlanningBufferPool()

    public init(_ c: TDMPC2Configuration, generator: inout some RandomNumberGenerator) {
        configuration = c
        let (L, M, A, K) = (c.latentDimensions, c.mlpDimensions, c.actionDimensions, c.regression.binCount)
        let latentActivation: NormedActivation? = c.resolvedLatentSimNorm ? .simNorm(groupSize: c.simNormGroupSize) : nil
        if c.isPixel {
            encoder = PixelEncoder(c, generator: &generator)
        } else {
            encoder = MLP(inputDimensions: c.observationShape[0], hiddenDimensions: Array(repeating: c.encoderDimensions, count: Swift.max(c.encoderLayerCount - 1, 1)),
                          outputDimensions: L, outputActivation: latentActivation, generator: &generator)
        }
        dynamics = MLP(inputDimensions: L + A, hiddenDimensions: [M, M], outputDimensions: L, outputActivation: latentActivation, generator: &generator)
        reward = MLP(inputDimensions: L + A, hiddenDimensions: [M, M], outputDimensions: K, zeroInitializedOutput: true, generator: &generator)
        termination = c.isEpisodic ? MLP(inputDimensions: L, hiddenDimensions: [M, M], outputDimensions: 1, generator: &generator) : nil
        policy = MLP(inputDimensions: L, hiddenDimensions: [M, M], outputDimensions: 2 * A, generator: &generator)
        qs = EnsembleMLP(memberCount: c.qCount, inputDimensions: L + A, hiddenDimensions: [M, M], outputDimensions: K,
                         dropoutRate: c.qDropout, zeroInitializedOutput: true, generator: &generator)
        targetQs = EnsembleMLP(memberCount: c.qCount, inputDimensions: L + A, hiddenDimensions: [M, M], outputDimensions: K,
                               zeroInitializedOutput: true, generator: &generator)
        targetQs.copyParameters(from: qs)
        for p in targetQs.parameters { p.isTrainable = false }
        currentReward = c.routing.currentReward
            ? MLP(inputDimensions: L, hiddenDimensions: [M, M], outputDimensions: K, zeroInitializedOutput: c.routing.resolvedCurrentRewardZeroInitialized, generator: &generator) : nil
        if c.routing.randomProjection {
            let d = c.routing.randomProjectionDimensions, inputs = c.observationShape.reduce(1, *)
            randomPredictor = MLP(inputDimensions: L, hiddenDimensions: [M, M], outputDimensions: d, generator: &generator)
            randomProjection = Tensor.randomNormal([d, inputs], standardDeviation: 1 / Float(inputs).squareRoot(), using: &generator)
        } else {
            randomPredictor = nil
            randomProjection = nil
        }
        collectParameters()
    }

    /// Parameters trained by the model optimizer, grouped: encoder (at the encoder rate) and the rest.
    public var encoderParameters: [(path: String, parameter: Parameter)] { lists.encoder }
    public var headParameters: [(path: String, parameter: Parameter)] { lists.heads }
    /// The policy prior's parameters.
    public var policyParameters: [Parameter] { lists.policy }
    /// The Q ensemble's parameters and its target copy's, in the same order.
    public var qParameters: [Parameter] { lists.qs }
    public var targetQParameters: [Parameter] { lists.targetQs }

    /// The parameter lists, collected once: the modules never change which parameters they hold, the
    /// update reads these lists every step, and walking the modules by reflection costs about 1 % of
    /// a 1M update. A class, so that ``namedParameters()``'s walk does not count them twice.
    final class ParameterLists {
        var encoder: [(path: String, parameter: Parameter)] = [], heads: [(path: String, parameter: Parameter)] = []
        var policy: [Parameter] = [], qs: [Parameter] = [], targetQs: [Parameter] = []
    }
    private let lists = ParameterLists()

    private func collectParameters() {
        lists.encoder = encoder.namedParameters().map { ("encoder.\($0.path)", $0.parameter) }
        var modules: [(String, any Module)] = [("dynamics", dynamics), ("reward", reward)]
        if let termination { modules.append(("termination", termination)) }
        modules.append(("qs", qs))
        if let currentReward { modules.append(("currentReward", currentReward)) }
        if let randomPredictor { modules.append(("randomPredictor", randomPredictor)) }
        lists.heads = modules.flatMap { name, m in m.namedParameters().map { ("\(name).\($0.path)", $0.parameter) } }
        lists.policy = policy.parameters
        lists.qs = qs.parameters
        lists.targetQs = targetQs.parameters
    }

    /// Switches Q dropout (training mode) on or off.
    public var isTraining: Bool {
        get { qs.isTraining }
        set { qs.isTraining = newValue }
    }

    // MARK: Heads

    /// `[N, ...obs] -> [N, L]`.
    public func encode(_ observations: Tensor, augmentationGenerator: inout SeededGenerator) -> Tensor {
        if let pixel = encoder as? PixelEncoder { return pixel(observations, generator: &augmentationGenerator) }
        return encoder(observations)
    }

    /// Latent dynamics `[N, L], [N, A] -> [N, L]`.
    public func next(_ z: Tensor, _ a: Tensor) -> Tensor { dynamics(concatenating: [z, a]) }

    /// Reward logits `[N, K]`.
    public func rewardLogits(_ z: Tensor, _ a: Tensor) -> Tensor { reward(concatenating: [z, a]) }

    /// Q logits of the chosen members, `[M, N, K]`; `target` uses the EMA copy.
    public func qLogits(_ z: Tensor, _ a: Tensor, members: [Int]? = nil, target: Bool = false) -> Tensor {
        (target ? targetQs : qs)(concatenating: [z, a], members: members)
    }

    /// The greedy value of `Discrete(n)` latents for TD targets: `max_a min(Q_i, Q_j)(z, a)` over the `n`
    /// one-hot actions with the target members `members` (two of them), `[N, 1]`. The reference bootstraps
    /// from Q at a policy action; with categorical priors whose entropy collapses, the Gumbel-softmax gradient
    /// vanishes and the prior stops improving, so Q would evaluate a frozen policy instead of the best one.
    public func greedyTargetValue(_ z: Tensor, actionCount n: Int, members: [Int]) -> Tensor {
        precondition(members.count == 2, "greedyTargetValue takes two members, got \(members)")
        return Tensor.bestOverOneHotActions(rows: z.shape[0], count: n) { action in
            let q = configuration.regression.decode(qLogits(z, action, members: members, target: true))
            return q[row: 0].minimum(q[row: 1])
        }
    }

    /// The policy prior (`world_model.pi`), with the reference's order of operations.
    /// - Parameters:
    ///   - z: `[N, L]`.
    ///   - noise: `[N, A]` standard normal draws.
    public func pi(_ z: Tensor, noise: Tensor) -> PolicySample {
        if configuration.discreteActionCount != nil { return categoricalPi(z, gumbelNoise: noise) }
        // One fused operation with the same forward bits as the chain of elementwise operations
        // (`Tensor.squashedGaussian`; a test compares the two).
        return Tensor.squashedGaussian(policy(z), noise: noise, logStdMin: configuration.logStdMin, logStdMax: configuration.logStdMax)
    }
}

extension WorldModel {
    /// The categorical policy prior for `Discrete(n)` actions: the first half of the policy head's
    /// output are logits. The sample is `one_hot(argmax(logits + g))` for Gumbel noise `g`, with the
    /// gradient of the Gumbel-softmax relaxation `softmax((logits + g) / temperature)`
    /// (straight-through); the entropy is the categorical entropy.
    /// - Parameter gumbelNoise: `[N, n]` standard Gumbel draws.
    func categoricalPi(_ z: Tensor, gumbelNoise: Tensor) -> PolicySample {
        let logits = policy(z).chunked(into: 2, along: -1)[0]
        let perturbed = logits + gumbelNoise
        let relaxed = (perturbed * (1 / configuration.gumbelTemperature)).softmax()
        let hard = Self.oneHot(argmaxOf: perturbed)
        let action = relaxed + (hard - relaxed.detached())
        let logProbabilities = logits.logSoftmax()
        let entropy = -(logProbabilities.exp() * logProbabilities).sum(alongAxes: [-1])
        return PolicySample(action: action, mean: Self.oneHot(argmaxOf: logits), logStd: logits * 0, entropy: entropy, scaledEntropy: entropy)
    }

    /// One-hot rows `[N, n]` at the argmax of each row (untracked).
    static func oneHot(argmaxOf x: Tensor) -> Tensor {
        let n = x.shape[x.rank - 1]
        var out = [Float](repeating: 0, count: x.count)
        for (row, index) in x.argmax(alongAxis: -1).enumerated() { out[row * n + index] = 1 }
        return Tensor(shape: x.shape, scalars: out)
    }
}

extension Tensor {
    /// The row-wise maximum of `value(a_k)` over the `count` one-hot actions `a_k` (`rows` copies each),
    /// `[rows, 1]`: the greedy value shared by discrete TD targets and the categorical planner.
    static func bestOverOneHotActions(rows: Int, count: Int, _ value: (Tensor) -> Tensor) -> Tensor {
        precondition(count >= 1, "bestOverOneHotActions needs at least one action, got \(count)")
        var best = value(oneHotRows(rows, index: 0, count: count))
        for k in 1..<count { best = best.maximum(value(oneHotRows(rows, index: k, count: count))) }
        return best
    }

    /// `rows` copies of the one-hot vector of `index` among `count` classes, `[rows, count]`.
    static func oneHotRows(_ rows: Int, index: Int, count: Int) -> Tensor {
        precondition(index >= 0 && index < count, "one-hot index \(index) outside 0..<\(count)")
        var scalars = [Float](repeating: 0, count: rows * count)
        for r in 0..<rows { scalars[r * count + index] = 1 }
        return Tensor(shape: [rows, count], scalars: scalars)
    }
}
