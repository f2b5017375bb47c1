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
        let model = mode == .evaluate ? evaluationModel : self.model
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

    /// Chooses actions for `E` environments in one call: one encoder pass over the `E` observations and one
    /// batched MPPI plan (``MPPIPlanner/plan(fromLatents:model:discount:isFirstStep:mode:using:)``), each
    /// environment with its own warm start. One environment is exactly ``act(_:isFirstStep:mode:)``.
    /// - Parameters:
    ///   - observations: `[E] + configuration.observationShape`.
    ///   - isFirstStep: `E` flags: environment `e` starts an episode (its warm start is dropped; the others keep theirs).
    ///   - mode: `.explore` (training) or `.evaluate`.
    /// - Returns: `[E, A]` in [-1, 1].
    /// - Precondition: the shapes above; with more than one environment, continuous actions (the categorical
    ///   planner for `Discrete` actions plans one environment per call).
    public func act(batch observations: Tensor, isFirstStep: [Bool], mode: ActionMode) -> Tensor {
        let shape = configuration.observationShape, environments = isFirstStep.count, a = configuration.actionDimensions
        precondition(environments >= 1 && observations.shape == [environments] + shape,
                     "act(batch:): observations \(observations.shape) for \(environments) first-step flags; expected \([environments] + shape)")
        if environments == 1 {
            return act(observations.reshaped(to: shape), isFirstStep: isFirstStep[0], mode: mode).reshaped(to: [1, a])
        }
        precondition(!configuration.usesPlanner || configuration.discreteActionCount == nil,
                     "act(batch:) with \(environments) environments needs continuous actions; the categorical planner plans one environment per call")
        let model = mode == .evaluate ? evaluationModel : self.model
        return withoutGradients {
            var augmentation = actingGenerator.split()
            let z = model.encode(observations, augmentationGenerator: &augmentation)
            if configuration.usesPlanner, mode == .evaluate, var chosen = evaluationPlanner {
                defer { evaluationPlanner = chosen }
                return chosen.plan(fromLatents: z, model: model, discount: configuration.discount, isFirstStep: isFirstStep, mode: mode,
                                   using: &actingGenerator)
            }
            if configuration.usesPlanner {
                return planner.plan(fromLatents: z, model: model, discount: configuration.discount, isFirstStep: isFirstStep, mode: mode,
                                    using: &actingGenerator)
            }
            let noise = Self.policyNoise([environments, a], discrete: configuration.discreteActionCount != nil, using: &actingGenerator)
            let sample = model.pi(z, noise: noise)
            return mode == .explore ? sample.action : sample.mean
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
