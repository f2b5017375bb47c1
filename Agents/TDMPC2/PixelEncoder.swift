// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import NN

// MARK: - Pixel encoder

/// TD-MPC2's convolutional encoder for 64x64 images (`common/layers.py enc`), with an optional
/// global-average-pooling readout (``PixelReadout``):
/// `ShiftAug(pad 3)` → `x / 255 − 0.5` → Conv(C→32, k7, s2) ReLU → Conv(32, k5, s2) ReLU →
/// Conv(32, k3, s2) ReLU → Conv(32, k3, s1) → flatten (32·4·4 = 512) → SimNorm.
///
/// With `pixelArchitecture` `.resnet` the convolutions are a small residual network instead (``PixelArchitecture``):
/// Conv(C→C, k7, s2) ReLU → Conv(C→2C, k3, s2) → 2 × ResidualBlock(2C) → Conv(2C→2C, k3, s2) → ResidualBlock(2C) → ReLU,
/// a 6x6 map of 2C channels (64 → 29 → 14 → 6; with `pixelPadding` 64 → 32 → 16 → 8). Its weights are in `convolutions` (stem and downsampling) and
/// `residualBlocks`.
///
/// With `pixelHiddenLayers` set, that many `NormedLinear` blocks with Mish (``TDMPC2Configuration/encoderDimensions``
/// wide) come between the readout and the closing `NormedLinear`, which is then always present.
///
/// With `pixelProjectionNorm` false the last block is a plain Linear into SimNorm (the P-JEPA authors' readout has no
/// normalization), so the scale of the pooled features reaches the latent.
///
/// Observations are raw pixel intensities in `[0, 255]`, `[N, C, H, W]`. When the latent width is
/// not the flattened width, a `NormedLinear` (Linear → LayerNorm → SimNorm, the closing block of
/// TD-MPC2's state encoder) maps to the latent width; the reference only supports a latent of 512.
/// The LayerNorm matters: a bare trunc-normal(0.02) projection feeds SimNorm near-zero logits, so
/// every latent starts out as the uniform simplex point and learning stalls. The shift is an integer translation of a
/// replicate-padded image, which is what the reference's bilinear `grid_sample` computes for the
/// integer shifts it draws.
public final class PixelEncoder: Layer {
    /// The plain convolutions, in order (all of TD-MPC2's layout; the stem and the two downsampling ones of `.resnet`).
    public let convolutions: [Conv2d]
    /// The residual blocks of `.resnet` (two after the second convolution, one after the third); none for `.tdmpc2`.
    public let residualBlocks: [ResidualBlock]
    /// The layout of the convolutions.
    public let architecture: PixelArchitecture
    /// Hidden blocks between the readout and ``projection`` (none in TD-MPC2).
    public let hiddenLayers: [NormedLinear]
    public let projection: NormedLinear?
    /// The last block without LayerNorm (`pixelProjectionNorm` false): a Linear into SimNorm, in place of ``projection``.
    public let plainProjection: Linear?
    public let simNormGroupSize: Int
    /// Whether the latent ends in SimNorm (``TDMPC2Configuration/latentSimNorm``).
    public let simNormLatents: Bool
    public let shiftAugmentation: Bool
    /// Flatten (TD-MPC2) or global average pooling of the last feature map.
    public let readout: PixelReadout
    /// Subtracted after scaling pixels to `[0, 1]` (TD-MPC2: 0.5).
    public let offset: Float
    let pad = 3

