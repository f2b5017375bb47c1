// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore

// MARK: - CountingOracle

/// The optimal policy of a counting variant, from the ground-truth count: the upper bound for experiments.
///
/// The count dynamics are deterministic and the reward depends only on the count, so the oracle solves the
/// finite-horizon problem exactly by dynamic programming over `(count, steps remaining)` for the undiscounted
/// return:
/// ```
/// V(c, 0) = 0
/// V(c, k) = max over moves m of  r(c, c') + (terminates(c') ? 0 : V(c', k - 1)),   c' = clip(c + m, 0, maxCount)
/// ```
/// where `r` is the reward of `c'` (after the action) or of `c` (before), and `terminates(c')` is
/// `terminatesOnSuccess && c' == target`. Ties prefer keep at the target, elsewhere the move toward the target,
/// then keep, then away.
/// It handles every combination of options (dense rewards with termination can make detours worth it).
public struct CountingOracle: Sendable {
    /// The variant the oracle plays.
    public let configuration: CountingConfiguration
    /// The action encoding (which moves exist).
    public let actionKind: CountingActionKind
    /// The number of steps planned over.
    public let horizon: Int
    /// `values[k][c]`: the best return from count `c` with `k` steps left.
    private let values: [[Double]]

    /// Solves a variant.
    /// - Parameters:
    ///   - configuration: the variant.
    ///   - actions: the action encoding.
    ///   - horizon: steps per episode; defaults to ``CountingConfiguration/maxEpisodeSteps``.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an invalid configuration, or when there is
    ///   neither a horizon nor a step limit, or the horizon is not in `1...100_000`.
    public init(configuration: CountingConfiguration, actions: CountingActionKind, horizon: Int? = nil) throws {
        try configuration.validate()
        guard let steps = horizon ?? configuration.maxEpisodeSteps else {
            throw EnvironmentError.invalidOption(key: "maxEpisodeSteps", message: "the oracle needs a horizon or a step limit, got none")
        }
        guard (1...100_000).contains(steps) else {
            throw EnvironmentError.invalidOption(key: "horizon", message: "expected 1...100000 steps, got \(steps)")
        }
        self.configuration = configuration
        self.actionKind = actions
        self.horizon = steps
        var table = [[Double]](repeating: [Double](repeating: 0, count: configuration.maxCount + 1), count: steps + 1)
        for k in 1...steps {
            for c in 0...configuration.maxCount {
                table[k][c] = actions.moves.map { Self.backup(configuration, count: c, move: $0, next: table[k - 1]) }.max() ?? 0
            }
        }
        self.values = table
    }

    private static func backup(_ configuration: CountingConfiguration, count: Int, move: CountingMove, next: [Double]) -> Double {
        let newCount = configuration.applying(move, to: count)
        let reward = Double(configuration.reward(forCount: configuration.rewardTiming == .afterAction ? newCount : count))
        let terminates = configuration.terminatesOnSuccess && newCount == configuration.target
        return reward + (terminates ? 0 : next[newCount])
    }

    /// The best undiscounted return from `count` with `stepsRemaining` steps left (0 when none are left).
    /// - Precondition: `count` in `0...maxCount`.
    public func value(count: Int, stepsRemaining: Int) -> Double {
        precondition((0...configuration.maxCount).contains(count), "count \(count) is outside 0...\(configuration.maxCount)")
        return values[Swift.min(Swift.max(stepsRemaining, 0), horizon)][count]
    }

    /// The best return of an episode that starts with `startCount` objects.
    public func optimalReturn(startCount: Int) -> Double { value(count: startCount, stepsRemaining: horizon) }

    /// The optimal move with `count` objects after `stepsTaken` steps. Past the horizon it plans as if one step
    /// were left.
    /// - Precondition: `count` in `0...maxCount`.
    public func move(count: Int, stepsTaken: Int) -> CountingMove {
        precondition((0...configuration.maxCount).contains(count), "count \(count) is outside 0...\(configuration.maxCount)")
        let remaining = Swift.max(horizon - stepsTaken, 1)
        let next = values[remaining - 1]
        let order: [CountingMove]
        if count == configuration.target { order = [.keep, .remove, .add] }
        else if count < configuration.target { order = [.add, .keep, .remove] }
        else { order = [.remove, .keep, .add] }
        let preference = order.filter(actionKind.moves.contains)
        var best = preference[0], bestValue = -Double.infinity
        for m in preference {
            let v = Self.backup(configuration, count: count, move: m, next: next)
            if v > bestValue + 1e-9 { best = m; bestValue = v }
        }
        return best
    }

    /// The optimal action as a tensor for the type-erased boundary (see ``CountingActionKind/actionTensor(for:)``).
    public func action(count: Int, stepsTaken: Int) -> Tensor {
        // The chosen move is always one of the encoding's moves, so the tensor exists.
        actionKind.actionTensor(for: move(count: count, stepsTaken: stepsTaken)) ?? Tensor(shape: [1], scalars: [0])
    }

    /// The optimal action from a counting `info` dictionary (its `count` and `step` keys), so the oracle can
    /// drive an environment made by the registry.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` when the keys are missing or out of range.
    public func action(info: [String: Double]) throws -> Tensor {
        guard let count = info[CountingInfoKey.count].flatMap(Int.init(exactly:)),
              (0...configuration.maxCount).contains(count) else {
            throw EnvironmentError.invalidOption(key: CountingInfoKey.count,
                                                 message: "expected a count in 0...\(configuration.maxCount), got \(String(describing: info[CountingInfoKey.count]))")
        }
        guard let steps = info[CountingInfoKey.step].flatMap(Int.init(exactly:)), steps >= 0 else {
            throw EnvironmentError.invalidOption(key: CountingInfoKey.step,
                                                 message: "expected a step index >= 0, got \(String(describing: info[CountingInfoKey.step]))")
        }
        return action(count: count, stepsTaken: steps)
    }
}
