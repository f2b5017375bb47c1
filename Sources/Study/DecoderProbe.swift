// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import Optimizers
import TensorCore

// MARK: - Pixel features

/// Fixed features of images `[N, 3, 64, 64]` (values `0...255`) on which the pixel probes run, so that the
/// same probes score decoded images and the originals. With brightness `b` = the largest channel and "lit"
/// meaning `b >= max(b) / 2`:
/// - the image average-pooled to `3 x 8 x 8`, divided by 255 (192 values);
/// - the mean colour of the lit pixels, divided by 255 (3 values);
/// - the brightness-weighted centroid `(x, y) / 64` and the mean brightness / 255 (3 values);
/// - texture: the lit fraction, and for lit pixels the fraction whose right, lower, lower-right and lower-left
///   neighbours are lit (5 values), which separate squares, circles, triangles and diagonal lines.
public enum PixelFeatures {
    /// The feature width: 203.
    public static let width = 3 * 8 * 8 + 11

    /// Features `[N, 203]`.
    public static func extract(_ images: Tensor) -> FeatureMatrix {
        precondition(images.rank == 4 && Array(images.shape.dropFirst()) == [3, 64, 64],
                     "PixelFeatures.extract expects [N, 3, 64, 64], got \(images.shape)")
        let n = images.shape[0], plane = 64 * 64
        var out = [Double](repeating: 0, count: n * width)
        var brightness = [Float](repeating: 0, count: plane)
        var lit = [Bool](repeating: false, count: plane)
        images.withUnsafeBufferPointer { px in
            for i in 0..<n {
                let image = px.baseAddress! + i * 3 * plane
                let row = i * width
                for c in 0..<3 {
                    for y in 0..<64 { for x in 0..<64 { out[row + c * 64 + (y / 8) * 8 + x / 8] += Double(image[c * plane + y * 64 + x]) } }
                }
                for k in 0..<192 { out[row + k] /= 64 * 255 }
                var (sx, sy, total, peak) = (0.0, 0.0, 0.0, Float(0))
                for p in 0..<plane {
                    let b = Swift.max(image[p], image[plane + p], image[2 * plane + p], 0)
                    brightness[p] = b
                    peak = Swift.max(peak, b)
                    sx += Double(b) * Double(p % 64); sy += Double(b) * Double(p / 64); total += Double(b)
                }
                var litCount = 0, colour = [0.0, 0.0, 0.0]
                for p in 0..<plane {
                    lit[p] = peak > 0 && brightness[p] >= peak / 2
                    if lit[p] { litCount += 1; for c in 0..<3 { colour[c] += Double(image[c * plane + p]) } }
                }
                for c in 0..<3 { out[row + 192 + c] = litCount > 0 ? colour[c] / Double(litCount) / 255 : 0 }
                out[row + 195] = total > 0 ? sx / total / 64 : 0.5
                out[row + 196] = total > 0 ? sy / total / 64 : 0.5
                out[row + 197] = total / Double(plane) / 255
                var neighbours = [0, 0, 0, 0]
                for y in 0..<64 {
                    for x in 0..<64 where lit[y * 64 + x] {
                        if x < 63 && lit[y * 64 + x + 1] { neighbours[0] += 1 }
                        if y < 63 && lit[(y + 1) * 64 + x] { neighbours[1] += 1 }
                        if x < 63 && y < 63 && lit[(y + 1) * 64 + x + 1] { neighbours[2] += 1 }
                        if x > 0 && y < 63 && lit[(y + 1) * 64 + x - 1] { neighbours[3] += 1 }
                    }
                }
                out[row + 198] = Double(litCount) / Double(plane)
                for k in 0..<4 { out[row + 199 + k] = litCount > 0 ? Double(neighbours[k]) / Double(litCount) : 0 }
            }
        }
        return FeatureMatrix(rowCount: n, columnCount: width, values: out)
    }
}

// MARK: - Decoder probe

/// What a decoder trained on frozen latents can reconstruct.
public struct DecoderProbeResult: Sendable {
    /// Pixel MSE of the reconstructions of the held-out set, images scaled to `[-1, 1]`.
    public var meanSquaredError: Double
    /// MSE of always predicting the training set's mean image (the floor a decoder must beat).
    public var meanImageError: Double
    /// Pixel MSE of the reconstructions of the training set (against ``meanSquaredError``: how much it overfits).
    public var trainMeanSquaredError: Double
    /// The pixel probes (``PixelFeatures``) fitted on decoded training images and scored on decoded held-out images.
    public var scores: ProbeScores
    /// Decoded held-out images `[N, 3, 64, 64]` in `0...255` (for the reconstruction grid).
    public var reconstructions: Tensor
}

