// Foresight — Sweep
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit

// MARK: - Runs of a sweep

/// One run of a sweep: its stable name, its group (the axis values; seeds of a group are averaged), its seed and
/// everything needed to repeat it. Saved as `sweep-run.json` in its run directory.
public struct SweepRun: Codable, Equatable, Sendable {
    /// One axis value of the run.
    public struct Assignment: Codable, Equatable, Sendable {
        public var key: String
        public var value: SweepJSON
    }

    /// The position in the sweep (the Slurm array index).
    public var index: Int
    /// The run directory's name, e.g. `aux-reward_horizon-3_seed0` or `reward+q_seed1`.
    public var name: String
    /// The axis values without the seed, e.g. `aux=reward horizon=3` (a study: its configuration).
    public var group: String
    public var seed: Int
    public var assignments: [Assignment]
    /// Train sweeps: the full run configuration (`config.json`, what `foresight train --config` reads).
    public var configuration: RunConfiguration?
    /// Study sweeps: the configuration (arm) and the `foresight study counting` arguments of the run.
    public var studyConfig: String?
    public var studyArguments: [String]?
    /// The Foresight version (and commit, when known) that planned the run.
    public var foresightVersion: String = ForesightVersion.current
    public var commit: String?

    public var isStudy: Bool { studyConfig != nil }

    /// The run without the version and commit that planned it (what must match when a sweep is prepared again).
    public var withoutVersion: SweepRun {
        var r = self
        r.foresightVersion = ""
        r.commit = nil
        return r
    }
}

/// A sweep expanded into its runs, with the Foresight version (and commit, when known) that planned it. Saved as
/// `sweep.json` in the sweep directory.
public struct SweepPlan: Codable, Equatable, Sendable {
    public var name: String
    /// `train` or `study`.
    public var kind: String
    public var foresightVersion: String
    public var commit: String?
    public var resources: SweepResources
    /// Study sweeps: the study's settings (every run uses them; `study merge` requires it).
    public var studySettings: StudySettings?
    /// Study sweeps: the configurations in table order.
    public var studyConfigs: [String]?
    public var runs: [SweepRun]

    /// Expands `spec`: every combination of the axis values (the first axis varies slowest) for every seed; a study
    /// sweep runs every configuration for every seed (seed-major, the order of a local study).
    /// - Throws: ``SweepError`` naming the run and axis values whose configuration is invalid (an unknown key, a
    ///   wrong type, an unknown environment or auxiliary preset), or two runs that would get the same name.
    public init(_ spec: SweepSpec, commit: String? = nil) throws {
        name = spec.name
        foresightVersion = ForesightVersion.current
        self.commit = commit
        resources = spec.resources
        switch spec.base {
        case .train(let base):
            kind = "train"
            var combinations: [[SweepRun.Assignment]] = [[]]
            for axis in spec.axes {
                combinations = combinations.flatMap { prefix in axis.values.map { prefix + [SweepRun.Assignment(key: axis.key, value: $0)] } }
            }
            runs = []
            for assignments in combinations {
                for seed in spec.seeds {
                    let name = SweepNaming.runName(assignments, seed: seed)
                    let configuration = try Self.configuration(base: base, assignments: assignments, seed: seed, run: name)
                    runs.append(SweepRun(index: runs.count, name: name, group: SweepNaming.group(assignments), seed: seed, assignments: assignments,
                                         configuration: configuration))
                }
            }
        case .study(let study):
            kind = "study"
            studySettings = try study.studySettings()
            studyConfigs = study.configs
            runs = []
            for seed in spec.seeds {
                for config in study.configs {
                    runs.append(SweepRun(index: runs.count, name: SweepNaming.safe(config) + "_seed\(seed)", group: config, seed: seed,
                                         assignments: [], studyConfig: config, studyArguments: study.arguments(config: config, seed: seed)))
                }
            }
        }
        for i in runs.indices { runs[i].commit = commit }
        var names: [String: SweepRun] = [:]
        for run in runs {
            if let other = names[run.name] {
                throw SweepError.invalid("run name", value: "\"\(run.name)\" for both \(other.group) and \(run.group) (seed \(run.seed))",
                                         expected: "axis values that differ after replacing characters other than letters, digits, '.', '+', '-'")
            }
            names[run.name] = run
        }
    }

