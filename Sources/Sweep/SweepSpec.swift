// Foresight — Sweep
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ForesightKit

// MARK: - Sweep description

/// A sweep: a base run (a `foresight train` configuration or a counting study), the seeds, the axes to vary and
/// the resources of one run. Read from JSON by ``load(from:)``:
///
/// ```json
/// {"name": "cartpole-aux",
///  "train": {"environment": "CartPole-v1", "trainer": {"steps": 300}},
///  "seeds": [0, 1, 2],
///  "axes": [{"key": "aux", "values": ["reward", "q"]}, {"key": "agent.horizon", "values": [3, 5]}],
///  "resources": {"cpus": 1, "memory": "2G", "time": "01:00:00", "throttle": 8}}
/// ```
///
/// or, for the counting study (one run per configuration and seed):
///
/// ```json
/// {"name": "counting", "study": {"quick": true, "configs": ["reward", "q"], "settings": {"updates": 20}}, "seeds": [0, 1]}
/// ```
public struct SweepSpec: Equatable, Sendable {
    /// What each run of the sweep runs.
    public enum Base: Equatable, Sendable {
        /// `foresight train --config` with this configuration (a JSON object; axes set keys of it).
        case train(SweepJSON)
        /// `foresight study counting` for one configuration and seed.
        case study(StudySweep)
    }

    /// The sweep's name (letters, digits, `.`, `_`, `-`): the Slurm job name and the default directory.
    public var name: String
    public var base: Base
    public var seeds: [Int]
    /// Train sweeps only: the keys varied, each over its values (every combination is run for every seed).
    public var axes: [SweepAxis]
    public var resources: SweepResources

    public init(name: String, base: Base, seeds: [Int], axes: [SweepAxis] = [], resources: SweepResources = SweepResources()) {
        (self.name, self.base, self.seeds, self.axes, self.resources) = (name, base, seeds, axes, resources)
    }

    static let keys = ["name", "train", "study", "seeds", "axes", "resources"]

    /// Reads a sweep description.
    /// - Throws: ``SweepError`` naming the file, the key and the value at fault.
    public static func load(from url: URL) throws -> SweepSpec {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SweepError.file(url.path, reason: "cannot read the sweep description (no such file or not readable)")
        }
        do { return try decode(data) } catch let error as SweepError {
            throw SweepError.file(url.path, reason: error.description)
        }
    }

    /// Decodes a sweep description from JSON text.
    public static func decode(_ data: Data) throws -> SweepSpec {
        let json: SweepJSON
        do { json = try JSONDecoder().decode(SweepJSON.self, from: data) } catch {
            throw SweepError.invalid("the sweep description", value: "not valid JSON", expected: "a JSON object (\(error.localizedDescription))")
        }
        guard case .object(let top) = json else { throw SweepError.invalid("the sweep description", value: json.kindName, expected: "a JSON object") }
        try refuseUnknown(top, known: keys, prefix: "")
        let name = try string(top["name"], key: "name")
        guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy(SweepNaming.isSafe) else {
            throw SweepError.invalid("name", value: "\"\(name)\"", expected: "1 to 64 letters, digits, '.', '_' or '-'")
        }
        let base: Base
        switch (top["train"], top["study"]) {
        case let (train?, nil):
            guard case .object = train else { throw SweepError.invalid("train", value: train.kindName, expected: "a run configuration object (as `foresight train --config` reads)") }
            base = .train(train)
        case let (nil, study?): base = .study(try StudySweep(study))
        case (nil, nil): throw SweepError.invalid("the sweep description", value: "without \"train\" or \"study\"", expected: "one of them: the base run")
        case (.some, .some): throw SweepError.invalid("the sweep description", value: "with both \"train\" and \"study\"", expected: "one of them")
        }
        let seeds = try seedList(top["seeds"])
        var axes: [SweepAxis] = []
        if let axesValue = top["axes"] {
            guard case .array(let items) = axesValue else { throw SweepError.invalid("axes", value: axesValue.kindName, expected: "an array of {\"key\", \"values\"}") }
            axes = try items.enumerated().map { try SweepAxis($1, index: $0) }
        }
        if case .study = base, let axis = axes.first {
            throw SweepError.invalid("axes[0].key", value: "\"\(axis.key)\"", expected: "no axes in a study sweep (it varies \"study.configs\" and \"seeds\"; fixed settings go in \"study.settings\")")
        }
        var seen = Set<String>()
        for (i, axis) in axes.enumerated() where !seen.insert(axis.key).inserted {
            throw SweepError.invalid("axes[\(i)].key", value: "\"\(axis.key)\"", expected: "each key on one axis only")
        }
        let resources = try top["resources"].map(SweepResources.init) ?? SweepResources()
        return SweepSpec(name: name, base: base, seeds: seeds, axes: axes, resources: resources)
    }

    /// `[0, 1, 2]` or `{"first": 0, "count": 3}`; distinct non-negative integers.
    static func seedList(_ value: SweepJSON?) throws -> [Int] {
        guard let value else { throw SweepError.invalid("seeds", value: "missing", expected: "an array of seeds such as [0, 1, 2], or {\"first\": 0, \"count\": 3}") }
        var seeds: [Int]
        switch value {
        case .array(let items):
            seeds = try items.enumerated().map { i, item in
                guard case .int(let s) = item, s >= 0 else { throw SweepError.invalid("seeds[\(i)]", value: item.jsonText, expected: "a whole number from 0") }
                return s
            }
        case .object(let o):
            try refuseUnknown(o, known: ["first", "count"], prefix: "seeds.")
            let first = try int(o["first"] ?? .int(0), key: "seeds.first", minimum: 0), count = try int(o["count"], key: "seeds.count", minimum: 1)
            guard count <= 100_000, first <= Int.max - count else { throw SweepError.invalid("seeds.count", value: "\(count)", expected: "at most 100000") }
            seeds = Array(first..<(first + count))
        default: throw SweepError.invalid("seeds", value: value.jsonText, expected: "an array of seeds or {\"first\", \"count\"}")
        }
        guard !seeds.isEmpty else { throw SweepError.invalid("seeds", value: "[]", expected: "at least one seed") }
        guard Set(seeds).count == seeds.count else { throw SweepError.invalid("seeds", value: value.jsonText, expected: "each seed once") }
        return seeds
    }

    // MARK: Field readers

    static func refuseUnknown(_ object: [String: SweepJSON], known: [String], prefix: String) throws {
        for key in object.keys.sorted() where !known.contains(key) {
            throw SweepError.invalid("key \"\(prefix)\(key)\"", value: "unknown", expected: "one of " + known.map { "\"\(prefix)\($0)\"" }.joined(separator: ", "))
        }
    }

    static func string(_ value: SweepJSON?, key: String) throws -> String {
        guard case .string(let s)? = value else { throw SweepError.invalid(key, value: value?.jsonText ?? "missing", expected: "a string") }
        return s
    }

    static func int(_ value: SweepJSON?, key: String, minimum: Int) throws -> Int {
        guard case .int(let i)? = value, i >= minimum else {
            throw SweepError.invalid(key, value: value?.jsonText ?? "missing", expected: "a whole number from \(minimum)")
        }
        return i
    }
}

