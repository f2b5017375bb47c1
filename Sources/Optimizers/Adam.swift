// Foresight — Optimizers
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import NN

// MARK: - Parameter groups

/// A set of named parameters that share a learning-rate scale (TD-MPC2 trains its encoder at
/// 0.3x the base rate).
public struct ParameterGroup {
    public var parameters: [(path: String, parameter: Parameter)]
    public var learningRateScale: Float

    /// A group from modules; paths are prefixed with `prefix` when given.
    public init(_ modules: [any Module], prefix: String = "", learningRateScale: Float = 1) {
        parameters = modules.flatMap { m in m.namedParameters().map { (prefix.isEmpty ? $0.path : "\(prefix).\($0.path)", $0.parameter) } }
        self.learningRateScale = learningRateScale
    }

    /// A group from explicit named parameters.
    public init(named: [(path: String, parameter: Parameter)], learningRateScale: Float = 1) {
        parameters = named
        self.learningRateScale = learningRateScale
    }
}

/// Errors from loading optimizer state.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    case missingState(String)
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    /// A stored value that is not finite, out of range or inconsistent (`reason` says what was expected).
    case invalidValue(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .missingState(let name): "optimizer state has no entry \"\(name)\""
        case let .shapeMismatch(name, expected, actual): "optimizer state \"\(name)\" has shape \(actual), expected \(expected)"
        case let .invalidValue(name, value, reason): "optimizer state \"\(name)\" is \(value): expected \(reason)"
        }
    }

    /// The same error with `prefix` before the entry's name (the key under which a checkpoint stores the state).
    public func prefixingNames(with prefix: String) -> OptimizerError {
        switch self {
        case .missingState(let name): .missingState(prefix + name)
        case let .shapeMismatch(name, expected, actual): .shapeMismatch(name: prefix + name, expected: expected, actual: actual)
        case let .invalidValue(name, value, reason): .invalidValue(name: prefix + name, value: value, reason: reason)
        }
    }
}

// MARK: - Adam

