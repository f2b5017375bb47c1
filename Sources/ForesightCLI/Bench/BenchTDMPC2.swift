// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit
import RLCore
import TDMPC2

/// `foresight bench tdmpc2`: one TD-MPC2 update and one planned action, timed in the configuration of
/// the PyTorch reference figures (a PyTorch TD-MPC2 update of the same shapes, docs/results/performance.md): observation 24, action 6,
/// batch 256, horizon 3, non-episodic, MPPI 6 x 512 samples, 64 elites, 24 policy trajectories.
struct BenchTDMPC2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tdmpc2",
        abstract: "Time one TD-MPC2 update and one planned action (explore, evaluate), with achieved GFLOP/s.")

    @Option(parsing: .unconditional, help: "Model-size preset: 1 or 5 (millions of parameters).") var modelSize = 5
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads = 1
    @Option(parsing: .unconditional, help: "Timed updates (the median is reported).") var updateIterations = 20
    @Option(parsing: .unconditional, help: "Timed planned actions per mode.") var actIterations = 20
    @Option(parsing: .unconditional, help: "Untimed runs before each figure.") var warmup = 3
    @Option(help: "Time only `update` or `act` (for profiling); both by default.") var only: String?
    @Option(parsing: .unconditional, help: "Before each figure, wait up to this many seconds for other processes to use < 0.15 cores.") var waitQuiet: Double = 0
    @Option(name: .customLong("evaluation-average-rate"), parsing: .unconditional, help: "Keep a moving average of the weights at this rate (evaluationAverageRate), so that `update` includes its cost and `act evaluate` plans with it.")
    var evaluationAverageRate: Float?
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard modelSize == 1 || modelSize == 5 else { throw ValidationError("--model-size must be 1 or 5, got \(modelSize)") }
        guard threads >= 1 else { throw ValidationError("--threads must be positive, got \(threads)") }
        guard updateIterations >= 1, actIterations >= 1 else { throw ValidationError("iteration counts must be positive") }
        guard only == nil || only == "update" || only == "act" else { throw ValidationError("--only must be update or act, got \(only!)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be >= 0, got \(warmup)") }
        if let r = evaluationAverageRate, !(r > 0 && r <= 1) {
            throw ValidationError("--evaluation-average-rate must be in (0, 1], got \(r)")
        }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        let size: ModelSize = modelSize == 1 ? .m1 : .m5
        var c = TDMPC2Configuration(observationShape: [24], actionDimensions: 6, modelSize: size)
        c.episodeLength = 1000
        c.evaluationAverageRate = evaluationAverageRate
        let agent = try TDMPC2Agent(configuration: c, seed: 1)
        var g = SeededGenerator(seed: 0)
        let (h, b) = (c.horizon, c.batchSize)
        let batch = SequenceBatch(observations: .randomNormal([h + 1, b, 24], using: &g),
                                  actions: .randomUniform([h, b, 6], low: -1, high: 1, using: &g),
                                  rewards: .randomNormal([h, b, 1], using: &g), terminated: .zeros([h, b, 1]),
                                  stateValues: .zeros([h + 1, b, 1]))
        let observation = Tensor.randomNormal([24], using: &g)
        let load = LoadMonitor()
        let skip = Figure(time: TimingSummary(median: 0, min: 0, max: 0, samples: 0), cpuMilliseconds: 0, otherCores: 0, flop: 0)

        /// Times `body` after waiting (up to `--wait-quiet` seconds) for other processes to go quiet.
        func figure(_ iterations: Int, _ body: () -> Void) -> Figure {
            Figure.measure(load: load, waitQuiet: waitQuiet, warmup: warmup, iterations: iterations, body)
        }

        load.waitForQuiet(maxSeconds: waitQuiet)
        // The sgemm reference rate is measured before, between and after the figures (a median of 20 calls
        // each) and the median of the three is reported, so one disturbed measurement does not move it.
        var sgemmRates = [Self.sgemmRate(iterations: 20)]
        let update = only == "act" ? skip : figure(updateIterations) { agent.update(batch) }
        sgemmRates.append(Self.sgemmRate(iterations: 20))
        _ = agent.act(observation, isFirstStep: true, mode: .explore)
        let explore = only == "update" ? skip : figure(actIterations) { _ = agent.act(observation, isFirstStep: false, mode: .explore) }
        let evaluate = only == "update" ? skip : figure(actIterations) { _ = agent.act(observation, isFirstStep: false, mode: .evaluate) }
        sgemmRates.append(Self.sgemmRate(iterations: 20))
        let sgemm = sgemmRates.sorted()[1]
        // OpenBLAS's own sgemm on one thread (what `sgemm` was before the 16-lane GEMM replaced it on AVX-512),
        // and with OpenBLAS's own threading at this run's thread count (measured last: its threads spin after a call).
        let librarySgemm = Self.sgemmRate(iterations: 20, library: true)
        let librarySgemmThreads = threads == 1 ? librarySgemm
            : BLAS.withLibraryThreadCount(threads) { Self.sgemmRate(iterations: 20, library: true) }
        let estimate = TDMPC2FlopCount(c)
        let reference = TDMPC2FlopCount.reference(c)
        let actMedian = (explore.time.median + evaluate.time.median) / 2
        let actFlop = (explore.flop + evaluate.flop) / 2
        /// FLOPs per millisecond -> GFLOP/s, 0 for a figure skipped by `--only` (JSON has no inf or NaN).
        func rate(_ flop: Double, _ milliseconds: Double) -> Double { milliseconds > 0 ? flop / (milliseconds * 1e6) : 0 }

        if json {
            let object: [String: Any] = [
                "impl": "foresight", "model_size": modelSize, "threads": threads, "parameters": agent.model.parameterCount,
                "evaluation_average_rate": evaluationAverageRate.map { Double($0) } ?? 0,
                "update_ms": update.time.median, "update_min_ms": update.time.min, "update_max_ms": update.time.max,
                "act_ms": actMedian, "act_explore_ms": explore.time.median, "act_explore_min_ms": explore.time.min,
                "act_explore_max_ms": explore.time.max, "act_eval_ms": evaluate.time.median, "act_eval_min_ms": evaluate.time.min,
                "act_eval_max_ms": evaluate.time.max,
                "update_cpu_ms": update.cpuMilliseconds, "act_explore_cpu_ms": explore.cpuMilliseconds, "act_eval_cpu_ms": evaluate.cpuMilliseconds,
                "update_gflop": update.flop / 1e9, "act_gflop": actFlop / 1e9,
                "update_gflop_estimate": estimate.update / 1e9, "act_gflop_estimate": estimate.act / 1e9,
                "reference_update_gflop": reference.update / 1e9, "reference_act_gflop": reference.act / 1e9,
                "update_gflops": rate(update.flop, update.time.median), "act_gflops": rate(actFlop, actMedian),
                "sgemm_gflops": sgemm, "sgemm_gflops_measurements": sgemmRates, "openblas_sgemm_1t_gflops": librarySgemm,
                "openblas_sgemm_gflops": librarySgemmThreads,
                "other_cores_update": update.otherCores,
                "other_cores_act": (explore.otherCores + evaluate.otherCores) / 2,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        #if DEBUG
        print("note: debug build; benchmark with `swift build -c release` and `.build/release/foresight bench tdmpc2`")
        #endif
        print("TD-MPC2 \(modelSize)M (\(agent.model.parameterCount) parameters), obs 24, action 6, batch \(b), horizon \(h), \(threads) thread(s)"
              + (evaluationAverageRate.map { ", weights averaged at rate \($0)" } ?? ""))
        print(String(format: "sgemm 512x512x512: %.1f GFLOP/s (this run: median of 3 measurements, before, between and after the figures, of %@)",
                     sgemm, sgemmRates.map { String(format: "%.1f", $0) }.joined(separator: ", ")))
        print(String(format: "(Foresight's GEMM, %d thread(s); OpenBLAS's own sgemm: %.1f GFLOP/s on %d thread(s), %.1f on one)",
                     threads, librarySgemmThreads, threads, librarySgemm))
        print("GFLOP: the multiply-adds of every GEMM/GEMV executed (x2),")
        print("counted as they run; GFLOP/s: that over the median time; estimate: the analytic count; reference: the PyTorch implementation's")
        print("call            median ms    min ms    max ms    CPU ms      GFLOP  GFLOP/s  of sgemm  of OpenBLAS  estimate  reference GFLOP  other cores")
        for (name, f, e, r) in [("update", update, estimate.update, reference.update), ("act explore", explore, estimate.act, reference.act),
                                ("act evaluate", evaluate, estimate.act, reference.act)] {
            let label = name.padding(toLength: 14, withPad: " ", startingAt: 0)
            let t = f.time
            print(label + String(format: " %10.1f %9.1f %9.1f %9.1f %10.2f %8.1f %8.0f%% %10.0f%% %9.2f %16.2f %12.2f", t.median, t.min, t.max, f.cpuMilliseconds,
                                 f.flop / 1e9, rate(f.flop, t.median), 100 * rate(f.flop, t.median) / sgemm,
                                 100 * rate(f.flop, t.median) / librarySgemmThreads, e / 1e9, r / 1e9, f.otherCores))
        }
    }

    /// GFLOP/s of a 512 x 512 x 512 sgemm (the MLP shape), median of `iterations`.
    /// `library`: OpenBLAS's `sgemm` on the calling thread instead of `BLAS.gemm` (Foresight's GEMM, split
    /// over the configured threads).
    static func sgemmRate(iterations: Int, library: Bool = false) -> Double {
        var g = SeededGenerator(seed: 2)
        let n = 512
        let a = Tensor.randomNormal([n, n], using: &g), b = Tensor.randomNormal([n, n], using: &g)
        var out = [Float](repeating: 0, count: n * n)
        let s = TimingSummary.measure(warmup: 3, iterations: iterations) {
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in out.withUnsafeMutableBufferPointer { op in
                if library {
                    BLAS.librarySgemm(ap.baseAddress!, transA: false, bp.baseAddress!, transB: true, op.baseAddress!, m: n, n: n, k: n)
                } else {
                    BLAS.gemm(ap.baseAddress!, transA: false, bp.baseAddress!, transB: true, op.baseAddress!, m: n, n: n, k: n)
                }
            } } }
        }
        return s.gigaflops(2 * Double(n * n * n))
    }
}

