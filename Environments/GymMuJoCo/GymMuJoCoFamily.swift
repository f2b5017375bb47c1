// Foresight — GymMuJoCo
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore

// MARK: - Registration

/// Gymnasium's MuJoCo v5 environments under their Gymnasium ids (``GymMuJoCoTask``), with Gymnasium's step
/// limits and reward thresholds. Making one loads its model from Gymnasium's installed asset directory
/// (``GymMuJoCoModels``); registering needs no model files.
public enum GymMuJoCoFamily {
    /// Registers every task into `registry`.
    /// - Throws: ``RegistryError/duplicateID(_:)`` when one of the ids is already registered.
    public static func register(into registry: inout EnvironmentRegistry) throws {
        for task in GymMuJoCoTask.allCases {
            try registry.register(EnvironmentSpec(id: task.id, maxEpisodeSteps: task.maxEpisodeSteps,
                                                  rewardThreshold: task.rewardThreshold) {
                try GymMuJoCoEnvironment(task, options: $0)
            })
        }
    }
}
