// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser

// MARK: - Numeric options

// Options that take numbers are declared with `parsing: .unconditional`, so that a negative number after them
// (`--initial-state -0.1,0,0,0`, `--target-return -200`) is their value rather than an unknown flag; each command's
// `validate()` then checks ranges by name.

/// Parses a `--seed`: a whole number from 0 to 2^64 - 1.
/// - Throws: `ValidationError` saying what was expected (ArgumentParser prefixes the option and the value).
func seedArgument(_ text: String) throws -> UInt64 {
    guard let seed = UInt64(text) else { throw ValidationError("expected a whole number from 0 to \(UInt64.max)") }
    return seed
}

/// Throws for the first present value below its least allowed value, naming the option: `--steps must be >= 1, got -5`.
func requireAtLeast(_ checks: [(option: String, value: Int?, least: Int)]) throws {
    for check in checks {
        if let value = check.value, value < check.least { throw ValidationError("\(check.option) must be >= \(check.least), got \(value)") }
    }
}
