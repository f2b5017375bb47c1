// Foresight — ClassicControlTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import TensorCore

// MARK: - Gymnasium fixtures

/// A file written by `scripts/fixtures/gym_classic_control.py`.
struct GymFixture: Decodable {
    var env: String
    var gymnasium: String
    var max_episode_steps: Int
    var episodes: [Episode]

    struct Episode: Decodable {
        var name: String
        var initial_state: [Double]
        var reset_observation: [Double]
        var unwrapped: Bool
        var actions: [Action]
        var steps: [Record]
    }

    /// An integer (discrete) or a vector (continuous) action.
    enum Action: Decodable {
        case index(Int)
        case vector([Double])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let v = try? container.decode([Double].self) {
                self = .vector(v)
            } else {
                self = .index(try container.decode(Int.self))
            }
        }

        var index: Int {
            if case .index(let i) = self { return i }
            preconditionFailure("fixture action \(self) is not an index")
        }

        var tensor: Tensor {
            if case .vector(let v) = self { return Tensor(v.map { Float($0) }) }
            preconditionFailure("fixture action \(self) is not a vector")
        }
    }

    struct Record: Decodable {
        var observation: [Double]
        var reward: Double
        var terminated: Bool
        var truncated: Bool
        var state: [Double]
    }

    static func load(_ id: String) throws -> GymFixture {
        guard let url = Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/\(id).json"])
        }
        return try JSONDecoder().decode(GymFixture.self, from: Data(contentsOf: url))
    }
}

// MARK: - Replay

/// The largest differences seen while replaying one episode.
struct ReplayDeviation: CustomStringConvertible {
    var stateRelative = 0.0
    var observationRelative = 0.0
    var rewardRelative = 0.0
    var flagMismatches: [String] = []
    var steps = 0

    var description: String {
        "steps \(steps), state rel \(stateRelative), observation rel \(observationRelative), reward rel \(rewardRelative), flags \(flagMismatches)"
    }
}

/// `|a - b| / max(|b|, 1)`: relative for large values, absolute near zero.
func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1) }

/// Replays a fixture episode on `env` (already wrapped as the fixture was: TimeLimit unless `unwrapped`).
func replay<E: Environment>(_ episode: GymFixture.Episode, on env: inout E, action: (GymFixture.Action) -> E.Action,
                            state: (E) -> [Double]) throws -> ReplayDeviation where E.Observation == Tensor {
    var deviation = ReplayDeviation()
    let (first, _) = try env.reset(seed: 0, options: [OptionKey.initialState: OptionValue(episode.initial_state)])
    for (a, b) in zip(first.scalars, episode.reset_observation) {
        deviation.observationRelative = max(deviation.observationRelative, relativeError(Double(a), b))
    }
    for (index, (fixtureAction, record)) in zip(episode.actions, episode.steps).enumerated() {
        let step = try env.step(action(fixtureAction))
        deviation.steps += 1
        for (a, b) in zip(state(env), record.state) {
            deviation.stateRelative = max(deviation.stateRelative, relativeError(a, b))
        }
        for (a, b) in zip(step.observation.scalars, record.observation) {
            deviation.observationRelative = max(deviation.observationRelative, relativeError(Double(a), b))
        }
        deviation.rewardRelative = max(deviation.rewardRelative, relativeError(Double(step.reward), record.reward))
        if step.isTerminated != record.terminated || step.isTruncated != record.truncated {
            deviation.flagMismatches.append("step \(index): (\(step.isTerminated), \(step.isTruncated)) vs (\(record.terminated), \(record.truncated))")
        }
    }
    return deviation
}
