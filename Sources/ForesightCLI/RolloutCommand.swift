// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit

/// `foresight rollout`: runs one episode and prints it as JSON lines.
struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Run one episode of an environment and print it as JSON lines.",
        discussion: """
            Prints one JSON object per line: first the reset, {"t":0,"observation":[...],"info":{...}}, then each \
            step, {"t":k,"action":...,"observation":[...],"reward":r,"terminated":b,"truncated":b,"info":{...}}. \
            Discrete actions are written as integers. Stops at termination or truncation (the registered step \
            limit applies), after --steps steps, or when the actions in --actions run out. With --save-frames DIR, \
            image observations ([3, H, W] or [1, H, W], values 0...255) are also written as DIR/frame-0000.png, \
            frame-0001.png, ... and DIR/grid.png (every frame, ten per row), e.g. \
            `foresight rollout --env Counting-v0 --save-frames frames`.
            """)

    @Option(name: .long, help: "A registered environment id (see `foresight envs`).")
    var env: String

    @Option(name: .long, parsing: .unconditional, help: "Seed for reset and for sampling actions.", transform: seedArgument)
    var seed: UInt64 = 0

    @Option(name: .long, parsing: .unconditional, help: "The most steps to take (default: until the episode ends).")
    var steps: Int?

    @Option(name: .long, help: "A file with one JSON action per line (an integer for discrete actions, an array otherwise).")
    var actions: String?

    @Option(name: .long, parsing: .unconditional, help: "The internal state to start from, comma-separated (e.g. CartPole's x,x_dot,theta,theta_dot).")
    var initialState: String?

    @Option(name: .long, help: "Output format; only jsonl.")
    var format: String = "jsonl"

    @Option(name: .long, help: "Also write each image observation as a PNG file into this directory (created if missing).")
    var saveFrames: String?

    @Option(name: .long, parsing: .unconditional, help: "Enlarge saved frames by this integer factor (nearest neighbour; at most \(FrameWriter.maxScaledSide) pixels a side).")
    var frameScale: Int = 1

    @Option(name: .customLong("option"), help: "A construction option key=value (value as JSON: number, true/false, string); repeatable.")
    var constructionOptions: [String] = []

    func validate() throws {
        guard format == "jsonl" else { throw ValidationError("Unsupported --format '\(format)'; expected jsonl") }
        if let steps, steps < 0 { throw ValidationError("--steps must be >= 0, got \(steps)") }
        guard frameScale >= 1 else { throw ValidationError("--frame-scale must be >= 1, got \(frameScale)") }
    }

    func run() throws {
        let registry = EnvironmentRegistry.standard
        var environment: any Environment<Tensor, Tensor>
        do {
            environment = try registry.make(env, options: try parseConstructionOptions())
        } catch let error as RegistryError {
            throw ValidationError(error.description)
        } catch let error as EnvironmentError {
            throw ValidationError(error.description)
        }
        var resetOptions: ResetOptions = [:]
        if let initialState {
            resetOptions[OptionKey.initialState] = OptionValue(try parseNumbers(initialState, name: "--initial-state"))
        }
        let source: RolloutActions
        if let path = actions {
            source = .given(try readActions(path, space: environment.actionSpace))
        } else {
            // An independent stream: the environment's own generator is also seeded with `seed`.
            var parent = SeededGenerator(seed: seed)
            source = .sampled(parent.split())
        }
        let actionSpace = environment.actionSpace
        var frames = try saveFrames.map {
            try FrameWriter(path: $0, scale: frameScale, observationSpace: environment.observationSpace, environmentID: env)
        }
        do {
            try rollout(&environment, seed: seed, options: resetOptions, maxSteps: steps, actions: source) { record in
                print(record.jsonLine(actionSpace: actionSpace))
                try frames?.write(record.observation, t: record.t)
            }
            try frames?.finish()
        } catch let error as EnvironmentError {
            throw CommandFailure("\(env): \(error.description)")
        }
    }

    func parseConstructionOptions() throws -> EnvironmentOptions {
        var options: EnvironmentOptions = [:]
        for text in constructionOptions {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--option expects key=value, got '\(text)'")
            }
            let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
            if let decoded = try? JSONDecoder().decode(OptionValue.self, from: Data(value.utf8)) {
                if let number = decoded.number, !(number.isFinite && Swift.abs(number) <= Double(Float.greatestFiniteMagnitude)) {
                    throw ValidationError("--option \(key): \(value) is not a finite Float32 number (at most ±\(Float.greatestFiniteMagnitude))")
                }
                options[key] = decoded
            } else {
                options[key] = .string(value)
            }
        }
        return options
    }

    func parseNumbers(_ text: String, name: String) throws -> [Double] {
        try text.split(separator: ",").map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value.isFinite else {
                throw ValidationError("\(name): '\(trimmed)' is not a finite number (expected v1,v2,...)")
            }
            return value
        }
    }

    func readActions(_ path: String, space: any Space<Tensor>) throws -> [Tensor] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--actions: cannot read '\(path)'")
        }
        var result: [Tensor] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            do {
                result.append(try parseAction(String(line), for: space))
            } catch let error as EnvironmentError {
                throw ValidationError("--actions \(path) line \(number + 1): \(error.description)")
            }
        }
        return result
    }
}
