// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import NN
import RLCore

// MARK: - Checkpoints

extension Trainer {
    /// `RUN/checkpoint`: the agent, the replay buffer and the trainer state.
    public var checkpointDirectory: URL { runDirectory.appendingPathComponent("checkpoint") }

    /// Whether the run directory holds a checkpoint to resume from.
    public static func hasCheckpoint(in runDirectory: URL) -> Bool {
        let fm = FileManager.default
        return ["checkpoint", "checkpoint.previous"].contains { fm.fileExists(atPath: runDirectory.appendingPathComponent($0).appendingPathComponent("trainer.json").path) }
    }

    /// Environment steps done so far.
    public var completedSteps: Int { state.step }

    /// Writes the checkpoint into a fresh directory and swaps it in with renames, so a crash at any
    /// moment leaves either the old or the new checkpoint complete.
    func saveCheckpoint() throws {
        let fm = FileManager.default
        let temporary = runDirectory.appendingPathComponent("checkpoint.tmp")
        let previous = runDirectory.appendingPathComponent("checkpoint.previous")
        try? fm.removeItem(at: temporary)
        try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
        var (tensors, metadata) = agent.checkpointTensors()
        if let p = agent.categoricalPlanner?.previousProbabilities { tensors["planner.previous_probabilities"] = Tensor(p) }
        try SafeTensors.save(tensors, metadata: metadata, to: temporary.appendingPathComponent("agent.safetensors"))
        var bufferTensors: [String: Tensor] = [:]
        for (i, e) in buffer.episodes.enumerated() {
            let key = String(format: "episode.%08d", i)
            bufferTensors["\(key).observations"] = e.observations
            bufferTensors["\(key).actions"] = e.actions
            bufferTensors["\(key).rewards"] = e.rewards
            bufferTensors["\(key).terminated"] = e.terminated
            bufferTensors["\(key).state_values"] = e.stateValues
        }
        try SafeTensors.save(bufferTensors, metadata: ["episodes": "\(buffer.episodes.count)"], to: temporary.appendingPathComponent("buffer.safetensors"))
        var saved = state
        saved.lastCheckpointStep = state.step
        saved.logSizes = Dictionary(uniqueKeysWithValues: logs.map { ($0.key, $0.log.sizes) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(saved).write(to: temporary.appendingPathComponent("trainer.json"))
        try? fm.removeItem(at: previous)
        if fm.fileExists(atPath: checkpointDirectory.path) { try fm.moveItem(at: checkpointDirectory, to: previous) }
        try fm.moveItem(at: temporary, to: checkpointDirectory)
        try? fm.removeItem(at: previous)
        state.lastCheckpointStep = state.step
    }

    /// Restores the agent, buffer, counters, generators and logs from the run's checkpoint, truncating the logs
    /// back to their sizes at that checkpoint (rows written after it would otherwise appear twice).
    /// - Throws: ``TrainerError/checkpoint(_:)`` naming what is missing, out of range or inconsistent (the file, the
    ///   field and the value), ``AgentError`` for an agent checkpoint of another configuration or with a bad value,
    ///   `CheckpointError` for a damaged file. Every value is checked before the trainer, the agent or a log is changed.
    public func resume() throws {
        try restoreCheckpoint(truncatingLogs: true)
    }

    /// Restores the agent, buffer, counters and generators from the run's checkpoint without touching the run's
    /// logs, for evaluating a run (possibly one that is still training, or in a read-only directory).
    /// - Throws: as ``resume()``.
    public func loadCheckpoint() throws {
        try restoreCheckpoint(truncatingLogs: false)
    }

    /// The logs written to the run directory, keyed as in ``TrainerState/logSizes``.
    var logs: [(key: String, log: RunLog)] {
        var logs = [("updates", updateLog), ("episodes", episodeLog), ("evaluations", evaluationLog)]
        if let probe = evaluationProbe, let probeLog { logs.append(("probe." + probe.name, probeLog)) }
        return logs
    }

    /// Throws ``TrainerError/staleLogs(directory:files:)`` when this trainer has not started or resumed and the run
    /// directory already holds its logs (non-empty), for example of a run stopped before its first checkpoint: a new
    /// run would append to them. ``run(onEvent:)`` checks it before its first step.
    public func refuseStaleLogs() throws {
        guard state.step == 0 && state.episode == 0 else { return }
        let stale = logs.flatMap { [$0.log.csvURL, $0.log.jsonlURL] }.filter {
            ((try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? UInt64) ?? 0) > 0
        }
        guard stale.isEmpty else { throw TrainerError.staleLogs(directory: runDirectory.path, files: stale.map(\.lastPathComponent)) }
    }

    func restoreCheckpoint(truncatingLogs: Bool) throws {
        let fm = FileManager.default
        var directory = checkpointDirectory
        if !fm.fileExists(atPath: directory.appendingPathComponent("trainer.json").path) {
            directory = runDirectory.appendingPathComponent("checkpoint.previous")
        }
        let stateFile = directory.appendingPathComponent("trainer.json")
        guard let data = try? Data(contentsOf: stateFile) else {
            throw TrainerError.checkpoint("no checkpoint in \(runDirectory.path) (expected checkpoint/trainer.json)")
        }
        let restored: TrainerState
        do { restored = try JSONDecoder().decode(TrainerState.self, from: data) } catch {
            throw TrainerError.checkpoint("\(stateFile.path) is malformed: \(error)")
        }
        try validate(restored, file: stateFile.path)
        if truncatingLogs {
            for (key, log) in logs { try log.checkTruncation(to: restored.logSizes[key] ?? [0, 0], file: stateFile.path, field: "logSizes.\(key)") }
        }
        let agentURL = directory.appendingPathComponent("agent.safetensors"), bufferURL = directory.appendingPathComponent("buffer.safetensors")
        /// A damaged file's `CheckpointError` with the file's path in front (a missing file's error names it already).
        func load(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
            do { return try SafeTensors.load(from: url) } catch let error as CheckpointError {
                if case .fileNotFound = error { throw error }
                if case .readFailed = error { throw error }
                throw TrainerError.checkpoint("\(url.path): \(error)")
            }
        }
        let agentFile = try load(agentURL), bufferFile = try load(bufferURL)
        guard let countText = bufferFile.metadata["episodes"], let count = Int(countText), count >= 0 else {
            throw TrainerError.checkpoint("\(bufferURL.path): metadata \"episodes\" is \(bufferFile.metadata["episodes"] ?? "missing"): expected a whole number >= 0")
        }
        guard count <= restored.episode else {
            throw TrainerError.checkpoint("\(bufferURL.path) holds \(count) episodes, more than the \(restored.episode) of \(stateFile.path)")
        }
        var restoredBuffer = EpisodeReplayBuffer(capacity: configuration.bufferCapacity)
        for i in 0..<count {
            let key = String(format: "episode.%08d", i)
            guard let o = bufferFile.tensors["\(key).observations"], let a = bufferFile.tensors["\(key).actions"],
                  let r = bufferFile.tensors["\(key).rewards"], let t = bufferFile.tensors["\(key).terminated"],
                  let v = bufferFile.tensors["\(key).state_values"] else { throw TrainerError.checkpoint("\(bufferURL.path) is missing \(key)") }
            let length = a.shape.first ?? 0
            guard length >= 1, o.shape.first == length + 1, r.shape == [length], t.shape == [length], v.shape == [length + 1],
                  a.rank == 2, a.shape[1] == adapter.agentDimensions, Array(o.shape.dropFirst()) == agent.configuration.observationShape else {
                throw TrainerError.checkpoint("\(bufferURL.path): \(key) has inconsistent shapes (observations \(o.shape), actions \(a.shape), rewards \(r.shape), terminated \(t.shape), state values \(v.shape))")
            }
            restoredBuffer.append(Episode(observations: o, actions: a, rewards: r, terminated: t, stateValues: v))
        }
        try agent.restore(tensors: agentFile.tensors, metadata: agentFile.metadata, source: agentURL.path)
        if agent.categoricalPlanner != nil { agent.categoricalPlanner?.previousProbabilities = agentFile.tensors["planner.previous_probabilities"]?.scalars }
        buffer = restoredBuffer
        state = restored
        applySchedules()
        if truncatingLogs {
            for (key, log) in logs { try log.truncate(to: restored.logSizes[key] ?? [0, 0]) }
        }
    }

    /// Checks a trainer state read from `file` as strictly as user input: counters in range and consistent.
    func validate(_ s: TrainerState, file: String) throws {
        func fail(_ field: String, _ value: Any, expected: String) -> TrainerError {
            .checkpoint("\(file): \"\(field)\" is \(value): expected \(expected)")
        }
        // Whole numbers that stay exact as Doubles (the logs' number format) and leave room to count on.
        let limit = 1 << 53
        for (field, value) in [("step", s.step), ("episode", s.episode), ("updates", s.updates)] where !(0...limit).contains(value) {
            throw fail(field, value, expected: "a whole number from 0 to \(limit)")
        }
        guard s.lastCheckpointStep == s.step else { throw fail("lastCheckpointStep", s.lastCheckpointStep, expected: "the checkpoint's step, \(s.step)") }
        guard s.nextEvaluationStep > s.step, s.nextEvaluationStep <= limit else {
            throw fail("nextEvaluationStep", s.nextEvaluationStep, expected: "a step after the checkpoint's (\(s.step)), at most \(limit)")
        }
        guard s.elapsedSeconds >= 0 else { throw fail("elapsedSeconds", s.elapsedSeconds, expected: "a number >= 0") }
        for (i, e) in s.evaluations.enumerated() where !(0...s.step).contains(e.step) {
            throw fail("evaluations[\(i)].step", e.step, expected: "a step from 0 to the checkpoint's (\(s.step))")
        }
    }
}
