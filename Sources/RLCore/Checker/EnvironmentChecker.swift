// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - checkEnvironment

/// Checks an environment against the contract agents rely on, like Gymnasium's `check_env`:
/// 1. both spaces are well formed and sample inside themselves (warnings for infinite or degenerate
///    bounds; an unbounded Box action space is a failure);
/// 2. `reset` returns an observation inside the observation space and finite info;
/// 3. `reset(seed:)` is reproducible, and so is the unseeded reset after it; reseeding the same
///    instance with the same seed repeats the first observation;
/// 4. `reset(options: [:])` works;
/// 5. `step` returns observations inside the space, finite rewards (a failure, where Gymnasium warns)
///    and finite info;
/// 6. the same seed and actions give equal observations, rewards, flags and info (unless the metadata
///    says the environment is not deterministic);
/// 7. the first step after a reset does not truncate;
/// 8. every declared render mode renders, and a second `close()` is allowed.
///
/// A fresh instance is made for each check, so structs and classes both work.
/// - Parameters:
///   - seed: the seed for resets and for sampling actions.
///   - requiresNormalizedActions: when `true` (the default, for agents whose planners clamp actions to
///     `[-1, 1]`), a ``Box`` action space reaching outside `[-1, 1]` is a failure; when `false` it is a
///     warning, as in Gymnasium. Wrap such environments with ``RescaleAction``.
///   - make: builds a fresh instance.
/// - Returns: the findings, failures and warnings; empty when everything passed.
public func checkEnvironment<E: Environment>(seed: UInt64 = 123, requiresNormalizedActions: Bool = true,
                                             _ make: () throws -> E) -> [EnvironmentIssue] {
    // The checker lives only inside this call, so the closure does not really escape.
    withoutActuallyEscaping(make) { make in
        var checker = EnvironmentChecker(seed: seed, requiresNormalizedActions: requiresNormalizedActions, make: make)
        checker.run()
        return checker.issues
    }
}

/// ``checkEnvironment(seed:requiresNormalizedActions:_:)`` for type-erased environments, such as those a
/// registry makes.
public func checkEnvironment<Observation, Action>(seed: UInt64 = 123, requiresNormalizedActions: Bool = true,
                                                  _ make: () throws -> any Environment<Observation, Action>)
    -> [EnvironmentIssue]
{
    checkEnvironment(seed: seed, requiresNormalizedActions: requiresNormalizedActions) {
        AnyEnvironment(try make())
    }
}

// MARK: - Checker

struct EnvironmentChecker<E: Environment> {
    let seed: UInt64
    let requiresNormalizedActions: Bool
    let make: () throws -> E
    var issues: [EnvironmentIssue] = []

    /// Steps compared in the determinism check.
    let determinismSteps = 20

    mutating func report(_ severity: EnvironmentIssue.Severity, _ check: EnvironmentIssue.Check, _ message: String) {
        issues.append(EnvironmentIssue(severity, check, message))
    }

    /// A fresh instance, or nil after reporting why it could not be made.
    mutating func fresh() -> E? {
        do {
            return try make()
        } catch {
            report(.failure, .construction, "making the environment threw: \(error)")
            return nil
        }
    }

    mutating func run() {
        guard let env = fresh() else { return }
        checkSpaces(env)
        guard checkReset() else { return }
        checkSeeding()
        checkResetOptions()
        checkSteps()
        if env.metadata.isDeterministic { checkDeterminism() }
        checkFirstStepTruncation()
        checkRendering()
    }

    // MARK: Spaces

    mutating func checkSpaces(_ env: E) {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<10 {
            if !env.observationSpace.contains(env.observationSpace.sample(using: &generator)) {
                report(.failure, .observationSpace, "a sample of \(env.observationSpace) is not contained in it")
                break
            }
        }
        for _ in 0..<10 {
            if !env.actionSpace.contains(env.actionSpace.sample(using: &generator)) {
                report(.failure, .actionSpace, "a sample of \(env.actionSpace) is not contained in it")
                break
            }
        }
        if let box = unwrap(env.observationSpace) as? Box {
            if box.low.scalars.contains(-.infinity) || box.high.scalars.contains(.infinity) {
                report(.warning, .observationSpace, "\(box) has infinite bounds; finite bounds help normalization")
            }
            if zip(box.low.scalars, box.high.scalars).contains(where: { $0 == $1 }) {
                report(.warning, .observationSpace, "\(box) has elements whose minimum and maximum are equal")
            }
        }
        if let box = unwrap(env.actionSpace) as? Box {
            if !box.isBounded {
                report(.failure, .actionSpace, "\(box) is unbounded: actions cannot be sampled uniformly or planned")
            } else if box.low.scalars.contains(where: { $0 < -1 }) || box.high.scalars.contains(where: { $0 > 1 }) {
                report(requiresNormalizedActions ? .failure : .warning, .actionSpace,
                       "\(box) reaches outside [-1, 1], where planners clamp actions; wrap it with RescaleAction")
            }
            if zip(box.low.scalars, box.high.scalars).contains(where: { $0 == $1 }) {
                report(.warning, .actionSpace, "\(box) has elements whose minimum and maximum are equal")
            }
        }
    }

    func unwrap<Element>(_ space: some Space<Element>) -> any Space<Element> {
        (space as? AnySpace<Element>)?.base ?? space
    }

    // MARK: Reset and seeding

