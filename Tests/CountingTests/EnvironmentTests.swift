// Foresight — CountingTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import Testing
import TensorCore
@testable import Counting

let add = Tensor([1]), remove = Tensor([-1])

/// A registry holding the counting environments.
func countingRegistry() throws -> EnvironmentRegistry {
    var registry = EnvironmentRegistry()
    try CountingFamily.register(into: &registry)
    return registry
}

/// Checks that an observation shows exactly what its info says: re-rendering the scene in `info` gives the
/// same pixels, the colour set is {black, colour}, and the count matches.
func expectObservationMatchesInfo(_ observation: Tensor, _ info: [String: Double], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let scene = CountingInfoKey.scene(from: info) else {
        Issue.record("info does not describe a scene: \(info)", sourceLocation: sourceLocation)
        return
    }
    #expect(observation.shape == [3, 64, 64], sourceLocation: sourceLocation)
    #expect(observation == scene.observation(), sourceLocation: sourceLocation)
    let (mask, colors) = litPixels(of: observation)
    let expectedColors: Set<[Float]> = scene.count == 0 ? [[0, 0, 0]] : [[0, 0, 0], scene.color.channels.map(Float.init)]
    #expect(colors == expectedColors, sourceLocation: sourceLocation)
    let lit = mask.filter { $0 }.count
    #expect(lit <= scene.count * scene.shape.pixelCount && (scene.count == 0) == (lit == 0), sourceLocation: sourceLocation)
}

@Suite struct EnvironmentTests {
    @Test func observationsHaveTheDocumentedScalingAndGroundTruth() throws {
        var env = try CountingSignEnvironment()
        #expect(env.observationSpace == Box(low: 0, high: 255, shape: [3, 64, 64]))
        #expect(env.actionSpace == Box(low: -1, high: 1, shape: [1]))
        for seed in UInt64(0)..<30 {
            let (observation, info) = try env.reset(seed: seed)
            #expect(env.observationSpace.contains(observation))
            #expect(observation.scalars.allSatisfy { $0 == $0.rounded() })   // byte values as floats
            #expect(info[CountingInfoKey.count] == Double(env.count) && info[CountingInfoKey.step] == 0)
            #expect(info[CountingInfoKey.target] == 4 && info[CountingInfoKey.rewardBefore] == nil)
            #expect((30..<226).contains(Int(info[CountingInfoKey.colorRed] ?? 0)))
            expectObservationMatchesInfo(observation, info)
            let step = try env.step(seed % 2 == 0 ? add : remove)
            expectObservationMatchesInfo(step.observation, step.info)
        }
    }

    @Test func resetDrawsEveryCountAndShape() throws {
        var env = try CountingSignEnvironment()
        var counts = Set<Int>(), shapes = Set<Int>()
        for seed in UInt64(0)..<300 {
            let info = try env.reset(seed: seed).info
            counts.insert(Int(info[CountingInfoKey.count] ?? -1))
            shapes.insert(Int(info[CountingInfoKey.shape] ?? -1))
        }
        #expect(counts == Set(0...8) && shapes == Set(0...3))
    }

