// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit

/// `foresight bench envs`: classic-control, counting and MuJoCo steps per second, side by side with Gymnasium.
struct BenchEnvs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envs",
        abstract: "Steps per second of every classic-control, counting and MuJoCo environment, next to Gymnasium's.",
        discussion: """
            Single environment, random actions presampled (each step writes the next one into an action the \
            loop owns, rather than passing a reference-counted copy of an array element), resets included. \
            Two variants: "raw" steps the unwrapped, typed environment and resets on \
            termination or at the step limit (Gymnasium: env.unwrapped); "make" steps the environment made by the \
            registry (type-erased, order-enforcing, time-limited; Gymnasium: gymnasium.make). With --python, \
            Gymnasium is measured in the same run, environment by environment, by a Python program of this command \
            with the same presampling and loops (a Python with gymnasium: scripts/setup-python.sh makes \
            .venv/bin/python); without it, reference figures of a quiet machine are shown. \
            --clock cpu (the default) divides by the thread's CPU time, so other processes on a busy machine do \
            not skew the ratio; --clock wall divides by elapsed time. The counting environments (Counting-v0, \
            CountingHold-v0) render a 64x64 RGB frame on every add or remove; they have no Gymnasium counterpart \
            (the authors' Python/PIL environment is not in Gymnasium). The MuJoCo v5 environments run \
            --physics-steps steps per timed run on both sides (Foresight links Debian's MuJoCo 2.2.2, Gymnasium \
            uses its Python's mujoco wheel: scripts/setup-python.sh installs 2.3.3). Build with -c release.
            """)

    enum Clock: String, ExpressibleByArgument, CaseIterable { case cpu, wall }

    @Option(parsing: .unconditional, help: "Steps per timed run.") var steps = 1_000_000
    @Option(parsing: .unconditional, help: "Timed runs per environment and variant (the median is shown).") var repeats = 5
    @Option(parsing: .unconditional, help: "Steps per timed run (Foresight and Gymnasium) for the MuJoCo environments.") var physicsSteps = 20_000
    @Option(help: "Which clock the rates divide by: cpu (thread CPU time) or wall.") var clock = Clock.cpu
    @Option(help: "A Python with gymnasium and numpy, to measure Gymnasium in the same run.") var python: String?
    @Option(parsing: .unconditional, help: "Steps per timed Gymnasium run.") var gymSteps = 100_000
    @Option(parsing: .unconditional, help: "Timed Gymnasium runs per environment and variant.") var gymRepeats = 3
    @Flag(help: "Skip the registry (\"make\") variant.") var rawOnly = false
    @Option(name: .customLong("env"), help: "Only these ids (repeatable; default: every classic-control, counting and MuJoCo id).")
    var onlyIDs: [String] = []

    /// Gymnasium 1.4 "raw" steps/s measured on a quiet machine (AMD EPYC, 2026-11-25), for runs without `--python`.
    static let referenceRaw: [String: Double] = [
        "CartPole-v1": 116_805, "Pendulum-v1": 69_456, "MountainCarContinuous-v0": 406_925, "Acrobot-v1": 22_168,
    ]

    /// The benchmarked ids with the step limits the raw variant resets at.
    static let benchmarkedIDs: [(id: String, maxEpisodeSteps: Int)] = ClassicControlFamily.episodeStepLimits
        + CountingFamily.variants.map { ($0.id, $0.configuration.maxEpisodeSteps ?? 50) }
        + GymMuJoCoTask.allCases.map { ($0.id, $0.maxEpisodeSteps) }

    /// Ids with a Gymnasium counterpart.
    static let gymnasiumIDs = Set(ClassicControlFamily.episodeStepLimits.map(\.id) + GymMuJoCoTask.allCases.map(\.id))

    /// Steps per timed run for `id` on each side.
    func stepCounts(_ id: String) -> (foresight: Int, gymnasium: Int) {
        GymMuJoCoTask(rawValue: id) == nil ? (steps, gymSteps) : (physicsSteps, physicsSteps)
    }

    func validate() throws {
        let known = Self.benchmarkedIDs.map(\.id)
        if let unknown = onlyIDs.first(where: { !known.contains($0) }) {
            throw ValidationError("--env \(unknown) is not a benchmarked id; expected one of \(known)")
        }
        guard steps > 0, repeats > 0, gymSteps > 0, gymRepeats > 0, physicsSteps > 0 else {
            throw ValidationError("--steps, --repeats, --gym-steps, --gym-repeats and --physics-steps must be positive")
        }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningless. Use `swift build -c release`.")
        #endif
        let selected = Self.benchmarkedIDs.filter { onlyIDs.isEmpty || onlyIDs.contains($0.id) }
        print("Foresight: \(steps) steps x \(repeats) runs per variant"
            + (python.map { "; Gymnasium (\($0)): \(gymSteps) steps x \(gymRepeats) runs" } ?? "")
            + (selected.contains { GymMuJoCoTask(rawValue: $0.id) != nil } ? "; MuJoCo ids: \(physicsSteps) steps per run on both sides" : ""))
        var rows = [["ID", "FORESIGHT RAW", "GYMNASIUM RAW", "RATIO", "FORESIGHT MAKE", "GYMNASIUM MAKE", "RATIO"]]
        var gymVersion: String?
        for (id, limit) in selected {
            var gymRaw = python == nil ? Self.referenceRaw[id] : nil
            var gymMade: Double?
            if let python, Self.gymnasiumIDs.contains(id) {
                let figures = try measureGymnasium(python: python, id: id)
                gymVersion = figures.version
                gymRaw = clock == .cpu ? figures.raw.cpu : figures.raw.wall
                gymMade = clock == .cpu ? figures.made.cpu : figures.made.wall
            }
            let raw = try measureRaw(id: id, limit: limit).value(clock)
            let made = rawOnly ? nil : try measureMade(id: id).value(clock)
            rows.append([id, format(raw), gymRaw.map(format) ?? "n/a", ratio(raw, gymRaw),
                         made.map(format) ?? "skipped", gymMade.map(format) ?? "n/a", made.map { ratio($0, gymMade) } ?? "n/a"])
            print("  \(id) done")
        }
        print("")
        print("Steps per \(clock == .cpu ? "CPU-second (thread CPU time)" : "second (wall clock)"), median; "
            + "single environment, presampled random actions, resets included.")
        if let gymVersion {
            print("Gymnasium \(gymVersion), measured in this run.")
        } else {
            print("Gymnasium: reference raw figures (wall clock, a quiet AMD EPYC machine, 2026-11-25); pass --python to measure now.")
        }
        print(formatTable(rows))
    }

    // MARK: Foresight

    func measureRaw(id: String, limit: Int) throws -> Rates {
        if let task = GymMuJoCoTask(rawValue: id) {
            return try timeTyped(limit: limit, steps: physicsSteps) { try GymMuJoCoEnvironment(task) }
        }
        switch id {
        case "CartPole-v1": return try timeTyped(limit: limit) { try CartPole() }
        case "Pendulum-v1": return try timeTyped(limit: limit) { try Pendulum() }
        case "MountainCarContinuous-v0": return try timeTyped(limit: limit) { try MountainCarContinuous() }
        case "MountainCar-v0": return try timeTyped(limit: limit) { try MountainCar() }
        case "Acrobot-v1": return try timeTyped(limit: limit) { try Acrobot() }
        case CountingFamily.paperID: return try timeTyped(limit: limit) { try CountingSignEnvironment(configuration: .paper) }
        case CountingFamily.holdID: return try timeTyped(limit: limit) { try CountingRemoveKeepAddEnvironment(configuration: .hold) }
        default: throw ValidationError("no typed benchmark for \(id)")
        }
    }

    /// Median rates of an unwrapped typed environment; reset on termination or after `limit` steps.
    func timeTyped<E: Environment>(limit: Int, steps: Int? = nil, _ make: () throws -> E) throws -> Rates where E.Action: BenchmarkAction {
        let steps = steps ?? self.steps
        var env = try make()
        let presampled = presample(env.actionSpace)
        let values = E.Action.flatten(presampled)
        var action = presampled[0]
        var sink: Float = 0
        var samples: [Rates] = []
        for run in 0..<repeats {
            _ = try env.reset(seed: UInt64(run))
            var k = 0
            let stopwatch = Stopwatch()
            for i in 0..<steps {
                action.load(i & (presampled.count - 1), from: values)
                let step = try env.step(action)
                sink += step.reward
                k += 1
                if step.isTerminated || k >= limit {
                    _ = try env.reset()
                    k = 0
                }
            }
            samples.append(stopwatch.rates(steps: steps))
        }
        keepAlive(sink)
        return Rates.median(samples)
    }

    /// Median rates of the registry's environment (type-erased, OrderEnforcing + TimeLimit).
    func measureMade(id: String) throws -> Rates {
        let steps = stepCounts(id).foresight
        var env = try EnvironmentRegistry.standard.make(id)
        let presampled = presample(env.actionSpace)
        let values = Tensor.flatten(presampled)
        var action = presampled[0]
        var sink: Float = 0
        var samples: [Rates] = []
        for run in 0..<repeats {
            _ = try env.reset(seed: UInt64(run))
            let stopwatch = Stopwatch()
            for i in 0..<steps {
                action.load(i & (presampled.count - 1), from: values)
                let step = try env.step(action)
                sink += step.reward
                if step.isLast { _ = try env.reset() }
            }
            samples.append(stopwatch.rates(steps: steps))
        }
        keepAlive(sink)
        return Rates.median(samples)
    }

    /// 65,536 actions drawn once (a power of two, so the loop indexes with a mask).
    func presample<S: Space>(_ space: S) -> [S.Element] {
        var generator = SeededGenerator(seed: 2026)
        return (0..<65_536).map { _ in space.sample(using: &generator) }
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
        return String(format: "%.1fx", ours / theirs)
    }
}

