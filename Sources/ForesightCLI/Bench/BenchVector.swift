// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit
import RLCore
import TDMPC2

/// `foresight bench vector`: environment steps per second of a TD-MPC2 agent acting (planning) in `N`
/// environments at once, for several `N`: each vector step is one encoder pass and one batched MPPI plan for the
/// `N` observations (`TDMPC2Agent.act(batch:isFirstStep:mode:)`), then one step of a `SyncVectorEnvironment` (`make(id, count:)`).
/// No updates: this is the acting side of training, the part batched planning speeds up.
struct BenchVector: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector",
        abstract: "Time acting in N environments at once (batched MPPI plans plus a vector environment step): environment steps per second for each N.")

    @Option(help: "Environment id (continuous actions).") var env = "Pendulum-v1"
    @Option(help: "Comma-separated environment counts.") var counts = "1,2,4,8,16"
    @Option(parsing: .unconditional, help: "Model-size preset: 1 or 5 (millions of parameters).") var modelSize = 1
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads = 1
    @Option(parsing: .unconditional, help: "Timed vector steps per count (the median is reported).") var iterations = 20
    @Option(parsing: .unconditional, help: "Untimed vector steps before each figure.") var warmup = 3
    @Option(parsing: .unconditional, help: "Rows per pass through the heads in the planning rollout (MPPIPlanner.rolloutBlockRows); 0: all N x samples rows at once.")
    var blockRows = 512
    @Flag(help: "Print one JSON object per count instead of a table.") var json = false

    func validate() throws {
        guard modelSize == 1 || modelSize == 5 else { throw ValidationError("--model-size must be 1 or 5, got \(modelSize)") }
        guard threads >= 1 else { throw ValidationError("--threads must be positive, got \(threads)") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be positive, got \(iterations)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be >= 0, got \(warmup)") }
        guard blockRows >= 0 else { throw ValidationError("--block-rows must be >= 0, got \(blockRows)") }
        _ = try parsedCounts()
    }

    func parsedCounts() throws -> [Int] {
        let parts = counts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Int($0) }
        guard !parts.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 1 && $0 <= 1024 }) else {
            throw ValidationError("--counts must be comma-separated environment counts in 1...1024, got '\(counts)'")
        }
        return values
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        let registry = EnvironmentRegistry.standard
        let probe = try registry.make(env)
        guard let observationBox = unwrapBox(probe.observationSpace), let actionBox = unwrapBox(probe.actionSpace) else {
            throw ValidationError("--env \(env) needs Box observation and action spaces (continuous actions), got \(probe.observationSpace) and \(probe.actionSpace)")
        }
        let size: ModelSize = modelSize == 1 ? .m1 : .m5
        let c = TDMPC2Configuration(observationShape: observationBox.shape, actionDimensions: actionBox.elementCount, modelSize: size)
        if !json {
            print("TD-MPC2 \(modelSize)M acting on \(env): per vector step one batched plan (MPPI \(c.planner.iterations) x \(c.planner.sampleCount) samples, horizon \(c.planner.horizon)) and one SyncVectorEnvironment step; \(threads) thread(s), rollout blocks of \(blockRows > 0 ? "\(blockRows)" : "all") rows, median of \(iterations) steps")
            print("env-steps/s: N / median wall time of a vector step; CPU ms: process CPU time per step (all threads), less disturbed by other processes")
            print("    N   step ms    min ms    max ms    CPU ms   env-steps/s   x N=1   env-steps/CPU-s   GFLOP/s")
        }
        var baseline: Double?
        for count in try parsedCounts() {
            let agent = try TDMPC2Agent(configuration: c, seed: 1)
            agent.planner.rolloutBlockRows = blockRows > 0 ? blockRows : nil
            var envs = try registry.make(env, count: count)
            // The agent acts in [-1, 1]; the environments take [low, high].
            let low = actionBox.low.scalars, high = actionBox.high.scalars, a = actionBox.elementCount
            var observations = try envs.reset(seed: 0).observations
            var first = Array(repeating: true, count: count)
            func step() throws {
                var actions = agent.act(batch: observations, isFirstStep: first, mode: .explore).scalars
                for i in actions.indices { actions[i] = low[i % a] + (actions[i] + 1) * (high[i % a] - low[i % a]) / 2 }
                let result = try envs.step(Tensor(shape: [count, a], scalars: actions))
                observations = result.observations
                first = result.ended   // next-step autoreset: the observation after an end starts a new episode
            }
            let multiplyAdds = BLAS.multiplyAddsExecuted
            var cpu = CPUTimer(), failure: (any Error)?
            let time = TimingSummary.measure(warmup: warmup, iterations: iterations) {
                cpu.run { do { try step() } catch { failure = failure ?? error } }
            }
            if let failure { throw failure }
            let cpuMilliseconds = cpu.median(last: iterations)
            let flop = 2 * Double(BLAS.multiplyAddsExecuted - multiplyAdds) / Double(warmup + iterations)
            let rate = Double(count) / (time.median / 1000)
            baseline = baseline ?? (count == 1 ? rate : nil)
            let speedup = baseline.map { String(format: "%7.2f", rate / $0) } ?? "      -"
            let gflops = flop / (time.median * 1e6)
            if json {
                let object: [String: Any] = ["impl": "foresight", "env": env, "environments": count, "threads": threads, "model_size": modelSize, "block_rows": blockRows,
                                             "step_ms": time.median, "step_min_ms": time.min, "step_max_ms": time.max,
                                             "step_cpu_ms": cpuMilliseconds, "env_steps_per_second": rate,
                                             "env_steps_per_cpu_second": Double(count) / (cpuMilliseconds / 1000), "plan_gflops": gflops]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(String(format: "%5d %9.1f %9.1f %9.1f %9.1f %13.2f %@ %17.2f %9.1f", count, time.median, time.min, time.max, cpuMilliseconds, rate,
                             speedup, Double(count) / (cpuMilliseconds / 1000), gflops))
            }
        }
    }

    private func unwrapBox(_ space: some Space<Tensor>) -> Box? {
        (space as? Box) ?? ((space as? AnySpace<Tensor>)?.base as? Box)
    }
}