    init(_ c: TDMPC2Configuration, generator: inout some RandomNumberGenerator) {
        let channels = c.pixelChannels, inputChannels = c.observationShape[0]
        architecture = c.resolvedPixelArchitecture
        let featureChannels: Int
        switch architecture {
        case .tdmpc2:
            convolutions = [
                Conv2d(inputChannels: inputChannels, outputChannels: channels, kernelSize: 7, stride: 2, generator: &generator),
                Conv2d(inputChannels: channels, outputChannels: channels, kernelSize: 5, stride: 2, generator: &generator),
                Conv2d(inputChannels: channels, outputChannels: channels, kernelSize: 3, stride: 2, generator: &generator),
                Conv2d(inputChannels: channels, outputChannels: channels, kernelSize: 3, stride: 1, generator: &generator),
            ]
            residualBlocks = []
            featureChannels = channels
        case .resnet:
            let wide = 2 * channels
            let pad = { (kernel: Int) in c.resolvedPixelPadding ? kernel / 2 : 0 }   // "same" padding, or none
            let stem = Conv2d(inputChannels: inputChannels, outputChannels: channels, kernelSize: 7, stride: 2, padding: pad(7), generator: &generator)
            let second = Conv2d(inputChannels: channels, outputChannels: wide, kernelSize: 3, stride: 2, padding: pad(3), generator: &generator)
            let blocks = [ResidualBlock(channels: wide, generator: &generator), ResidualBlock(channels: wide, generator: &generator)]
            let third = Conv2d(inputChannels: wide, outputChannels: wide, kernelSize: 3, stride: 2, padding: pad(3), generator: &generator)
            convolutions = [stem, second, third]
            residualBlocks = blocks + [ResidualBlock(channels: wide, generator: &generator)]
            featureChannels = wide
        }
        // The residual blocks keep the map's size; the plain convolutions set it.
        let side = convolutions.reduce(c.observationShape[1]) { $1.outputSide($0) }
        let readout = c.resolvedPixelReadout
        self.readout = readout
        offset = c.resolvedPixelOffset
        var flat = readout == .averagePool ? featureChannels : featureChannels * side * side
        var hidden: [NormedLinear] = []
        for _ in 0..<c.resolvedPixelHiddenLayers {
            hidden.append(NormedLinear(inputDimensions: flat, outputDimensions: c.encoderDimensions, activation: .mish, generator: &generator))
            flat = c.encoderDimensions
        }
        hiddenLayers = hidden
        if !c.resolvedPixelProjectionNorm {
            projection = nil
            plainProjection = Linear(inputDimensions: flat, outputDimensions: c.latentDimensions, fanInUniform: true, generator: &generator)
        } else {
            plainProjection = nil
            projection = flat == c.latentDimensions && hidden.isEmpty ? nil
                : NormedLinear(inputDimensions: flat, outputDimensions: c.latentDimensions, activation: .simNorm(groupSize: c.simNormGroupSize), generator: &generator)
        }
        simNormGroupSize = c.simNormGroupSize
        simNormLatents = c.resolvedLatentSimNorm
        shiftAugmentation = c.shiftAugmentation
    }

    /// Encodes without augmentation: `[N, C, H, W]` pixels (0-255) `-> [N, latentDimensions]`.
    public func callAsFunction(_ input: Tensor) -> Tensor { features(input) }

    /// Encodes with a random shift per image when augmentation is on: `[N, C, H, W] -> [N, latentDimensions]`.
    public func callAsFunction(_ input: Tensor, generator: inout SeededGenerator) -> Tensor {
        features(shiftAugmentation ? shifted(input, generator: &generator) : input)
    }

    func features(_ input: Tensor) -> Tensor {
        var x = readoutFeatures(input)
        for layer in hiddenLayers { x = layer(x) }
        if let plainProjection {
            let y = plainProjection(x)
            return simNormLatents ? y.simNorm(groupSize: simNormGroupSize) : y
        }
        if let projection { return projection(x) }
        return simNormLatents ? x.simNorm(groupSize: simNormGroupSize) : x
    }

    /// The first layer after the readout (the one ``standardizeReadout(on:)`` rescales), if any.
    var firstLinearAfterReadout: Linear? { hiddenLayers.first?.linear ?? projection?.linear ?? plainProjection }

