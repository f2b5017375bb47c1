// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Episodes

/// One finished episode: `T` transitions and `T + 1` observations.
public struct Episode: Sendable, Equatable {
    /// `[T + 1, ...observationShape]`.
    public var observations: Tensor
    /// `[T, A]`: `actions[t]` takes `observations[t]` to `observations[t + 1]`.
    public var actions: Tensor
    /// `[T]`: reward of transition `t`.
    public var rewards: Tensor
    /// `[T]`: 1 where the transition ends in a terminal state of the MDP.
    public var terminated: Tensor
    /// `[T + 1]`: an auxiliary value of each observation (e.g. the reward of the state itself, the
    /// P-JEPA "current reward" target); zeros when the environment gives none.
    public var stateValues: Tensor

    /// - Precondition: the leading extents agree (`T + 1`, `T`, `T`, `T`, `T + 1`) and `T >= 1`.
    public init(observations: Tensor, actions: Tensor, rewards: Tensor, terminated: Tensor, stateValues: Tensor? = nil) {
        let t = actions.shape[0]
        precondition(t >= 1 && observations.shape[0] == t + 1 && rewards.shape == [t] && terminated.shape == [t],
                     "Episode shapes disagree: observations \(observations.shape), actions \(actions.shape), rewards \(rewards.shape), terminated \(terminated.shape)")
        self.observations = observations
        self.actions = actions
        self.rewards = rewards
        self.terminated = terminated
        self.stateValues = stateValues ?? Tensor.zeros([t + 1])
        precondition(self.stateValues.shape == [t + 1], "Episode stateValues \(self.stateValues.shape) must be [\(t + 1)]")
    }

    /// The number of transitions `T`.
    public var length: Int { actions.shape[0] }
}

/// Builds an episode step by step (the trainer's recorder).
public struct EpisodeRecorder: Sendable {
    var observations: [Float] = [], actions: [Float] = [], rewards: [Float] = [], terminated: [Float] = [], stateValues: [Float] = []
    let observationShape: [Int], actionDimensions: Int

    public init(firstObservation: Tensor, actionDimensions: Int, stateValue: Float = 0) {
        observationShape = firstObservation.shape
        self.actionDimensions = actionDimensions
        observations = firstObservation.scalars
        stateValues = [stateValue]
    }

    /// Appends one transition.
    public mutating func append(action: Tensor, reward: Float, terminated: Bool, nextObservation: Tensor, stateValue: Float = 0) {
        precondition(action.count == actionDimensions && nextObservation.shape == observationShape,
                     "EpisodeRecorder: action \(action.shape) or observation \(nextObservation.shape) does not match [\(actionDimensions)], \(observationShape)")
        actions += action.scalars
        rewards.append(reward)
        self.terminated.append(terminated ? 1 : 0)
        observations += nextObservation.scalars
        stateValues.append(stateValue)
    }

    /// The number of transitions so far.
    public var length: Int { rewards.count }

    /// The finished episode (nil when no transition was recorded).
    public func episode() -> Episode? {
        guard length > 0 else { return nil }
        return Episode(observations: Tensor(shape: [length + 1] + observationShape, scalars: observations),
                       actions: Tensor(shape: [length, actionDimensions], scalars: actions),
                       rewards: Tensor(shape: [length], scalars: rewards), terminated: Tensor(shape: [length], scalars: terminated),
                       stateValues: Tensor(shape: [length + 1], scalars: stateValues))
    }
}

// MARK: - Replay buffer

/// A time-major batch of subsequences, each inside one episode.
public struct SequenceBatch: Sendable {
    /// `[H + 1, B, ...observationShape]`.
    public var observations: Tensor
    /// `[H, B, A]`.
    public var actions: Tensor
    /// `[H, B, 1]`.
    public var rewards: Tensor
    /// `[H, B, 1]`.
    public var terminated: Tensor
    /// `[H + 1, B, 1]`: the episode's per-observation auxiliary values.
    public var stateValues: Tensor
    /// Multi-step TD-target inputs, present when the batch was sampled with `tdSteps > 1`.
    public var multiStep: MultiStepTargets?

