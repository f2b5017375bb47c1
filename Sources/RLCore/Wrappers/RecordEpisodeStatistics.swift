// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - RecordEpisodeStatistics

/// Tracks each episode's return and length. The step that ends an episode carries
/// `info["episode.return"]` and `info["episode.length"]`, and the finished episode is appended to
/// ``returns`` and ``lengths`` (the most recent `historyLength` episodes).
public struct RecordEpisodeStatistics<Base: Environment>: EnvironmentWrapper {
    public typealias Observation = Base.Observation
    public typealias Action = Base.Action

    public var base: Base
    /// The return of the episode in progress (sum of rewards since the last reset, in Double).
    public private(set) var episodeReturn: Double = 0
    /// The number of steps of the episode in progress.
    public private(set) var episodeLength = 0
    /// The number of finished episodes.
    public private(set) var episodeCount = 0
    /// Returns of the most recent finished episodes, oldest first.
    public private(set) var returns: [Double] = []
    /// Lengths of the most recent finished episodes, oldest first.
    public private(set) var lengths: [Int] = []
    /// How many finished episodes ``returns`` and ``lengths`` keep.
    public let historyLength: Int

    /// Wraps `base`.
    /// - Precondition: `historyLength >= 1`.
    public init(_ base: Base, historyLength: Int = 100) {
        precondition(historyLength >= 1, "RecordEpisodeStatistics needs historyLength >= 1, got \(historyLength)")
        self.base = base
        self.historyLength = historyLength
    }

    public var observationSpace: Base.ObservationSpace { base.observationSpace }
    public var actionSpace: Base.ActionSpace { base.actionSpace }

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Observation, info: [String: Double]) {
        let result = try base.reset(seed: seed, options: options)
        episodeReturn = 0
        episodeLength = 0
        return result
    }

    public mutating func step(_ action: Action) throws -> Step<Observation> {
        var result = try base.step(action)
        episodeReturn += Double(result.reward)
        episodeLength += 1
        if result.isLast {
            result.info["episode.return"] = episodeReturn
            result.info["episode.length"] = Double(episodeLength)
            episodeCount += 1
            returns.append(episodeReturn)
            lengths.append(episodeLength)
            if returns.count > historyLength {
                returns.removeFirst()
                lengths.removeFirst()
            }
        }
        return result
    }
}

extension Environment {
    /// This environment recording episode returns and lengths (``RecordEpisodeStatistics``).
    public func recordingEpisodeStatistics(historyLength: Int = 100) -> RecordEpisodeStatistics<Self> {
        RecordEpisodeStatistics(self, historyLength: historyLength)
    }
}
