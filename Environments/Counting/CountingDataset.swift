// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore

// MARK: - CountingDataset

/// How the counts of a generated dataset are chosen.
public enum CountingCountDistribution: Sendable, Hashable {
    /// Each sample's count is uniform in `0...maxCount`.
    case uniform
    /// Sample `i` has count `i % (maxCount + 1)`: every count equally often, in any contiguous slice.
    case balanced
    /// Every sample has this count.
    case fixed(Int)
}

/// Labelled counting observations generated directly from a seed, without stepping an environment: the input
/// of representation probes (count, shape, colour and position decoders).
///
/// Sample `i` is drawn like an episode's first frame: its count (per ``CountingCountDistribution``), then a
/// shape from `shapes`, a colour (each channel uniform in `[30, 226)`), then the positions, all from one
/// ``SeededGenerator`` seeded with `seed`. The same arguments give bitwise-identical datasets.
public struct CountingDataset: Sendable {
    /// The images, shape `[N, 3, 64, 64]`, values `0...255` (the environment's observation scaling).
    public var observations: Tensor
    /// The ground truth of each image, in order.
    public var scenes: [CountingScene]

    /// The number of samples `N`.
    public var sampleCount: Int { scenes.count }
    /// The object count of each sample, `[N]`.
    public var counts: [Int] { scenes.map(\.count) }
    /// The shape of each sample, `[N]`.
    public var shapes: [CountingShape] { scenes.map(\.shape) }
    /// The colour of each sample, `[N]`.
    public var colors: [CountingColor] { scenes.map(\.color) }

    /// Generates `sampleCount` labelled observations.
    /// - Parameters:
    ///   - sampleCount: `N`, in `0...1_000_000`.
    ///   - seed: the generator's seed.
    ///   - counts: the count distribution (``CountingCountDistribution/balanced`` by default).
    ///   - maxCount: the largest count (8 in the paper).
    ///   - shapes: the shapes to draw from uniformly (all four by default); pass one to hold the shape fixed.
    ///   - color: a fixed colour for every sample, or `nil` to draw one per sample.
    ///   - avoidsOverlap: the authors' overlap protection.
    /// - Returns: the images `[N, 3, 64, 64]` and their scenes.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` naming a bad argument.
    public static func generate(sampleCount: Int, seed: UInt64, counts: CountingCountDistribution = .balanced,
                                maxCount: Int = 8, shapes: [CountingShape] = CountingShape.allCases,
                                color: CountingColor? = nil, avoidsOverlap: Bool = true) throws -> CountingDataset {
        guard (0...1_000_000).contains(sampleCount) else {
            throw EnvironmentError.invalidOption(key: "sampleCount", message: "expected 0...1000000, got \(sampleCount)")
        }
        guard (1...1000).contains(maxCount) else {
            throw EnvironmentError.invalidOption(key: "maxCount", message: "expected 1...1000, got \(maxCount)")
        }
        if case .fixed(let c) = counts, !(0...maxCount).contains(c) {
            throw EnvironmentError.invalidOption(key: "counts", message: "expected a fixed count in 0...\(maxCount), got \(c)")
        }
        guard !shapes.isEmpty else {
            throw EnvironmentError.invalidOption(key: "shapes", message: "expected at least one shape, got none")
        }
        var generator = SeededGenerator(seed: seed)
        let plane = 3 * CountingScene.imageSize * CountingScene.imageSize
        var pixels = [Float](repeating: 0, count: sampleCount * plane)
        var scenes: [CountingScene] = []
        scenes.reserveCapacity(sampleCount)
        pixels.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<sampleCount {
                let count: Int
                switch counts {
                case .uniform: count = uniformInteger(in: 0 ..< maxCount + 1, using: &generator)
                case .balanced: count = i % (maxCount + 1)
                case .fixed(let c): count = c
                }
                let shape = shapes.count == 1 ? shapes[0] : shapes[uniformInteger(in: 0..<shapes.count, using: &generator)]
                let sampleColor = color ?? CountingColor.random(using: &generator)
                let scene = CountingScene.random(count: count, shape: shape, color: sampleColor,
                                                 avoidsOverlap: avoidsOverlap, using: &generator)
                scene.render(into: UnsafeMutableBufferPointer(rebasing: buffer[(i * plane)..<((i + 1) * plane)]))
                scenes.append(scene)
            }
        }
        return CountingDataset(observations: Tensor(shape: [sampleCount] + CountingScene.observationShape, scalars: pixels),
                               scenes: scenes)
    }

    /// Creates a dataset from images `[N, 3, 64, 64]` and their scenes.
    /// - Precondition: the shapes agree.
    public init(observations: Tensor, scenes: [CountingScene]) {
        precondition(observations.shape == [scenes.count] + CountingScene.observationShape,
                     "CountingDataset: observations \(observations.shape) do not match \(scenes.count) scenes of \(CountingScene.observationShape)")
        self.observations = observations
        self.scenes = scenes
    }

    /// One-hot count labels, shape `[N, maxCount + 1]`.
    /// - Precondition: every count is in `0...maxCount`.
    public func countOneHot(maxCount: Int = 8) -> Tensor {
        var values = [Float](repeating: 0, count: sampleCount * (maxCount + 1))
        for (i, scene) in scenes.enumerated() {
            precondition(scene.count <= maxCount, "count \(scene.count) exceeds maxCount \(maxCount)")
            values[i * (maxCount + 1) + scene.count] = 1
        }
        return Tensor(shape: [sampleCount, maxCount + 1], scalars: values)
    }
}
