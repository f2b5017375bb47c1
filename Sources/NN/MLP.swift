// Foresight — NN
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - MLP (TD-MPC2 `layers.mlp`)

/// TD-MPC2's `mlp(in, [h1, h2, ...], out, act, dropout)`: a `NormedLinear` (Linear → LayerNorm →
/// Mish) per hidden size, with dropout on the first block only; then a plain `Linear` to `out`, or,
/// when `outputActivation` is given, a `NormedLinear` closing with that activation (for example
/// SimNorm for latent outputs).
///
/// Parameter paths: `layers.0.linear.weight`, `layers.0.norm.weight`, …, and for a plain output
/// layer `layers.N.weight` / `layers.N.bias`.
public final class MLP: Layer {
    public let layers: [any Layer]

    /// - Parameters:
    ///   - zeroInitializedOutput: zero the final plain Linear (TD-MPC2's reward head).
    public init(inputDimensions: Int, hiddenDimensions: [Int], outputDimensions: Int,
                outputActivation: NormedActivation? = nil, dropoutRate: Float = 0, zeroInitializedOutput: Bool = false,
                generator: inout some RandomNumberGenerator) {
        var layers: [any Layer] = []
        var width = inputDimensions
        for (i, h) in hiddenDimensions.enumerated() {
            layers.append(NormedLinear(inputDimensions: width, outputDimensions: h, activation: .mish,
                                       dropoutRate: i == 0 ? dropoutRate : 0, generator: &generator))
            width = h
        }
        if let outputActivation {
            layers.append(NormedLinear(inputDimensions: width, outputDimensions: outputDimensions, activation: outputActivation, generator: &generator))
        } else {
            layers.append(Linear(inputDimensions: width, outputDimensions: outputDimensions, zeroInitialized: zeroInitializedOutput, generator: &generator))
        }
        self.layers = layers
    }

    /// `[..., in] -> [..., out]`.
    public func callAsFunction(_ input: Tensor) -> Tensor { layers.reduce(input) { $1($0) } }

    /// The MLP of the concatenation of `parts` along the last axis (`[..., in_p]` each), without
    /// materializing a concatenation node: only the parts that need gradients get them.
    public func callAsFunction(concatenating parts: [Tensor]) -> Tensor {
        guard let first = layers.first as? NormedLinear, parts.count > 1 else {
            return self(parts.count == 1 ? parts[0] : Tensor.concatenate(parts, along: -1))
        }
        return layers.dropFirst().reduce(first(concatenating: parts)) { $1($0) }
    }

    /// Switches dropout on or off in every block.
    public var isTraining: Bool {
        get { layers.contains { ($0 as? NormedLinear)?.isTraining == true } }
        set { for case let l as NormedLinear in layers { l.isTraining = newValue } }
    }

    public var description: String { "MLP(" + layers.map(\.description).joined(separator: ", ") + ")" }
}

// MARK: - Ensemble of MLPs (the Q ensemble)

/// `E` independent MLPs of identical shape evaluated as one batched op per layer: hidden blocks are
/// fused normed-linear ensembles and the output is an ensemble linear map. Weights are stored
/// stacked, `[E, out, in]`, so each layer is `E` GEMMs in one pass (TD-MPC2 vmaps its Q functions).
///
/// Parameter paths: `layers.0.weight` `[E, h, in]`, `layers.0.bias`, `layers.0.normWeight`,
/// `layers.0.normBias`, …, `output.weight` `[E, out, h]`, `output.bias`.
public final class EnsembleMLP: Module {
    /// One stacked hidden block.
    public final class Block: Module {
        public let weight: Parameter, bias: Parameter, normWeight: Parameter, normBias: Parameter
        init(members: Int, inputDimensions: Int, outputDimensions: Int, generator: inout some RandomNumberGenerator) {
            weight = Parameter(.randomTruncatedNormal([members, outputDimensions, inputDimensions], standardDeviation: 0.02, using: &generator))
            bias = Parameter(.zeros([members, outputDimensions]))
            normWeight = Parameter(.ones([members, outputDimensions]))
            normBias = Parameter(.zeros([members, outputDimensions]))
        }
    }

