// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit
import Sweep

/// `foresight sweep ...`: seeds × configurations handed to Slurm or Ray, and gathered back into one table.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweeps over seeds and configurations on a Slurm cluster or Ray: plan, write the job script, gather the results.",
        discussion: """
        A sweep description (JSON; see the README, "Running sweeps on a cluster") names a base run (`train`: a run \
        configuration; or `study`: the counting study), the seeds and the axes to vary. `slurm` and `ray` write the \
        sweep directory (sweep.json, runs/<name>/ with each run's configuration, seed and Foresight version) and a job \
        script; each task runs `foresight sweep task`, which skips a finished run and resumes an interrupted one, so \
        writing and submitting the script again completes a stopped sweep. `collect` gathers the runs into one table.
        """,
        subcommands: [SweepPlanCommand.self, SweepSlurm.self, SweepRay.self, SweepTask.self, SweepCollect.self])
}

/// The sweep description and where its directory goes, shared by `plan`, `slurm` and `ray`.
struct SweepSpecOptions: ParsableArguments {
    @Argument(help: "The sweep description (JSON).") var spec: String
    @Option(name: .customLong("sweep-dir"), help: "The sweep directory (default: runs/sweep-<name>).") var sweepDir: String?

    func plan() throws -> (SweepPlan, SweepDirectory) {
        let url = URL(fileURLWithPath: self.spec)
        let spec = try SweepSpec.load(from: url)
        let plan: SweepPlan
        do { plan = try SweepPlan(spec, commit: sourceCommit()) } catch let error as SweepError { throw SweepError.file(url.path, reason: error.description) }
        let root = URL(fileURLWithPath: sweepDir ?? "runs/sweep-\(spec.name)", isDirectory: true).standardizedFileURL
        return (plan, SweepDirectory(root))
    }
}

/// Resources of one run, from the command line (over the description's `resources`).
struct SweepResourceOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "CPUs per run (also its OpenBLAS threads).") var cpus: Int?
    @Option(help: "Memory per run (Slurm notation: 2G, 500M).") var memory: String?
    @Option(help: "Time limit per run (Slurm notation: 30, 01:00:00, 2-00:00:00).") var time: String?
    @Option(parsing: .unconditional, help: "Runs at once (Slurm: the array's % throttle; Ray: tasks in flight).") var throttle: Int?
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "The foresight executable the tasks run (default: this one).") var foresight: String?

    func validate() throws {
        if let cpus, cpus < 1 { throw ValidationError("--cpus must be at least 1, got \(cpus)") }
        if let throttle, throttle < 1 { throw ValidationError("--throttle must be at least 1, got \(throttle)") }
    }

    func resources(_ base: SweepResources) throws -> SweepResources {
        var r = base
        if let cpus { r.cpus = cpus }
        if let memory { r.memory = memory }
        if let time { r.time = time }
        if let throttle { r.throttle = throttle }
        if let partition { r.partition = partition }
        do { try r.validate() } catch let error as SweepError { throw ValidationError("--" + error.description) }
        return r
    }

    var executable: String {
        if let foresight { return URL(fileURLWithPath: foresight).standardizedFileURL.path }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}

/// `foresight sweep plan`: the runs a description expands to.
struct SweepPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "List the runs of a sweep description (writes nothing).")

    @OptionGroup var options: SweepSpecOptions

    func run() throws {
        let (plan, directory) = try options.plan()
        say("sweep \(plan.name): \(plan.runs.count) \(plan.kind) runs; directory \(directory.root.path)")
        for run in plan.runs {
            let state = FileManager.default.fileExists(atPath: directory.planURL.path) ? directory.state(of: run).label : "not run"
            say("\(String(format: "%4d", run.index))  \(run.name)  [\(run.group), seed \(run.seed)]  \(state)")
        }
    }
}

/// `foresight sweep slurm`: the sweep directory and an `sbatch` job-array script.
struct SweepSlurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Write the sweep directory and a Slurm job-array script (one array task per run that is not done).")

    @OptionGroup var options: SweepSpecOptions
    @OptionGroup var resources: SweepResourceOptions
    @Option(help: "The script (default: <sweep dir>/sweep.sbatch).") var output: String?

    func run() throws {
        try writeSweepScript(options, resources, output: output, defaultName: "sweep.sbatch", script: SweepScripts.slurm) { plan, pending, url in
            say("sweep \(plan.name): \(pending.count) of \(plan.runs.count) runs to do (array \(SweepScripts.arrayRanges(pending)))")
            say("submit with: sbatch \(SweepScripts.shellQuoted(url.path))")
        }
    }
}

