// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit

/// `foresight bench envs`: classic-control and counting steps per second, side by side with Gymnasium.
struct BenchEnvs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "Steps per second of every classic-control and counting environment, next to Gymnasium's.",
        discussion: """
            Single environment, random actions presampled, resets included. Two variants, as in \
            /work/shared/bench/gym_envs_bench.py: "raw" steps the unwrapped, typed environment and resets on \
            termination or at the step limit (Gymnasium: env.unwrapped); "make" steps the environment from the \
            registry (type-erased, order-enforcing, time-limited; Gymnasium: gymnasium.make). With --python, \
            Gymnasium is measured in the same run with that script's timing functions; without it, the reference \
            figures measured on this machine are shown. The counting environments (Counting-v0, CountingHold-v0) \
            render a 64x64 RGB frame on every add or remove; they have no Gymnasium counterpart (the authors' \
            Python/PIL environment is not in Gymnasium). Build with -c release.
            """)

    @Option(help: "Steps per timed run.") var steps = 1_000_000
    @Option(help: "Timed runs per environment and variant (the median is shown).") var repeats = 5
    @Option(help: "A Python with gymnasium and numpy, to measure Gymnasium in the same run.") var python: String?
    @Option(help: "The Gymnasium benchmark script whose timing functions are used.")
    var gymScript = "/work/shared/bench/gym_envs_bench.py"
    @Option(help: "Steps per timed Gymnasium run.") var gymSteps = 100_000
    @Option(help: "Timed Gymnasium runs per environment and variant.") var gymRepeats = 3
    @Flag(help: "Skip the registry (\"make\") variant.") var rawOnly = false
    @Option(name: .customLong("env"), help: "Only these ids (repeatable; default: every classic-control and counting id).")
    var onlyIDs: [String] = []

    /// Gymnasium 1.4 "raw" steps/s measured on this machine (/work/shared/bench/README.md, 2026-11-25).
    static let referenceRaw: [String: Double] = [
        "CartPole-v1": 116_805, "Pendulum-v1": 69_456, "MountainCarContinuous-v0": 406_925, "Acrobot-v1": 22_168,
    ]

    /// The benchmarked ids with the step limits the raw variant resets at.
    static let benchmarkedIDs: [(id: String, maxEpisodeSteps: Int)] = ClassicControlFamily.episodeStepLimits
        + CountingFamily.variants.map { ($0.id, $0.configuration.maxEpisodeSteps ?? 50) }

    func validate() throws {
        let known = Self.benchmarkedIDs.map(\.id)
        if let unknown = onlyIDs.first(where: { !known.contains($0) }) {
            throw ValidationError("--env \(unknown) is not a benchmarked id; expected one of \(known)")
        }
        guard steps > 0, repeats > 0, gymSteps > 0, gymRepeats > 0 else {
            throw ValidationError("--steps, --repeats, --gym-steps and --gym-repeats must be positive")
        }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningless. Use `swift build -c release`.")
        #endif
        let selected = Self.benchmarkedIDs.filter { onlyIDs.isEmpty || onlyIDs.contains($0.id) }
        let ids = selected.map(\.id).filter { id in ClassicControlFamily.episodeStepLimits.contains { $0.id == id } }
        var gym: GymFigures?
        if let python {
            print("Measuring Gymnasium with \(python) (\(gymSteps) steps x \(gymRepeats) runs per variant)...")
            gym = try measureGymnasium(python: python, ids: ids)
        }
        print("Measuring Foresight (\(steps) steps x \(repeats) runs per variant)...")
        var rows: [[String]] = [["ID", "FORESIGHT RAW", "GYMNASIUM RAW", "RATIO", "FORESIGHT MAKE", "GYMNASIUM MAKE", "RATIO"]]
        for (id, limit) in selected {
            let raw = try measureRaw(id: id, limit: limit)
            let made = rawOnly ? .nan : try measureMade(id: id)
            let gymRaw = gym?.raw[id] ?? (gym == nil ? Self.referenceRaw[id] : nil)
            let gymMade = gym?.made[id]
            rows.append([id, format(raw), gymRaw.map(format) ?? "n/a", ratio(raw, gymRaw),
                         made.isNaN ? "skipped" : format(made), gymMade.map(format) ?? "n/a", ratio(made, gymMade)])
        }
        print("")
        print("Steps per second (median), single environment, presampled random actions, resets included.")
        if let gym {
            print("Gymnasium \(gym.version), measured in this run.")
        } else {
            print("Gymnasium: reference raw figures from /work/shared/bench/README.md (pass --python to measure now).")
        }
        print(formatTable(rows))
    }

    // MARK: Foresight

    func measureRaw(id: String, limit: Int) throws -> Double {
        switch id {
        case "CartPole-v1": try timeTyped(limit: limit) { try CartPole() }
        case "Pendulum-v1": try timeTyped(limit: limit) { try Pendulum() }
        case "MountainCarContinuous-v0": try timeTyped(limit: limit) { try MountainCarContinuous() }
        case "MountainCar-v0": try timeTyped(limit: limit) { try MountainCar() }
        case "Acrobot-v1": try timeTyped(limit: limit) { try Acrobot() }
        case CountingFamily.paperID: try timeTyped(limit: limit) { try CountingSignEnvironment(configuration: .paper) }
        case CountingFamily.holdID: try timeTyped(limit: limit) { try CountingRemoveKeepAddEnvironment(configuration: .hold) }
        default: throw ValidationError("no typed benchmark for \(id)")
        }
    }

    /// Median steps/s of an unwrapped typed environment; reset on termination or after `limit` steps.
    func timeTyped<E: Environment>(limit: Int, _ make: () throws -> E) throws -> Double {
        var env = try make()
        let actions = presample(env.actionSpace)
        var rates: [Double] = []
        var sink: Float = 0
        for run in 0..<repeats {
            _ = try env.reset(seed: UInt64(run))
            var k = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for i in 0..<steps {
                let step = try env.step(actions[i & (actions.count - 1)])
                sink += step.reward
                k += 1
                if step.isTerminated || k >= limit {
                    _ = try env.reset()
                    k = 0
                }
            }
            rates.append(Double(steps) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9))
        }
        keepAlive(sink)
        return median(rates)
    }

    /// Median steps/s of the registry's environment (type-erased, OrderEnforcing + TimeLimit).
    func measureMade(id: String) throws -> Double {
        var env = try EnvironmentRegistry.standard.make(id)
        let actions = presample(env.actionSpace)
        var rates: [Double] = []
        var sink: Float = 0
        for run in 0..<repeats {
            _ = try env.reset(seed: UInt64(run))
            let start = DispatchTime.now().uptimeNanoseconds
            for i in 0..<steps {
                let step = try env.step(actions[i & (actions.count - 1)])
                sink += step.reward
                if step.isLast { _ = try env.reset() }
            }
            rates.append(Double(steps) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9))
        }
        keepAlive(sink)
        return median(rates)
    }

    /// 65,536 actions drawn once (a power of two, so the loop indexes with a mask).
    func presample<S: Space>(_ space: S) -> [S.Element] {
        var generator = SeededGenerator(seed: 2026)
        return (0..<65_536).map { _ in space.sample(using: &generator) }
    }

    // MARK: Gymnasium

    struct GymFigures {
        var version: String
        var raw: [String: Double]
        var made: [String: Double]
    }

    /// Runs Gymnasium's timing functions (`run_raw`, `run_make_presampled` from `--gym-script`) for `ids`.
    func measureGymnasium(python: String, ids: [String]) throws -> GymFigures {
        let program = """
            import json, runpy, statistics, sys
            script, steps, repeats, ids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
            m = runpy.run_path(script, run_name="gym_envs_bench")
            out = {"gymnasium": m["gym"].__version__, "raw": {}, "make": {}}
            for env_id in ids:
                for name, fn in (("make", m["run_make_presampled"]), ("raw", m["run_raw"])):
                    fn(env_id, 2000, 0)
                    out[name][env_id] = statistics.median(steps / fn(env_id, steps, r)[0] for r in range(repeats))
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", program, gymScript, String(gymSteps), String(gymRepeats), ids.joined(separator: ",")]
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            throw ValidationError("--python: cannot run '\(python)': \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("the Gymnasium benchmark failed (exit \(process.terminationStatus)); is gymnasium installed for \(python) and does \(gymScript) exist?")
        }
        struct Output: Decodable { var gymnasium: String; var raw: [String: Double]; var make: [String: Double] }
        let decoded = try JSONDecoder().decode(Output.self, from: data)
        return GymFigures(version: decoded.gymnasium, raw: decoded.raw, made: decoded.make)
    }

    // MARK: Formatting

    func format(_ rate: Double) -> String {
        let digits = String(Int(rate.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    func ratio(_ ours: Double, _ theirs: Double?) -> String {
        guard let theirs, theirs > 0 else { return "n/a" }
        return String(format: "%.0fx", ours / theirs)
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/// Keeps a benchmark's accumulated value observable so the optimizer cannot drop the work.
@inline(never)
func keepAlive(_ value: Float) {
    if value.isNaN { print("", terminator: "") }
}
