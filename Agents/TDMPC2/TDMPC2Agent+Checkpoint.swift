// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import NN
import Optimizers

// MARK: - Save and load

/// Errors from loading an agent.
public enum AgentError: Error, CustomStringConvertible, Equatable {
    case incompatibleCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case let .incompatibleCheckpoint(path, reason): "cannot load agent checkpoint \(path): \(reason)"
        }
    }
}

extension TDMPC2Agent {
    /// Everything needed to continue exactly: weights (incl. target Q), both optimizers, the running
    /// scale, generator states, the planner's warm start and the configuration.
    public func checkpointTensors() -> (tensors: [String: Tensor], metadata: [String: String]) {
        var tensors: [String: Tensor] = [:]
        for (path, t) in model.stateDict() { tensors["model.\(path)"] = t }
        if let averagedModel { for (path, t) in averagedModel.stateDict() { tensors["average.\(path)"] = t } }
        for (path, t) in modelOptimizer.stateDict() { tensors["optim.model.\(path)"] = t }
        for (path, t) in policyOptimizer.stateDict() { tensors["optim.policy.\(path)"] = t }
        if let m = planner.previousMean { tensors["planner.previous_mean"] = m }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let configurationJSON = (try? encoder.encode(configuration)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
        func words(_ g: SeededGenerator) -> String { g.state.map(String.init).joined(separator: ",") }
        let metadata: [String: String] = [
            "format": "foresight.tdmpc2.v1", "configuration": configurationJSON, "scale": "\(scale.value)",
            "update_count": "\(updateCount)", "generator": words(generator), "acting_generator": words(actingGenerator),
            "q_dropout_generator": words(model.qs.dropoutGenerator),
        ]
        return (tensors, metadata)
    }

    /// Writes the checkpoint atomically (temporary file, then rename).
    public func save(to url: URL) throws {
        let (tensors, metadata) = checkpointTensors()
        try SafeTensors.save(tensors, metadata: metadata, to: url)
    }

    /// Restores a checkpoint written by ``save(to:)`` for the same configuration.
    /// - Throws: ``AgentError/incompatibleCheckpoint(path:reason:)`` for another format or configuration,
    ///   and `CheckpointError` for a damaged file. The agent is unchanged when it throws.
    public func load(from url: URL) throws {
        let (tensors, metadata) = try SafeTensors.load(from: url)
        try restore(tensors: tensors, metadata: metadata, source: url.path)
    }

    /// Restores from tensors and metadata (see ``checkpointTensors()``).
    public func restore(tensors: [String: Tensor], metadata: [String: String], source: String) throws {
        func fail(_ reason: String) -> AgentError { .incompatibleCheckpoint(path: source, reason: reason) }
        guard metadata["format"] == "foresight.tdmpc2.v1" else { throw fail("not a Foresight TD-MPC2 checkpoint (format \(metadata["format"] ?? "missing"))") }
        guard let json = metadata["configuration"]?.data(using: .utf8),
              let saved = try? JSONDecoder().decode(TDMPC2Configuration.self, from: json) else { throw fail("configuration is missing or malformed") }
        guard saved.resolvingDefaults == configuration.resolvingDefaults else { throw fail("it was written for a different configuration") }
        func generatorState(_ key: String) throws -> SeededGenerator {
            let words = (metadata[key] ?? "").split(separator: ",").compactMap { UInt64($0) }
            guard words.count == 4, words.contains(where: { $0 != 0 }) else { throw fail("generator state \"\(key)\" is missing or malformed") }
            return SeededGenerator(state: words)
        }
        guard let scaleText = metadata["scale"], let updatesText = metadata["update_count"] else { throw fail("scale or update count is missing") }
        guard let scaleValue = Float(scaleText), scaleValue.isFinite, scaleValue > 0 else {
            throw fail("metadata \"scale\" is \(scaleText): expected a positive finite number")
        }
        // The same bound as the optimizers' step counts, so that counting on never overflows.
        guard let updates = Int(updatesText), updates >= 0, updates <= Adam.maxStoredStep else {
            throw fail("metadata \"update_count\" is \(updatesText): expected a whole number from 0 to \(Adam.maxStoredStep)")
        }
        let g = try generatorState("generator"), ag = try generatorState("acting_generator"), qg = try generatorState("q_dropout_generator")
        func section(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        // Validate everything before changing anything.
        let modelState = section("model.")
        let backup = model.stateDict(), averageBackup = averagedModel?.stateDict()
        let modelOptimizerBackup = modelOptimizer.stateDict()
        func loadOptimizer(_ optimizer: Adam, _ prefix: String) throws {
            do { try optimizer.load(stateDict: section(prefix)) } catch let error as OptimizerError { throw error.prefixingNames(with: prefix) }
        }
        do {
            try model.load(stateDict: modelState)
            try averagedModel?.load(stateDict: section("average."))
            try loadOptimizer(modelOptimizer, "optim.model.")
            try loadOptimizer(policyOptimizer, "optim.policy.")
        } catch {
            try? model.load(stateDict: backup)
            if let averageBackup { try? averagedModel?.load(stateDict: averageBackup) }
            try? modelOptimizer.load(stateDict: modelOptimizerBackup)
            throw fail("\(error)")
        }
        scale = RunningScale(value: scaleValue, tau: configuration.tau)
        updateCount = updates
        generator = g
        actingGenerator = ag
        model.qs.dropoutGenerator = qg
        planner.previousMean = tensors["planner.previous_mean"]
    }
}
