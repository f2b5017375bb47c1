// Foresight — Sweep
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The sweep directory

/// Where a sweep lives:
///
/// ```
/// SWEEP/sweep.json                 the plan (every run, the version and commit that planned it)
/// SWEEP/runs/<name>/sweep-run.json the run (name, group, seed, version; train: the configuration)
/// SWEEP/runs/<name>/config.json    train: the full run configuration (`foresight train --config`)
/// SWEEP/runs/<name>/...            what `foresight train` or `foresight study counting` writes there
/// SWEEP/logs/                      the engine's logs of each task
/// ```
///
/// Preparing writes only files that are missing (atomically), so a run keeps the record of the version that first
/// planned it; it refuses a directory that holds another sweep.
public struct SweepDirectory: Sendable {
    public let root: URL

    public init(_ root: URL) { self.root = root }

    public var planURL: URL { root.appendingPathComponent("sweep.json") }
    public var logsURL: URL { root.appendingPathComponent("logs", isDirectory: true) }
    public func runDirectory(_ run: SweepRun) -> URL { runDirectory(named: run.name) }
    public func runDirectory(named name: String) -> URL { root.appendingPathComponent("runs", isDirectory: true).appendingPathComponent(name, isDirectory: true) }

    static let recordName = "sweep-run.json", configName = "config.json", failureName = "sweep-failed.txt", lockName = "sweep-task.lock"

    /// The plan saved in the directory.
    /// - Throws: ``SweepError/file(_:reason:)`` when it is missing or malformed.
    public func loadPlan() throws -> SweepPlan {
        guard let data = FileManager.default.contents(atPath: planURL.path) else {
            throw SweepError.file(planURL.path, reason: "no sweep plan: \(root.path) is not a sweep directory (`foresight sweep slurm` or `ray` writes it)")
        }
        do { return try JSONDecoder().decode(SweepPlan.self, from: data) } catch {
            throw SweepError.file(planURL.path, reason: "not a sweep plan (\(error))")
        }
    }

