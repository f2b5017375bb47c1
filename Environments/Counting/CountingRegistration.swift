// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore

// MARK: - Registration

/// The counting family: `Counting-v0` (the paper's setting) and `CountingHold-v0` (a control task).
///
/// | id | actions | reward | start count | terminates | steps | best return from count `c` |
/// |---|---|---|---|---|---|---|
/// | `Counting-v0` | `Box(1)` sign | sparse, after the action | uniform `0...8` | at 4 | 4 | 1 |
/// | `CountingHold-v0` | `Discrete(3)` as index tensor | sparse, before the action | uniform `0...8` | never | 50 | `50 - |c - 4|` |
///
/// Construction options (all optional) override the variant: `"target"` (number), `"maxCount"` (number),
/// `"reward"` (`"sparse"` or `"dense"`), `"rewardTiming"` (`"afterAction"` or `"beforeAction"`),
/// `"terminateOnSuccess"` (Boolean), `"startCount"` (a number or `"uniform"`), `"actions"` (`"sign"`,
/// `"removeAdd"` or `"removeKeepAdd"`), `"avoidOverlap"` (Boolean), `"seed"` (number). The step limit is the
/// registry's `maxEpisodeSteps` argument. Discrete encodings cross the `any Environment<Tensor, Tensor>` boundary
/// as one-element index tensors (`DiscreteAsTensor`).
public enum CountingFamily {
    /// `Counting-v0`: ``CountingConfiguration/paper`` with ``CountingActionKind/sign`` actions, 4 steps.
    public static let paperID = "Counting-v0"
    /// `CountingHold-v0`: ``CountingConfiguration/hold`` with ``CountingActionKind/removeKeepAdd`` actions, 50 steps.
    public static let holdID = "CountingHold-v0"
    /// Every id the family registers, with its configuration and action encoding.
    public static let variants: [(id: String, configuration: CountingConfiguration, actions: CountingActionKind)] = [
        (paperID, .paper, .sign), (holdID, .hold, .removeKeepAdd),
    ]

    /// Registers `Counting-v0` and `CountingHold-v0` into `registry`.
    /// - Throws: `RegistryError.duplicateID` if an id is already registered.
    public static func register(into registry: inout EnvironmentRegistry) throws {
        for variant in variants {
            let (configuration, actions) = (variant.configuration, variant.actions)
            try registry.register(EnvironmentSpec(id: variant.id, maxEpisodeSteps: configuration.maxEpisodeSteps,
                                                  isDeterministic: true) { options in
                try makeEnvironment(options: options, defaults: configuration, defaultActions: actions)
            })
        }
    }

    /// An unwrapped counting environment with the given settings, at the type-erased boundary.
    /// - Parameters:
    ///   - configuration: the variant.
    ///   - actions: the action encoding; discrete encodings take index tensors `[i]`.
    ///   - seed: the generator's seed until `reset(seed:)`.
    /// - Throws: ``EnvironmentError/invalidOption(key:message:)`` for an invalid configuration.
    public static func makeEnvironment(configuration: CountingConfiguration, actions: CountingActionKind,
                                       seed: UInt64 = 0) throws -> any Environment<Tensor, Tensor> {
        switch actions {
        case .sign:
            return try CountingSignEnvironment(configuration: configuration, seed: seed)
        case .removeAdd:
            return try CountingRemoveAddEnvironment(configuration: configuration, seed: seed).indexTensorActions()
        case .removeKeepAdd:
            return try CountingRemoveKeepAddEnvironment(configuration: configuration, seed: seed).indexTensorActions()
        }
    }

    /// The option keys ``register(into:)`` accepts.
    static let optionKeys = ["target", "maxCount", "reward", "rewardTiming", "terminateOnSuccess", "startCount", "actions",
                             "avoidOverlap", "seed"]
    /// Parses construction options over `defaults` and makes the environment.
    static func makeEnvironment(options: EnvironmentOptions, defaults: CountingConfiguration,
                                defaultActions: CountingActionKind) throws -> any Environment<Tensor, Tensor> {
        if let unknown = options.keys.sorted().first(where: { !optionKeys.contains($0) }) {
            let hint = unknown == "maxEpisodeSteps" ? "; set the step limit with the registry's maxEpisodeSteps argument" : ""
            throw EnvironmentError.invalidOption(key: unknown, message: "unknown counting option\(hint); expected one of \(optionKeys.joined(separator: ", "))")
        }
        var configuration = defaults
        if let v = try options.number("maxCount") { configuration.maxCount = try integerOption(v, key: "maxCount") }
        if let v = try options.number("target") { configuration.target = try integerOption(v, key: "target") }
        if let v = try options.string("reward") {
            guard let reward = CountingReward(rawValue: v) else {
                throw EnvironmentError.invalidOption(key: "reward", message: "expected \"sparse\" or \"dense\", got \"\(v)\"")
            }
            configuration.reward = reward
        }
        if let v = try options.string("rewardTiming") {
            guard let timing = CountingRewardTiming(rawValue: v) else {
                throw EnvironmentError.invalidOption(key: "rewardTiming", message: "expected \"afterAction\" or \"beforeAction\", got \"\(v)\"")
            }
            configuration.rewardTiming = timing
        }
        if let v = try options.bool("terminateOnSuccess") { configuration.terminatesOnSuccess = v }
        if let v = try options.bool("avoidOverlap") { configuration.avoidsOverlap = v }
        if let value = options["startCount"] {
            if value.string == "uniform" {
                configuration.start = .uniform
            } else if let n = value.number {
                configuration.start = .fixed(try integerOption(n, key: "startCount"))
            } else {
                throw EnvironmentError.invalidOption(key: "startCount", message: "expected a count or \"uniform\", got \(value)")
            }
        }
        var actions = defaultActions
        if let v = try options.string("actions") {
            guard let kind = CountingActionKind(rawValue: v) else {
                throw EnvironmentError.invalidOption(key: "actions", message: "expected \"sign\", \"removeAdd\" or \"removeKeepAdd\", got \"\(v)\"")
            }
            actions = kind
        }
        let seed = try options.number("seed").map { v -> UInt64 in
            guard let s = UInt64(exactly: v) else {
                throw EnvironmentError.invalidOption(key: "seed", message: "expected a non-negative integer, got \(v)")
            }
            return s
        } ?? 0
        return try makeEnvironment(configuration: configuration, actions: actions, seed: seed)
    }
}

private func integerOption(_ value: Double, key: String) throws -> Int {
    guard let v = Int(exactly: value) else {
        throw EnvironmentError.invalidOption(key: key, message: "expected an integer, got \(value)")
    }
    return v
}
