// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import ForesightKit

/// `foresight envs`: the registered environment ids with their spaces and step limits.
struct Envs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the registered environments with their observation and action spaces and step limits.")

    func run() throws {
        let registry = EnvironmentRegistry.standard
        var unavailable: [String] = []
        var rows: [[String]] = [["ID", "OBSERVATION SPACE", "ACTION SPACE", "STEP LIMIT", "REWARD THRESHOLD"]]
        for spec in registry.specs {
            let limit = spec.maxEpisodeSteps.map(String.init) ?? "none"
            let threshold = spec.rewardThreshold.map { "\($0)" } ?? "none"
            do {
                let env = try spec.make([:])
                rows.append([spec.id, env.observationSpace.description, env.actionSpace.description, limit, threshold])
            } catch {
                // An environment whose files are not installed (Gymnasium's MuJoCo models) is listed with the reason.
                unavailable.append("\(spec.id): \(error)")
                rows.append([spec.id, "unavailable (see below)", "", limit, threshold])
            }
        }
        print(formatTable(rows))
        if let first = unavailable.first {
            print("\nUnavailable: \(first)")
            if unavailable.count > 1 { print("(and \(unavailable.count - 1) more for the same reason or others: \(unavailable.dropFirst().map { $0.prefix { $0 != ":" } }.joined(separator: ", ")))") }
        }
    }
}

/// Left-aligned columns separated by two spaces.
func formatTable(_ rows: [[String]]) -> String {
    guard let columnCount = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: columnCount)
    for row in rows {
        for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    return rows.map { row in
        row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
