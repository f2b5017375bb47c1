// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import NN

// MARK: - Acting

extension TDMPC2Agent {
    /// Chooses an action for one observation (`tdmpc2.act`).
    /// - Parameters:
    ///   - observation: one observation of `configuration.observationShape`.
    ///   - isFirstStep: the first observation of an episode (resets the planner's warm start).
    ///   - mode: `.explore` (training) or `.evaluate` (with ``averagedModel`` when there is one and ``evaluatesWithAverage``).
    /// - Returns: `[A]` in [-1, 1].
    public func act(_ observation: Tensor, isFirstStep: Bool, mode: ActionMode) -> Tensor {
        precondition(observation.shape == configuration.observationShape,
                     "act: observation shape \(observation.shape) differs from the configured \(configuration.observationShape)")
        if isFirstStep { planner.reset(); categoricalPlanner?.reset(); evaluationPlanner?.reset(); evaluationCategoricalPlanner?.reset() }
        let model = (mode == .evaluate && evaluatesWithAverage ? averagedModel : nil) ?? self.model
        return withoutGradients {
            var augmentation = actingGenerator.split()
            let z = model.encode(observation.reshaped(to: [1] + observation.shape), augmentationGenerator: &augmentation)
            let evaluating = mode == .evaluate && evaluationPlanner != nil
            if configuration.usesPlanner, var categorical = evaluating ? evaluationCategoricalPlanner : categoricalPlanner {
                defer { if evaluating { evaluationCategoricalPlanner = categorical } else { categoricalPlanner = categorical } }
                return categorical.plan(from: z, model: model, discount: configuration.discount, isFirstStep: isFirstStep,
                                        mode: mode, using: &actingGenerator)
            }
            if configuration.usesPlanner, evaluating, var chosen = evaluationPlanner {
                defer { evaluationPlanner = chosen }
                return chosen.plan(from: z, model: model, discount: configuration.discount, isFirstStep: isFirstStep,
                                   mode: mode, using: &actingGenerator)
            }
            if configuration.usesPlanner {
                return planner.plan(from: z, model: model, discount: configuration.discount, isFirstStep: isFirstStep,
                                    mode: mode, using: &actingGenerator)
            }
            let noise = Self.policyNoise([1, configuration.actionDimensions], discrete: configuration.discreteActionCount != nil, using: &actingGenerator)
            let sample = model.pi(z, noise: noise)
            return (mode == .explore ? sample.action : sample.mean).reshaped(to: [configuration.actionDimensions])
        }
    }

    /// Sets the planners' exploration floor (`planner.minStd`, and the evaluation planner's; the trainer's ``TrainerConfiguration/explorationDecay``
    /// anneals it). The configured value stays in `configuration`.
    public func setExplorationFloor(_ floor: Float) {
        planner.configuration.minStd = floor
        categoricalPlanner?.configuration.minStd = floor
        evaluationPlanner?.configuration.minStd = floor
        evaluationCategoricalPlanner?.configuration.minStd = floor
    }
}
