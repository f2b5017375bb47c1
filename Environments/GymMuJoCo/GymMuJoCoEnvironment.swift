// Foresight — GymMuJoCo
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import MuJoCo
import RLCore
import TensorCore

// MARK: - Environment

/// One of Gymnasium's MuJoCo v5 environments (``GymMuJoCoTask``) on the MuJoCo library Foresight links.
///
/// Observations, rewards, termination, reset noise and `info` keys follow Gymnasium's v5 documentation; the
/// construction options are Gymnasium's keyword arguments under the same names (`reset_noise_scale`,
/// `ctrl_cost_weight`, `healthy_z_range` as two numbers, ...), plus `modelDirectory` (see ``GymMuJoCoModels``).
/// Observations are `Float` (Gymnasium's are float64); the simulation stays in float64.
///
/// Reset option ``OptionKey/initialState``: `qpos` followed by `qvel` (Gymnasium's `state_vector()`), set instead
/// of the random initial state. Random resets draw from the environment's own seeded generator (not NumPy's).
///
/// The simulation is a reference type: copies of one environment value share it.
public struct GymMuJoCoEnvironment: Environment {
    public let task: GymMuJoCoTask
    /// The simulation, for reading `qpos`, `qvel` and anything else MuJoCo computes.
    public let simulation: MuJoCoSimulation
    public let observationSpace: Box
    public let actionSpace: Box
    /// Physics steps per environment step.
    public let frameSkip: Int
    /// Seconds per environment step (`timestep × frameSkip`).
    public let dt: Double

    let resetNoiseScale: Double
    let forwardRewardWeight: Double
    let ctrlCostWeight: Double
    let contactCostWeight: Double
    let healthyReward: Double
    let terminateWhenUnhealthy: Bool
    let healthyStateRange: (Double, Double)
    let healthyZRange: (Double, Double)
    let healthyAngleRange: (Double, Double)
    let contactForceRange: (Double, Double)
    let rewardDistWeight: Double
    let rewardControlWeight: Double
    let excludedPositions: Int
    let includesContactForces: Bool
    let initialQpos: [Double]
    /// Body or site indices the task reads (fingertip and target, the main body, the pendulum tip).
    let firstIndex: Int, secondIndex: Int

    var generator = SeededGenerator(seed: 0)
    var hasReset = false
    var observationBuffer: Tensor
    var scratch: [Double]

