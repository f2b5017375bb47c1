// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore

// MARK: - CountingEnvironment

/// The counting environment of the P-JEPA paper ("Why and How Auxiliary Tasks Improve JEPA Representations"):
/// a black 64x64 RGB image holding `count` objects; actions add or remove one object.
///
/// **Observation**: a `Tensor` of shape `[3, 64, 64]` (channels-first RGB), black background. Values are the raw
/// byte values as floats, `0...255` (integers), exactly the authors' `uint8` frame; the observation space is
/// `Box(low: 0, high: 255, shape: [3, 64, 64])`. Pixel encoders scale inside the network, as TD-MPC2 does
/// (`x / 255 - 0.5`).
///
/// **Episode**: `reset` draws the count (uniform in `0...maxCount`, or fixed), one ``CountingShape`` and one
/// ``CountingColor`` (each channel uniform in `[30, 226)`), in that order, then the positions. Shape and colour
/// persist for the episode.
///
/// **Step**: the action's ``CountingMove`` changes the count, clipped to `0...maxCount`. After remove or add the
/// positions are redrawn, also when the count is held at a bound. After keep (only in ``CountingRemoveKeepAddAction``)
/// the previous frame is returned unchanged, as the authors' code returns its cached frame on a no-op.
/// The reward is ``CountingConfiguration/reward(forCount:)`` of the new count (or of the old one with
/// ``CountingRewardTiming/beforeAction``). With ``CountingConfiguration/terminatesOnSuccess`` a step that ends at
/// the target terminates; starting an episode at the target does not. The environment never truncates; apply
/// ``CountingConfiguration/maxEpisodeSteps`` with `TimeLimit` (the registry does).
///
/// **Ground truth** in every `info` (keys in ``CountingInfoKey``): count, target, shape index, colour channels,
/// object centres as numbered keys, steps taken, and `success` (count equals the target). Step info also holds
/// `rewardBefore`, the reward of the state before the action (the authors' `reward_pre`).
///
/// **Randomness**: every draw comes from the environment's ``SeededGenerator``; `reset(seed:)` reseeds it, so the
/// same seed and actions reproduce an episode bit for bit (the metadata says deterministic in that sense).
///
/// **Reset options**: `"count"` (a number in `0...maxCount`), `"shape"` (an index `0...3` or a name such as
/// `"triangle"`), `"color"` (`[r, g, b]` bytes), or `"initialState"` (`[count]` or `[count, shape, r, g, b]`).
/// Values not given are drawn as usual, in the usual order.
public struct CountingEnvironment<Actions: CountingActionSet>: Environment {
    public typealias Observation = Tensor
    public typealias Action = Actions.Action

    /// The variant's settings.
    public let configuration: CountingConfiguration
    /// `Box(low: 0, high: 255, shape: [3, 64, 64])`.
    public let observationSpace: Box
    /// The generator every draw comes from.
    public private(set) var generator: SeededGenerator
    /// The current frame's ground truth; `nil` before the first reset.
    public private(set) var scene: CountingScene?
    /// Steps since the last reset.
    public private(set) var stepsTaken = 0
    private var currentObservation: Tensor

    /// Creates the environment; call `reset` before stepping.
    /// - Parameters:
    ///   - configuration: the variant (``CountingConfiguration/paper`` by default).
    ///   - seed: the generator's seed until `reset(seed:)` reseeds it.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an invalid configuration.
    public init(configuration: CountingConfiguration = .paper, seed: UInt64 = 0) throws {
        try configuration.validate()
        self.configuration = configuration
        self.observationSpace = Box(low: 0, high: 255, shape: CountingScene.observationShape)
        self.generator = SeededGenerator(seed: seed)
        self.currentObservation = Tensor.zeros(CountingScene.observationShape)
    }

    public var actionSpace: Actions.ActionSpace { Actions.space }

    /// `rgb_array` rendering at 15 frames per second; deterministic given the seed.
    public var metadata: EnvironmentMetadata {
        EnvironmentMetadata(renderModes: [.rgbArray], renderFPS: 15, isDeterministic: true)
    }

    /// The number of objects now (0 before the first reset).
    public var count: Int { scene?.count ?? 0 }