    public init(observations: Tensor, actions: Tensor, rewards: Tensor, terminated: Tensor, stateValues: Tensor,
                multiStep: MultiStepTargets? = nil) {
        self.observations = observations; self.actions = actions; self.rewards = rewards
        self.terminated = terminated; self.stateValues = stateValues; self.multiStep = multiStep
    }
}

/// What an `n`-step TD target `G_t + D_t Q(s_{t+k})` needs for each step `t` of a sampled window, with
/// `k = min(n, T - t)` (the window is cut at the episode's end):
/// `G_t = sum_{i<k} γ^i r_{t+i}` (stopping after a terminal transition) and `D_t = γ^k`, or 0 when the
/// episode terminated within those `k` transitions. With `n = 1` this is TD-MPC2's one-step target.
public struct MultiStepTargets: Sendable {
    /// `[H, B, ...observationShape]`: `s_{t+k}`, the observation the target bootstraps from.
    public var bootstrapObservations: Tensor
    /// `[H, B, 1]`: the discounted reward sums `G_t`.
    public var returns: Tensor
    /// `[H, B, 1]`: the bootstrap discounts `D_t`.
    public var bootstrapDiscounts: Tensor

    public init(bootstrapObservations: Tensor, returns: Tensor, bootstrapDiscounts: Tensor) {
        self.bootstrapObservations = bootstrapObservations; self.returns = returns; self.bootstrapDiscounts = bootstrapDiscounts
    }
}

/// Errors from sampling.
public enum ReplayBufferError: Error, Equatable, CustomStringConvertible {
    /// No stored episode is long enough for the requested horizon.
    case noEpisodeLongEnough(horizon: Int, longest: Int)

    public var description: String {
        switch self {
        case let .noEpisodeLongEnough(h, longest):
            "no episode in the replay buffer has the \(h) transitions a horizon-\(h) sample needs (longest: \(longest))"
        }
    }
}