/// `foresight sweep ray`: the sweep directory and a Ray Jobs entry point.
struct SweepRay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ray", abstract: "Write the sweep directory and a Ray Jobs entry point (one Ray task per run that is not done).")

    @OptionGroup var options: SweepSpecOptions
    @OptionGroup var resources: SweepResourceOptions
    @Option(help: "The script (default: <sweep dir>/sweep_ray.py).") var output: String?

    func run() throws {
        try writeSweepScript(options, resources, output: output, defaultName: "sweep_ray.py", script: SweepScripts.ray) { plan, pending, url in
            say("sweep \(plan.name): \(pending.count) of \(plan.runs.count) runs to do")
            say("submit with: ray job submit --address http://127.0.0.1:8265 -- python3 \(SweepScripts.shellQuoted(url.path))")
        }
    }
}

/// Prepares the sweep directory and writes an engine's script for the runs not done (atomically), then `report`s;
/// says so instead when every run is done.
private func writeSweepScript(_ options: SweepSpecOptions, _ resources: SweepResourceOptions, output: String?, defaultName: String,
                              script make: (SweepPlan, SweepDirectory, [Int], SweepResources, String) throws -> String,
                              report: (SweepPlan, [Int], URL) -> Void) throws {
    let (plan, directory) = try options.plan()
    try directory.prepare(plan)
    let pending = directory.pending(plan)
    guard !pending.isEmpty else { return say("every run of \(plan.name) is done: nothing to submit; `foresight sweep collect \(directory.root.path)`") }
    let text = try make(plan, directory, pending, try resources.resources(plan.resources), resources.executable)
    let url = URL(fileURLWithPath: output ?? directory.root.appendingPathComponent(defaultName).path)
    try Data(text.utf8).write(to: url, options: .atomic)
    report(plan, pending, url)
}

/// `foresight sweep task`: one run of a prepared sweep (what each Slurm array task or Ray task runs).
struct SweepTask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task", abstract: "Run one run of a prepared sweep: skip it when done, resume it when interrupted, else start it.")

    @Argument(help: "The sweep directory.") var sweepDir: String
    @Argument(help: "The run's name (see `foresight sweep plan`).") var runName: String
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads = 1

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let directory = SweepDirectory(URL(fileURLWithPath: sweepDir, isDirectory: true).standardizedFileURL)
        let plan = try directory.loadPlan()
        let run = try plan.run(named: runName)
        if plan.foresightVersion != ForesightVersion.current {
            FileHandle.standardError.write(Data("note: sweep planned by foresight \(plan.foresightVersion), running \(ForesightVersion.current)\n".utf8))
        }
        let lock = try directory.lock(run)
        defer { withExtendedLifetime(lock) {} }
        let action = try directory.beginTask(run)
        if action == .skip { return say("run \(run.name) is done: skipped") }
        let arguments = directory.arguments(for: run, action: action, threads: threads)
        say("run \(run.name) (\(run.group), seed \(run.seed)): \(action == .resume ? "resuming" : "starting"): foresight \(arguments.joined(separator: " "))")
        do {
            var command = try Foresight.parseAsRoot(arguments)
            try command.run()
        } catch {
            try? directory.recordFailure(run, message: CommandFailure.message(for: error))
            throw error
        }
    }
}

/// `foresight sweep collect`: one table of every run of a sweep.
struct SweepCollect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Gather a sweep's runs into one table: results.csv, runs.csv, results.md (and, for a study, study/summary.md).",
        discussion: "Reads the run directories (changing nothing there) and writes into --output. Exits with 1 when a run is not done, after writing the table.")

    @Argument(help: "The sweep directory.") var sweepDir: String
    @Option(help: "Where to write the tables (default: <sweep dir>/collected).") var output: String?

    func run() throws {
        let directory = SweepDirectory(URL(fileURLWithPath: sweepDir, isDirectory: true).standardizedFileURL)
        let collection = try SweepCollection(directory)
        let out = URL(fileURLWithPath: output ?? directory.root.appendingPathComponent("collected").path, isDirectory: true)
        try collection.write(to: out)
        say(collection.markdown)
        say("wrote \(out.path)/results.csv, runs.csv, results.md" + (collection.studyDocument != nil ? ", study/metrics.json, study/summary.md" : ""))
        if !collection.unfinished.isEmpty {
            throw CommandFailure("\(collection.unfinished.count) of \(collection.rows.count) runs are not done: "
                                 + collection.unfinished.map(\.run.name).joined(separator: ", "))
        }
    }
}

/// The commit of the source checkout this executable was built in (with `-dirty` for uncommitted changes), or nil
/// outside a git checkout.
func sourceCommit() -> String? {
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath ?? ""
    let directory = URL(fileURLWithPath: executable).deletingLastPathComponent().path
    func git(_ arguments: [String]) -> (status: Int32, output: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard let head = git(["rev-parse", "HEAD"]), head.status == 0, !head.output.isEmpty else { return nil }
    let dirty = git(["diff", "--quiet", "HEAD", "--"]).map { $0.status != 0 } ?? false
    return head.output + (dirty ? "-dirty" : "")
}