    /// Returns false when reset is broken so badly that stepping makes no sense.
    mutating func checkReset() -> Bool {
        guard var env = fresh() else { return false }
        do {
            let (observation, info) = try env.reset(seed: seed)
            if !env.observationSpace.contains(observation) {
                report(.failure, .reset, "the reset observation \(observation) is not in \(env.observationSpace)")
            }
            checkInfo(info, .reset, "reset")
            return true
        } catch {
            report(.failure, .reset, "reset(seed: \(seed)) threw: \(error)")
            return false
        }
    }

    mutating func checkSeeding() {
        guard var a = fresh(), var b = fresh() else { return }
        do {
            let a1 = try a.reset(seed: seed), b1 = try b.reset(seed: seed)
            if let same = isEqual(a1.observation, b1.observation), !same {
                report(.failure, .seeding, "reset(seed: \(seed)) gave different observations on two instances: \(a1.observation) and \(b1.observation)")
            }
            if a1.info != b1.info { report(.failure, .seeding, "reset(seed: \(seed)) gave different info: \(a1.info) and \(b1.info)") }
            let a2 = try a.reset(seed: nil), b2 = try b.reset(seed: nil)
            if let same = isEqual(a2.observation, b2.observation), !same {
                report(.failure, .seeding, "the unseeded reset after reset(seed: \(seed)) differs between instances: \(a2.observation) and \(b2.observation)")
            }
            let a3 = try a.reset(seed: seed)
            if let same = isEqual(a1.observation, a3.observation), !same {
                report(.failure, .seeding, "reset(seed: \(seed)) on a used instance does not repeat the first observation (the seed does not reach the generator)")
            }
        } catch {
            report(.failure, .seeding, "reset threw: \(error)")
        }
    }

    mutating func checkResetOptions() {
        guard var env = fresh() else { return }
        do {
            _ = try env.reset(seed: seed, options: [:])
        } catch {
            report(.failure, .resetOptions, "reset(seed:options: [:]) threw: \(error)")
        }
    }

    // MARK: Steps

    mutating func checkSteps() {
        guard var env = fresh() else { return }
        var generator = SeededGenerator(seed: seed)
        do {
            _ = try env.reset(seed: seed)
            for index in 0..<determinismSteps {
                let result = try env.step(env.actionSpace.sample(using: &generator))
                if !env.observationSpace.contains(result.observation) {
                    report(.failure, .step, "step \(index) observation \(result.observation) is not in \(env.observationSpace)")
                    return
                }
                if !result.reward.isFinite {
                    report(.failure, .step, "step \(index) reward \(result.reward) is not finite")
                    return
                }
                checkInfo(result.info, .step, "step \(index)")
                if result.isLast { _ = try env.reset() }
            }
        } catch {
            report(.failure, .step, "stepping with sampled actions threw: \(error)")
        }
    }

    mutating func checkDeterminism() {
        guard var a = fresh(), var b = fresh() else { return }
        var ga = SeededGenerator(seed: seed), gb = SeededGenerator(seed: seed)
        do {
            _ = try a.reset(seed: seed)
            _ = try b.reset(seed: seed)
            for index in 0..<determinismSteps {
                let sa = try a.step(a.actionSpace.sample(using: &ga))
                let sb = try b.step(b.actionSpace.sample(using: &gb))
                let sameObservation = isEqual(sa.observation, sb.observation) ?? true
                if !sameObservation || !sameBits(sa.reward, sb.reward) || sa.isTerminated != sb.isTerminated
                    || sa.isTruncated != sb.isTruncated || sa.info != sb.info
                {
                    report(.failure, .determinism, "step \(index) differs between two instances with the same seed and actions")
                    return
                }
                if sa.isLast { break }
            }
        } catch {
            report(.failure, .determinism, "stepping threw: \(error)")
        }
    }

    mutating func checkFirstStepTruncation() {
        guard var env = fresh() else { return }
        var generator = SeededGenerator(seed: seed)
        do {
            _ = try env.reset(seed: seed)
            if try env.step(env.actionSpace.sample(using: &generator)).isTruncated {
                report(.failure, .truncation, "the environment truncates after 1 step, something has gone very wrong")
            }
        } catch {
            report(.failure, .truncation, "stepping threw: \(error)")
        }
    }

    // MARK: Rendering and closing

    mutating func checkRendering() {
        guard var env = fresh() else { return }
        do {
            _ = try env.reset(seed: seed)
            for mode in env.metadata.renderModes {
                do {
                    let output = try env.render(mode)
                    if mode != .human && output == nil { report(.failure, .rendering, "render(.\(mode)) returned nil") }
                    if mode == .rgbArray, case .image(let image)? = output, image.rank != 3 || image.shape.first != 3 {
                        report(.failure, .rendering, "render(.rgbArray) image has shape \(image.shape), expected [3, H, W]")
                    }
                } catch {
                    report(.failure, .rendering, "declared render mode \(mode.rawValue) threw: \(error)")
                }
            }
        } catch {
            report(.failure, .rendering, "reset threw: \(error)")
        }
        env.close()
        env.close()
    }

    // MARK: Helpers

    mutating func checkInfo(_ info: [String: Double], _ check: EnvironmentIssue.Check, _ when: String) {
        if let (key, value) = info.first(where: { !$0.value.isFinite }) {
            report(.warning, check, "\(when) info[\"\(key)\"] = \(value) is not finite")
        }
    }
}

/// Bitwise equality of two floats (so NaN equals NaN).
private func sameBits(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern }

/// Whether two values are equal, or nil when the type is not `Equatable`.
func isEqual<T>(_ a: T, _ b: T) -> Bool? {
    guard let a = a as? any Equatable else { return nil }
    return openedEqual(a, b)
}

private func openedEqual<U: Equatable>(_ a: U, _ b: Any) -> Bool {
    guard let b = b as? U else { return false }
    return a == b
}
