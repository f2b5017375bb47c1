// Foresight — ClassicControlTests
// Copyright (c) 2026 the Foresight developers. MIT License.

@testable import ClassicControl
import Foundation
import RLCore
import TensorCore
import Testing

/// MountainCarContinuous's step as first written: a float64 state rounded through `Float` as NumPy does, and
/// the system `cos`. The fast step (table cosine, float32 copy of the state, in-place observation) must give
/// the same states, rewards and flags bit for bit.
struct ReferenceMountainCarContinuous {
    var position: Double
    var velocity: Double
    var isStateSinglePrecision = false
    let goalVelocity: Double

    mutating func step(_ a: Float) -> (reward: Float, terminated: Bool) {
        let power = 0.0015, maxSpeed = 0.07, minPosition = -1.2, maxPosition = 0.6, goalPosition = 0.45
        let single = isStateSinglePrecision
        let gravityTerm = 0.0025 * Foundation.cos(single ? Double(3 * Float(position)) : 3 * position)
        let increment: Double
        if Double(a) < -1 || Double(a) > 1 {
            increment = (Double(a) < -1 ? -1.0 : 1.0) * power - gravityTerm
        } else {
            increment = Double(a * Float(power) - Float(gravityTerm))
        }
        var v: Double, p: Double
        if single {
            v = Double(Float(velocity) + Float(increment))
            if Float(v) > Float(maxSpeed) { v = maxSpeed }
            if Float(v) < -Float(maxSpeed) { v = -maxSpeed }
            p = Double(Float(position) + Float(v))
            if Float(p) > Float(maxPosition) { p = maxPosition }
            if Float(p) < Float(minPosition) { p = minPosition }
            if Float(p) == Float(minPosition) && v < 0 { v = 0 }
        } else {
            v = velocity + increment
            if v > maxSpeed { v = maxSpeed }
            if v < -maxSpeed { v = -maxSpeed }
            p = position + v
            if p > maxPosition { p = maxPosition }
            if p < minPosition { p = minPosition }
            if p == minPosition && v < 0 { v = 0 }
        }
        let terminated = single
            ? Float(p) >= Float(goalPosition) && Float(v) >= Float(goalVelocity)
            : p >= goalPosition && v >= goalVelocity
        let reward = (terminated ? 100.0 : 0.0) - Double(a) * Double(a) * 0.1
        position = Double(Float(p))
        velocity = Double(Float(v))
        isStateSinglePrecision = true
        return (Float(reward), terminated)
    }
}

@Suite struct BoundedCosineTests {
    let cosine = BoundedCosine.shared

    @Test func tableNodesAreTheCosineAndSineInDoubleDouble() {
        let nodes = Int(BoundedCosine.limit * BoundedCosine.nodesPerUnit)
        #expect(cosine.table.count == 3 * (nodes + 1))
        var roundedLikeTheSystem = 0
        for k in 0...nodes {
            let a = Double(k) / BoundedCosine.nodesPerUnit
            let (high, low, sinOver128) = (cosine.table[3 * k], cosine.table[3 * k + 1], cosine.table[3 * k + 2])
            #expect(abs(high - Foundation.cos(a)) <= Foundation.cos(a).ulp, "node \(k)")
            #expect(abs(low) <= high.ulp / 2, "node \(k): the low part must be below half an ulp of the high part")
            #expect(abs(sinOver128 * 128 - Foundation.sin(a)) <= Foundation.sin(a).ulp, "node \(k)")
            if high == Foundation.cos(a) { roundedLikeTheSystem += 1 }
        }
        // The high parts are the correctly rounded cosines, as glibc's are.
        #expect(roundedLikeTheSystem >= nodes)
    }

    @Test func agreesWithTheSystemCosine() {
        var same = 0, count = 0
        var x = -4.0
        while x <= 4 {
            let (mine, system) = (cosine(x), Foundation.cos(x))
            let error = abs(mine - system)
            // 1 ulp (against the system's own correct rounding), or 1e-18 next to the zeros of cos.
            #expect(error <= max(system.ulp, 1e-18), "x = \(x): \(error / system.ulp) ulp, absolute \(error)")
            if mine == system { same += 1 }
            count += 1
            x += 0.000_013_7
        }
        #expect(Double(same) / Double(count) > 0.99, "\(same) of \(count) equal to the system cos")
    }

