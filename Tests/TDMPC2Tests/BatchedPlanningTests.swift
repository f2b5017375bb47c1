// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import Testing
@testable import TDMPC2
import _TestSupport

/// MPPI for `E` environments in one call: one environment plans exactly as the single-latent planner did before
/// batching; several environments keep their samples, elites and warm starts apart, and the world model's fast
/// path runs all `E · N` rows through each GEMM (the same plans as the generic path, and the same GEMM calls).
@Suite struct BatchedPlanningTests {
    // MARK: Recorded single-latent plans

    /// The plans of `recordedScenarios()`, as Float bit patterns.
    struct Recording: Codable, Equatable {
        /// Bit patterns of a fixed GEMM at planning-like shapes on the recording machine: when they equal this
        /// machine's, its GEMMs sum in the same order and the world-model plans must be bitwise equal.
        var gemmFingerprint: [UInt32]
        /// A toy latent model (no GEMM): bitwise on every machine.
        var pointModel: [UInt32]
        /// A small TD-MPC2 world model through the planning rollout.
        var worldModel: [UInt32]
    }

    static func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    static func gemmFingerprint() -> [UInt32] {
        var g = SeededGenerator(seed: 77)
        let a = Tensor.randomNormal([40, 35], using: &g), b = Tensor.randomNormal([35, 32], using: &g)
        return bits(Tensor.matmul(a, b))
    }

    /// Four plans in a row (first step, two warm-started, first step again), exploring and evaluating, with the
    /// single-latent API `plan(from:model:discount:isFirstStep:mode:using:)`, then the warm start left behind.
    static func plans(_ model: some LatentModel, latentDimensions: Int, configuration: MPPIConfiguration, actionDimensions: Int) -> [UInt32] {
        var planner = MPPIPlanner(configuration: configuration, actionDimensions: actionDimensions)
        var g = SeededGenerator(seed: 21)
        var out: [UInt32] = []
        for (index, first) in [true, false, false, true].enumerated() {
            let latent = Tensor.randomNormal([1, latentDimensions], using: &g)
            let action = planner.plan(from: latent, model: model, discount: 0.95, isFirstStep: first, mode: index % 2 == 0 ? .explore : .evaluate,
                                      using: &g)
            out += bits(action)
        }
        return out + bits(planner.previousMean ?? Tensor(0)) + [UInt32(truncatingIfNeeded: g.next())]
    }

    static func recordedScenarios() -> Recording {
        var point = MPPIConfiguration()
        point.sampleCount = 64; point.eliteCount = 8; point.policyTrajectoryCount = 6
        let world = PlanningRolloutTests.model(episodic: true, seed: 3)
        let c = world.configuration
        let worldPlans = withoutGradients {
            plans(world, latentDimensions: c.latentDimensions, configuration: c.planner, actionDimensions: c.actionDimensions)
        }
        return Recording(gemmFingerprint: gemmFingerprint(),
                         pointModel: plans(PolicyAndPlannerTests.PointModel(target: 0.4), latentDimensions: 1, configuration: point, actionDimensions: 1),
                         worldModel: worldPlans)
    }

