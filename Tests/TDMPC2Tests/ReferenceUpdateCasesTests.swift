// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import NN
import RLCore
import Testing
@testable import TDMPC2
import _TestSupport

/// One full TD-MPC2 update against the PyTorch reference for the pixel encoder and two auxiliary routings
/// (scripts/fixtures/tdmpc2_reference_cases.py, fixtures `tdmpc2_update_<case>.*`): same weights, batch and
/// injected noise; the losses (including the current-reward and random-projection losses), every unclipped
/// gradient and every updated parameter (model, policy, target Qs) must agree.
@Suite struct ReferenceUpdateCasesTests {
    struct Fixture {
        let json: [String: Any]
        let tensors: [String: Tensor]
        init(_ name: String) throws {
            let url = try #require(Bundle.module.url(forResource: "tdmpc2_update_\(name)", withExtension: "safetensors", subdirectory: "Fixtures"))
            tensors = try SafeTensors.load(from: url).tensors
            let jurl = try #require(Bundle.module.url(forResource: "tdmpc2_update_\(name)", withExtension: "json", subdirectory: "Fixtures"))
            json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: jurl)) as? [String: Any])
        }
        func tensor(_ name: String) throws -> Tensor { try #require(tensors[name], "fixture has no tensor \(name)") }
        func section(_ key: String) throws -> [String: Any] { try #require(json[key] as? [String: Any], "fixture JSON has no \(key)") }
    }

    /// The Swift configuration of a fixture; fails when the fixture's routing is not the Swift preset it names
    /// or when a hyperparameter differs from the Swift default the update uses.
    static func configuration(_ f: Fixture) throws -> TDMPC2Configuration {
        let cfg = try f.section("config")
        func int(_ key: String) throws -> Int { try #require(cfg[key] as? Int, "config has no integer \(key)") }
        func float(_ key: String) throws -> Float { Float(try #require(cfg[key] as? Double, "config has no number \(key)")) }
        var c = TDMPC2Configuration(observationShape: try #require(cfg["obs_shape"] as? [Int]), actionDimensions: try int("action_dim"))
        c.latentDimensions = try int("latent_dim"); c.mlpDimensions = try int("mlp_dim"); c.encoderDimensions = try int("enc_dim")
        c.encoderLayerCount = try int("num_enc_layers"); c.qCount = try int("num_q")
        c.horizon = try int("horizon"); c.batchSize = try int("batch_size"); c.discountOverride = try float("discount")
        c.isEpisodic = try #require(cfg["episodic"] as? Bool); c.qDropout = try float("dropout")
        c.gradientClipNorm = try float("grad_clip_norm")
        c.shiftAugmentation = try #require(cfg["shift_augmentation"] as? Bool)
        if let channels = cfg["pixel_channels"] as? Int { c.pixelChannels = channels }
        c.routing = try AuxiliaryRouting(parsing: try #require(cfg["routing_preset"] as? String))
        let routingData = try JSONSerialization.data(withJSONObject: try f.section("routing"))
        let fixtureRouting = try JSONDecoder().decode(AuxiliaryRouting.self, from: routingData)
        c.routing.randomProjectionDimensions = fixtureRouting.randomProjectionDimensions
        // The preset's switches must be the fixture's; its coefficients come from the fixture.
        var switches = fixtureRouting
        switches.currentRewardCoefficient = c.routing.currentRewardCoefficient
        switches.randomProjectionCoefficient = c.routing.randomProjectionCoefficient
        #expect(switches == c.routing, "fixture routing \(fixtureRouting) differs from the Swift preset \(c.routing)")
        c.routing = fixtureRouting
        // Values the Swift defaults supply.
        for (key, value) in [("rho", c.rho), ("consistency_coef", c.consistencyCoefficient), ("reward_coef", c.rewardCoefficient),
                             ("value_coef", c.valueCoefficient), ("termination_coef", c.terminationCoefficient), ("lr", c.learningRate),
                             ("enc_lr_scale", c.encoderLearningRateScale), ("tau", c.tau), ("entropy_coef", c.entropyCoefficient),
                             ("log_std_min", c.logStdMin), ("log_std_max", c.logStdMax), ("vmin", c.regression.vmin),
                             ("vmax", c.regression.vmax)] {
            let fixtureValue = try float(key)
            #expect(fixtureValue == value, "config \(key): fixture \(fixtureValue), Swift \(value)")
        }
        let (bins, group) = (try int("num_bins"), try int("simnorm_dim"))
        #expect(bins == c.regression.binCount && group == c.simNormGroupSize)
        return c
    }

    @Test(arguments: ["pixel", "joint_reward", "random_aux"])
    func updateMatchesPyTorch(_ name: String) throws {
        let f = try Fixture(name)
        let c = try Self.configuration(f)
        let agent = try TDMPC2Agent(configuration: c, seed: 1)
        // Initial weights; targetQs starts equal to qs (not stored in the fixture).
        var state: [String: Tensor] = [:]
        for key in agent.model.stateDict().keys {
            state[key] = try f.tensor(key.hasPrefix("targetQs.") ? "qs." + key.dropFirst("targetQs.".count) : key)
        }
        try agent.model.load(stateDict: state)
        if let projection = f.tensors["randomProjection"] {
            #expect(agent.model.randomProjection?.shape == projection.shape)
            agent.model.randomProjection = projection
        }
        #expect((f.tensors["randomProjection"] != nil) == c.routing.randomProjection)
        let obs = try f.tensor("obs")
        #expect(obs.shape == [c.horizon + 1, c.batchSize] + c.observationShape)
        let batch = SequenceBatch(observations: obs, actions: try f.tensor("action"), rewards: try f.tensor("reward"),
                                  terminated: try f.tensor("terminated"), stateValues: try f.tensor("state_values"))
        let noise = UpdateNoise(tdPair: try f.tensor("td_pair").scalars.map { Int($0) }, tdNoise: try f.tensor("td_eps"),
                                policyNoise: try f.tensor("pi_eps"), policyPair: try f.tensor("pi_pair").scalars.map { Int($0) })
        agent.keepsGradients = true
        let metrics = agent.update(batch, noise: noise)

        let expected = try f.section("results")
        for (key, value) in [("consistency_loss", metrics.consistencyLoss), ("reward_loss", metrics.rewardLoss), ("value_loss", metrics.valueLoss),
                             ("termination_loss", metrics.terminationLoss), ("current_reward_loss", metrics.currentRewardLoss),
                             ("random_projection_loss", metrics.randomProjectionLoss), ("total_loss", metrics.totalLoss),
                             ("grad_norm", metrics.gradientNorm), ("pi_loss", metrics.policyLoss), ("pi_grad_norm", metrics.policyGradientNorm),
                             ("scale_value", metrics.scale)] {
            let ref = try #require(expected[key] as? Double, "fixture has no \(key)")
            #expect(Swift.abs(Double(value) - ref) <= 1e-4 * Swift.max(Swift.abs(ref), 1e-3), "\(name) \(key): \(value) vs \(ref)")
        }
        let grads = try #require(agent.lastGradients)
        for (path, p) in agent.model.encoderParameters + agent.model.headParameters {
            ReferenceUpdateTests.expectClose(grads.model[p] ?? .zeros(p.value.shape), try f.tensor("grad.\(path)"), relativeToMax: 1e-3, "\(name) grad.\(path)")
        }
        for (path, p) in agent.model.policy.namedParameters() {
            ReferenceUpdateTests.expectClose(grads.policy[p] ?? .zeros(p.value.shape), try f.tensor("grad.policy.\(path)"), relativeToMax: 1e-3, "\(name) grad.policy.\(path)")
        }
        for (path, value) in agent.model.stateDict() {
            let ref = try f.tensor("after.\(path)")
            #expect(value.shape == ref.shape, "\(name) after.\(path): shape \(value.shape) vs \(ref.shape)")
            let diff = maxAbsDifference(value.scalars, ref.scalars)
            #expect(diff <= 3e-5, "\(name) after.\(path): max diff \(diff)")
        }
    }
}
