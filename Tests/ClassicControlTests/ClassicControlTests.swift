// Foresight — ClassicControlTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import ClassicControl
import Foundation
import RLCore
import TensorCore
import Testing

@Suite struct InitialStateDistributionTests {
    /// Draws `count` initial states with one seeded generator (reset without a seed after the first).
    func initialStates<E: Environment>(_ env: inout E, count: Int = 2000, options: ResetOptions = [:],
                                       state: (E) -> [Double]) throws -> [[Double]] {
        _ = try env.reset(seed: 5, options: options)
        var states = [state(env)]
        for _ in 1..<count {
            _ = try env.reset(seed: nil, options: options)
            states.append(state(env))
        }
        return states
    }

    func column(_ states: [[Double]], _ i: Int) -> [Double] { states.map { $0[i] } }
    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    @Test func cartPoleUniformInSmallBox() throws {
        var env = try CartPole()
        let states = try initialStates(&env) { $0.state }
        for i in 0..<4 {
            let xs = column(states, i)
            #expect(xs.allSatisfy { $0 >= -0.05 && $0 < 0.05 })
            #expect(abs(mean(xs)) < 0.003)
            #expect(xs.max()! > 0.049 && xs.min()! < -0.049)
        }
        let custom = try initialStates(&env, count: 200, options: ["low": -0.2, "high": -0.1]) { $0.state }
        #expect(custom.allSatisfy { $0.allSatisfy { $0 >= -0.2 && $0 < -0.1 } })
    }

    @Test func pendulumThetaAndSpeed() throws {
        var env = try Pendulum()
        let states = try initialStates(&env) { $0.state }
        let theta = column(states, 0), speed = column(states, 1)
        #expect(theta.allSatisfy { abs($0) <= Double.pi } && theta.max()! > 3 && theta.min()! < -3)
        #expect(speed.allSatisfy { abs($0) <= 1 } && speed.max()! > 0.99 && speed.min()! < -0.99)
        let narrow = try initialStates(&env, count: 200, options: ["x_init": 0.1, "y_init": 0.2]) { $0.state }
        #expect(narrow.allSatisfy { abs($0[0]) <= 0.1 && abs($0[1]) <= 0.2 })
    }

    @Test func mountainCarsStartInTheValleyAtRest() throws {
        var discrete = try MountainCar()
        var continuous = try MountainCarContinuous()
        for states in [try initialStates(&discrete) { $0.state }, try initialStates(&continuous) { $0.state }] {
            let position = column(states, 0)
            #expect(position.allSatisfy { $0 >= -0.6 && $0 < -0.4 })
            #expect(abs(mean(position) + 0.5) < 0.005)
            #expect(column(states, 1).allSatisfy { $0 == 0 })
        }
    }

    @Test func acrobotStartsNearRestRoundedToFloat() throws {
        var env = try Acrobot()
        let states = try initialStates(&env) { $0.state }
        for s in states {
            #expect(s.allSatisfy { $0 >= -0.1 && $0 <= 0.1 })
            #expect(s.allSatisfy { Double(Float($0)) == $0 })
        }
    }
}

@Suite struct ClassicControlOptionTests {
    @Test func unknownConstructionOptionsAreRejected() {
        #expect(throws: EnvironmentError.self) { try CartPole(options: ["gravity": 3]) }
        #expect(throws: EnvironmentError.self) { try classicRegistry.make("Pendulum-v1", options: ["g": "strong"]) }
    }

    @Test func constructionOptionsChangeTheDynamics() throws {
        var moon = try Pendulum(options: ["g": 1.6])
        var earth = try Pendulum()
        let start: ResetOptions = [OptionKey.initialState: [1.0, 0.0]]
        _ = try moon.reset(options: start)
        _ = try earth.reset(options: start)
        _ = try moon.step(Tensor([0]))
        _ = try earth.step(Tensor([0]))
        #expect(moon.thetaDot > 0 && earth.thetaDot > moon.thetaDot)

        var sutton = try CartPole(options: ["suttonBartoReward": true])
        _ = try sutton.reset(options: [OptionKey.initialState: [0, 0, 0, 0]])
        #expect(try sutton.step(1).reward == 0)
    }

    @Test func stateInInfoCarriesTheFloat64State() throws {
        var env = try classicRegistry.make("Acrobot-v1", options: ["includeStateInInfo": true])
        let (_, info) = try env.reset(options: [OptionKey.initialState: [0.1, 0.2, 0.3, 0.4]])
        #expect(info == ["theta1": 0.1, "theta2": 0.2, "dtheta1": 0.3, "dtheta2": 0.4])
        #expect(try env.step(Tensor([1])).info.keys.sorted() == ["dtheta1", "dtheta2", "theta1", "theta2"])
    }

    @Test func malformedResetOptionsThrow() throws {
        var env = try CartPole()
        #expect(throws: EnvironmentError.self) { try env.reset(options: [OptionKey.initialState: [0, 0, 0]]) }
        #expect(throws: EnvironmentError.self) { try env.reset(options: ["low": 0.1, "high": -0.1]) }
        var pendulum = try Pendulum()
        #expect(throws: EnvironmentError.self) { try pendulum.reset(options: ["x_init": "wide"]) }
    }

    @Test func invalidActionsAndOrderThrow() throws {
        var cartPole = try CartPole()
        #expect(throws: EnvironmentError.stepBeforeReset) { try cartPole.step(1) }
        _ = try cartPole.reset(seed: 1)
        #expect(throws: EnvironmentError.self) { try cartPole.step(2) }
        var pendulum = try Pendulum()
        _ = try pendulum.reset(seed: 1)
        #expect(throws: EnvironmentError.self) { try pendulum.step(Tensor([1, 1])) }
        #expect(throws: EnvironmentError.self) { try pendulum.step(Tensor([.nan])) }
    }

    @Test func mountainCarContinuousStoresItsStateInSinglePrecision() throws {
        var env = try MountainCarContinuous()
        _ = try env.reset(options: [OptionKey.initialState: [-0.5, 0.001]])
        #expect(!env.isStateSinglePrecision)
        _ = try env.step(Tensor([0.3]))
        #expect(env.isStateSinglePrecision)
        #expect(env.state.allSatisfy { Double(Float($0)) == $0 })
    }

    @Test func pendulumAngleNormalizationUsesFloorModulo() throws {
        var env = try Pendulum()
        // theta = 3 pi is "down" (normalized to -pi or pi), so the cost is about pi^2.
        _ = try env.reset(options: [OptionKey.initialState: OptionValue([3 * Double.pi, 0])])
        let down = try env.step(Tensor([0])).reward
        #expect(abs(Double(down) + Double.pi * Double.pi) < 1e-4)
        _ = try env.reset(options: [OptionKey.initialState: OptionValue([-4 * Double.pi, 0])])
        #expect(abs(try env.step(Tensor([0])).reward) < 1e-6)
    }
}