    /// The stacked output layer.
    public final class Output: Module {
        public let weight: Parameter, bias: Parameter
        init(members: Int, inputDimensions: Int, outputDimensions: Int, zeroInitialized: Bool, generator: inout some RandomNumberGenerator) {
            let shape = [members, outputDimensions, inputDimensions]
            weight = Parameter(zeroInitialized ? .zeros(shape) : .randomTruncatedNormal(shape, standardDeviation: 0.02, using: &generator))
            bias = Parameter(.zeros([members, outputDimensions]))
        }
    }

    public let layers: [Block]
    public let output: Output
    public let memberCount: Int
    public let dropoutRate: Float
    public var isTraining = false
    public var dropoutGenerator: SeededGenerator

    public init(memberCount: Int, inputDimensions: Int, hiddenDimensions: [Int], outputDimensions: Int,
                dropoutRate: Float = 0, zeroInitializedOutput: Bool = false, generator: inout some RandomNumberGenerator) {
        precondition(memberCount >= 1, "an ensemble needs at least one member, got \(memberCount)")
        var blocks: [Block] = []
        var width = inputDimensions
        for h in hiddenDimensions {
            blocks.append(Block(members: memberCount, inputDimensions: width, outputDimensions: h, generator: &generator))
            width = h
        }
        layers = blocks
        output = Output(members: memberCount, inputDimensions: width, outputDimensions: outputDimensions,
                        zeroInitialized: zeroInitializedOutput, generator: &generator)
        self.memberCount = memberCount
        self.dropoutRate = dropoutRate
        dropoutGenerator = SeededGenerator(seed: generator.next())
    }

    /// Evaluates the chosen members (all by default).
    /// - Parameters:
    ///   - input: `[B, in]`, shared by every member.
    ///   - members: indices of the members to evaluate; only these get gradients.
    /// - Returns: `[M, B, out]` for `M` members.
    public func callAsFunction(_ input: Tensor, members: [Int]? = nil) -> Tensor {
        self(concatenating: [input], members: members)
    }

    /// Evaluates the chosen members on the concatenation of `parts` along the last axis (`[B, in_p]`
    /// each, shared by every member) without a concatenation node: only the parts that need
    /// gradients get them (the action columns of `[z, a]` when `z` is a constant).
    /// - Returns: `[M, B, out]` for `M` members.
    public func callAsFunction(concatenating parts: [Tensor], members: [Int]? = nil) -> Tensor {
        let pick: (Parameter) -> Tensor = { p in members.map { p.variable.gathering($0) } ?? p.variable }
        let m = members?.count ?? memberCount
        var x = parts[0]
        for (i, block) in layers.enumerated() {
            var mask: Tensor? = nil
            if i == 0 && isTraining && dropoutRate > 0 {
                let rows = x.rank == 2 ? x.shape[0] : x.shape[1]
                mask = Tensor.dropoutMask([m, rows, block.weight.value.shape[1]], rate: dropoutRate, using: &dropoutGenerator)
            }
            x = Tensor.normedLinear(concatenating: i == 0 ? parts : [x], weight: pick(block.weight), bias: pick(block.bias),
                                    normWeight: pick(block.normWeight), normBias: pick(block.normBias), activation: .mish, dropoutMask: mask)
        }
        if layers.isEmpty && parts.count > 1 { x = Tensor.concatenate(parts, along: -1) }
        return Tensor.ensembleLinear(x, weight: pick(output.weight), bias: pick(output.bias))
    }

    public var description: String { "EnsembleMLP(members=\(memberCount), layers=\(layers.count + 1), parameters=\(parameterCount))" }
}