    @Test func signActionAddsOnZeroAndPositiveAndRemovesOnNegative() throws {
        var env = try CountingSignEnvironment(configuration: CountingConfiguration(terminatesOnSuccess: false))
        _ = try env.reset(seed: 1, options: ["count": 5])
        #expect(try env.step(Tensor([0])).info[CountingInfoKey.count] == 6)
        #expect(try env.step(Tensor([0.2])).info[CountingInfoKey.count] == 7)
        #expect(try env.step(Tensor([-0.0001])).info[CountingInfoKey.count] == 6)
        #expect(try env.step(Tensor([-1])).info[CountingInfoKey.count] == 5)
        #expect(try env.step(Tensor([3])).info[CountingInfoKey.count] == 6)   // outside [-1, 1]: acts by sign
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([Float.nan])) }
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([1, 1])) }
    }

    @Test func countsAreClippedAndPositionsRedrawnAtTheBounds() throws {
        var env = try CountingSignEnvironment(configuration: CountingConfiguration(terminatesOnSuccess: false))
        var (observation, _) = try env.reset(seed: 2, options: ["count": 0])
        for _ in 0..<3 {
            let step = try env.step(remove)
            #expect(step.info[CountingInfoKey.count] == 0 && step.observation == observation)   // empty canvas stays empty
        }
        observation = try env.reset(seed: 2, options: ["count": 8]).observation
        var previous = try #require(env.scene)
        for _ in 0..<5 {
            let step = try env.step(add)
            #expect(step.info[CountingInfoKey.count] == 8)
            let scene = try #require(env.scene)
            #expect(scene.count == 8 && scene.positions != previous.positions && step.observation != observation)
            expectObservationMatchesInfo(step.observation, step.info)
            previous = scene
            observation = step.observation
        }
        #expect(env.stepsTaken == 5)
    }

    @Test func keepLeavesTheFrameUnchangedAndMovesRedraw() throws {
        var env = try CountingRemoveKeepAddEnvironment(configuration: .hold)
        #expect(env.actionSpace == Discrete(3))
        let (first, _) = try env.reset(seed: 4, options: ["count": 3])
        let kept = try env.step(1)
        #expect(kept.observation == first && kept.info[CountingInfoKey.count] == 3)
        let added = try env.step(2)
        #expect(added.info[CountingInfoKey.count] == 4 && added.observation != first)
        let removed = try env.step(0)
        #expect(removed.info[CountingInfoKey.count] == 3)
        #expect(throws: EnvironmentError.self) { try env.step(3) }

        var two = try CountingRemoveAddEnvironment(configuration: .paper)
        #expect(two.actionSpace == Discrete(2))
        _ = try two.reset(seed: 4, options: ["count": 3])
        #expect(try two.step(0).info[CountingInfoKey.count] == 2)
        #expect(try two.step(1).info[CountingInfoKey.count] == 3)
        #expect(throws: EnvironmentError.self) { try two.step(2) }
    }

    @Test(arguments: [CountingReward.sparse, .dense])
    func rewardsFollowTheAuthorsFormula(reward: CountingReward) throws {
        let configuration = CountingConfiguration(reward: reward, terminatesOnSuccess: false)
        let expected: [Float] = reward == .sparse
            ? [0, 0, 0, 0, 1, 0, 0, 0, 0]
            : [0.5, 0.625, 0.75, 0.875, 2, 0.875, 0.75, 0.625, 0.5]
        #expect((0...8).map(configuration.reward(forCount:)) == expected)
        var env = try CountingSignEnvironment(configuration: configuration)
        _ = try env.reset(seed: 0, options: ["count": 0])
        for count in 1...8 {
            let step = try env.step(add)
            #expect(step.reward == expected[count])                            // after the action
            #expect(step.info[CountingInfoKey.rewardBefore] == Double(expected[count - 1]))
            #expect(step.info[CountingInfoKey.success] == (count == 4 ? 1 : 0))
        }
        var before = try CountingSignEnvironment(configuration: CountingConfiguration(reward: reward, rewardTiming: .beforeAction))
        _ = try before.reset(seed: 0, options: ["count": 4])
        #expect(try before.step(add).reward == expected[4])
    }

    @Test func successTerminatesOnlyWhenEnabledAndNotAtReset() throws {
        var env = try CountingSignEnvironment(configuration: .paper)
        let (_, info) = try env.reset(seed: 0, options: ["count": 4])
        #expect(info[CountingInfoKey.success] == 1)
        let away = try env.step(add)
        #expect(!away.isTerminated && !away.isTruncated && away.reward == 0)
        let back = try env.step(remove)
        #expect(back.isTerminated && !back.isTruncated && back.reward == 1)

        var hold = try CountingRemoveKeepAddEnvironment(configuration: .hold)
        _ = try hold.reset(seed: 0, options: ["count": 3])
        let reach = try hold.step(2)
        #expect(!reach.isTerminated && reach.reward == 0)   // reward before the action: count was 3
        let stay = try hold.step(1)
        #expect(!stay.isTerminated && stay.reward == 1)
        #expect(throws: EnvironmentError.stepBeforeReset) { var fresh = try CountingSignEnvironment(); _ = try fresh.step(add) }
    }

    @Test func seedingReproducesEpisodesBitForBit() throws {
        func episode(seed: UInt64, actionSeed: UInt64) throws -> [Tensor] {
            var env = try CountingSignEnvironment(configuration: CountingConfiguration(terminatesOnSuccess: false))
            var actions = SeededGenerator(seed: actionSeed)
            var frames = [try env.reset(seed: seed).observation]
            for _ in 0..<20 { frames.append(try env.step(env.actionSpace.sample(using: &actions)).observation) }
            // An unseeded reset continues the same generator, so it is reproducible too.
            frames.append(try env.reset().observation)
            return frames
        }
        #expect(try episode(seed: 42, actionSeed: 1) == episode(seed: 42, actionSeed: 1))
        #expect(try episode(seed: 42, actionSeed: 1) != episode(seed: 43, actionSeed: 1))
        // Reseeding an instance repeats its first observation.
        var env = try CountingSignEnvironment()
        let a = try env.reset(seed: 7).observation
        _ = try env.step(add)
        #expect(try env.reset(seed: 7).observation == a)
    }

    @Test func reusedFramesStayExactAndHeldFramesNeverChange() throws {
        var env = try CountingSignEnvironment(configuration: CountingConfiguration(terminatesOnSuccess: false))
        var generator = SeededGenerator(seed: 8)
        _ = try env.reset(seed: 8)
        for t in 0..<300 {
            // Dropping each observation lets the environment redraw its buffer in place.
            let info = t % 50 == 0 ? try env.reset().info : try env.step(env.actionSpace.sample(using: &generator)).info
            let scene = try #require(CountingInfoKey.scene(from: info))
            guard case .image(let frame)? = try env.render(.rgbArray) else { Issue.record("no frame"); return }
            #expect(frame == scene.observation())
        }
        // A frame the caller keeps is a value: later steps do not change it.
        let held = try env.step(add)
        let heldScene = try #require(env.scene)
        for _ in 0..<5 { _ = try env.step(remove) }
        #expect(held.observation == heldScene.observation())
    }

    @Test func resetOptionsSetTheStartState() throws {
        var env = try CountingSignEnvironment()
        let (observation, info) = try env.reset(seed: 1, options: ["count": 6, "shape": "triangle", "color": [40, 50, 60]])
        #expect(info[CountingInfoKey.count] == 6 && info[CountingInfoKey.shape] == 2)
        #expect(info[CountingInfoKey.colorRed] == 40 && info[CountingInfoKey.colorGreen] == 50 && info[CountingInfoKey.colorBlue] == 60)
        expectObservationMatchesInfo(observation, info)
        let state = try env.reset(options: [OptionKey.initialState: [2, 3, 100, 110, 120]]).info
        #expect(state[CountingInfoKey.count] == 2 && state[CountingInfoKey.shape] == 3 && state[CountingInfoKey.colorBlue] == 120)
        #expect(throws: EnvironmentError.self) { try env.reset(options: ["count": 9]) }
        #expect(throws: EnvironmentError.self) { try env.reset(options: ["count": 1.5]) }
        #expect(throws: EnvironmentError.self) { try env.reset(options: ["shape": "hexagon"]) }
        #expect(throws: EnvironmentError.self) { try env.reset(options: ["color": [1, 2, 300]]) }
        #expect(throws: EnvironmentError.self) { try env.reset(options: [OptionKey.initialState: [1, 2]]) }
        var fixed = try CountingSignEnvironment(configuration: CountingConfiguration(start: .fixed(7)))
        #expect(try fixed.reset(seed: 3).info[CountingInfoKey.count] == 7)
    }

    @Test func invalidConfigurationsAreRejected() {
        #expect(throws: EnvironmentError.self) { try CountingSignEnvironment(configuration: CountingConfiguration(target: 9)) }
        #expect(throws: EnvironmentError.self) { try CountingSignEnvironment(configuration: CountingConfiguration(maxCount: 0)) }
        #expect(throws: EnvironmentError.self) { try CountingSignEnvironment(configuration: CountingConfiguration(start: .fixed(-1))) }
        #expect(throws: EnvironmentError.self) { try CountingSignEnvironment(configuration: CountingConfiguration(maxEpisodeSteps: 0)) }
    }

    @Test func renderReturnsTheCurrentFrame() throws {
        var env = try CountingSignEnvironment()
        let (observation, _) = try env.reset(seed: 5)
        guard case .image(let frame)? = try env.render(.rgbArray) else {
            Issue.record("rgbArray rendering returned no image")
            return
        }
        #expect(frame == observation)
        #expect(throws: EnvironmentError.unsupportedRenderMode(.ansi)) { try env.render(.ansi) }
        env.close()
        env.close()
    }
}
