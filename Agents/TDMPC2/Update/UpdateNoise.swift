// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN
import RLCore

// MARK: - The draws and measurements of an update

/// The random draws of one update, injectable so that a test can reproduce a reference exactly.
public struct UpdateNoise {
    /// The two target-Q members whose minimum forms the TD target.
    public var tdPair: [Int]
    /// `[H, B, A]` standard normal draws for the policy action at the next latents.
    public var tdNoise: Tensor
    /// `[H + 1, B, A]` standard normal draws for the policy update.
    public var policyNoise: Tensor
    /// The two online-Q members averaged in the policy loss.
    public var policyPair: [Int]

    public init(tdPair: [Int], tdNoise: Tensor, policyNoise: Tensor, policyPair: [Int]) {
        self.tdPair = tdPair; self.tdNoise = tdNoise; self.policyNoise = policyNoise; self.policyPair = policyPair
    }
}

/// What one update measured, in the order the trainer logs it.
public struct UpdateMetrics: Sendable, Equatable {
    public var consistencyLoss: Float = 0, rewardLoss: Float = 0, valueLoss: Float = 0, terminationLoss: Float = 0
    public var currentRewardLoss: Float = 0, randomProjectionLoss: Float = 0
    public var totalLoss: Float = 0, gradientNorm: Float = 0
    public var policyLoss: Float = 0, policyGradientNorm: Float = 0, policyEntropy: Float = 0, scale: Float = 0

    /// Named values for logging.
    public var named: [(name: String, value: Double)] {
        [("consistency_loss", consistencyLoss), ("reward_loss", rewardLoss), ("value_loss", valueLoss), ("termination_loss", terminationLoss),
         ("current_reward_loss", currentRewardLoss), ("random_projection_loss", randomProjectionLoss), ("total_loss", totalLoss),
         ("grad_norm", gradientNorm), ("pi_loss", policyLoss), ("pi_grad_norm", policyGradientNorm), ("pi_entropy", policyEntropy), ("pi_scale", scale)]
            .map { ($0.0, Double($0.1)) }
    }

    /// Whether every value is finite.
    public var isFinite: Bool { named.allSatisfy { $0.value.isFinite } }
}

extension TDMPC2Agent {
    /// Draws the noise of one update from the agent's generator.
    func drawNoise(horizon h: Int, batch b: Int) -> UpdateNoise {
        let a = configuration.actionDimensions
        return UpdateNoise(tdPair: randomPair(), tdNoise: policyNoise([h, b, a]), policyNoise: policyNoise([h + 1, b, a]), policyPair: randomPair())
    }

    /// Standard normal draws (Gaussian prior) or standard Gumbel draws (categorical prior).
    func policyNoise(_ shape: [Int]) -> Tensor {
        Self.policyNoise(shape, discrete: configuration.discreteActionCount != nil, using: &generator)
    }

    static func policyNoise(_ shape: [Int], discrete: Bool, using generator: inout some RandomNumberGenerator) -> Tensor {
        guard discrete else { return .randomNormal(shape, using: &generator) }
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in generator.nextGumbel() })
    }

    /// Two distinct Q members, uniformly (`randperm(num_q)[:2]`).
    func randomPair() -> [Int] {
        let n = configuration.qCount
        let first = Int(generator.next() % UInt64(n))
        var second = Int(generator.next() % UInt64(n - 1))
        if second >= first { second += 1 }
        return [first, second]
    }

}