/// A decoder trained on frozen (detached) latents, as the authors' decoder probe: it never changes the encoder.
///
/// - Inputs: the latents standardised per dimension with the training set's mean and standard deviation, as the
///   linear probes (``RidgeRegression``): SimNorm latents move by 0.1 or less per dimension, and a decoder that
///   starts at the mean image would take most of its budget learning their scale. Like the probes (and because
///   the hidden LayerNorm is scale invariant anyway), this measures information, not scale: a collapsed encoder
///   shows as a decoder that stays at the mean image only if its small variations say nothing about the image
///   (the scale itself is `mean_pairwise_distance`).
/// - Architecture: TD-MPC2's `mlp(L, [H], 3·64·64)` (Linear, LayerNorm, Mish, then Linear) with a linear output
///   whose weights start at zero and whose bias starts at the training set's mean image: training starts exactly
///   at the mean-image floor and only learns what the latent adds to it. (A `tanh` output starting at 0 spends its
///   budget pushing the mostly black background towards −1, where `tanh` saturates.) Outputs are clamped to
///   `[-1, 1]` when decoding.
/// - Loss: the pixel MSE against the image scaled to `[-1, 1]` (the authors' target scaling). Adam, uniform
///   minibatches drawn from a seeded generator.
public enum DecoderProbe {
    /// Trains a decoder on `trainLatents` `[N₁, L]` → `trainSet` images and evaluates it on the held-out pair.
    public static func run(trainLatents: Tensor, trainSet: ProbeSet, testLatents: Tensor, testSet: ProbeSet,
                           hiddenDimensions: Int, steps: Int, batchSize: Int, learningRate: Float, seed: UInt64) -> DecoderProbeResult {
        var generator = SeededGenerator(seed: seed)
        let latent = trainLatents.shape[1], pixels = 3 * 64 * 64
        let decoder = MLP(inputDimensions: latent, hiddenDimensions: [hiddenDimensions], outputDimensions: pixels,
                          zeroInitializedOutput: true, generator: &generator)
        let targets = (trainSet.observations.reshaped(to: [trainSet.count, pixels]) * (1 / 127.5) - 1).detached()
        let meanImage = targets.mean(alongAxes: [0])
        if let output = decoder.layers.last as? Linear, let bias = output.bias { bias.value = meanImage.reshaped(to: [pixels]) }
        let optimizer = Adam([ParameterGroup([decoder], prefix: "decoder")], learningRate: learningRate)
        let standardise = standardisation(trainLatents)
        let inputs = standardise(trainLatents)
        for _ in 0..<steps {
            let rows = (0..<batchSize).map { _ in Int(generator.next() % UInt64(trainSet.count)) }
            let (x, y) = (inputs.gathering(rows), targets.gathering(rows))
            let (_, gradients) = valueWithGradients(at: decoder.parameters) { Tensor.meanSquaredError(decoder(x), y) }
            optimizer.update(gradients)
        }
        func decode(_ z: Tensor) -> Tensor {
            withoutGradients {
                let x = standardise(z)
                var parts: [Tensor] = []
                var start = 0
                while start < x.shape[0] {
                    let end = Swift.min(start + 256, x.shape[0])
                    parts.append(decoder(x.slice(along: 0, start..<end)).clamped(to: -1...1))
                    start = end
                }
                return Tensor.concatenate(parts, along: 0)
            }
        }
        let decodedTest = decode(testLatents), decodedTrain = decode(trainLatents)
        let testTargets = testSet.observations.reshaped(to: [testSet.count, pixels]) * (1 / 127.5) - 1
        let mse = Double(Tensor.meanSquaredError(decodedTest, testTargets).scalar)
        let trainMSE = Double(Tensor.meanSquaredError(decodedTrain, targets).scalar)
        let baseline = Double(Tensor.meanSquaredError(testTargets, meanImage + Tensor.zeros(testTargets.shape)).scalar)
        let toPixels = { (t: Tensor, n: Int) in ((t + 1) * 127.5).reshaped(to: [n, 3, 64, 64]) }
        let (trainImages, testImages) = (toPixels(decodedTrain, trainSet.count), toPixels(decodedTest, testSet.count))
        let scores = ProbeScores.measure(train: PixelFeatures.extract(trainImages), trainSet: trainSet,
                                         test: PixelFeatures.extract(testImages), testSet: testSet)
        return DecoderProbeResult(meanSquaredError: mse, meanImageError: baseline, trainMeanSquaredError: trainMSE,
                                  scores: scores, reconstructions: testImages)
    }

    /// `z ↦ (z − μ) / σ` with the per-dimension mean and standard deviation of `latents` `[N, L]` (`σ = 1` for a
    /// constant dimension).
    static func standardisation(_ latents: Tensor) -> (Tensor) -> Tensor {
        let mean = latents.detached().mean(alongAxes: [0])
        let deviation = (latents.detached() - mean).squared().mean(alongAxes: [0])
        let inverseScale = Tensor(shape: deviation.shape,
                                  scalars: deviation.scalars.map { $0.squareRoot() > 1e-6 ? 1 / $0.squareRoot() : 1 })
        return { z in ((z.detached() - mean) * inverseScale).detached() }
    }
}