    /// The base configuration with the axis values and the seed set, decoded as `foresight train --config` would and
    /// checked against the registry and the auxiliary presets.
    static func configuration(base: SweepJSON, assignments: [SweepRun.Assignment], seed: Int, run: String) throws -> RunConfiguration {
        var json = base
        for a in assignments { json = try json.setting(a.key.split(separator: ".").map(String.init), to: a.value, fullKey: "axis \"\(a.key)\"") }
        json = try json.setting(["trainer", "seed"], to: .int(seed), fullKey: "seeds")
        let data = Data(json.jsonText.utf8)
        let what = "run \(run)" + (assignments.isEmpty ? "" : " (\(SweepNaming.group(assignments)))")
        let configuration: RunConfiguration
        do { configuration = try RunConfiguration.decode(data, source: "of " + what) } catch let error as RunError {
            throw SweepError.invalid("the configuration of \(what)", value: "invalid", expected: "a valid run configuration: \(error)")
        }
        do { _ = try EnvironmentRegistry.standard.spec(configuration.environment) } catch {
            throw SweepError.invalid("environment of \(what)", value: "\"\(configuration.environment)\"", expected: "a registered environment (\(error))")
        }
        do { _ = try AuxiliaryRouting(parsing: configuration.aux) } catch {
            throw SweepError.invalid("aux of \(what)", value: "\"\(configuration.aux)\"", expected: "an auxiliary preset (\(error))")
        }
        guard ModelSize(rawValue: configuration.modelSize) != nil else {
            throw SweepError.invalid("modelSize of \(what)", value: "\(configuration.modelSize)", expected: "one of \(ModelSize.allCases.map(\.rawValue))")
        }
        return configuration
    }

    /// The run called `name`.
    /// - Throws: ``SweepError`` listing the known names.
    public func run(named name: String) throws -> SweepRun {
        guard let run = runs.first(where: { $0.name == name }) else {
            throw SweepError.invalid("run", value: "\"\(name)\"", expected: "a run of sweep \(self.name): " + runs.map(\.name).joined(separator: ", "))
        }
        return run
    }

    /// Whether two plans hold the same runs (the version and commit aside).
    public func sameRuns(as other: SweepPlan) -> Bool {
        name == other.name && kind == other.kind && runs.map(\.withoutVersion) == other.runs.map(\.withoutVersion) && studySettings == other.studySettings
    }
}

// MARK: - Names

/// Run and group names.
public enum SweepNaming {
    /// Letters, digits, `.`, `_` and `-`: safe in file names, shell words and Slurm job names.
    public static func isSafe(_ u: Unicode.Scalar) -> Bool {
        (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "." || u == "_" || u == "-"
    }

    /// `text` with every character other than letters, digits, `.`, `+` and `-` replaced by `-`.
    static func safe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { isSafe($0) && $0 != "_" || $0 == "+" ? $0 : "-" }))
    }

    /// `aux-reward_horizon-3_seed0`: the last component of each key, its value, then the seed.
    static func runName(_ assignments: [SweepRun.Assignment], seed: Int) -> String {
        (assignments.map { safe(String($0.key.split(separator: ".").last ?? "")) + "-" + safe($0.value.description) } + ["seed\(seed)"]).joined(separator: "_")
    }

    /// `aux=reward agent.horizon=3`, or `base` without axes.
    static func group(_ assignments: [SweepRun.Assignment]) -> String {
        assignments.isEmpty ? "base" : assignments.map { "\($0.key)=\($0.value.description)" }.joined(separator: " ")
    }
}