    /// Data-dependent initialisation of the first layer after the readout (Krähenbühl et al. 2016, "Data-dependent
    /// initializations of convolutional neural networks"): its weights and bias are rescaled so that it sees each
    /// readout feature standardised over `observations` (`[N, C, H, W]`, raw pixels), `W' = W / s`, `b' = b − W' m`
    /// for the features' means `m` and standard deviations `s`.
    ///
    /// On mostly black images the pooled features of a fresh encoder share a large common part, so LayerNorm makes
    /// every image's latent nearly the same (mean pairwise distance 0.06 on the counting study's images); standardised,
    /// the latents start spread out, and a sparse auxiliary head has differences to work with before the consistency
    /// loss can pull the latents together. Does nothing without a layer after the readout.
    /// - Returns: the number of features standardised (0 when there is no such layer).
    @discardableResult
    public func standardizeReadout(on observations: Tensor) -> Int {
        guard let layer = firstLinearAfterReadout, observations.shape.first ?? 0 >= 2 else { return 0 }
        let pooled = withoutGradients { readoutFeatures(observations) }           // [N, F]
        let (n, f) = (pooled.shape[0], pooled.shape[1])
        var mean = [Double](repeating: 0, count: f), variance = [Double](repeating: 0, count: f)
        let values = pooled.scalars
        for i in 0..<n { for j in 0..<f { mean[j] += Double(values[i * f + j]) } }
        for j in 0..<f { mean[j] /= Double(n) }
        for i in 0..<n { for j in 0..<f { let d = Double(values[i * f + j]) - mean[j]; variance[j] += d * d } }
        let scale = variance.map { 1 / Swift.max(($0 / Double(n)).squareRoot(), 1e-6) }
        var weight = layer.weight.value.scalars
        var bias = layer.bias?.value.scalars ?? []
        for o in 0..<layer.outputDimensions {
            var shift = 0.0
            for j in 0..<f {
                let w = Double(weight[o * f + j]) * scale[j]
                weight[o * f + j] = Float(w)
                shift += w * mean[j]
            }
            if !bias.isEmpty { bias[o] = Float(Double(bias[o]) - shift) }
        }
        layer.weight.value = Tensor(shape: layer.weight.value.shape, scalars: weight)
        if let b = layer.bias { b.value = Tensor(shape: b.value.shape, scalars: bias) }
        return f
    }

    /// The convolutions and the readout: `[N, C, H, W]` raw pixels to `[N, F]`.
    func readoutFeatures(_ input: Tensor) -> Tensor {
        var x = offset == 0 ? input * (1 / 255) : input * (1 / 255) - offset
        switch architecture {
        case .tdmpc2:
            for (i, conv) in convolutions.enumerated() {
                x = conv(x)
                if i < convolutions.count - 1 { x = x.relu() }
            }
        case .resnet:
            x = convolutions[1](convolutions[0](x).relu())
            x = residualBlocks[1](residualBlocks[0](x))
            x = residualBlocks[2](convolutions[2](x)).relu()
        }
        switch readout {
        case .flatten: x = x.reshaped(to: [x.shape[0], -1])
        case .averagePool: x = x.relu().reshaped(to: [x.shape[0], x.shape[1], -1]).mean(squeezingAxes: [2])
        }
        return x
    }

    /// Replicate-pads by 3 and crops back at a random integer offset in `0...6` per image (no gradient needed: raw pixels).
    func shifted(_ input: Tensor, generator: inout SeededGenerator) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        var out = [Float](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { src in
            for i in 0..<n {
                let dy = Int(generator.next() % UInt64(2 * pad + 1)) - pad
                let dx = Int(generator.next() % UInt64(2 * pad + 1)) - pad
                for ch in 0..<c {
                    let base = (i * c + ch) * h * w
                    for y in 0..<h {
                        let sy = Swift.min(Swift.max(y + dy, 0), h - 1)
                        for x in 0..<w { out[base + y * w + x] = src[base + sy * w + Swift.min(Swift.max(x + dx, 0), w - 1)] }
                    }
                }
            }
        }
        return Tensor(shape: input.shape, scalars: out)
    }

    public var description: String { "PixelEncoder(architecture=\(architecture.rawValue), convolutions=\(convolutions.count), residualBlocks=\(residualBlocks.count), readout=\(readout.rawValue), hidden=\(hiddenLayers.count), projection=\(projection != nil), shift=\(shiftAugmentation))" }
}
