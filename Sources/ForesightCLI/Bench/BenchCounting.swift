// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Counting
import Foundation
import RLCore
import TensorCore

/// `foresight bench counting`: steps per second of the counting environments, rendering included.
struct BenchCounting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counting",
        abstract: "Steps per second of Counting-v0 and CountingHold-v0 (rendering included), and dataset images per second."
    )

    @Option(parsing: .unconditional, help: "Environment steps per measurement.")
    var steps: Int = 200_000

    @Option(parsing: .unconditional, help: "Measurements; the median is printed.")
    var repeats: Int = 5

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard repeats > 0 else { throw ValidationError("--repeats must be positive, got \(repeats)") }
    }

    func run() throws {
        #if DEBUG
        print("note: debug build; benchmark with `swift run -c release foresight bench counting`")
        #endif
        var registry = EnvironmentRegistry()
        try CountingFamily.register(into: &registry)
        print("counting environments, \(steps) steps x \(repeats) runs, median steps/s (one core, rendering included)")
        for id in registry.ids {
            let typed = try median { try Self.typedSteps(id: id, steps: steps) }
            let made = try median { try Self.registrySteps(registry: registry, id: id, steps: steps) }
            let name = id.padding(toLength: 16, withPad: " ", startingAt: 0)
            print("  \(name) typed struct \(Self.format(typed))   registry.make (wrapped, erased) \(Self.format(made))")
        }
        let images = 5_000
        let rate = try median {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try CountingDataset.generate(sampleCount: images, seed: 1)
            return Double(images) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        print("  CountingDataset.generate: \(Self.format(rate)) labelled images/s (\(images) images of [3, 64, 64] per call)")
    }

    static func format(_ rate: Double) -> String {
        let text = String(Int(rate.rounded()))
        return String(repeating: " ", count: Swift.max(0, 9 - text.count)) + text
    }

    private func median(_ measure: () throws -> Double) throws -> Double {
        var values: [Double] = []
        for _ in 0..<repeats { values.append(try measure()) }
        values.sort()
        return values[values.count / 2]
    }

    /// The typed environment with presampled actions, resetting when an episode ends (at the variant's step limit).
    static func typedSteps(id: String, steps: Int) throws -> Double {
        let variant = CountingFamily.variants.first { $0.id == id }
        let limit = variant?.configuration.maxEpisodeSteps ?? 50
        if variant?.actions == .sign {
            var env = try CountingSignEnvironment(configuration: .paper)
            var generator = SeededGenerator(seed: 1)
            let actions = (0..<1024).map { _ in env.actionSpace.sample(using: &generator) }
            return try time(steps: steps) {
                _ = try env.reset(seed: 1)
                var t = 0
                for i in 0..<steps {
                    let step = try env.step(actions[i & 1023])
                    t += 1
                    if step.isTerminated || t == limit { _ = try env.reset(); t = 0 }
                }
            }
        }
        var env = try CountingRemoveKeepAddEnvironment(configuration: .hold)
        var generator = SeededGenerator(seed: 1)
        let actions = (0..<1024).map { _ in env.actionSpace.sample(using: &generator) }
        return try time(steps: steps) {
            _ = try env.reset(seed: 1)
            var t = 0
            for i in 0..<steps {
                let step = try env.step(actions[i & 1023])
                t += 1
                if step.isTerminated || t == limit { _ = try env.reset(); t = 0 }
            }
        }
    }

    /// `registry.make(id)`: OrderEnforcing, TimeLimit, type-erased, tensor actions.
    static func registrySteps(registry: EnvironmentRegistry, id: String, steps: Int) throws -> Double {
        var env = try registry.make(id)
        var generator = SeededGenerator(seed: 1)
        let actions = (0..<1024).map { _ in env.actionSpace.sample(using: &generator) }
        return try time(steps: steps) {
            _ = try env.reset(seed: 1)
            for i in 0..<steps where try env.step(actions[i & 1023]).isLast {
                _ = try env.reset()
            }
        }
    }

    static func time(steps: Int, _ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(steps) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
}
