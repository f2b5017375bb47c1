// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - VectorRecordEpisodeStatistics

/// Tracks each sub-environment's episode return and length, Gymnasium's
/// `gymnasium.wrappers.vector.RecordEpisodeStatistics`. In the step that ends a sub-environment's episode its
/// info carries `"episode.return"` and `"episode.length"` (the keys of the single-environment
/// ``RecordEpisodeStatistics``), and the episode is appended to ``returns`` and ``lengths``.
///
/// It follows the base's ``AutoresetMode``: with next-step autoreset the resetting step after an episode's end
/// counts toward no episode; with same-step autoreset every step counts and the counters restart right after
/// the ending step; a masked reset restarts the counters of the reset sub-environments.
public struct VectorRecordEpisodeStatistics<Base: VectorEnvironment>: VectorEnvironment {
    /// The wrapped vector environment.
    public var base: Base
    /// The return of each sub-environment's episode in progress.
    public private(set) var episodeReturns: [Double]
    /// The length of each sub-environment's episode in progress.
    public private(set) var episodeLengths: [Int]
    /// The number of finished episodes, all sub-environments together.
    public private(set) var episodeCount = 0
    /// Returns of the most recent finished episodes, oldest first (sub-environments of one step in index order).
    public private(set) var returns: [Double] = []
    /// Lengths of the most recent finished episodes, in the order of ``returns``.
    public private(set) var lengths: [Int] = []
    /// How many finished episodes ``returns`` and ``lengths`` keep.
    public let historyLength: Int
    private var previousEnded: [Bool]

    /// Wraps `base`.
    /// - Precondition: `historyLength >= 1`.
    public init(_ base: Base, historyLength: Int = 100) {
        precondition(historyLength >= 1, "VectorRecordEpisodeStatistics needs historyLength >= 1, got \(historyLength)")
        self.base = base
        self.historyLength = historyLength
        episodeReturns = Array(repeating: 0, count: base.count)
        episodeLengths = Array(repeating: 0, count: base.count)
        previousEnded = Array(repeating: false, count: base.count)
    }

    public var count: Int { base.count }
    public var autoresetMode: AutoresetMode { base.autoresetMode }
    public var singleObservationSpace: AnySpace<Tensor> { base.singleObservationSpace }
    public var singleActionSpace: AnySpace<Tensor> { base.singleActionSpace }

    public mutating func reset(seeds: [UInt64?], options: ResetOptions, mask: [Bool]?) throws -> VectorReset {
        let result = try base.reset(seeds: seeds, options: options, mask: mask)
        for i in 0..<count where mask?[i] ?? true {
            episodeReturns[i] = 0
            episodeLengths[i] = 0
            previousEnded[i] = false
        }
        return result
    }

    public mutating func step(_ actions: Tensor) throws -> VectorStep {
        var step = try base.step(actions)
        let ended = step.ended
        for i in 0..<count {
            if autoresetMode != .sameStep, previousEnded[i] {
                // Next-step autoreset: this step reset the sub-environment.
                episodeReturns[i] = 0
                episodeLengths[i] = 0
            } else {
                episodeReturns[i] += Double(step.rewards[i])
                episodeLengths[i] += 1
            }
        }
        for i in 0..<count where ended[i] {
            step.infos[i]["episode.return"] = episodeReturns[i]
            step.infos[i]["episode.length"] = Double(episodeLengths[i])
            episodeCount += 1
            returns.append(episodeReturns[i])
            lengths.append(episodeLengths[i])
            if autoresetMode == .sameStep {
                episodeReturns[i] = 0
                episodeLengths[i] = 0
            }
        }
        if returns.count > historyLength {
            returns.removeFirst(returns.count - historyLength)
            lengths.removeFirst(lengths.count - historyLength)
        }
        previousEnded = ended
        return step
    }

    public mutating func close() { base.close() }
}

extension VectorEnvironment {
    /// This vector environment recording each sub-environment's episode returns and lengths
    /// (``VectorRecordEpisodeStatistics``).
    public func recordingEpisodeStatistics(historyLength: Int = 100) -> VectorRecordEpisodeStatistics<Self> {
        VectorRecordEpisodeStatistics(self, historyLength: historyLength)
    }
}
