// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore
import Testing

@Suite struct SpaceTests {
    @Test func boxContainsChecksShapeBoundsAndNaN() {
        let box = Box(low: [-1, 0], high: [1, 2])
        #expect(box.shape == [2])
        #expect(box.contains(Tensor([0.5, 2])))
        #expect(box.contains(Tensor([-1, 0])))
        #expect(!box.contains(Tensor([1.01, 1])))
        #expect(!box.contains(Tensor([0, -0.01])))
        #expect(!box.contains(Tensor([.nan, 1])))
        #expect(!box.contains(Tensor([0, 1, 1])))
        #expect(!box.contains(Tensor(shape: [1, 2], scalars: [0, 1])))
    }

    @Test func boxSamplesEachKindOfInterval() {
        let box = Box(low: Tensor([-2, 0, -.infinity, -.infinity]), high: Tensor([3, .infinity, 5, .infinity]))
        var generator = SeededGenerator(seed: 7)
        var sawBelowUpper = false
        for _ in 0..<500 {
            let x = box.sample(using: &generator)
            #expect(box.contains(x))
            #expect(x.scalars.allSatisfy { $0.isFinite })
            if x.scalars[2] < 4 { sawBelowUpper = true }
        }
        #expect(sawBelowUpper)
        #expect(!box.isBounded)
        #expect(Box(low: -1, high: 1, shape: [3]).isBounded)
    }

    @Test func sameSeedSameSamples() {
        let box = Box(low: -1, high: 1, shape: [3, 4])
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        #expect(box.sample(using: &a) == box.sample(using: &b))
        let discrete = Discrete(5, start: -2)
        let xs = (0..<20).map { _ in discrete.sample(using: &a) }
        let ys = (0..<20).map { _ in discrete.sample(using: &b) }
        #expect(xs == ys)
    }

    @Test func boxClampsAndDescribesItself() {
        let box = Box(low: -2, high: 2, shape: [2])
        #expect(box.clamped(Tensor([-3, 1.5])) == Tensor([-2, 1.5]))
        #expect(box.description == "Box(low: -2.0, high: 2.0, shape: [2])")
        #expect(Box(low: [-1.2, -0.07], high: [0.6, 0.07]).description.contains("-1.2"))
    }

    @Test func discreteRangeAndSampling() {
        let space = Discrete(3, start: -1)
        #expect(space.values == -1..<2)
        #expect(space.contains(-1) && space.contains(1))
        #expect(!space.contains(2) && !space.contains(-2))
        var generator = SeededGenerator(seed: 1)
        let draws = Set((0..<200).map { _ in space.sample(using: &generator) })
        #expect(draws == [-1, 0, 1])
        #expect(space.description == "Discrete(3, start: -1)")
        #expect(Discrete(2).description == "Discrete(2)")
    }

    @Test func indexSpaceAcceptsOnlyIntegralIndices() {
        let space = IndexSpace(Discrete(3))
        #expect(space.contains(Tensor([2])))
        #expect(!space.contains(Tensor([3])))
        #expect(!space.contains(Tensor([0.5])))
        #expect(!space.contains(Tensor([.nan])))
        #expect(!space.contains(Tensor(1)))  // rank 0 is not shape [1]
        #expect(space.index(of: Tensor([1])) == 1)
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<50 { #expect(space.contains(space.sample(using: &generator))) }
    }

    @Test func anySpaceForwards() {
        let erased = AnySpace<Tensor>(Box(low: 0, high: 1, shape: [2]))
        #expect(erased.contains(Tensor([0.5, 0.5])))
        #expect(!erased.contains(Tensor([1.5, 0.5])))
        #expect(erased.description == "Box(low: 0.0, high: 1.0, shape: [2])")
        #expect(AnySpace<Tensor>(erased).base is Box)
    }
}
