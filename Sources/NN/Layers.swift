// Foresight — NN
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Linear

/// `y = x W^T + b`, with `W` `[outputDimensions, inputDimensions]` (PyTorch layout).
///
/// Initialisation follows TD-MPC2 (`common/init.py`): `W ~ trunc_normal(std 0.02)` with absolute
/// bounds ±2, `b = 0`; or all zeros when `zeroInitialized` (TD-MPC2's reward and Q output layers); or, with
/// `fanInUniform`, PyTorch's `nn.Linear` default, `W, b ~ U(-1/sqrt(in), 1/sqrt(in))`.
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let inputDimensions: Int, outputDimensions: Int

    public init(inputDimensions: Int, outputDimensions: Int, bias: Bool = true, zeroInitialized: Bool = false,
                fanInUniform: Bool = false, generator: inout some RandomNumberGenerator) {
        precondition(inputDimensions > 0 && outputDimensions > 0, "Linear needs positive sizes, got \(inputDimensions) -> \(outputDimensions)")
        self.inputDimensions = inputDimensions
        self.outputDimensions = outputDimensions
        let shape = [outputDimensions, inputDimensions]
        if fanInUniform && !zeroInitialized {
            let bound = 1 / Float(inputDimensions).squareRoot()
            weight = Parameter(.randomUniform(shape, low: -bound, high: bound, using: &generator))
            self.bias = bias ? Parameter(.randomUniform([outputDimensions], low: -bound, high: bound, using: &generator)) : nil
        } else {
            weight = Parameter(zeroInitialized ? .zeros(shape) : .randomTruncatedNormal(shape, standardDeviation: 0.02, using: &generator))
            self.bias = bias ? Parameter(.zeros([outputDimensions])) : nil
        }
    }

    /// `[..., in] -> [..., out]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.linear(input, weight: weight.variable, bias: bias?.variable)
    }

    public var description: String { "Linear(inputDimensions=\(inputDimensions), outputDimensions=\(outputDimensions), bias=\(bias != nil))" }
}

// MARK: - LayerNorm

/// Layer normalization over the last axis with learnable gain (init 1) and bias (init 0).
public final class LayerNorm: Layer {
    public let weight: Parameter, bias: Parameter
    public let epsilon: Float

    public init(dimensions: Int, epsilon: Float = 1e-5) {
        weight = Parameter(.ones([dimensions]))
        bias = Parameter(.zeros([dimensions]))
        self.epsilon = epsilon
    }

    /// `[..., dimensions] -> [..., dimensions]`, normalized over the last axis.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.layerNorm(weight: weight.variable, bias: bias.variable, epsilon: epsilon)
    }

    public var description: String { "LayerNorm(\(weight.value.count), epsilon=\(epsilon))" }
}

// MARK: - NormedLinear

/// TD-MPC2's `NormedLinear`: `act(LayerNorm(Dropout(x W^T + b)))`, run as one fused op.
///
/// Dropout is applied only while `isTraining` is set and `dropoutRate > 0`, with masks drawn from
/// the layer's own seeded generator (saved with the agent for exact resumption).
public final class NormedLinear: Layer {
    public let linear: Linear
    public let norm: LayerNorm
    public let activation: NormedActivation
    public let dropoutRate: Float
    /// Whether dropout is active.
    public var isTraining = false
    /// The generator dropout masks are drawn from.
    public var dropoutGenerator: SeededGenerator

    public init(inputDimensions: Int, outputDimensions: Int, activation: NormedActivation = .mish, dropoutRate: Float = 0,
                generator: inout some RandomNumberGenerator) {
        precondition(dropoutRate >= 0 && dropoutRate < 1, "dropout rate must be in [0, 1), got \(dropoutRate)")
        if case .simNorm(let k) = activation {
            precondition(outputDimensions % k == 0, "SimNorm group \(k) does not divide \(outputDimensions)")
        }
        linear = Linear(inputDimensions: inputDimensions, outputDimensions: outputDimensions, generator: &generator)
        norm = LayerNorm(dimensions: outputDimensions)
        self.activation = activation
        self.dropoutRate = dropoutRate
        dropoutGenerator = SeededGenerator(seed: generator.next())
    }

    /// `[..., in] -> [..., out]`: linear, LayerNorm, dropout (when training), activation.
    public func callAsFunction(_ input: Tensor) -> Tensor { self(concatenating: [input]) }