    /// Makes the environment, loading its model from Gymnasium's asset directory.
    /// - Throws: ``GymMuJoCoError`` when the models are not installed, ``MuJoCoError`` when MuJoCo cannot load
    ///   the file, ``EnvironmentError/invalidOption(key:message:)`` for an unknown or malformed option.
    public init(_ task: GymMuJoCoTask, options: EnvironmentOptions = [:]) throws {
        let allowed = task.optionKeys + [GymMuJoCoModels.optionKey, "xml_file", "frame_skip"]
        for key in options.keys.sorted() where !allowed.contains(key) {
            throw EnvironmentError.invalidOption(key: key, message: "\(task.id) has no such option; expected one of \(allowed.sorted())")
        }
        self.task = task
        let file = try options.string("xml_file") ?? task.modelFile
        let path: String
        if file.hasPrefix("/") {
            path = file
        } else {
            let directory = try GymMuJoCoModels.directory(explicit: try options.string(GymMuJoCoModels.optionKey))
            path = (directory as NSString).appendingPathComponent(file)
        }
        simulation = try MuJoCoSimulation(modelPath: path)

        let skip = try options.number("frame_skip") ?? Double(task.frameSkip)
        guard skip >= 1, skip <= 10_000, skip == skip.rounded() else {
            throw EnvironmentError.invalidOption(key: "frame_skip", message: "expected a whole number from 1 to 10000, got \(skip)")
        }
        frameSkip = Int(skip)
        dt = simulation.timestep * Double(frameSkip)

        func nonNegative(_ key: String, _ fallback: Double) throws -> Double {
            let value = try options.number(key) ?? fallback
            guard value >= 0 else { throw EnvironmentError.invalidOption(key: key, message: "expected a number >= 0, got \(value)") }
            return value
        }
        func range(_ key: String, _ fallback: (Double, Double)) throws -> (Double, Double) {
            guard let values = try options.numbers(key, count: 2) else { return fallback }
            guard values[0] <= values[1] else {
                throw EnvironmentError.invalidOption(key: key, message: "expected [low, high] with low <= high, got \(values)")
            }
            return (values[0], values[1])
        }
        resetNoiseScale = try nonNegative("reset_noise_scale", task.defaultResetNoiseScale ?? 0)
        forwardRewardWeight = try options.number("forward_reward_weight") ?? 1
        ctrlCostWeight = try options.number("ctrl_cost_weight") ?? {
            switch task {
            case .swimmer: 1e-4
            case .hopper, .walker2d: 1e-3
            case .halfCheetah: 0.1
            case .ant: 0.5
            default: 0
            }
        }()
        contactCostWeight = try options.number("contact_cost_weight") ?? 5e-4
        healthyReward = try options.number("healthy_reward") ?? (task == .invertedDoublePendulum ? 10 : 1)
        terminateWhenUnhealthy = try options.bool("terminate_when_unhealthy") ?? true
        healthyStateRange = try range("healthy_state_range", (-100, 100))
        healthyZRange = try range("healthy_z_range", {
            switch task {
            case .hopper: (0.7, Double.infinity)
            case .walker2d: (0.8, 2.0)
            default: (0.2, 1.0)
            }
        }())
        healthyAngleRange = try range("healthy_angle_range", task == .hopper ? (-0.2, 0.2) : (-1, 1))
        contactForceRange = try range("contact_force_range", (-1, 1))
        rewardDistWeight = try options.number("reward_dist_weight") ?? 1
        rewardControlWeight = try options.number("reward_control_weight") ?? 1
        let exclude = try options.bool("exclude_current_positions_from_observation") ?? true
        excludedPositions = exclude ? task.excludedPositions : 0
        includesContactForces = task == .ant ? (try options.bool("include_cfrc_ext_in_observation") ?? true) : false
        initialQpos = simulation.initialQpos

        switch task {
        case .reacher:
            firstIndex = try simulation.bodyID("fingertip")
            secondIndex = try simulation.bodyID("target")
        case .ant:
            if let name = try? options.string("main_body") {
                firstIndex = try simulation.bodyID(name)
            } else {
                let index = try options.number("main_body") ?? 1
                guard index >= 0, index < Double(simulation.nbody), index == index.rounded() else {
                    throw EnvironmentError.invalidOption(key: "main_body", message: "expected a body name or an index in 0..<\(simulation.nbody), got \(index)")
                }
                firstIndex = Int(index)
            }
            secondIndex = 0
        case .invertedDoublePendulum:
            guard simulation.nsite > 0 else {
                throw EnvironmentError.invalidOption(key: "xml_file", message: "\(path) has no site; InvertedDoublePendulum reads the tip from site 0")
            }
            (firstIndex, secondIndex) = (0, 0)
        default:
            (firstIndex, secondIndex) = (0, 0)
        }

        // Spaces: the actuators' control ranges, as float32 (Gymnasium's `_set_action_space`).
        var low: [Float] = [], high: [Float] = []
        for (index, r) in simulation.controlRanges.enumerated() {
            let (l, h) = r.limited ? (Float(r.low), Float(r.high)) : (-Float.infinity, Float.infinity)
            guard !l.isNaN, !h.isNaN, l <= h else {
                throw MuJoCoError.invalidModel(path: path, message: "actuator \(index) has control range [\(r.low), \(r.high)]")
            }
            low.append(l)
            high.append(h)
        }
        actionSpace = Box(low: low, high: high)
        let size = Self.observationSize(task, simulation: simulation, excluded: excludedPositions, contactForces: includesContactForces)
        observationSpace = Box(low: -.infinity, high: .infinity, shape: [size])
        observationBuffer = Tensor.zeros([size])
        scratch = [Double](repeating: 0, count: size)
    }

