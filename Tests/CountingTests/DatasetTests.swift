// Foresight — CountingTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import Testing
import TensorCore
@testable import Counting

@Suite struct DatasetTests {
    @Test func generatesLabelledImagesDeterministically() throws {
        let a = try CountingDataset.generate(sampleCount: 1000, seed: 3)
        let b = try CountingDataset.generate(sampleCount: 1000, seed: 3)
        let c = try CountingDataset.generate(sampleCount: 1000, seed: 4)
        #expect(a.observations.shape == [1000, 3, 64, 64])
        #expect(a.observations == b.observations && a.scenes == b.scenes)
        #expect(a.observations != c.observations)
        #expect(a.counts == (0..<1000).map { $0 % 9 })   // balanced
        #expect(Set(a.shapes) == Set(CountingShape.allCases))
        let plane = 3 * 64 * 64
        for i in stride(from: 0, to: 1000, by: 37) {
            let image = Tensor(shape: [3, 64, 64], scalars: Array(a.observations.scalars[(i * plane)..<((i + 1) * plane)]))
            #expect(image == a.scenes[i].observation())
        }
    }

    @Test func honoursFixedShapeColourAndCount() throws {
        let color = CountingColor(red: 100, green: 150, blue: 200)
        let data = try CountingDataset.generate(sampleCount: 50, seed: 1, counts: .fixed(5), shapes: [.line], color: color)
        #expect(data.counts.allSatisfy { $0 == 5 } && data.shapes.allSatisfy { $0 == .line } && data.colors.allSatisfy { $0 == color })
        let uniform = try CountingDataset.generate(sampleCount: 900, seed: 2, counts: .uniform)
        #expect(Set(uniform.counts) == Set(0...8) && uniform.counts != (0..<900).map { $0 % 9 })
        let oneHot = data.countOneHot()
        #expect(oneHot.shape == [50, 9] && oneHot[0, 5] == 1 && oneHot.scalars.reduce(0, +) == 50)
        #expect(try CountingDataset.generate(sampleCount: 0, seed: 0).observations.shape == [0, 3, 64, 64])
    }

    @Test func rejectsBadArguments() {
        #expect(throws: EnvironmentError.self) { try CountingDataset.generate(sampleCount: -1, seed: 0) }
        #expect(throws: EnvironmentError.self) { try CountingDataset.generate(sampleCount: 1, seed: 0, counts: .fixed(9)) }
        #expect(throws: EnvironmentError.self) { try CountingDataset.generate(sampleCount: 1, seed: 0, shapes: []) }
        #expect(throws: EnvironmentError.self) { try CountingDataset.generate(sampleCount: 1, seed: 0, maxCount: 0) }
    }
}