    // MARK: Reset and step

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        let request = try CountingResetRequest(options: options, maxCount: configuration.maxCount)
        let count: Int
        if let requested = request.count {
            count = requested
        } else if case .fixed(let fixed) = configuration.start {
            count = fixed
        } else {
            count = uniformInteger(in: 0 ..< configuration.maxCount + 1, using: &generator)
        }
        let shape = request.shape ?? CountingShape(rawValue: uniformInteger(in: 0..<4, using: &generator)) ?? .circle
        let color = request.color ?? CountingColor.random(using: &generator)
        let newScene = CountingScene.random(count: count, shape: shape, color: color,
                                            avoidsOverlap: configuration.avoidsOverlap, using: &generator)
        redraw(replacing: scene, with: newScene)
        scene = newScene
        stepsTaken = 0
        return (currentObservation, groundTruth(of: newScene, rewardBefore: nil))
    }

    public mutating func step(_ action: Action) throws -> Step<Tensor> {
        guard var current = scene else { throw EnvironmentError.stepBeforeReset }
        let move = try Actions.move(for: action)
        let previousCount = current.count
        let newCount = configuration.applying(move, to: previousCount)
        if move != .keep {
            current.positions = CountingScene.samplePositions(count: newCount, avoidsOverlap: configuration.avoidsOverlap,
                                                              using: &generator)
            redraw(replacing: scene, with: current)
            scene = current
        }
        stepsTaken += 1
        let rewardBefore = configuration.reward(forCount: previousCount)
        let reward = configuration.rewardTiming == .afterAction ? configuration.reward(forCount: newCount) : rewardBefore
        let isTerminated = configuration.terminatesOnSuccess && newCount == configuration.target
        return Step(observation: currentObservation, reward: reward, isTerminated: isTerminated,
                    info: groundTruth(of: current, rewardBefore: rewardBefore))
    }

    /// The current frame, `[3, 64, 64]` in `0...255` (the observation, not a redraw).
    /// - Throws: ``EnvironmentError/unsupportedRenderMode(_:)`` for modes other than `rgbArray`.
    public mutating func render(_ mode: RenderMode) throws -> RenderOutput? {
        guard mode == .rgbArray else { throw EnvironmentError.unsupportedRenderMode(mode) }
        return .image(currentObservation)
    }

    /// Draws `new` into the observation buffer, erasing `old`'s objects first. When the caller no longer holds
    /// the previous observation the buffer is reused in place, so a step costs the objects' pixels instead of a
    /// fresh 48 KB image; otherwise copy-on-write copies it first. Either way the result equals `new.observation()`.
    private mutating func redraw(replacing old: CountingScene?, with new: CountingScene) {
        currentObservation.withUnsafeMutableBufferPointer { buffer in
            old?.erase(from: buffer)
            new.render(into: buffer)
        }
    }

    // MARK: Ground truth

    func groundTruth(of scene: CountingScene, rewardBefore: Float?) -> [String: Double] {
        var info: [String: Double] = [:]
        info.reserveCapacity(10 + 2 * scene.count)
        info[CountingInfoKey.count] = Double(scene.count)
        info[CountingInfoKey.target] = Double(configuration.target)
        info[CountingInfoKey.success] = scene.count == configuration.target ? 1 : 0
        info[CountingInfoKey.step] = Double(stepsTaken)
        info[CountingInfoKey.shape] = Double(scene.shape.rawValue)
        info[CountingInfoKey.colorRed] = Double(scene.color.red)
        info[CountingInfoKey.colorGreen] = Double(scene.color.green)
        info[CountingInfoKey.colorBlue] = Double(scene.color.blue)
        if let rewardBefore { info[CountingInfoKey.rewardBefore] = Double(rewardBefore) }
        for (i, p) in scene.positions.enumerated() {
            info[CountingInfoKey.objectX(i)] = Double(p.x)
            info[CountingInfoKey.objectY(i)] = Double(p.y)
        }
        return info
    }
}

// MARK: - Aliases

/// `Counting-v0`'s typed environment: the paper's sign action.
public typealias CountingSignEnvironment = CountingEnvironment<CountingSignAction>
/// The typed environment with `Discrete(2)` actions.
public typealias CountingRemoveAddEnvironment = CountingEnvironment<CountingRemoveAddAction>
/// `CountingHold-v0`'s typed environment: `Discrete(3)` actions.
public typealias CountingRemoveKeepAddEnvironment = CountingEnvironment<CountingRemoveKeepAddAction>