    static func observationSize(_ task: GymMuJoCoTask, simulation s: MuJoCoSimulation, excluded: Int, contactForces: Bool) -> Int {
        switch task {
        case .invertedPendulum: s.nq + s.nv
        case .invertedDoublePendulum: 1 + 2 * (s.nq - 1) + s.nv + 1
        case .reacher: 4 + (s.nq - 2) + 2 + 2
        case .swimmer, .hopper, .halfCheetah, .walker2d: s.nq - excluded + s.nv
        case .ant: s.nq - excluded + s.nv + (contactForces ? 6 * (s.nbody - 1) : 0)
        }
    }

    public var metadata: EnvironmentMetadata { EnvironmentMetadata(renderFPS: Int((1 / dt).rounded())) }

    // MARK: Reset

    public mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if let seed { generator = SeededGenerator(seed: seed) }
        let nq = simulation.nq, nv = simulation.nv
        let qpos: [Double], qvel: [Double]
        if let initial = try options.numbers(OptionKey.initialState, count: nq + nv) {
            qpos = Array(initial[..<nq])
            qvel = Array(initial[nq...])
        } else if task == .reacher {
            var p = initialQpos.map { $0 + generator.uniform(-0.1, 0.1) }
            var goal: (Double, Double)
            repeat {
                goal = (generator.uniform(-0.2, 0.2), generator.uniform(-0.2, 0.2))
            } while (goal.0 * goal.0 + goal.1 * goal.1).squareRoot() >= 0.2
            p[nq - 2] = goal.0
            p[nq - 1] = goal.1
            var v = (0..<nv).map { _ in generator.uniform(-0.005, 0.005) }
            v[nv - 2] = 0
            v[nv - 1] = 0
            (qpos, qvel) = (p, v)
        } else {
            let s = resetNoiseScale
            qpos = initialQpos.map { $0 + generator.uniform(-s, s) }
            qvel = (0..<nv).map { _ in task.normalVelocityNoise ? s * generator.standardNormal() : generator.uniform(-s, s) }
        }
        try simulation.reset()
        try simulation.setState(qpos: qpos, qvel: qvel)
        hasReset = true
        return (makeObservation(), resetInfo())
    }

    func resetInfo() -> [String: Double] {
        let q = simulation.qposPointer
        switch task {
        case .swimmer, .ant:
            return ["x_position": q[0], "y_position": q[1], "distance_from_origin": (q[0] * q[0] + q[1] * q[1]).squareRoot()]
        case .hopper, .walker2d:
            return ["x_position": q[0], "z_distance_from_origin": q[1] - initialQpos[1]]
        case .halfCheetah:
            return ["x_position": q[0]]
        default:
            return [:]
        }
    }

    // MARK: Step

    public mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        let nu = simulation.nu
        guard action.shape.count == 1, action.shape[0] == nu else {
            throw EnvironmentError.invalidAction("shape \(action.shape), expected [\(nu)]")
        }
        guard hasReset else { throw EnvironmentError.stepBeforeReset }
        let a = action.scalars
        if let bad = a.firstIndex(where: { !$0.isFinite }) {
            throw EnvironmentError.invalidAction("element \(bad) is \(a[bad]), expected a finite number")
        }
        // Gymnasium's `np.sum(np.square(action))` on the float32 action, in float32.
        var squares: Float = 0
        for v in a { squares += v * v }
        let ctrl = simulation.ctrlPointer
        for i in 0..<nu { ctrl[i] = Double(a[i]) }

        let q = simulation.qposPointer, v = simulation.qvelPointer
        let before: (Double, Double)
        if task == .ant {
            let p = simulation.bodyPosition(firstIndex)
            before = (p.x, p.y)
        } else {
            before = (q[0], simulation.nq > 1 ? q[1] : 0)
        }
        try simulation.step(frameSkip: frameSkip)
        let observation = makeObservation()
        let nq = simulation.nq, nv = simulation.nv

        switch task {
        case .invertedPendulum:
            var finite = true
            for i in 0..<nq where !q[i].isFinite { finite = false }
            for i in 0..<nv where !v[i].isFinite { finite = false }
            let terminated = !finite || Swift.abs(q[1]) > 0.2
            let reward: Double = terminated ? 0 : 1
            return Step(observation: observation, reward: Float(reward), isTerminated: terminated, info: ["reward_survive": reward])

        case .invertedDoublePendulum:
            let tip = simulation.sitePosition(0)
            let terminated = tip.z <= 1
            let distance = 0.01 * tip.x * tip.x + (tip.z - 2) * (tip.z - 2)
            let velocity = 1e-3 * v[1] * v[1] + 5e-3 * v[2] * v[2]
            let alive = terminated ? 0 : healthyReward
            return Step(observation: observation, reward: Float(alive - distance - velocity), isTerminated: terminated,
                        info: ["reward_survive": alive, "distance_penalty": -distance, "velocity_penalty": -velocity])

        case .reacher:
            let f = simulation.bodyPosition(firstIndex), t = simulation.bodyPosition(secondIndex)
            let (dx, dy, dz) = (f.x - t.x, f.y - t.y, f.z - t.z)
            let rewardDist = -(dx * dx + dy * dy + dz * dz).squareRoot() * rewardDistWeight
            let rewardCtrl = -Double(squares * Float(rewardControlWeight))
            return Step(observation: observation, reward: Float(rewardDist + rewardCtrl),
                        info: ["reward_dist": rewardDist, "reward_ctrl": rewardCtrl])

        case .swimmer, .halfCheetah:
            let xVelocity = (q[0] - before.0) / dt
            let forward = forwardRewardWeight * xVelocity
            let ctrlCost = Double(Float(ctrlCostWeight) * squares)
            var info: [String: Double] = ["x_position": q[0], "x_velocity": xVelocity, "reward_forward": forward, "reward_ctrl": -ctrlCost]
            if task == .swimmer {
                info["y_position"] = q[1]
                info["distance_from_origin"] = (q[0] * q[0] + q[1] * q[1]).squareRoot()
                info["y_velocity"] = (q[1] - before.1) / dt
            }
            return Step(observation: observation, reward: Float(forward - ctrlCost), info: info)

        case .hopper, .walker2d:
            let xVelocity = (q[0] - before.0) / dt
            let z = q[1], angle = q[2]
            var healthy = healthyZRange.0 < z && z < healthyZRange.1 && healthyAngleRange.0 < angle && angle < healthyAngleRange.1
            if task == .hopper {
                for i in 2..<nq where !(healthyStateRange.0 < q[i] && q[i] < healthyStateRange.1) { healthy = false }
                for i in 0..<nv where !(healthyStateRange.0 < v[i] && v[i] < healthyStateRange.1) { healthy = false }
            }
            let forward = forwardRewardWeight * xVelocity
            let survive = healthy ? healthyReward : 0
            let ctrlCost = Double(Float(ctrlCostWeight) * squares)
            return Step(observation: observation, reward: Float(forward + survive - ctrlCost),
                        isTerminated: !healthy && terminateWhenUnhealthy,
                        info: ["x_position": q[0], "z_distance_from_origin": q[1] - initialQpos[1], "x_velocity": xVelocity,
                               "reward_forward": forward, "reward_ctrl": -ctrlCost, "reward_survive": survive])

        case .ant:
            let after = simulation.bodyPosition(firstIndex)
            let xVelocity = (after.x - before.0) / dt, yVelocity = (after.y - before.1) / dt
            var finite = true
            for i in 0..<nq where !q[i].isFinite { finite = false }
            for i in 0..<nv where !v[i].isFinite { finite = false }
            let healthy = finite && healthyZRange.0 <= q[2] && q[2] <= healthyZRange.1
            let forces = simulation.cfrcExtPointer
            var contactSquares = 0.0
            for i in 0..<(6 * simulation.nbody) {
                let c = Swift.min(Swift.max(forces[i], contactForceRange.0), contactForceRange.1)
                contactSquares += c * c
            }
            let forward = forwardRewardWeight * xVelocity
            let survive = healthy ? healthyReward : 0
            let ctrlCost = Double(Float(ctrlCostWeight) * squares)
            let contactCost = contactCostWeight * contactSquares
            return Step(observation: observation, reward: Float(forward + survive - (ctrlCost + contactCost)),
                        isTerminated: !healthy && terminateWhenUnhealthy,
                        info: ["x_position": q[0], "y_position": q[1], "distance_from_origin": (q[0] * q[0] + q[1] * q[1]).squareRoot(),
                               "x_velocity": xVelocity, "y_velocity": yVelocity, "reward_forward": forward,
                               "reward_ctrl": -ctrlCost, "reward_contact": -contactCost, "reward_survive": survive])
        }
    }

    // MARK: Observation

    /// The observation as Gymnasium's float64 vector (written into ``scratch``).
    mutating func computeObservation() {
        let q = simulation.qposPointer, v = simulation.qvelPointer
        let nq = simulation.nq, nv = simulation.nv
        var k = 0
        func put(_ x: Double) { scratch[k] = x; k += 1 }
        switch task {
        case .invertedPendulum:
            for i in 0..<nq { put(q[i]) }
            for i in 0..<nv { put(v[i]) }
        case .invertedDoublePendulum:
            put(q[0])
            for i in 1..<nq { put(sin(q[i])) }
            for i in 1..<nq { put(cos(q[i])) }
            for i in 0..<nv { put(Swift.min(Swift.max(v[i], -10), 10)) }
            put(Swift.min(Swift.max(simulation.qfrcConstraintPointer[0], -10), 10))
        case .reacher:
            put(cos(q[0])); put(cos(q[1])); put(sin(q[0])); put(sin(q[1]))
            for i in 2..<nq { put(q[i]) }
            put(v[0]); put(v[1])
            let f = simulation.bodyPosition(firstIndex), t = simulation.bodyPosition(secondIndex)
            put(f.x - t.x); put(f.y - t.y)
        case .swimmer, .halfCheetah:
            for i in excludedPositions..<nq { put(q[i]) }
            for i in 0..<nv { put(v[i]) }
        case .hopper, .walker2d:
            for i in excludedPositions..<nq { put(q[i]) }
            for i in 0..<nv { put(Swift.min(Swift.max(v[i], -10), 10)) }
        case .ant:
            for i in excludedPositions..<nq { put(q[i]) }
            for i in 0..<nv { put(v[i]) }
            if includesContactForces {
                let forces = simulation.cfrcExtPointer
                for i in 6..<(6 * simulation.nbody) { put(Swift.min(Swift.max(forces[i], contactForceRange.0), contactForceRange.1)) }
            }
        }
    }

    /// The float64 observation Gymnasium returns (before Foresight's conversion to `Float`).
    public mutating func observation64() -> [Double] {
        computeObservation()
        return scratch
    }

    mutating func makeObservation() -> Tensor {
        computeObservation()
        for i in 0..<scratch.count { observationBuffer.setScalar(Float(scratch[i]), at: i) }
        return observationBuffer
    }
}

// MARK: - Random draws

extension RandomNumberGenerator {
    /// A uniform `Double` in `[low, high)` with 53 random bits.
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * (Double(next() >> 11) * 0x1p-53)
    }

    /// A standard normal draw (Box–Muller on two 53-bit uniforms; the first of the pair).
    mutating func standardNormal() -> Double {
        var u = 0.0
        repeat { u = Double(next() >> 11) * 0x1p-53 } while u == 0
        let w = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * w)
    }
}