    /// Writes the plan and every run's `sweep-run.json` (and `config.json`) that is missing.
    /// - Throws: ``SweepError`` when the directory holds another sweep or a run directory another run.
    public func prepare(_ plan: SweepPlan) throws {
        let fm = FileManager.default
        let encoder = Self.encoder
        if fm.fileExists(atPath: planURL.path) {
            let old = try loadPlan()
            guard old.sameRuns(as: plan) else {
                throw SweepError.file(planURL.path, reason: "holds another sweep (\(old.name), \(old.runs.count) runs) or other settings: choose another sweep directory")
            }
        }
        try fm.createDirectory(at: logsURL, withIntermediateDirectories: true)
        for run in plan.runs {
            let directory = runDirectory(run)
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            let recordURL = directory.appendingPathComponent(Self.recordName)
            if let data = fm.contents(atPath: recordURL.path) {
                guard let old = try? JSONDecoder().decode(SweepRun.self, from: data), old.withoutVersion == run.withoutVersion else {
                    throw SweepError.file(recordURL.path, reason: "describes another run than \(run.name) of this sweep: choose another sweep directory")
                }
            } else {
                try encoder.encode(run).write(to: recordURL, options: .atomic)
            }
            if let configuration = run.configuration {
                let configURL = directory.appendingPathComponent(Self.configName)
                if !fm.fileExists(atPath: configURL.path) { try encoder.encode(configuration).write(to: configURL, options: .atomic) }
            }
        }
        // Last, so a directory with a plan has all its run directories.
        try encoder.encode(plan).write(to: planURL, options: .atomic)
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    // MARK: Run states

    /// Where a run stands, read from its directory (reading changes nothing).
    public enum RunState: Equatable, Sendable {
        /// `summary.json` (train) or `metrics.json` (study) is there.
        case done
        /// The last attempt threw; the message it wrote.
        case failed(String)
        /// Stopped part-way with something to resume from (a checkpoint; a study's finished run without its tables).
        case interrupted
        /// Nothing to resume from.
        case notStarted

        public var label: String {
            switch self {
            case .done: "done"
            case .failed(let m): "failed: " + m
            case .interrupted: "interrupted (resumable)"
            case .notStarted: "not run"
            }
        }
    }

    public func state(of run: SweepRun) -> RunState {
        let fm = FileManager.default
        let directory = runDirectory(run)
        if fm.fileExists(atPath: directory.appendingPathComponent(run.isStudy ? "metrics.json" : "summary.json").path) { return .done }
        if let data = fm.contents(atPath: directory.appendingPathComponent(Self.failureName).path) {
            return .failed(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if run.isStudy {
            let completed = (try? fm.contentsOfDirectory(atPath: directory.appendingPathComponent("completed").path)) ?? []
            return completed.contains { $0.hasSuffix(".safetensors") } ? .interrupted : .notStarted
        }
        return Trainer.hasCheckpoint(in: directory) ? .interrupted : .notStarted
    }

    /// The indices of the runs that are not done, in order.
    public func pending(_ plan: SweepPlan) -> [Int] { plan.runs.filter { state(of: $0) != .done }.map(\.index) }

    // MARK: Running one task

    /// What a task does with its run.
    public enum TaskAction: Equatable, Sendable {
        /// The run is done: nothing to do.
        case skip
        /// Continue from the checkpoint (train: `--resume`; study: the same command, which reads `completed/`).
        case resume
        /// Start from the beginning.
        case start
    }

    /// Readies a run for its task: clears the failure note of an earlier attempt and, for a train run stopped
    /// before its first checkpoint, the logs it left (nothing can resume from them); then says what to do.
    public func beginTask(_ run: SweepRun) throws -> TaskAction {
        let fm = FileManager.default
        let directory = runDirectory(run)
        guard fm.fileExists(atPath: directory.appendingPathComponent(Self.recordName).path) else {
            throw SweepError.file(directory.path, reason: "no \(Self.recordName): prepare the sweep first (`foresight sweep slurm` or `ray`)")
        }
        if state(of: run) == .done { return .skip }
        try? fm.removeItem(at: directory.appendingPathComponent(Self.failureName))
        if state(of: run) == .interrupted { return .resume }
        if !run.isStudy {
            // Logs without a checkpoint: `foresight train` refuses to append to them, and there is nothing to resume.
            for item in try fm.contentsOfDirectory(atPath: directory.path) where ![Self.recordName, Self.configName, Self.lockName].contains(item) {
                try fm.removeItem(at: directory.appendingPathComponent(item))
            }
        }
        return .start
    }

    /// Takes the run's task lock (`flock` on `sweep-task.lock`; the system releases it when the process ends, also
    /// when it is killed), so that a sweep submitted twice never runs one run in two tasks at once.
    /// - Throws: ``SweepError/file(_:reason:)`` when another task holds it.
    public func lock(_ run: SweepRun) throws -> TaskLock {
        guard FileManager.default.fileExists(atPath: runDirectory(run).appendingPathComponent(Self.recordName).path) else {
            throw SweepError.file(runDirectory(run).path, reason: "no \(Self.recordName): prepare the sweep first (`foresight sweep slurm` or `ray`)")
        }
        let path = runDirectory(run).appendingPathComponent(Self.lockName).path
        let descriptor = open(path, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw SweepError.file(path, reason: "cannot open the task lock (\(String(cString: strerror(errno))))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw SweepError.file(runDirectory(run).path, reason: "run \(run.name) is being run by another task (it holds \(Self.lockName)); wait for it or cancel it")
        }
        return TaskLock(descriptor: descriptor)
    }

    /// A held task lock; released when it is deinitialised (or the process ends).
    public final class TaskLock {
        private let descriptor: Int32
        init(descriptor: Int32) { self.descriptor = descriptor }
        deinit { close(descriptor) }
    }

    /// Records that the task's run threw (`sweep-failed.txt`, atomically), for `collect` to list.
    public func recordFailure(_ run: SweepRun, message: String) throws {
        try Data((message + "\n").utf8).write(to: runDirectory(run).appendingPathComponent(Self.failureName), options: .atomic)
    }

    /// The run's `foresight` arguments for `action` (after the subcommand: `train ...` or `study counting ...`).
    public func arguments(for run: SweepRun, action: TaskAction, threads: Int) -> [String] {
        let directory = runDirectory(run).path
        if let study = run.studyArguments { return ["study", "counting"] + study + ["--run-dir", directory, "--threads", String(threads)] }
        if action == .resume { return ["train", "--resume", "--run-dir", directory, "--threads", String(threads), "--no-progress"] }
        return ["train", "--config", runDirectory(run).appendingPathComponent(Self.configName).path, "--run-dir", directory,
                "--threads", String(threads), "--no-progress"]
    }
}
