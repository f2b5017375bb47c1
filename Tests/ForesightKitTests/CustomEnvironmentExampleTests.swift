// Foresight — ForesightKitTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing

/// `examples/CustomEnvironment`: a user's environment, registered and checked, then trained on with TD-MPC2 through
/// the public API; after 2,000 steps (1,000 random) its evaluation return beats the random agent's.
@Suite(.serialized) struct CustomEnvironmentExampleTests {
    @Test func trainsTDMPC2OnTheUsersEnvironmentAndBeatsTheRandomAgent() throws {
        let dir = CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLITests.run(["--steps", "2000", "--eval-episodes", "5", "--run-dir", dir.path], product: "CustomEnvironment")
        #expect(r.status == 0, "\(r.error)")
        #expect(r.output.contains("examples/PointMass-v0") && r.output.contains("checkEnvironment: no issues"), "\(r.output)")
        let lines = r.output.split(separator: "\n").map(String.init)
        // The learning as it goes: episode means and evaluations against the random agent.
        #expect(lines.contains { $0.contains("mean return") && $0.contains("episodes 0-4") }, "\(r.output)")
        #expect(lines.filter { $0.contains("evaluation return") && $0.contains("(random agent") }.count >= 2, "\(r.output)")
        let last = try #require(lines.last { $0.hasPrefix("trained in") }, "\(r.output)")
        let numbers = last.matches(of: /-?[0-9]+\.[0-9]+/).compactMap { Double($0.output) }
        try #require(numbers.count == 2, "\(last)")
        #expect(numbers[0] > numbers[1] + 20, "trained \(numbers[0]) vs random \(numbers[1])")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint/agent.safetensors").path))
        let bad = try CLITests.run(["--steps", "0"], product: "CustomEnvironment")
        #expect(bad.status == 1 && bad.error == "Error: --steps 0: expected a whole number >= 1\n", "\(bad.error)")
    }
}
