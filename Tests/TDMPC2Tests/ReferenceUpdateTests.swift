// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import NN
import Foundation
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

/// One full TD-MPC2 update against the committed PyTorch reference (scripts/fixtures/tdmpc2_reference.py):
/// same weights, batch and injected noise; losses, every gradient, the updated parameters, the
/// policy update, the running scale and the target-Q EMA must agree.
@Suite struct ReferenceUpdateTests {
    struct Fixture {
        let json: [String: Any]
        let tensors: [String: Tensor]
        init() throws {
            let url = try #require(Bundle.module.url(forResource: "tdmpc2_update", withExtension: "safetensors", subdirectory: "Fixtures"))
            tensors = try SafeTensors.load(from: url).tensors
            let jurl = try #require(Bundle.module.url(forResource: "tdmpc2_update", withExtension: "json", subdirectory: "Fixtures"))
            json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: jurl)) as? [String: Any])
        }
        func tensor(_ name: String) throws -> Tensor { try #require(tensors[name], "fixture has no tensor \(name)") }
    }

    static func configuration(clip: Float) -> TDMPC2Configuration {
        var c = TDMPC2Configuration(observationShape: [7], actionDimensions: 2)
        c.latentDimensions = 16; c.mlpDimensions = 32; c.encoderDimensions = 32; c.encoderLayerCount = 2; c.qCount = 5
        c.horizon = 3; c.batchSize = 8; c.discountOverride = 0.9; c.isEpisodic = true; c.qDropout = 0
        c.gradientClipNorm = clip
        return c
    }

    /// `max |a - b| <= tolerance * max |b|` per tensor.
    static func expectClose(_ a: Tensor, _ b: Tensor, relativeToMax tolerance: Float, _ name: String) {
        #expect(a.shape == b.shape, "\(name): shape \(a.shape) vs \(b.shape)")
        let scale = Swift.max(b.scalars.map { Swift.abs($0) }.max() ?? 0, 1e-12)
        let diff = maxAbsDifference(a.scalars, b.scalars)
        #expect(diff <= tolerance * scale, "\(name): max diff \(diff), reference max \(scale)")
    }

    @Test(arguments: [("clip20", Float(20)), ("clip005", Float(0.05))])
    func updateMatchesPyTorch(_ testCase: (name: String, clip: Float)) throws {
        let f = try Fixture()
        let agent = try TDMPC2Agent(configuration: Self.configuration(clip: testCase.clip), seed: 1)
        let modelState = f.tensors.filter { k, _ in ["encoder.", "dynamics.", "reward.", "termination.", "policy.", "qs.", "targetQs."].contains { k.hasPrefix($0) } }
        try agent.model.load(stateDict: modelState)
        let batch = SequenceBatch(observations: try f.tensor("obs"), actions: try f.tensor("action"), rewards: try f.tensor("reward"),
                                  terminated: try f.tensor("terminated"), stateValues: .zeros([4, 8, 1]))
        let noise = UpdateNoise(tdPair: try f.tensor("td_pair").scalars.map { Int($0) }, tdNoise: try f.tensor("td_eps"),
                                policyNoise: try f.tensor("pi_eps"), policyPair: try f.tensor("pi_pair").scalars.map { Int($0) })
        agent.keepsGradients = true
        let metrics = agent.update(batch, noise: noise)

        let cases = try #require(f.json["cases"] as? [String: [String: Double]])
        let expected = try #require(cases[testCase.name])
        let prefix = testCase.name == "clip20" ? "" : "clip005."
        for (name, value) in [("consistency_loss", metrics.consistencyLoss), ("reward_loss", metrics.rewardLoss), ("value_loss", metrics.valueLoss),
                              ("termination_loss", metrics.terminationLoss), ("total_loss", metrics.totalLoss), ("grad_norm", metrics.gradientNorm),
                              ("pi_loss", metrics.policyLoss), ("pi_grad_norm", metrics.policyGradientNorm), ("scale_value", metrics.scale)] {
            let ref = try #require(expected[name], "fixture has no \(name)")
            #expect(Swift.abs(Double(value) - ref) <= 1e-4 * Swift.max(Swift.abs(ref), 1e-3), "\(name): \(value) vs \(ref)")
        }
        let grads = try #require(agent.lastGradients)
        let named = agent.model.encoderParameters + agent.model.headParameters
        for (path, p) in named {
            // Unclipped model gradients are the same in both cases and stored once.
            let ref = try f.tensor("grad.\(path)")
            Self.expectClose(grads.model[p] ?? .zeros(p.value.shape), ref, relativeToMax: 1e-3, "grad.\(path)")
        }
        for (path, p) in agent.model.policy.namedParameters() {
            Self.expectClose(grads.policy[p] ?? .zeros(p.value.shape), try f.tensors["\(prefix)grad.policy.\(path)"] ?? f.tensor("grad.policy.\(path)"), relativeToMax: 1e-3, "grad.policy.\(path)")
        }
        for (path, value) in agent.model.stateDict() {
            let ref = try f.tensor("\(prefix)after.\(path)")
            let diff = maxAbsDifference(value.scalars, ref.scalars)
            #expect(diff <= 3e-5, "after.\(path): max diff \(diff)")
        }
    }
}
