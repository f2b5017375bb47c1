// Foresight — StudyTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Study

/// The decoder probe on latents with known content: it must beat the mean image when the latent says where the
/// objects are, and must not when the latent is constant or tiny noise (a collapsed encoder).
@Suite struct DecoderProbeTests {
    /// Latents `[N, 67]` at SimNorm-like magnitudes: the object centres binned on an 8 × 8 grid (64 counts) and the
    /// RGB colour, times `scale`, plus 0.125.
    static func occupancyLatents(_ set: ProbeSet, scale: Float) -> Tensor {
        var values: [Float] = []
        for scene in set.scenes {
            var row = [Float](repeating: 0, count: 67)
            for p in scene.positions { row[(p.y / 8) * 8 + p.x / 8] += 1 }
            for (c, v) in scene.color.channels.enumerated() { row[64 + c] = Float(v) / 255 }
            values += row.map { 0.125 + scale * $0 }
        }
        return Tensor(shape: [set.count, 67], scalars: values)
    }

    static func decode(_ latents: (ProbeSet) -> Tensor, train: ProbeSet, test: ProbeSet) -> DecoderProbeResult {
        DecoderProbe.run(trainLatents: latents(train), trainSet: train, testLatents: latents(test), testSet: test,
                         hiddenDimensions: 32, steps: 300, batchSize: 32, learningRate: 1e-3, seed: 7)
    }

    @Test func informativeLatentsBeatTheMeanImageAndConstantOnesDoNot() throws {
        let train = try ProbeSet.generate(count: 540, seed: 21), test = try ProbeSet.generate(count: 270, seed: 22)

        let informative = Self.decode({ Self.occupancyLatents($0, scale: 0.05) }, train: train, test: test)
        #expect(informative.meanSquaredError < 0.95 * informative.meanImageError)
        #expect(informative.scores.positionR2 > 0.5)
        // Reconstructions are images in 0...255 that are brighter where there are more objects.
        #expect(informative.reconstructions.shape == [270, 3, 64, 64])
        let brightness = (0..<270).map { informative.reconstructions[row: $0].scalars.reduce(0, +) }
        let empty = test.scenes.indices.filter { test.scenes[$0].count == 0 }, full = test.scenes.indices.filter { test.scenes[$0].count == 8 }
        #expect((full.map { brightness[$0] }.min() ?? 0) > (empty.map { brightness[$0] }.max() ?? .infinity))

        let constant = Self.decode({ Tensor.full([$0.count, 67], 0.125) }, train: train, test: test)
        #expect(abs(constant.meanSquaredError / constant.meanImageError - 1) < 0.01)
        #expect(constant.scores.positionR2 < 0.05)

        // Collapsed: tiny variations (a transition-only encoder's latents move by 1e-4) that say nothing about the image.
        var g = SeededGenerator(seed: 23)
        let collapsed = Self.decode({ Tensor.full([$0.count, 67], 0.125) + Tensor.randomNormal([$0.count, 67], standardDeviation: 1e-4, using: &g) },
                                    train: train, test: test)
        #expect(collapsed.meanSquaredError > 0.98 * collapsed.meanImageError)
        #expect(collapsed.scores.positionR2 < 0.1)
    }

    @Test func reconstructionsAreBrightenedUpToEightTimes() {
        var faint = [Float](repeating: 0, count: 2 * 3 * 64 * 64)
        for i in stride(from: 0, to: faint.count, by: 50) { faint[i] = 51 }   // 2% of the pixels at 51
        #expect(StudyFigures.displayGain(Tensor(shape: [2, 3, 64, 64], scalars: faint)) == 5)
        #expect(StudyFigures.displayGain(Tensor.full([2, 3, 64, 64], 2)) == 8)
        #expect(StudyFigures.displayGain(Tensor.full([2, 3, 64, 64], 255)) == 1)
    }
}