/// Adam (Kingma and Ba), computed in the same order as PyTorch's single-tensor implementation:
/// ```
/// m ← β1 m + (1 − β1) g;   v ← β2 v + (1 − β2) g²
/// θ ← θ − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + ε)
/// ```
/// No weight decay. Each parameter's learning rate is `learningRate * group.learningRateScale`.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public private(set) var groups: [ParameterGroup]
    /// The number of steps taken.
    public private(set) var step = 0
    var firstMoments: [ObjectIdentifier: Tensor] = [:]
    var secondMoments: [ObjectIdentifier: Tensor] = [:]

    public init(_ groups: [ParameterGroup], learningRate: Float = 3e-4, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        precondition(learningRate >= 0, "Adam learning rate must be >= 0, got \(learningRate)")
        precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0, 1), got \(beta1), \(beta2)")
        precondition(epsilon > 0, "Adam epsilon must be > 0, got \(epsilon)")
        var seen = Set<ObjectIdentifier>()
        for g in groups { for (path, p) in g.parameters { precondition(seen.insert(ObjectIdentifier(p)).inserted, "parameter \(path) is in two groups") } }
        self.groups = groups
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// All parameters the optimizer updates.
    public var parameters: [Parameter] { groups.flatMap { $0.parameters.map(\.parameter) } }

    /// Changes one group's learning-rate scale (a schedule: warm-up or decay of that group alone).
    /// - Precondition: `index` is a group's index.
    public func setLearningRateScale(_ scale: Float, group index: Int) {
        precondition(groups.indices.contains(index), "Adam has \(groups.count) groups, not \(index + 1)")
        groups[index].learningRateScale = scale
    }

    /// Applies one update; parameters without a gradient are left unchanged (their moments too).
    /// - Parameter gradientScale: multiplies every gradient as it is read: pass the factor of
    ///   ``Gradients/clippingFactor(maxNorm:)`` to clip without a separate pass (the same result as
    ///   ``Gradients/clipGlobalNorm(to:)`` followed by `update(gradients)`).
    public func update(_ gradients: Gradients, gradientScale: Float = 1) {
        step += 1
        let t = Double(step)
        let bc1 = 1 - Foundation.pow(Double(beta1), t)
        let bc2Sqrt = (1 - Foundation.pow(Double(beta2), t)).squareRoot()
        for group in groups {
            let stepSize = Float(Double(learningRate * group.learningRateScale) / bc1)
            for (_, p) in group.parameters where p.isTrainable {
                guard let g = gradients[p] else { continue }
                let key = ObjectIdentifier(p)
                var m = firstMoments.removeValue(forKey: key) ?? Tensor.zeros(p.value.shape)
                var v = secondMoments.removeValue(forKey: key) ?? Tensor.zeros(p.value.shape)
                var value = p.value
                p.value = Tensor.zeros([0])  // keep the buffer uniquely referenced for an in-place update
                let (b1, b2, eps, c2) = (beta1, beta2, epsilon, Float(bc2Sqrt))
                value.withUnsafeMutableBufferPointer { pv in m.withUnsafeMutableBufferPointer { mp in v.withUnsafeMutableBufferPointer { vp in
                    g.withUnsafeBufferPointer { gp in
                        OptimizerKernels.adamStep(parameter: pv.baseAddress!, firstMoment: mp.baseAddress!, secondMoment: vp.baseAddress!,
                                                  gradient: gp.baseAddress!, count: pv.count, stepSize: stepSize, beta1: b1, beta2: b2,
                                                  epsilon: eps, biasCorrection2Sqrt: c2, gradientScale: gradientScale)
                    }
                } } }
                p.value = value
                firstMoments[key] = m
                secondMoments[key] = v
            }
        }
    }

    /// Moments keyed `"<path>.exp_avg"` / `"<path>.exp_avg_sq"`, plus `"step"`.
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = ["step": Tensor(Float(step))]
        for group in groups {
            for (path, p) in group.parameters {
                let key = ObjectIdentifier(p)
                if let m = firstMoments[key], let v = secondMoments[key] {
                    state[path + ".exp_avg"] = m
                    state[path + ".exp_avg_sq"] = v
                }
            }
        }
        return state
    }

    /// The largest step count `load(stateDict:)` accepts: every whole number up to it is exact in a `Double`, and
    /// far more updates than any run takes.
    public static let maxStoredStep = 1 << 53

    /// Restores moments and the step count saved by `stateDict()`.
    /// - Throws: `OptimizerError` naming a missing entry, a shape mismatch, a moment that is not finite (or a
    ///   negative second moment) or a step count that is not a whole number from 0 to ``maxStoredStep``; nothing
    ///   changes then.
    public func load(stateDict: [String: Tensor]) throws {
        guard let s = stateDict["step"], s.count == 1 else { throw OptimizerError.missingState("step") }
        let storedStep = Double(s.scalars[0])
        guard storedStep.isFinite, storedStep >= 0, storedStep <= Double(Self.maxStoredStep), storedStep == storedStep.rounded() else {
            throw OptimizerError.invalidValue(name: "step", value: "\(s.scalars[0])", reason: "a whole number from 0 to \(Self.maxStoredStep)")
        }
        var m: [ObjectIdentifier: Tensor] = [:], v: [ObjectIdentifier: Tensor] = [:]
        for group in groups {
            for (path, p) in group.parameters {
                let a = stateDict[path + ".exp_avg"], b = stateDict[path + ".exp_avg_sq"]
                if a == nil && b == nil { continue }  // never updated
                guard let a else { throw OptimizerError.missingState(path + ".exp_avg") }
                guard let b else { throw OptimizerError.missingState(path + ".exp_avg_sq") }
                guard a.shape == p.value.shape else { throw OptimizerError.shapeMismatch(name: path + ".exp_avg", expected: p.value.shape, actual: a.shape) }
                guard b.shape == p.value.shape else { throw OptimizerError.shapeMismatch(name: path + ".exp_avg_sq", expected: p.value.shape, actual: b.shape) }
                if let bad = a.scalars.first(where: { !$0.isFinite }) {
                    throw OptimizerError.invalidValue(name: path + ".exp_avg", value: "\(bad)", reason: "finite numbers")
                }
                if let bad = b.scalars.first(where: { !$0.isFinite || $0 < 0 }) {
                    throw OptimizerError.invalidValue(name: path + ".exp_avg_sq", value: "\(bad)", reason: "finite numbers >= 0")
                }
                m[ObjectIdentifier(p)] = a
                v[ObjectIdentifier(p)] = b
            }
        }
        step = Int(storedStep)
        firstMoments = m
        secondMoments = v
    }
}
