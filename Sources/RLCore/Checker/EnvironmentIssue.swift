// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - EnvironmentIssue

/// One finding of ``checkEnvironment(seed:requiresNormalizedActions:_:)``.
public struct EnvironmentIssue: Sendable, Equatable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Comparable {
        /// Probably unintended, but the environment works.
        case warning
        /// The environment breaks the contract agents rely on.
        case failure

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .failure }
    }

    /// Which part of the contract a finding is about.
    public enum Check: String, Sendable, CaseIterable {
        case construction, observationSpace, actionSpace, reset, seeding, resetOptions, step, determinism,
             truncation, rendering
        /// Vector environments: batched shapes and per-sub-environment counts.
        case batching
        /// Vector environments: the autoreset mode's contract.
        case autoreset
    }

    public var severity: Severity
    public var check: Check
    /// What is wrong, naming the values involved.
    public var message: String

    public init(_ severity: Severity, _ check: Check, _ message: String) {
        self.severity = severity
        self.check = check
        self.message = message
    }

    /// For example `failure [seeding]: reset(seed: 123) gave different observations ...`.
    public var description: String { "\(severity.rawValue) [\(check.rawValue)]: \(message)" }
}

extension Array where Element == EnvironmentIssue {
    /// The findings with severity ``EnvironmentIssue/Severity/failure``.
    public var failures: [EnvironmentIssue] { filter { $0.severity == .failure } }
    /// The findings with severity ``EnvironmentIssue/Severity/warning``.
    public var warnings: [EnvironmentIssue] { filter { $0.severity == .warning } }
}
