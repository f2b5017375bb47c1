// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation

// MARK: - Gymnasium, measured in the same run

extension BenchEnvs {
    struct GymFigures: Decodable {
        var version: String
        var raw: Rates
        var made: Rates
    }

    /// Gymnasium's side of the benchmark: `n` actions presampled from the seeded action space, then the raw loop
    /// (the unwrapped environment, reset on termination or at the step limit) and the made loop (`gymnasium.make`),
    /// timed with both `time.perf_counter` (wall) and `time.thread_time` (CPU) around the stepping loop only.
    static let gymProgram = """
        import json, statistics, sys, time
        import gymnasium as gym
        steps, repeats, env_id = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

        def presample(space, n, seed):
            space.seed(seed)
            return [space.sample() for _ in range(n)]

        def raw(seed, n):
            env = gym.make(env_id); T = env.spec.max_episode_steps; u = env.unwrapped
            acts = presample(env.action_space, n, seed); u.reset(seed=seed); k = 0
            w, c = time.perf_counter(), time.thread_time()
            for i in range(n):
                _, _, term, _, _ = u.step(acts[i]); k += 1
                if term or k >= T:
                    u.reset(); k = 0
            w, c = time.perf_counter() - w, time.thread_time() - c
            env.close(); return n / w, n / max(c, 1e-9)

        def made(seed, n):
            env = gym.make(env_id); acts = presample(env.action_space, n, seed); env.reset(seed=seed)
            w, c = time.perf_counter(), time.thread_time()
            for i in range(n):
                _, _, term, trunc, _ = env.step(acts[i])
                if term or trunc:
                    env.reset()
            w, c = time.perf_counter() - w, time.thread_time() - c
            env.close(); return n / w, n / max(c, 1e-9)

        out = {"version": gym.__version__}
        for name, fn in (("made", made), ("raw", raw)):
            fn(0, 2000)
            rates = [fn(r, steps) for r in range(repeats)]
            out[name] = {"wall": statistics.median(r[0] for r in rates), "cpu": statistics.median(r[1] for r in rates)}
        print(json.dumps(out))
        """

    /// Runs ``gymProgram`` for one id with `python`.
    func measureGymnasium(python: String, id: String) throws -> GymFigures {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", Self.gymProgram, String(stepCounts(id).gymnasium), String(gymRepeats), id]
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
            throw ValidationError("the Gymnasium benchmark failed for \(id) (exit \(process.terminationStatus)); "
                + "is gymnasium installed for \(python)? (scripts/setup-python.sh makes .venv/bin/python with it)")
        }
        return try JSONDecoder().decode(GymFigures.self, from: data)
    }
}
