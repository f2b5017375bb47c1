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
        var rows: [[String]] = [["ID", "OBSERVATION SPACE", "ACTION SPACE", "STEP LIMIT", "REWARD THRESHOLD"]]
        for spec in registry.specs {
            let env = try spec.make([:])
            rows.append([spec.id, env.observationSpace.description, env.actionSpace.description,
                         spec.maxEpisodeSteps.map(String.init) ?? "none",
                         spec.rewardThreshold.map { "\($0)" } ?? "none"])
        }
        print(formatTable(rows))
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