/// A FIFO buffer of whole episodes that samples subsequences of `horizon + 1` observations inside
/// one episode, as TD-MPC2's slice sampler does: an eligible episode uniformly, then a uniform start.
/// Episodes shorter than the horizon are kept but never sampled (strict length).
public struct EpisodeReplayBuffer: Sendable {
    /// The largest number of transitions kept; the oldest episodes are evicted first.
    public let capacity: Int
    public private(set) var episodes: [Episode] = []
    /// Transitions stored.
    public private(set) var count = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "replay capacity must be positive, got \(capacity)")
        self.capacity = capacity
    }

    /// Adds a finished episode, evicting the oldest ones beyond capacity.
    public mutating func append(_ episode: Episode) {
        episodes.append(episode)
        count += episode.length
        while count > capacity, episodes.count > 1 {
            count -= episodes.removeFirst().length
        }
    }

    /// Samples `batchSize` windows of `horizon` transitions, time-major: `observations [H+1, B, ...observationShape]`,
    /// `actions [H, B, A]`, `rewards` and `terminated [H, B, 1]`, `stateValues [H+1, B, 1]` (see ``SequenceBatch``).
    /// - Parameters:
    ///   - tdSteps: with `n > 1`, the batch also carries ``MultiStepTargets`` for `n`-step TD targets
    ///     discounted by `discount`; the random draws are the same for every `n`.
    /// - Throws: ``ReplayBufferError/noEpisodeLongEnough(horizon:longest:)`` when nothing can be sampled.
    public func sample(batchSize: Int, horizon: Int, tdSteps: Int = 1, discount: Float = 1,
                       using generator: inout some RandomNumberGenerator) throws -> SequenceBatch {
        precondition(batchSize > 0 && horizon > 0 && tdSteps > 0,
                     "sample needs positive batch size, horizon and TD steps, got \(batchSize), \(horizon), \(tdSteps)")
        let eligible = episodes.indices.filter { episodes[$0].length >= horizon }
        guard let first = eligible.first else {
            throw ReplayBufferError.noEpisodeLongEnough(horizon: horizon, longest: episodes.map(\.length).max() ?? 0)
        }
        let obsShape = Array(episodes[first].observations.shape.dropFirst())
        let obsSize = obsShape.reduce(1, *), actionDims = episodes[first].actions.shape[1]
        var obs = [Float](repeating: 0, count: (horizon + 1) * batchSize * obsSize)
        var act = [Float](repeating: 0, count: horizon * batchSize * actionDims)
        var rew = [Float](repeating: 0, count: horizon * batchSize)
        var term = [Float](repeating: 0, count: horizon * batchSize)
        var values = [Float](repeating: 0, count: (horizon + 1) * batchSize)
        let multiStep = tdSteps > 1
        var bootObs = [Float](repeating: 0, count: multiStep ? horizon * batchSize * obsSize : 0)
        var returns = [Float](repeating: 0, count: multiStep ? horizon * batchSize : 0)
        var bootDiscounts = [Float](repeating: 0, count: multiStep ? horizon * batchSize : 0)
        for b in 0..<batchSize {
            let e = episodes[eligible[Int(generator.next() % UInt64(eligible.count))]]
            let start = Int(generator.next() % UInt64(e.length - horizon + 1))
            if multiStep {
                for t in 0..<horizon {
                    let (g, d, k) = Self.multiStepReturn(e, from: start + t, steps: tdSteps, discount: discount)
                    returns[t * batchSize + b] = g
                    bootDiscounts[t * batchSize + b] = d
                    Self.copyObservation(start + t + k, of: e, into: &bootObs, at: t * batchSize + b, size: obsSize)
                }
            }
            for t in 0...horizon {
                Self.copyObservation(start + t, of: e, into: &obs, at: t * batchSize + b, size: obsSize)
                values[t * batchSize + b] = e.stateValues.scalars[start + t]
                guard t < horizon else { continue }
                for a in 0..<actionDims { act[(t * batchSize + b) * actionDims + a] = e.actions.scalars[(start + t) * actionDims + a] }
                rew[t * batchSize + b] = e.rewards.scalars[start + t]
                term[t * batchSize + b] = e.terminated.scalars[start + t]
            }
        }
        return SequenceBatch(observations: Tensor(shape: [horizon + 1, batchSize] + obsShape, scalars: obs),
                             actions: Tensor(shape: [horizon, batchSize, actionDims], scalars: act),
                             rewards: Tensor(shape: [horizon, batchSize, 1], scalars: rew),
                             terminated: Tensor(shape: [horizon, batchSize, 1], scalars: term),
                             stateValues: Tensor(shape: [horizon + 1, batchSize, 1], scalars: values),
                             multiStep: multiStep ? MultiStepTargets(bootstrapObservations: Tensor(shape: [horizon, batchSize] + obsShape, scalars: bootObs),
                                                                     returns: Tensor(shape: [horizon, batchSize, 1], scalars: returns),
                                                                     bootstrapDiscounts: Tensor(shape: [horizon, batchSize, 1], scalars: bootDiscounts)) : nil)
    }

    /// Copies observation `index` of `e` into row `row` of `destination` (rows of `size` elements).
    static func copyObservation(_ index: Int, of e: Episode, into destination: inout [Float], at row: Int, size: Int) {
        e.observations.withUnsafeBufferPointer { p in
            destination.withUnsafeMutableBufferPointer { o in (o.baseAddress! + row * size).update(from: p.baseAddress! + index * size, count: size) }
        }
    }

    /// `(G, D, k)` of the `n`-step target from transition `t` of `e` (see ``MultiStepTargets``).
    static func multiStepReturn(_ e: Episode, from t: Int, steps n: Int, discount: Float) -> (Float, Float, Int) {
        var g: Float = 0, d: Float = 1, k = 0
        while k < n && t + k < e.length {
            g += d * e.rewards.scalars[t + k]
            let ended = e.terminated.scalars[t + k] != 0
            k += 1
            if ended { return (g, 0, k) }
            d *= discount
        }
        return (g, d, k)
    }
}
