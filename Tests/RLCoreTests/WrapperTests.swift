// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore
import Testing

/// Emits 1x2x2 "images" whose pixels equal the step count; terminates after `length` steps.
struct Counter: Environment {
    var length = 10
    var t = 0
    var observationSpace: Box { Box(low: 0, high: 100, shape: [1, 2, 2]) }
    var actionSpace: Box { Box(low: -1, high: 1, shape: [2]) }
    var lastAction = Tensor([0, 0])

    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        t = 0
        return (Tensor(repeating: 0, shape: [1, 2, 2]), [:])
    }

    mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        lastAction = action
        t += 1
        return Step(observation: Tensor(repeating: Float(t), shape: [1, 2, 2]), reward: Float(t), isTerminated: t >= length)
    }
}

@Suite struct WrapperTests {
    @Test func actionRepeatSumsRewardsAndStopsAtTermination() throws {
        var env = Counter(length: 5).repeatingActions(2)
        _ = try env.reset()
        let first = try env.step(Tensor([0, 0]))
        #expect(first.reward == 1 + 2)
        #expect(first.info["actionRepeat.steps"] == 2)
        #expect(first.observation.scalars.allSatisfy { $0 == 2 })
        _ = try env.step(Tensor([0, 0]))  // steps 3, 4
        let last = try env.step(Tensor([0, 0]))  // step 5 terminates; no sixth step
        #expect(last.isTerminated)
        #expect(last.reward == 5)
        #expect(last.info["actionRepeat.steps"] == 1)
        #expect(env.base.t == 5)
    }

    @Test func rescaleActionMapsAffinelyOntoTheBaseBounds() throws {
        var env = Counter().rescalingActions(to: -1...1)
        #expect(env.actionSpace == Box(low: -1, high: 1, shape: [2]))
        // A base box of [-2, 2] x [0, 10] to check per-element mapping.
        struct Wide: Environment {
            var inner = Counter()
            var observationSpace: Box { inner.observationSpace }
            var actionSpace: Box { Box(low: [-2, 0], high: [2, 10]) }
            mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
                try inner.reset(seed: seed, options: options)
            }
            mutating func step(_ action: Tensor) throws -> Step<Tensor> { try inner.step(action) }
        }
        let wide = Wide().rescalingActions()
        #expect(try wide.baseAction(for: Tensor([-1, 1])) == Tensor([-2, 10]))
        #expect(try wide.baseAction(for: Tensor([0, 0])) == Tensor([0, 5]))
        #expect(try wide.baseAction(for: Tensor([0.5, -0.5])) == Tensor([1, 2.5]))
        #expect(try wide.baseAction(for: Tensor([3, -3])) == Tensor([2, 0]))  // clamped to the base bounds
        #expect(throws: EnvironmentError.self) { try wide.baseAction(for: Tensor([0])) }
        _ = try env.reset()
        _ = try env.step(Tensor([1, -1]))
        #expect(env.base.lastAction == Tensor([1, -1]))
    }

    @Test func clipActionClampsAndRejectsNaN() throws {
        var env = Counter().clippingActions()
        #expect(!env.actionSpace.isBounded)
        _ = try env.reset()
        _ = try env.step(Tensor([5, -0.5]))
        #expect(env.base.lastAction == Tensor([1, -0.5]))
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([.nan, 0])) }
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([0, 0, 0])) }
    }

    @Test func recordEpisodeStatisticsReportsReturnAndLength() throws {
        var env = Counter(length: 3).recordingEpisodeStatistics(historyLength: 2)
        for _ in 0..<3 {
            _ = try env.reset()
            var last: Step<Tensor>
            repeat { last = try env.step(Tensor([0, 0])) } while !last.isLast
            #expect(last.info["episode.return"] == 6)
            #expect(last.info["episode.length"] == 3)
        }
        #expect(env.episodeCount == 3)
        #expect(env.returns == [6, 6])
        #expect(env.lengths == [3, 3])
        _ = try env.reset()
        #expect(try env.step(Tensor([0, 0])).info["episode.return"] == nil)
        #expect(env.episodeReturn == 1 && env.episodeLength == 1)
    }

    @Test func frameStackStacksChannelsOldestFirst() throws {
        var env = Counter().stackingFrames(3)
        #expect(env.observationSpace.shape == [3, 2, 2])
        let (first, _) = try env.reset()
        #expect(first == Tensor(repeating: 0, shape: [3, 2, 2]))
        _ = try env.step(Tensor([0, 0]))
        let second = try env.step(Tensor([0, 0])).observation
        #expect(second.shape == [3, 2, 2])
        #expect(second.scalars == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        #expect(env.observationSpace.contains(second))
    }

    @Test func discreteAsBoxTakesTheArgmax() throws {
        var env = Corridor(length: 3).boxActions()
        #expect(env.actionSpace == Box(low: -1, high: 1, shape: [2]))
        #expect(try env.discreteAction(for: Tensor([0.2, 0.7])) == 1)
        #expect(try env.discreteAction(for: Tensor([0.5, 0.5])) == 0)
        #expect(throws: EnvironmentError.self) { try env.discreteAction(for: Tensor([0.5, .nan])) }
        _ = try env.reset()
        #expect(try env.step(Tensor([-1, 1])).observation == Tensor([1]))
    }

    @Test func boxAsDiscreteEnumeratesBins() throws {
        var env = Counter().discreteActions(binCount: 3)
        #expect(env.actionSpace == Discrete(9))
        #expect(try env.boxAction(for: 0) == Tensor([-1, -1]))
        #expect(try env.boxAction(for: 1) == Tensor([-1, 0]))
        #expect(try env.boxAction(for: 5) == Tensor([0, 1]))
        #expect(try env.boxAction(for: 8) == Tensor([1, 1]))
        #expect(throws: EnvironmentError.self) { try env.boxAction(for: 9) }
        _ = try env.reset()
        _ = try env.step(7)
        #expect(env.base.lastAction == Tensor([1, 0]))
    }

    @Test func wrappersCompose() throws {
        var env = Counter(length: 100).rescalingActions().repeatingActions(4).timeLimited(3).recordingEpisodeStatistics()
        _ = try env.reset(seed: 1)
        var steps = 0
        var last: Step<Tensor>
        repeat { last = try env.step(Tensor([0, 0])); steps += 1 } while !last.isLast
        #expect(steps == 3 && last.isTruncated)
        #expect(last.info["episode.length"] == 3)
        #expect(last.info["episode.return"] == Double((1...12).reduce(0, +)))
    }
}
