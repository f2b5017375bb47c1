// Foresight — ClassicControlTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import ClassicControl
import RLCore
import TensorCore
import Testing

/// Replays trajectories recorded from Gymnasium 1.x (`scripts/fixtures/gym_classic_control.py`) from the same
/// float64 initial states with the same actions.
///
/// Tolerances, relative to `max(|expected|, 1)`: the float64 state 1e-7, observations 1e-6, rewards 1e-6
/// (Foresight's rewards are `Float`, so they carry float32 rounding, about 6e-8); flags must match exactly at
/// every step. Measured when the fixtures were made: every float64 state and every observation bitwise equal,
/// except the 500-step random Acrobot episode (chaotic; 8e-10 after 500 RK4 steps).
@Suite struct GymnasiumFixtureTests {
    static let stateTolerance = 1e-7
    static let observationTolerance = 1e-6
    static let rewardTolerance = 1e-6

    func check(_ deviation: ReplayDeviation, _ episode: GymFixture.Episode, _ fixture: GymFixture) {
        let where_ = "\(fixture.env) \(episode.name): \(deviation)"
        #expect(deviation.steps == episode.steps.count, "\(where_)")
        #expect(deviation.stateRelative <= Self.stateTolerance, "\(where_)")
        #expect(deviation.observationRelative <= Self.observationTolerance, "\(where_)")
        #expect(deviation.rewardRelative <= Self.rewardTolerance, "\(where_)")
        #expect(deviation.flagMismatches.isEmpty, "\(where_)")
    }

    @Test func fixturesCoverTheInterestingCases() throws {
        for (id, limit) in ClassicControlFamily.episodeStepLimits {
            let fixture = try GymFixture.load(id)
            #expect(fixture.max_episode_steps == limit)
            #expect(fixture.gymnasium.hasPrefix("1."))
            #expect(fixture.episodes.count >= 4)
            let last = fixture.episodes.compactMap(\.steps.last)
            #expect(last.contains { $0.truncated }, "\(id) has no truncated episode")
            if id != "Pendulum-v1" { #expect(last.contains { $0.terminated }, "\(id) has no terminated episode") }
        }
    }

    @Test func cartPole() throws {
        let fixture = try GymFixture.load("CartPole-v1")
        for episode in fixture.episodes {
            let deviation: ReplayDeviation
            if episode.unwrapped {
                var env = try CartPole()
                deviation = try replay(episode, on: &env, action: { $0.index }, state: { $0.state })
            } else {
                var env = try CartPole().timeLimited(fixture.max_episode_steps)
                deviation = try replay(episode, on: &env, action: { $0.index }, state: { $0.base.state })
            }
            check(deviation, episode, fixture)
        }
    }

    @Test func pendulum() throws {
        let fixture = try GymFixture.load("Pendulum-v1")
        for episode in fixture.episodes {
            var env = try Pendulum().timeLimited(fixture.max_episode_steps)
            check(try replay(episode, on: &env, action: { $0.tensor }, state: { $0.base.state }), episode, fixture)
        }
    }

    @Test func mountainCarContinuous() throws {
        let fixture = try GymFixture.load("MountainCarContinuous-v0")
        for episode in fixture.episodes {
            var env = try MountainCarContinuous().timeLimited(fixture.max_episode_steps)
            check(try replay(episode, on: &env, action: { $0.tensor }, state: { $0.base.state }), episode, fixture)
        }
    }

    @Test func mountainCar() throws {
        let fixture = try GymFixture.load("MountainCar-v0")
        for episode in fixture.episodes {
            var env = try MountainCar().timeLimited(fixture.max_episode_steps)
            check(try replay(episode, on: &env, action: { $0.index }, state: { $0.base.state }), episode, fixture)
        }
    }

    @Test func acrobot() throws {
        let fixture = try GymFixture.load("Acrobot-v1")
        for episode in fixture.episodes {
            var env = try Acrobot().timeLimited(fixture.max_episode_steps)
            check(try replay(episode, on: &env, action: { $0.index }, state: { $0.base.state }), episode, fixture)
        }
    }
}
