// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser

/// `foresight bench ...`: benchmarks that print their figures.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (figures are printed, never asserted).",
        subcommands: [
            // Bench subcommands, one file each.
            BenchCounting.self,
            BenchCore.self,
            BenchEnvs.self,
            BenchPixels.self,
            BenchTDMPC2.self,
            BenchVector.self,
        ]
    )
}