    /// The block applied to the concatenation of `parts` along the last axis, without a
    /// concatenation node (see `Tensor.normedLinear(concatenating:...)`).
    public func callAsFunction(concatenating parts: [Tensor]) -> Tensor {
        var mask: Tensor? = nil
        if isTraining && dropoutRate > 0 {
            let shape = Array(parts[0].shape.dropLast()) + [linear.outputDimensions]
            mask = Tensor.dropoutMask(shape, rate: dropoutRate, using: &dropoutGenerator)
        }
        return Tensor.normedLinear(concatenating: parts, weight: linear.weight.variable, bias: linear.bias!.variable,
                                   normWeight: norm.weight.variable, normBias: norm.bias.variable,
                                   activation: activation, dropoutMask: mask, epsilon: norm.epsilon)
    }

    public var description: String {
        "NormedLinear(\(linear.inputDimensions) -> \(linear.outputDimensions), \(activation)\(dropoutRate > 0 ? ", dropout=\(dropoutRate)" : ""))"
    }
}

// MARK: - Activations and containers

/// An elementwise activation as a layer (for convolutional stacks).
public final class Activation: Layer {
    public enum Kind: Sendable { case relu, mish, tanh, simNorm(groupSize: Int) }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }
    /// Any shape to the same shape (SimNorm: the last axis in groups of `groupSize`).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        switch kind {
        case .relu: input.relu()
        case .mish: input.mish()
        case .tanh: input.tanh()
        case .simNorm(let k): input.simNorm(groupSize: k)
        }
    }
    public var description: String { "Activation(\(kind))" }
}

/// Layers applied in order.
public final class Sequential: Layer {
    public let layers: [any Layer]
    public init(_ layers: [any Layer]) { self.layers = layers }
    /// The first layer's input shape to the last layer's output shape.
    public func callAsFunction(_ input: Tensor) -> Tensor { layers.reduce(input) { $1($0) } }
    public var description: String { "Sequential(\n" + layers.map { "  " + $0.description }.joined(separator: "\n") + "\n)" }
}

/// Reshapes `[N, ...]` to `[N, -1]`.
public final class Flatten: Layer {
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.reshaped(to: [input.shape[0], -1]) }
    public var description: String { "Flatten()" }
}

// MARK: - Conv2d

/// 2-D convolution with PyTorch's default initialisation (`U(-1/sqrt(fanIn), 1/sqrt(fanIn))` for
/// weight and bias), as TD-MPC2 keeps for its pixel encoder. Input `[N, C, H, W]`.
public final class Conv2d: Layer {
    public let weight: Parameter, bias: Parameter
    public let stride: Int, padding: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                generator: inout some RandomNumberGenerator) {
        let fanIn = Float(inputChannels * kernelSize * kernelSize)
        let bound = 1 / fanIn.squareRoot()
        weight = Parameter(.randomUniform([outputChannels, inputChannels, kernelSize, kernelSize], low: -bound, high: bound, using: &generator))
        bias = Parameter(.randomUniform([outputChannels], low: -bound, high: bound, using: &generator))
        self.stride = stride
        self.padding = padding
    }

    /// `[N, C_in, H, W] -> [N, C_out, H', W']` with `H' = (H + 2 padding − k) / stride + 1` (``outputSide(_:)``).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.conv2d(input, weight: weight.variable, bias: bias.variable, stride: stride, padding: padding)
    }

    /// The output height (width) for an input of height (width) `side`: `(side + 2 padding - kernel) / stride + 1`.
    public func outputSide(_ side: Int) -> Int { (side + 2 * padding - weight.value.shape[2]) / stride + 1 }

    public var description: String {
        let s = weight.value.shape
        return "Conv2d(\(s[1]) -> \(s[0]), kernel=\(s[2]), stride=\(stride), padding=\(padding))"
    }
}

// MARK: - ResidualBlock

/// A pre-activation residual block of two 3x3 convolutions that keep the shape: `x + conv₂(relu(conv₁(relu(x))))`,
/// with zero padding 1 and no normalization (the blocks of the P-JEPA authors' ResNet encoder have no BatchNorm either).
/// Input and output `[N, C, H, W]`.
public final class ResidualBlock: Layer {
    public let first: Conv2d, second: Conv2d

    public init(channels: Int, generator: inout some RandomNumberGenerator) {
        first = Conv2d(inputChannels: channels, outputChannels: channels, kernelSize: 3, padding: 1, generator: &generator)
        second = Conv2d(inputChannels: channels, outputChannels: channels, kernelSize: 3, padding: 1, generator: &generator)
    }

    /// `[N, C, H, W] -> [N, C, H, W]`.
    public func callAsFunction(_ input: Tensor) -> Tensor { input + second(first(input.relu()).relu()) }

    public var description: String { "ResidualBlock(\(first.weight.value.shape[0]))" }
}