/// One timed call: wall-clock summary, median process CPU time, the load of other processes, and the
/// FLOPs it executed.
struct Figure {
    var time: TimingSummary
    var cpuMilliseconds: Double
    var otherCores: Double
    /// FLOPs executed per call (2 x the counted GEMM/GEMV multiply-adds).
    var flop: Double

    /// Times `body` (`warmup` untimed calls, then `iterations`) after waiting up to `waitQuiet` seconds for other
    /// processes to go quiet.
    static func measure(load: LoadMonitor, waitQuiet: Double, warmup: Int, iterations: Int, _ body: () -> Void) -> Figure {
        load.waitForQuiet(maxSeconds: waitQuiet)
        var cpu = CPUTimer()
        let start = load.sample()
        let multiplyAdds = BLAS.multiplyAddsExecuted
        let time = TimingSummary.measure(warmup: warmup, iterations: iterations) { cpu.run(body) }
        // The FLOPs this call actually executed: every GEMM/GEMV's multiply-adds, counted as they run.
        let flop = 2 * Double(BLAS.multiplyAddsExecuted - multiplyAdds) / Double(warmup + iterations)
        return Figure(time: time, cpuMilliseconds: cpu.median(last: iterations), otherCores: load.otherCores(since: start), flop: flop)
    }
}

