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
        saved.logSizes = ["updates": updateLog.sizes, "episodes": episodeLog.sizes, "evaluations": evaluationLog.sizes]
        if let probe = evaluationProbe, let probeLog { saved.logSizes["probe." + probe.name] = probeLog.sizes }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(saved).write(to: temporary.appendingPathComponent("trainer.json"))
        try? fm.removeItem(at: previous)
        if fm.fileExists(atPath: checkpointDirectory.path) { try fm.moveItem(at: checkpointDirectory, to: previous) }
        try fm.moveItem(at: temporary, to: checkpointDirectory)
        try? fm.removeItem(at: previous)
        state.lastCheckpointStep = state.step
    }

    /// Restores the agent, buffer, counters, generators and logs from the run's checkpoint.
    /// - Throws: ``TrainerError/checkpoint(_:)`` naming what is missing or inconsistent,
    ///   ``AgentError`` for an agent checkpoint of another configuration, `CheckpointError` for a damaged file.
    public func resume() throws {
        let fm = FileManager.default
        var directory = checkpointDirectory
        if !fm.fileExists(atPath: directory.appendingPathComponent("trainer.json").path) {
            directory = runDirectory.appendingPathComponent("checkpoint.previous")
        }
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("trainer.json")) else {
            throw TrainerError.checkpoint("no checkpoint in \(runDirectory.path) (expected checkpoint/trainer.json)")
        }
        let restored: TrainerState
        do { restored = try JSONDecoder().decode(TrainerState.self, from: data) } catch {
            throw TrainerError.checkpoint("\(directory.path)/trainer.json is malformed: \(error)")
        }
        let agentFile = try SafeTensors.load(from: directory.appendingPathComponent("agent.safetensors"))
        let bufferFile = try SafeTensors.load(from: directory.appendingPathComponent("buffer.safetensors"))
        guard let count = bufferFile.metadata["episodes"].flatMap(Int.init), count >= 0 else {
            throw TrainerError.checkpoint("buffer.safetensors has no episode count")
        }
        var restoredBuffer = EpisodeReplayBuffer(capacity: configuration.bufferCapacity)
        for i in 0..<count {
            let key = String(format: "episode.%08d", i)
            guard let o = bufferFile.tensors["\(key).observations"], let a = bufferFile.tensors["\(key).actions"],
                  let r = bufferFile.tensors["\(key).rewards"], let t = bufferFile.tensors["\(key).terminated"],
                  let v = bufferFile.tensors["\(key).state_values"] else { throw TrainerError.checkpoint("buffer.safetensors is missing \(key)") }
            let length = a.shape.first ?? 0
            guard length >= 1, o.shape.first == length + 1, r.shape == [length], t.shape == [length], v.shape == [length + 1],
                  a.rank == 2, a.shape[1] == adapter.agentDimensions, Array(o.shape.dropFirst()) == agent.configuration.observationShape else {
                throw TrainerError.checkpoint("\(key) in buffer.safetensors has inconsistent shapes")
            }
            restoredBuffer.append(Episode(observations: o, actions: a, rewards: r, terminated: t, stateValues: v))
        }
        try agent.restore(tensors: agentFile.tensors, metadata: agentFile.metadata, source: directory.path)
        if agent.categoricalPlanner != nil { agent.categoricalPlanner?.previousProbabilities = agentFile.tensors["planner.previous_probabilities"]?.scalars }
        buffer = restoredBuffer
        state = restored
        applySchedules()
        try updateLog.truncate(to: restored.logSizes["updates"] ?? [0, 0])
        try episodeLog.truncate(to: restored.logSizes["episodes"] ?? [0, 0])
        try evaluationLog.truncate(to: restored.logSizes["evaluations"] ?? [0, 0])
        if let probe = evaluationProbe, let probeLog { try probeLog.truncate(to: restored.logSizes["probe." + probe.name] ?? [0, 0]) }
    }
}
