// Foresight — OptimizersTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import NN
import Optimizers
import _TestSupport

// MARK: - Golden values: Adam with global-norm clipping

/// Three Adam steps against float64 `torch.optim.Adam` + `clip_grad_norm_` values from
/// `scripts/fixtures/torch_golden.py` (`Fixtures/golden_adam_*.json`). The gradients are given by the
/// fixture; before each step they are clipped to `max_norm` over all parameters, as TD-MPC2 does.
///
/// Tolerances: norms and clipped gradients `1e-6 + 1e-5 * |expected|`; parameters `1e-6 + 1e-6 * |expected|`
/// (a few float32 ulps of values near 1), at least 100x smaller than how far the parameters move.
@Suite struct GoldenAdamTests {
    struct Setup {
        var fixture: GoldenFixture
        var names: [String]
        var parameters: [String: Parameter]
        var groups: [ParameterGroup]
    }

    private func setup(_ name: String) throws -> Setup {
        let url = try #require(Bundle.module.url(forResource: "golden_\(name)", withExtension: "json", subdirectory: "Fixtures"))
        let f = try GoldenFixture(contentsOf: url)
        let names = f.inputs.keys.filter { $0.hasPrefix("param.") }.map { String($0.dropFirst("param.".count)) }.sorted()
        var parameters: [String: Parameter] = [:]
        var byScale: [Double: [(path: String, parameter: Parameter)]] = [:]
        for n in names {
            let p = Parameter(try f.input("param.\(n)"))
            parameters[n] = p
            byScale[try f.parameter("lr_scale.\(n)"), default: []].append((n, p))
        }
        let groups = byScale.keys.sorted().map { ParameterGroup(named: byScale[$0]!, learningRateScale: Float($0)) }
        return Setup(fixture: f, names: names, parameters: parameters, groups: groups)
    }

    private func makeAdam(_ s: Setup, epsilon: Float? = nil) throws -> Adam {
        let f = s.fixture
        let eps = try epsilon ?? Float(f.parameter("eps"))
        return Adam(s.groups, learningRate: Float(try f.parameter("lr")), beta1: Float(try f.parameter("beta1")),
                    beta2: Float(try f.parameter("beta2")), epsilon: eps)
    }

    private func expectClose(_ f: GoldenFixture, _ actual: Tensor, _ key: String, relative: Double,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let check = f.compare(actual, to: key, absolute: 1e-6, relative: relative)
        #expect(check.passed, "\(check)", sourceLocation: sourceLocation)
    }

    /// Runs the fixture's steps. When `reloadAfter` is set, the optimizer is rebuilt from its
    /// `stateDict()` after that step, which must not change the trajectory.
    private func run(_ name: String, reloadAfter: Int? = nil) throws {
        let s = try setup(name)
        let f = s.fixture
        var adam = try makeAdam(s)
        let maxNorm = Float(try f.parameter("max_norm"))
        let steps = Int(try f.parameter("steps"))
        #expect(steps == 3)
        for step in 1...steps {
            var grads = Gradients()
            for n in s.names { grads[s.parameters[n]!] = try f.input("grad_step\(step).\(n)") }
            let norm = grads.clipGlobalNorm(to: maxNorm)
            expectClose(f, Tensor(norm), "norm_step\(step)", relative: 1e-5)
            for n in s.names { expectClose(f, grads[s.parameters[n]!]!, "clipped_grad_step\(step).\(n)", relative: 1e-5) }
            adam.update(grads)
            for n in s.names { expectClose(f, s.parameters[n]!.value, "param_after_step\(step).\(n)", relative: 1e-6) }
            if step == reloadAfter {
                let state = adam.stateDict()
                adam = try makeAdam(s)
                try adam.load(stateDict: state)
            }
        }
        // The fixture is meaningful: every parameter moved far more than the tolerance.
        for n in s.names {
            let start = try f.input("param.\(n)").scalars, end = try f.output("param_after_step3.\(n)").data
            let moved = zip(start, end).map { Swift.abs(Double($0) - $1) }.max() ?? 0
            #expect(moved > 1e-4, "\(n) moved only \(moved)")
        }
    }

    /// lr 1e-2, two groups (lr x1 and x0.3), max_norm 1: steps 1 and 3 clip, step 2 does not.
    @Test func adamWithClippingAndGroupsMatchesPyTorch() throws {
        let f = try setup("adam_clip").fixture
        let maxNorm = try f.parameter("max_norm")
        let norms = try (1...3).map { try f.output("norm_step\($0)").data[0] }
        #expect(norms[0] > maxNorm && norms[1] < maxNorm && norms[2] > maxNorm)
        #expect(Set(f.parameters.filter { $0.key.hasPrefix("lr_scale.") }.values) == [1.0, 0.3])
        try run("adam_clip")
    }

    @Test func reloadingOptimizerStateMidwayKeepsTheTrajectory() throws {
        try run("adam_clip", reloadAfter: 2)
    }

    /// eps 1e-5 (TD-MPC2's policy optimizer), lr 3e-4, gradients ~1e-4 so that eps matters.
    @Test func adamWithEpsilon1e5MatchesPyTorch() throws {
        try run("adam_eps1e-5")
    }

    /// The eps fixture discriminates: the default eps 1e-8 lands measurably away from it.
    @Test func epsilonChangesTheResult() throws {
        let s = try setup("adam_eps1e-5")
        let f = s.fixture
        let adam = try makeAdam(s, epsilon: 1e-8)
        for step in 1...3 {
            var grads = Gradients()
            for n in s.names { grads[s.parameters[n]!] = try f.input("grad_step\(step).\(n)") }
            adam.update(grads)
        }
        let check = f.compare(s.parameters["w"]!.value, to: "param_after_step3.w", absolute: 1e-6, relative: 1e-6)
        #expect(!check.passed, "eps 1e-8 should not reproduce the eps 1e-5 trajectory: \(check)")
        #expect(check.worstRatio > 10)
    }
}