// MARK: - CPU time

/// Process CPU time per call (all threads), a figure less disturbed by other processes than wall time
/// when running on one thread.
struct CPUTimer {
    private(set) var samples: [Double] = []

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) * 1e-6
    }

    mutating func run(_ body: () -> Void) {
        let start = Self.now()
        body()
        samples.append(Self.now() - start)
    }

    /// The median of the last `n` calls, in milliseconds.
    func median(last n: Int) -> Double {
        let s = samples.suffix(n).sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }
}

// MARK: - Load

/// CPU time used by other processes (in cores) from `/proc/stat` minus this process's own time.
struct LoadMonitor {
    struct Sample { var time: Double; var busy: Double; var own: Double }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    func sample() -> Sample {
        let time = Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
        var busy = 0.0, own = 0.0
        if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = stat.split(separator: "\n").first {
            let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if v.count >= 7 { busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v.count > 7 ? v[7] : 0) }
        }
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let v = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if v.count > 12 { own = (Double(v[11]) ?? 0) + (Double(v[12]) ?? 0) }
        }
        return Sample(time: time, busy: busy, own: own)
    }

    /// Blocks until other processes used < `threshold` cores over a 1 s window, for at most `maxSeconds`.
    func waitForQuiet(maxSeconds: Double, threshold: Double = 0.15) {
        guard maxSeconds > 0 else { return }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(maxSeconds * 1e9)
        repeat {
            let start = sample()
            Thread.sleep(forTimeInterval: 1)
            if otherCores(since: start) < threshold { return }
        } while DispatchTime.now().uptimeNanoseconds < deadline
    }

    /// Cores used by other processes since `start`.
    func otherCores(since start: Sample) -> Double {
        let end = sample()
        let dt = end.time - start.time
        guard dt > 0 else { return 0 }
        return Swift.max(0, ((end.busy - start.busy) - (end.own - start.own)) / ticks / dt)
    }
}