/// One varied key of a train sweep: a dotted key of the run configuration (`aux`, `environment`, `agent.horizon`,
/// `trainer.steps`) and the values it takes.
public struct SweepAxis: Codable, Equatable, Sendable {
    public var key: String
    public var values: [SweepJSON]

    public init(key: String, values: [SweepJSON]) { (self.key, self.values) = (key, values) }

    init(_ json: SweepJSON, index: Int) throws {
        guard case .object(let o) = json else { throw SweepError.invalid("axes[\(index)]", value: json.kindName, expected: "{\"key\": ..., \"values\": [...]}") }
        try SweepSpec.refuseUnknown(o, known: ["key", "values"], prefix: "axes[\(index)].")
        key = try SweepSpec.string(o["key"], key: "axes[\(index)].key")
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw SweepError.invalid("axes[\(index)].key", value: "\"\(key)\"", expected: "a dotted configuration key such as \"aux\" or \"agent.horizon\"")
        }
        guard key != "trainer.seed" else {
            throw SweepError.invalid("axes[\(index)].key", value: "\"trainer.seed\"", expected: "another key: seeds are given by \"seeds\"")
        }
        guard case .array(let values)? = o["values"], !values.isEmpty else {
            throw SweepError.invalid("axes[\(index)].values", value: o["values"]?.jsonText ?? "missing", expected: "a non-empty array of values")
        }
        for (i, v) in values.enumerated() where values[..<i].contains(v) {
            throw SweepError.invalid("axes[\(index)].values", value: v.jsonText, expected: "each value once")
        }
        self.values = values
    }
}

/// The counting study as the base of a sweep: every configuration in `configs` for every seed, one run each.
public struct StudySweep: Codable, Equatable, Sendable {
    /// Start from the `--quick` settings (else the standard ones).
    public var quick: Bool
    /// Arm names, in the order the study's tables list them.
    public var configs: [String]
    /// Settings overridden by name (`foresight study counting --set NAME=VALUE`), e.g. `{"updates": 20}`.
    public var settings: [String: SweepJSON]

    public init(quick: Bool, configs: [String], settings: [String: SweepJSON] = [:]) {
        (self.quick, self.configs, self.settings) = (quick, configs, settings)
    }

    init(_ json: SweepJSON) throws {
        guard case .object(let o) = json else { throw SweepError.invalid("study", value: json.kindName, expected: "an object") }
        try SweepSpec.refuseUnknown(o, known: ["quick", "configs", "settings"], prefix: "study.")
        switch o["quick"] {
        case nil: quick = false
        case .bool(let b)?: quick = b
        case let other?: throw SweepError.invalid("study.quick", value: other.jsonText, expected: "true or false")
        }
        guard case .array(let items)? = o["configs"], !items.isEmpty else {
            throw SweepError.invalid("study.configs", value: o["configs"]?.jsonText ?? "missing",
                                     expected: "a non-empty array of: " + StudyArm.allCases.map(\.rawValue).joined(separator: ", "))
        }
        configs = try items.enumerated().map { i, item in
            let text = try SweepSpec.string(item, key: "study.configs[\(i)]")
            do { return try StudyArm(parsing: text).rawValue } catch let error as StudyError {
                throw SweepError.invalid("study.configs[\(i)]", value: "\"\(text)\"", expected: "a study configuration (\(error))")
            }
        }
        guard Set(configs).count == configs.count else { throw SweepError.invalid("study.configs", value: items.map(\.description).joined(separator: ", "), expected: "each configuration once") }
        switch o["settings"] {
        case nil: settings = [:]
        case .object(let s)?: settings = s
        case let other?: throw SweepError.invalid("study.settings", value: other.jsonText, expected: "an object of study settings, e.g. {\"updates\": 20}")
        }
        _ = try studySettings()
    }

