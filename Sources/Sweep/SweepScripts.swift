// Foresight — Sweep
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Job scripts

/// The job scripts of a sweep: a Slurm job array and a Ray Jobs entry point. Each task runs
/// `foresight sweep task SWEEP RUN`, which skips a run that is done, resumes an interrupted one and starts the rest,
/// so submitting a script again finishes a sweep that was stopped or partly failed.
public enum SweepScripts {
    /// A `sbatch` script: one array task per run in `indices` (the runs' indices in the plan), at most
    /// `resources.throttle` at once, `SLURM_ARRAY_TASK_ID` mapped to the run's name.
    /// - Parameters:
    ///   - foresight: the `foresight` executable the tasks run (an absolute path, on the nodes' shared file system).
    /// - Throws: ``SweepError`` for a path that an `#SBATCH` line cannot hold, or no index.
    public static func slurm(plan: SweepPlan, directory: SweepDirectory, indices: [Int], resources: SweepResources, foresight: String) throws -> String {
        try resources.validate()
        guard !indices.isEmpty else { throw SweepError.invalid("array indices", value: "none", expected: "at least one run to submit") }
        let logs = directory.logsURL.path
        // sbatch reads `#SBATCH` values itself: double quotes group a value; `%` starts a file-name pattern.
        if let bad = logs.unicodeScalars.first(where: { $0 == "\"" || $0 == "%" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) {
            throw SweepError.invalid("sweep directory", value: "\"\(directory.root.path)\" (with \(bad.escaped(asASCII: true)))",
                                     expected: "a path without double quotes, '%', backslashes or control characters (Slurm reads it in #SBATCH --output)")
        }
        var lines = [
            "#!/bin/bash",
            "# Foresight sweep \(plan.name): \(indices.count) of \(plan.runs.count) runs in this array (the others are done).",
            "# Written by foresight \(plan.foresightVersion)\(plan.commit.map { " (commit \($0))" } ?? ""). Submit with: sbatch <this file>",
            "# To finish a sweep that was stopped: write this script again (`foresight sweep slurm`) and submit it; done runs",
            "# are left out, and an interrupted run resumes from its checkpoint.",
            "#SBATCH --job-name=foresight-\(plan.name)",
            "#SBATCH --array=\(arrayRanges(indices))" + (resources.throttle.map { "%\($0)" } ?? ""),
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(resources.cpus)",
        ]
        if let memory = resources.memory { lines.append("#SBATCH --mem=\(memory)") }
        if let time = resources.time { lines.append("#SBATCH --time=\(time)") }
        if let partition = resources.partition { lines.append("#SBATCH --partition=\(partition)") }
        lines.append("#SBATCH --output=\"\(logs)/slurm-%A_%a.out\"")
        lines += [
            "set -euo pipefail",
            "FORESIGHT=\(shellQuoted(foresight))",
            "SWEEP_DIR=\(shellQuoted(directory.root.path))",
            "# Array index -> run (the index is the run's place in sweep.json).",
            "declare -A RUNS=(" + plan.runs.filter { indices.contains($0.index) }.map { "[\($0.index)]=\(shellQuoted($0.name))" }.joined(separator: " ") + ")",
            "TASK=\"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}\"",
            "RUN=\"${RUNS[$TASK]:?no run has array index $TASK}\"",
            "THREADS=\"${SLURM_CPUS_PER_TASK:-\(resources.cpus)}\"",
            "export OPENBLAS_NUM_THREADS=\"$THREADS\"",
            "echo \"foresight sweep \(plan.name): array task $TASK is run $RUN ($(hostname), $THREADS CPU)\"",
            "exec \"$FORESIGHT\" sweep task \"$SWEEP_DIR\" \"$RUN\" --threads \"$THREADS\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Ray Jobs entry point (`ray job submit -- python3 FILE`): one Ray task per run in `indices` with
    /// `resources.cpus` CPUs (and `resources.memory` as Ray's `memory` resource), at most `resources.throttle` in
    /// flight; it prints each run's result, then collects.
    public static func ray(plan: SweepPlan, directory: SweepDirectory, indices: [Int], resources: SweepResources, foresight: String) throws -> String {
        try resources.validate()
        guard !indices.isEmpty else { throw SweepError.invalid("runs", value: "none", expected: "at least one run to submit") }
        let names = plan.runs.filter { indices.contains($0.index) }.map { pythonQuoted($0.name) }
        return """
        #!/usr/bin/env python3
        # Foresight sweep \(plan.name): \(indices.count) of \(plan.runs.count) runs (the others are done), one Ray task each.
        # Written by foresight \(plan.foresightVersion)\(plan.commit.map { " (commit \($0))" } ?? "").
        # Submit with: ray job submit --address http://127.0.0.1:8265 -- python3 <this file>
        # Submitting again finishes a sweep that was stopped: done runs are skipped, interrupted ones resume.
        import os
        import subprocess
        import sys

        import ray

        FORESIGHT = \(pythonQuoted(foresight))
        SWEEP_DIR = \(pythonQuoted(directory.root.path))
        CPUS = \(resources.cpus)
        MEMORY = \(resources.memoryBytes.map(String.init) ?? "None")  # bytes per run (Ray's logical `memory` resource)
        MAX_IN_FLIGHT = \(resources.throttle.map(String.init) ?? "None")
        RUNS = [\(names.joined(separator: ", "))]


        # A task whose worker or node dies is retried; it resumes from the run's checkpoint.
        @ray.remote(num_cpus=CPUS, max_retries=3)
        def run_task(name):
            \"\"\"Runs `foresight sweep task` for one run; returns (name, exit code, last lines of its output).\"\"\"
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(CPUS))
            result = subprocess.run([FORESIGHT, "sweep", "task", SWEEP_DIR, name, "--threads", str(CPUS)],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
            log = os.path.join(SWEEP_DIR, "logs", "ray-" + name + ".out")
            with open(log + ".tmp", "w") as f:
                f.write(result.stdout)
            os.replace(log + ".tmp", log)
            return name, result.returncode, result.stdout.strip().splitlines()[-3:]


        def report(line):
            sys.stdout.write(line + "\\n")
            sys.stdout.flush()


        def main():
            ray.init()
            pending, in_flight, failed = list(RUNS), [], []
            while pending or in_flight:
                while pending and (MAX_IN_FLIGHT is None or len(in_flight) < MAX_IN_FLIGHT):
                    task = run_task if MEMORY is None else run_task.options(memory=MEMORY)
                    in_flight.append(task.remote(pending.pop(0)))
                done, in_flight = ray.wait(in_flight, num_returns=1)
                name, code, tail = ray.get(done[0])
                report("run %s: %s" % (name, "ok" if code == 0 else "exit code %d" % code))
                for line in tail:
                    report("    " + line)
                if code != 0:
                    failed.append(name)
            subprocess.run([FORESIGHT, "sweep", "collect", SWEEP_DIR], check=False)
            if failed:
                report("failed runs: " + ", ".join(failed))
                sys.exit(1)


        if __name__ == "__main__":
            main()

        """
    }

    /// `0-3,5,7-8`: Slurm's `--array` form of sorted indices.
    public static func arrayRanges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = indices.sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// A single-quoted shell word (a `'` inside becomes `'\''`).
    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A Python string literal: printable ASCII as is, `\\`, `'` and everything else escaped.
    public static func pythonQuoted(_ text: String) -> String {
        var out = "'"
        for u in text.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case " "..."~": out.unicodeScalars.append(u)
            default: out += u.value <= 0xFFFF ? String(format: "\\u%04x", u.value) : String(format: "\\U%08x", u.value)
            }
        }
        return out + "'"
    }
}
