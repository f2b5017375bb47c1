// Foresight — GymMuJoCo
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import MuJoCo
import RLCore

// MARK: - Tasks

/// Gymnasium's MuJoCo v5 tasks, with the constants Gymnasium's documentation gives them.
public enum GymMuJoCoTask: String, CaseIterable, Sendable {
    case invertedPendulum = "InvertedPendulum-v5"
    case invertedDoublePendulum = "InvertedDoublePendulum-v5"
    case reacher = "Reacher-v5"
    case swimmer = "Swimmer-v5"
    case hopper = "Hopper-v5"
    case halfCheetah = "HalfCheetah-v5"
    case walker2d = "Walker2d-v5"
    case ant = "Ant-v5"

    /// The Gymnasium id.
    public var id: String { rawValue }

    /// The default MJCF file in Gymnasium's asset directory.
    public var modelFile: String {
        switch self {
        case .invertedPendulum: "inverted_pendulum.xml"
        case .invertedDoublePendulum: "inverted_double_pendulum.xml"
        case .reacher: "reacher.xml"
        case .swimmer: "swimmer.xml"
        case .hopper: "hopper.xml"
        case .halfCheetah: "half_cheetah.xml"
        case .walker2d: "walker2d_v5.xml"
        case .ant: "ant.xml"
        }
    }

    /// Physics steps per environment step (`frame_skip`).
    public var frameSkip: Int {
        switch self {
        case .invertedPendulum, .reacher: 2
        case .swimmer, .hopper, .walker2d: 4
        case .invertedDoublePendulum, .halfCheetah, .ant: 5
        }
    }

    /// The registered step limit.
    public var maxEpisodeSteps: Int { self == .reacher ? 50 : 1000 }

    /// The registered reward threshold, if any.
    public var rewardThreshold: Float? {
        switch self {
        case .invertedPendulum: 950
        case .invertedDoublePendulum: 9100
        case .reacher: -3.75
        case .swimmer: 360
        case .hopper: 3800
        case .halfCheetah: 4800
        case .walker2d: nil
        case .ant: 6000
        }
    }

    /// The default half-width (uniform) or standard deviation (normal) of the reset noise; `nil` for Reacher,
    /// whose reset has fixed ranges.
    public var defaultResetNoiseScale: Double? {
        switch self {
        case .invertedPendulum: 0.01
        case .invertedDoublePendulum, .swimmer, .halfCheetah, .ant: 0.1
        case .hopper, .walker2d: 0.005
        case .reacher: nil
        }
    }

    /// Whether the velocities' reset noise is normal (`scale · N(0, 1)`) rather than uniform in `[-scale, scale)`.
    var normalVelocityNoise: Bool { self == .invertedDoublePendulum || self == .halfCheetah || self == .ant }

    /// How many leading `qpos` elements the observation leaves out by default (the position in the plane).
    var excludedPositions: Int {
        switch self {
        case .swimmer, .ant: 2
        case .hopper, .halfCheetah, .walker2d: 1
        default: 0
        }
    }

    /// The construction options this task accepts besides `modelDirectory`, `xml_file`, `frame_skip`.
    var optionKeys: [String] {
        switch self {
        case .invertedPendulum: ["reset_noise_scale"]
        case .invertedDoublePendulum: ["reset_noise_scale", "healthy_reward"]
        case .reacher: ["reward_dist_weight", "reward_control_weight"]
        case .swimmer, .halfCheetah:
            ["reset_noise_scale", "forward_reward_weight", "ctrl_cost_weight", "exclude_current_positions_from_observation"]
        case .hopper:
            ["reset_noise_scale", "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy",
             "healthy_state_range", "healthy_z_range", "healthy_angle_range", "exclude_current_positions_from_observation"]
        case .walker2d:
            ["reset_noise_scale", "forward_reward_weight", "ctrl_cost_weight", "healthy_reward", "terminate_when_unhealthy",
             "healthy_z_range", "healthy_angle_range", "exclude_current_positions_from_observation"]
        case .ant:
            ["reset_noise_scale", "forward_reward_weight", "ctrl_cost_weight", "contact_cost_weight", "healthy_reward",
             "main_body", "terminate_when_unhealthy", "healthy_z_range", "contact_force_range",
             "exclude_current_positions_from_observation", "include_cfrc_ext_in_observation"]
        }
    }
}