    /// The study settings the runs use (the preset with ``settings`` applied), validated.
    public func studySettings() throws -> StudySettings {
        var s = quick ? StudySettings.quick : StudySettings.standard
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            do { try s.set(name, to: value.description) } catch let error as StudyError {
                throw SweepError.invalid("study.settings.\(name)", value: value.jsonText, expected: "a valid setting (\(error))")
            }
        }
        do { try s.validate() } catch { throw SweepError.invalid("study.settings", value: "rejected by the study", expected: "valid settings (\(error))") }
        return s
    }

    /// `foresight study counting` arguments of one run (without `--run-dir` and `--threads`).
    public func arguments(config: String, seed: Int) -> [String] {
        var args = ["--configs", config, "--first-seed", String(seed), "--seeds", "1", "--jobs", "1"]
        if quick { args.append("--quick") }
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { args += ["--set", "\(name)=\(value.description)"] }
        return args
    }
}

/// The resources of one run (one Slurm array task or one Ray task); command-line flags override them.
public struct SweepResources: Codable, Equatable, Sendable {
    /// CPUs per run (also its OpenBLAS threads).
    public var cpus = 1
    /// Memory per run in Slurm's notation (`2G`, `500M`); nil: the cluster's default.
    public var memory: String?
    /// Time limit per run in Slurm's notation (`01:00:00`, `2-00:00:00`); nil: the partition's default.
    public var time: String?
    /// Runs at once (Slurm's `%` throttle of the array); nil: no limit.
    public var throttle: Int?
    /// Slurm partition; nil: the default one.
    public var partition: String?

    public init(cpus: Int = 1, memory: String? = nil, time: String? = nil, throttle: Int? = nil, partition: String? = nil) {
        (self.cpus, self.memory, self.time, self.throttle, self.partition) = (cpus, memory, time, throttle, partition)
    }

    init(_ json: SweepJSON) throws {
        guard case .object(let o) = json else { throw SweepError.invalid("resources", value: json.kindName, expected: "an object") }
        try SweepSpec.refuseUnknown(o, known: ["cpus", "memory", "time", "throttle", "partition"], prefix: "resources.")
        cpus = try o["cpus"].map { try SweepSpec.int($0, key: "resources.cpus", minimum: 1) } ?? 1
        memory = try o["memory"].map { try SweepSpec.string($0, key: "resources.memory") }
        time = try o["time"].map { try SweepSpec.string($0, key: "resources.time") }
        throttle = try o["throttle"].map { try SweepSpec.int($0, key: "resources.throttle", minimum: 1) }
        partition = try o["partition"].map { try SweepSpec.string($0, key: "resources.partition") }
        try validate()
    }

    /// ``memory`` in bytes (Slurm's units: K, M, G, T are powers of 1024; a bare number is megabytes), for Ray.
    public var memoryBytes: Int? {
        guard let memory, let last = memory.last else { return nil }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let (digits, unit) = units[last].map { (memory.dropLast(), $0) } ?? (Substring(memory), 1 << 20)
        guard let n = Int(digits) else { return nil }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }

    /// Checks the values that go into the job script.
    public func validate() throws {
        guard cpus >= 1 else { throw SweepError.invalid("cpus", value: "\(cpus)", expected: "at least 1") }
        if let throttle, throttle < 1 { throw SweepError.invalid("throttle", value: "\(throttle)", expected: "at least 1") }
        if let memory, memory.range(of: #"^[0-9]+[KMGT]?$"#, options: .regularExpression) == nil {
            throw SweepError.invalid("memory", value: "\"\(memory)\"", expected: "a size such as 2G, 500M or 1024 (megabytes)")
        }
        if memory != nil, memoryBytes == nil { throw SweepError.invalid("memory", value: "\"\(memory ?? "")\"", expected: "a size below 8 EiB") }
        if let time, time.range(of: #"^([0-9]+-)?[0-9]+(:[0-9]{1,2}){0,2}$"#, options: .regularExpression) == nil {
            throw SweepError.invalid("time", value: "\"\(time)\"", expected: "a Slurm time such as 30, 01:00:00 or 2-00:00:00")
        }
        if let partition, partition.isEmpty || !partition.unicodeScalars.allSatisfy(SweepNaming.isSafe) {
            throw SweepError.invalid("partition", value: "\"\(partition)\"", expected: "a partition name (letters, digits, '.', '_', '-')")
        }
    }
}