    @Test func float32ArgumentPathIsTheFloat64PathOfThreeTimesTheArgument() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<200_000 {
            let p = -1.2 + 1.8 * generator.nextUniform()
            #expect(cosine.cosOfTriple(p).bitPattern == cosine(Double(3 * p)).bitPattern, "p = \(p)")
        }
    }

    @Test func gravityTermEqualsTheSystemCosinesForFloat32Positions() {
        // The float32 step rounds 0.0025 cos(3 p) to float32, which hides the rare last-place difference of the
        // float64 cosine: for every float32 position the gravity term must be the system cos's. (An exhaustive
        // run over all 2.1e9 float32 positions in [-1.2, 0.6] found no difference; this samples that set.)
        var generator = SeededGenerator(seed: 12)
        var p = Float(-1.2 as Double)
        while p <= 0.6 {
            for q in [p, p.nextUp, p.nextDown] {
                #expect(Float(0.0025 * cosine.cosOfTriple(q)) == Float(0.0025 * Foundation.cos(Double(3 * q))), "p = \(q)")
            }
            p += 1e-6 * (0.5 + generator.nextUniform())
        }
    }

    @Test func outsideTheTableItIsTheSystemCosine() {
        for x in [4.000_000_1, -4.5, 10, -1e6, .infinity] {
            #expect(cosine(x).bitPattern == Foundation.cos(x).bitPattern || (cosine(x).isNaN && Foundation.cos(x).isNaN))
        }
        #expect(cosine(.nan).isNaN)
        #expect(cosine.cosOfTriple(2).bitPattern == Foundation.cos(6.0).bitPattern)
        #expect(cosine.cosOfTriple(.nan).isNaN)
    }
}

@Suite struct MountainCarContinuousFastStepTests {
    /// Random episodes, with actions inside and outside `[-1, 1]`, from random and edge initial states.
    @Test func stepsEqualTheReferenceBitForBit() throws {
        var generator = SeededGenerator(seed: 2026)
        var stepsCompared = 0
        for episode in 0..<60 {
            let goalVelocity = episode % 5 == 4 ? 0.01 : 0
            var env = try MountainCarContinuous(options: ["goalVelocity": .number(goalVelocity)])
            let initial: [Double]
            switch episode % 4 {
            case 0: initial = [-1.2, -0.03]  // against the left wall
            case 1: initial = [0.44, 0.02]  // next to the goal
            default: initial = [Double(generator.nextUniform()) * 1.8 - 1.2, Double(generator.nextUniform()) * 0.14 - 0.07]
            }
            _ = try env.reset(options: [OptionKey.initialState: OptionValue(initial)])
            var reference = ReferenceMountainCarContinuous(position: initial[0], velocity: initial[1], goalVelocity: goalVelocity)
            for _ in 0..<999 {
                let u = generator.nextUniform()
                let a: Float = switch generator.next() % 10 {
                case 0: 4 * u - 2  // clipped
                case 1: [-1, 1, 0][Int(generator.next() % 3)]
                default: 2 * u - 1
                }
                let step = try env.step(Tensor([a]))
                let expected = reference.step(a)
                stepsCompared += 1
                #expect(env.position.bitPattern == reference.position.bitPattern && env.velocity.bitPattern == reference.velocity.bitPattern,
                        "episode \(episode), action \(a): \(env.state) vs \([reference.position, reference.velocity])")
                #expect(step.reward.bitPattern == expected.reward.bitPattern && step.isTerminated == expected.terminated)
                #expect(step.observation.scalars == [Float(reference.position), Float(reference.velocity)])
                if step.isTerminated { break }
            }
        }
        #expect(stepsCompared > 30_000)
    }

    @Test func directWritesOfTheStateAreWhatTheNextStepReads() throws {
        var env = try MountainCarContinuous()
        _ = try env.reset(seed: 3)
        _ = try env.step(Tensor([0.5]))
        env.position = -0.523_598_775_598_298_8  // not a float32 value: the float32 step rounds it, as NumPy would
        env.velocity = 0.012_345_678_9
        var reference = ReferenceMountainCarContinuous(position: env.position, velocity: env.velocity,
                                                       isStateSinglePrecision: true, goalVelocity: 0)
        #expect(env.position == -0.523_598_775_598_298_8)
        for a: Float in [0.25, -0.75, 1, 1.5] {
            _ = try env.step(Tensor([a]))
            _ = reference.step(a)
            #expect(env.state == [reference.position, reference.velocity])
        }
    }

    @Test func returnedObservationsKeepTheirValues() throws {
        var env = try MountainCarContinuous()
        let first = try env.reset(seed: 4).observation
        let kept = try env.step(Tensor([1])).observation
        let values = kept.scalars
        for _ in 0..<5 { _ = try env.step(Tensor([1])) }
        #expect(kept.scalars == values)
        #expect(first.scalars != values)
        #expect(try env.step(Tensor([1])).observation.scalars == env.state.map { Float($0) })
    }

    @Test func malformedActionsStillThrowOnTheFastPath() throws {
        var env = try MountainCarContinuous()
        #expect(throws: EnvironmentError.stepBeforeReset) { try env.step(Tensor([0])) }
        _ = try env.reset(seed: 5)
        _ = try env.step(Tensor([0]))  // now on the float32 (fast) path
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([.nan])) }
        #expect(throws: EnvironmentError.self) { try env.step(Tensor([0.1, 0.2])) }
        #expect(throws: EnvironmentError.self) { try env.step(Tensor(0.1)) }
        #expect(throws: EnvironmentError.self) { try env.step(Tensor(shape: [1, 1], scalars: [0.1])) }
    }
}