// MARK: - Presampled actions

/// How the timed loops hand presampled actions to `step`: each step writes the next presampled value into one
/// action that the loop owns (as an agent writing into its action buffer), instead of passing a copy of an
/// element of the presampled array. That copy is not part of stepping: for a `Tensor` it costs three
/// reference-count increments and decrements per step (atomic for the element storage), about 15 ns, a third
/// of a MountainCarContinuous step. Python's `acts[i]` in the Gymnasium loops is a plain reference count.
protocol BenchmarkAction {
    /// The presampled actions in a form that can be read without reference counting.
    associatedtype Presampled
    static func flatten(_ actions: [Self]) -> Presampled
    /// Sets `self` to presampled action `index`, in place.
    mutating func load(_ index: Int, from presampled: Presampled)
}

extension Int: BenchmarkAction {
    static func flatten(_ actions: [Int]) -> [Int] { actions }
    @inline(__always)
    mutating func load(_ index: Int, from presampled: [Int]) { self = presampled[index] }
}

extension Tensor: BenchmarkAction {
    /// Every action's elements back to back (the actions of one space share a shape).
    static func flatten(_ actions: [Tensor]) -> [Float] { actions.flatMap(\.scalars) }
    @inline(__always)
    mutating func load(_ index: Int, from presampled: [Float]) {
        withUnsafeMutableBufferPointer { elements in
            for j in elements.indices { elements[j] = presampled[index * elements.count + j] }
        }
    }
}

// MARK: - Timing helpers

/// Steps per second by wall clock and by the thread's CPU time.
struct Rates: Decodable {
    var wall: Double
    var cpu: Double

    func value(_ clock: BenchEnvs.Clock) -> Double { clock == .cpu ? cpu : wall }

    static func median(_ samples: [Rates]) -> Rates {
        Rates(wall: ForesightCLI.median(samples.map(\.wall)), cpu: ForesightCLI.median(samples.map(\.cpu)))
    }
}

/// Reads the wall clock and the calling thread's CPU clock at creation.
struct Stopwatch {
    let wallStart = DispatchTime.now().uptimeNanoseconds
    let cpuStart = Stopwatch.threadCPUNanoseconds()

    func rates(steps: Int) -> Rates {
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) * 1e-9
        let cpu = Double(Stopwatch.threadCPUNanoseconds() - cpuStart) * 1e-9
        return Rates(wall: Double(steps) / wall, cpu: Double(steps) / max(cpu, 1e-9))
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
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