    /// `Fixtures/mppi_single_latent.json` was written by this function with the planner of commit 6dd7399 (before
    /// batching): `FORESIGHT_RECORD_PLANS=<path> swift test --filter BatchedPlanningTests` writes the
    /// current planner's plans to `<path>`.
    @Test func oneEnvironmentPlansExactlyAsBeforeBatching() throws {
        let current = Self.recordedScenarios()
        if let path = ProcessInfo.processInfo.environment["FORESIGHT_RECORD_PLANS"] {
            try JSONEncoder().encode(current).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        let url = try #require(Bundle.module.url(forResource: "mppi_single_latent", withExtension: "json", subdirectory: "Fixtures"))
        let recorded = try JSONDecoder().decode(Recording.self, from: Data(contentsOf: url))
        #expect(current.pointModel == recorded.pointModel, "the toy model's plans changed")
        #expect(current.worldModel.count == recorded.worldModel.count)
        if current.gemmFingerprint == recorded.gemmFingerprint {
            #expect(current.worldModel == recorded.worldModel, "the world model's plans are not bitwise those recorded before batching")
        } else {
            // Another GEMM summation order (another machine): the same plans up to rounding.
            let a = current.worldModel.map(Float.init(bitPattern:)), b = recorded.worldModel.map(Float.init(bitPattern:))
            #expect(maxAbsDifference(Array(a.dropLast()), Array(b.dropLast())) < 2e-3, "\(a) vs \(b)")
            // The number of draws does not depend on the values: the generator ends in the same state.
            #expect(current.worldModel.last == recorded.worldModel.last)
        }
    }

    // MARK: Several environments

    /// Each environment steers toward the target from its own start: the first actions are each start's own
    /// optimum, so no row of one environment leaks into another's elites.
    @Test func eachEnvironmentPlansForItsOwnLatent() {
        var configuration = MPPIConfiguration()
        configuration.sampleCount = 256; configuration.eliteCount = 32; configuration.policyTrajectoryCount = 8
        var planner = MPPIPlanner(configuration: configuration, actionDimensions: 1)
        var g = SeededGenerator(seed: 5)
        // z + 0.5 a = target: the best first actions are 2 (target - z), clamped to [-1, 1].
        let starts: [Float] = [0, -0.8, 0.5, -0.1], target: Float = -0.2
        let actions = planner.plan(fromLatents: Tensor(shape: [4, 1], scalars: starts), model: PolicyAndPlannerTests.PointModel(target: target),
                                   discount: 0.99, isFirstStep: [true, true, true, true], mode: .evaluate, using: &g)
        #expect(actions.shape == [4, 1])
        for (i, start) in starts.enumerated() {
            let best = Swift.min(Swift.max(2 * (target - start), -1), 1)
            #expect(Swift.abs(actions.scalars[i] - best) < 0.1, "environment \(i): planned \(actions.scalars[i]), optimum \(best)")
        }
        #expect(planner.previousMeans.count == 4 && planner.previousMeans.allSatisfy { $0?.shape == [configuration.horizon, 1] })
    }

    /// An environment that starts an episode ignores its old warm start, the others use theirs: the plan of a
    /// continuing environment changes when its warm start is replaced, the restarting one's does not.
    @Test func warmStartsAreKeptApart() {
        let model = PlanningRolloutTests.model(episodic: false, seed: 8)
        let c = model.configuration
        var g = SeededGenerator(seed: 2)
        let latents = withoutGradients { model.encode(Tensor.randomNormal([2, 7], using: &g), augmentationGenerator: &g) }
        var planner = MPPIPlanner(configuration: c.planner, actionDimensions: c.actionDimensions)
        _ = withoutGradients { planner.plan(fromLatents: latents, model: model, discount: 0.9, isFirstStep: [true, true], mode: .explore, using: &g) }
        let warm = planner
        var tampered = planner
        let shifted = Tensor(repeating: 0.9, shape: [c.planner.horizon, c.actionDimensions])
        tampered.previousMeans = [warm.previousMeans[0], shifted]
        func next(_ p: inout MPPIPlanner, flags: [Bool]) -> Tensor {
            var draws = SeededGenerator(seed: 40)
            return withoutGradients { p.plan(fromLatents: latents, model: model, discount: 0.9, isFirstStep: flags, mode: .evaluate, using: &draws) }
        }
        var a = warm, b = tampered
        // Environment 1 restarts: replacing its warm start changes nothing.
        #expect(next(&a, flags: [false, true]) == next(&b, flags: [false, true]))
        // Environment 1 continues: its plan follows its own warm start, environment 0's stays the same.
        a = warm; b = tampered
        let x = next(&a, flags: [false, false]), y = next(&b, flags: [false, false])
        #expect(Array(x.scalars[0..<c.actionDimensions]) == Array(y.scalars[0..<c.actionDimensions]))
        #expect(Array(x.scalars[c.actionDimensions...]) != Array(y.scalars[c.actionDimensions...]))
    }

    /// The world model's batched rollout and the generic tensor path plan the same actions for several
    /// environments (same draws), so the fast path's row layout and per-latent first layers are right.
    @Test(arguments: [false, true])
    func fastPathMatchesTheGenericPathForSeveralEnvironments(episodic: Bool) {
        let model = PlanningRolloutTests.model(episodic: episodic, seed: 11)
        var c = model.configuration
        if !BLAS.isRowSplitInvariant {
            // OpenBLAS's last bits depend on the rows of each call, which the two paths lay out differently, and a
            // choice of 8 elites among 40 can flip on such a bit: weigh every sample instead, so that the plans
            // compare the two paths' values rather than one elite choice.
            c.planner.eliteCount = c.planner.sampleCount
        }
        var g = SeededGenerator(seed: 6)
        let latents = withoutGradients { model.encode(Tensor.randomNormal([3, 7], using: &g), augmentationGenerator: &g) }
        var fast = MPPIPlanner(configuration: c.planner, actionDimensions: c.actionDimensions), generic = fast
        var gf = SeededGenerator(seed: 9), gg = gf
        for flags in [[true, true, true], [false, true, false]] {
            let a = withoutGradients { fast.plan(fromLatents: latents, model: model, discount: 0.9, isFirstStep: flags, mode: .explore, using: &gf) }
            let b = withoutGradients {
                generic.plan(fromLatents: latents, model: PlanningRolloutTests.ProtocolOnly(model), discount: 0.9, isFirstStep: flags, mode: .explore, using: &gg)
            }
            #expect(a.shape == [3, c.actionDimensions])
            #expect(maxAbsDifference(a.scalars, b.scalars) < 2e-3, "\(a.scalars) vs \(b.scalars)")
            #expect(gf == gg, "both paths must draw the same numbers")
        }
    }

    /// Passing the rollout's rows through the heads in blocks changes no value where a row's result does not depend on
    /// the other rows of its GEMM (``BLAS/isRowSplitInvariant``), and none beyond rounding elsewhere.
    @Test func rolloutBlocksChangeNoValue() {
        let model = PlanningRolloutTests.model(episodic: true, seed: 12)
        let c = model.configuration
        var g = SeededGenerator(seed: 4)
        let latents = withoutGradients { model.encode(Tensor.randomNormal([3, 7], using: &g), augmentationGenerator: &g) }
        var whole = MPPIPlanner(configuration: c.planner, actionDimensions: c.actionDimensions), blocked = whole
        blocked.rolloutBlockRows = c.planner.sampleCount   // 3 blocks of 40 rows
        var gw = SeededGenerator(seed: 5), gb = gw
        for flags in [[true, true, true], [false, false, true]] {
            let a = withoutGradients { whole.plan(fromLatents: latents, model: model, discount: 0.9, isFirstStep: flags, mode: .explore, using: &gw) }
            let b = withoutGradients { blocked.plan(fromLatents: latents, model: model, discount: 0.9, isFirstStep: flags, mode: .explore, using: &gb) }
            if BLAS.isRowSplitInvariant {
                #expect(a == b)
            } else {
                // OpenBLAS: a row's last bits may depend on its block (see BLAS.isRowSplitInvariant).
                #expect(maxAbsDifference(a.scalars, b.scalars) < 1e-3, "\(a.scalars) vs \(b.scalars)")
            }
        }
        let means = (whole.previousMeans.map { $0?.scalars ?? [] }, blocked.previousMeans.map { $0?.scalars ?? [] })
        if BLAS.isRowSplitInvariant {
            #expect(means.0 == means.1)
        } else {
            #expect(means.0.count == means.1.count)
            for (x, y) in zip(means.0, means.1) { #expect(x.count == y.count && maxAbsDifference(x, y) < 1e-3) }
        }
    }

    /// Records the rows of every call the planner makes to the model.
    final class CountingModel: LatentModel {
        let model: WorldModel
        var rows: [String: [Int]] = [:]
        init(_ model: WorldModel) { self.model = model }
        func note(_ name: String, _ t: Tensor) { rows[name, default: []].append(t.shape[0]) }
        func next(_ latent: Tensor, _ action: Tensor) -> Tensor { note("next", latent); return model.next(latent, action) }
        func predictedReward(_ latent: Tensor, _ action: Tensor) -> Tensor { note("reward", latent); return model.predictedReward(latent, action) }
        func predictedTermination(_ latent: Tensor) -> Tensor? { note("termination", latent); return model.predictedTermination(latent) }
        func value(_ latent: Tensor, _ action: Tensor, members: [Int]) -> Tensor { note("value", latent); return model.value(latent, action, members: members) }
        func policyAction(_ latent: Tensor, noise: Tensor) -> Tensor { note("policy", latent); return model.policyAction(latent, noise: noise) }
        var valueMemberCount: Int { model.valueMemberCount }
    }

    /// `E` environments make the same model calls as one, each on `E` times the rows: the planner has no loop
    /// over environments around the model (on the fast path, the rollout above takes all `E · N` rows likewise).
    @Test func severalEnvironmentsShareEachModelCall() {
        let model = PlanningRolloutTests.model(episodic: true, seed: 4)
        let c = model.configuration
        var g = SeededGenerator(seed: 1)
        let latents = withoutGradients { model.encode(Tensor.randomNormal([4, 7], using: &g), augmentationGenerator: &g) }
        func calls(_ environments: Int) -> [String: [Int]] {
            let counting = CountingModel(model)
            var planner = MPPIPlanner(configuration: c.planner, actionDimensions: c.actionDimensions)
            var draws = SeededGenerator(seed: 3)
            let rows = Tensor(shape: [environments, c.latentDimensions], scalars: Array(latents.scalars[0..<(environments * c.latentDimensions)]))
            _ = withoutGradients {
                planner.plan(fromLatents: rows, model: counting, discount: 0.9, isFirstStep: Array(repeating: true, count: environments),
                             mode: .explore, using: &draws)
            }
            return counting.rows
        }
        let one = calls(1), four = calls(4)
        #expect(Set(one.keys) == ["next", "reward", "termination", "value", "policy"])
        for (name, rows) in one {
            #expect(four[name] == rows.map { 4 * $0 }, "\(name): 1 environment \(rows), 4 environments \(four[name] ?? [])")
        }
    }
}

/// The agent's batched acting: one environment is `act(_:isFirstStep:mode:)`, several give one action each.
@Suite struct BatchedActingTests {
    static func agent() throws -> TDMPC2Agent {
        var c = TDMPC2Configuration(observationShape: [3], actionDimensions: 2)
        c.latentDimensions = 16; c.mlpDimensions = 32; c.encoderDimensions = 32
        c.planner.sampleCount = 48; c.planner.eliteCount = 8; c.planner.policyTrajectoryCount = 4
        return try TDMPC2Agent(configuration: c, seed: 3)
    }

    @Test func oneEnvironmentIsTheSingleAct() throws {
        let single = try Self.agent(), batched = try Self.agent()
        var g = SeededGenerator(seed: 1)
        for (index, first) in [true, false, false].enumerated() {
            let observation = Tensor.randomNormal([3], using: &g)
            let mode: ActionMode = index == 1 ? .evaluate : .explore
            let a = single.act(observation, isFirstStep: first, mode: mode)
            let b = batched.act(batch: observation.reshaped(to: [1, 3]), isFirstStep: [first], mode: mode)
            #expect(b.shape == [1, 2] && b.scalars == a.scalars)
        }
        #expect(single.actingGenerator == batched.actingGenerator)
    }

    @Test func severalEnvironmentsGetOneActionEach() throws {
        let agent = try Self.agent()
        var g = SeededGenerator(seed: 2)
        let observations = Tensor.randomNormal([5, 3], using: &g)
        let first = agent.act(batch: observations, isFirstStep: Array(repeating: true, count: 5), mode: .explore)
        #expect(first.shape == [5, 2] && first.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(Set(first.scalars).count > 2, "the environments' actions should differ: \(first.scalars)")
        #expect(agent.planner.previousMeans.count == 5)
        // Deterministic for a seed.
        let again = try Self.agent()
        #expect(again.act(batch: observations, isFirstStep: Array(repeating: true, count: 5), mode: .explore) == first)
    }
}
