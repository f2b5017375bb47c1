// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Rollout records

/// One line of a recorded episode: the reset (`t == 0`, no action or reward) or a step.
public struct RolloutRecord: Sendable, Equatable {
    /// 0 for the reset, then the step number `1, 2, ...`.
    public var t: Int
    /// The action that led to this record (`nil` for the reset).
    public var action: Tensor?
    /// The observation after the reset or step.
    public var observation: Tensor
    /// The step's reward (`nil` for the reset).
    public var reward: Float?
    public var isTerminated: Bool
    public var isTruncated: Bool
    public var info: [String: Double]

    public init(t: Int, action: Tensor? = nil, observation: Tensor, reward: Float? = nil, isTerminated: Bool = false,
                isTruncated: Bool = false, info: [String: Double] = [:]) {
        self.t = t
        self.action = action
        self.observation = observation
        self.reward = reward
        self.isTerminated = isTerminated
        self.isTruncated = isTruncated
        self.info = info
    }

    /// The record as one JSON object with keys in a fixed order:
    /// `{"t":0,"observation":[...],"info":{...}}` for the reset and
    /// `{"t":k,"action":...,"observation":[...],"reward":r,"terminated":b,"truncated":b,"info":{...}}` for a step.
    /// Numbers use the shortest text that reads back to the same value; non-finite numbers become `null`;
    /// info keys are sorted.
    /// - Parameter actionSpace: a one-element action of an ``IndexSpace`` is written as an integer, other actions as arrays.
    public func jsonLine(actionSpace: (any Space<Tensor>)? = nil) -> String {
        var fields = ["\"t\":\(t)"]
        if let action {
            if let index = (actionSpace as? IndexSpace)?.index(of: action) {
                fields.append("\"action\":\(index)")
            } else {
                fields.append("\"action\":\(JSONText.array(action.scalars))")
            }
        }
        fields.append("\"observation\":\(JSONText.array(observation.scalars))")
        if let reward {
            fields.append("\"reward\":\(JSONText.number(reward))")
            fields.append("\"terminated\":\(isTerminated)")
            fields.append("\"truncated\":\(isTruncated)")
        }
        let infoText = info.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\(JSONText.number($0.value))" }
        fields.append("\"info\":{\(infoText.joined(separator: ","))}")
        return "{" + fields.joined(separator: ",") + "}"
    }
}

// MARK: - Running an episode

/// Where a rollout's actions come from.
public enum RolloutActions {
    /// Sampled from the action space with this generator.
    case sampled(SeededGenerator)
    /// Given in order; the rollout stops when they run out.
    case given([Tensor])
}

/// Runs one episode: a reset, then steps until the episode terminates or is truncated, `maxSteps` steps
/// were taken, or the given actions run out. Calls `record` for the reset and for every step.
/// - Parameters:
///   - env: the environment (it is reset first).
///   - seed: passed to `reset(seed:options:)`.
///   - options: reset options, e.g. ``OptionKey/initialState``.
///   - maxSteps: the most steps to take (`nil`: until the episode ends).
///   - actions: where actions come from.
///   - record: receives each record as soon as it exists (so a failing step still leaves the earlier ones).
/// - Throws: whatever the environment or `record` throws.
public func rollout(_ env: inout some Environment<Tensor, Tensor>, seed: UInt64?, options: ResetOptions = [:],
                    maxSteps: Int? = nil, actions: RolloutActions,
                    record: (RolloutRecord) throws -> Void) throws {
    let (observation, info) = try env.reset(seed: seed, options: options)
    try record(RolloutRecord(t: 0, observation: observation, info: info))
    var source = actions
    var t = 0
    while maxSteps.map({ t < $0 }) ?? true {
        let action: Tensor
        switch source {
        case .sampled(var generator):
            action = env.actionSpace.sample(using: &generator)
            source = .sampled(generator)
        case .given(let list):
            guard t < list.count else { return }
            action = list[t]
        }
        let step = try env.step(action)
        t += 1
        try record(RolloutRecord(t: t, action: action, observation: step.observation, reward: step.reward,
                                 isTerminated: step.isTerminated, isTruncated: step.isTruncated, info: step.info))
        if step.isLast { return }
    }
}

// MARK: - Reading actions

/// Reads one action written as JSON: for an ``IndexSpace`` an integer (`1`) or `[1]`; for a ``Box`` an array with
/// one number per element (`[0.5, -1]`), or a bare number when the box has one element.
/// - Throws: ``EnvironmentError/invalidAction(_:)`` naming the text and what was expected (also for a number that is
///   not finite as a Float32, such as `1e39`, which would become infinity).
public func parseAction(_ text: String, for space: any Space<Tensor>) throws -> Tensor {
    let trimmed = text.trimmingCharacters(in: " \t\r\n")
    var numbers: [Double] = []
    var isArray = false
    if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
        isArray = true
        let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: " \t")
        if !inner.isEmpty {
            for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
                guard let v = Double(part.trimmingCharacters(in: " \t")) else {
                    throw EnvironmentError.invalidAction("'\(trimmed)' is not a JSON array of numbers")
                }
                numbers.append(v)
            }
        }
    } else if let v = Double(trimmed) {
        numbers = [v]
    } else {
        throw EnvironmentError.invalidAction("'\(trimmed)' is not a JSON number or array of numbers")
    }
    if let bad = numbers.first(where: { !Float($0).isFinite }) {
        throw EnvironmentError.invalidAction("'\(trimmed)' holds \(bad), which is not a finite Float32 number (at most ±\(Float.greatestFiniteMagnitude))")
    }
    if let indices = space as? IndexSpace {
        let tensor = Tensor(shape: [1], scalars: numbers.count == 1 ? [Float(numbers[0])] : [.nan])
        guard indices.contains(tensor) else {
            throw EnvironmentError.invalidAction("'\(trimmed)' is not an integer in \(indices.discrete)")
        }
        return tensor
    }
    let shape = (space as? Box)?.shape ?? (isArray ? [numbers.count] : [1])
    let count = shape.reduce(1, *)
    guard numbers.count == count else {
        throw EnvironmentError.invalidAction("'\(trimmed)' has \(numbers.count) numbers, expected \(count) for \(space)")
    }
    return Tensor(shape: shape, scalars: numbers.map { Float($0) })
}

// MARK: - JSON text

/// Minimal JSON writing with exact, shortest number formatting.
public enum JSONText {
    /// A finite number in its shortest round-trip form (`1.0`, `0.024360852`), or `null`.
    public static func number(_ value: Float) -> String { value.isFinite ? "\(value)" : "null" }
    /// A finite number in its shortest round-trip form, or `null`.
    public static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
    /// `[a,b,...]`.
    public static func array(_ values: [Float]) -> String { "[" + values.map(number).joined(separator: ",") + "]" }
    /// A quoted string with `"`, `\` and control characters escaped.
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(Substring(self).trimmingCharacters(in: set))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self[...]
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return s
    }
}
