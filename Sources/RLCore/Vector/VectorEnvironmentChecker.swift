// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - checkVectorEnvironment

/// Checks a vector environment against Gymnasium 1.x's vector contract, the counterpart of
/// ``checkEnvironment(seed:requiresNormalizedActions:_:)``:
/// 1. the batched spaces have `count` rows and sample inside themselves (`.observationSpace`, `.actionSpace`);
/// 2. `reset(seed:)` returns `[N, ...]` observations inside the batched space and `N` infos (`.reset`, `.batching`);
/// 3. `reset(seed: s)` equals `reset(seeds: [s, s + 1, ...])`, and sub-environment `i` starts where sub-environment 0
///    starts after `reset(seed: s + i)` (`.seeding`; this assumes identical sub-environments, as `make(_:count:)` builds);
/// 4. `steps` steps with sampled actions return observations inside the space, `N` finite rewards, flags and
///    infos (`.step`, `.batching`);
/// 5. the ``AutoresetMode`` holds (`.autoreset`): next-step, the step after an episode's end has reward 0 and
///    both flags `false`; same-step, a final observation (inside the single space) and info exactly for the
///    sub-environments whose episode ended; disabled, stepping an ended sub-environment throws
///    ``VectorEnvironmentError/stepAfterEpisodeEnd(index:)`` until a masked reset. A warning when no episode
///    ended within `steps` steps (the mode was not exercised);
/// 6. the same seed and actions give equal results on two instances (`.determinism`);
/// 7. a second `close()` is allowed.
///
/// - Parameters:
///   - seed: the reset seed and the seed of the action draws.
///   - steps: vector steps to take (raise it for tasks with long episodes).
///   - make: builds a fresh instance; called once per check.
/// - Returns: the findings; empty when everything passed.
public func checkVectorEnvironment<V: VectorEnvironment>(seed: UInt64 = 123, steps: Int = 300, _ make: () throws -> V) -> [EnvironmentIssue] {
    runVectorChecks(seed: seed, steps: steps, make)
}

/// ``checkVectorEnvironment(seed:steps:_:)`` for type-erased vector environments, such as those
/// ``EnvironmentRegistry/make(_:count:options:maxEpisodeSteps:autoresetMode:execution:)`` makes.
public func checkVectorEnvironment(seed: UInt64 = 123, steps: Int = 300, _ make: () throws -> any VectorEnvironment) -> [EnvironmentIssue] {
    runVectorChecks(seed: seed, steps: steps) { AnyVectorEnvironment(try make()) }
}

func runVectorChecks<V: VectorEnvironment>(seed: UInt64, steps: Int, _ make: () throws -> V) -> [EnvironmentIssue] {
    var issues: [EnvironmentIssue] = []
    func report(_ severity: EnvironmentIssue.Severity, _ check: EnvironmentIssue.Check, _ message: String) {
        issues.append(EnvironmentIssue(severity, check, message))
    }
    func fresh() -> V? {
        do { return try make() } catch {
            report(.failure, .construction, "making the vector environment threw: \(error)")
            return nil
        }
    }
    guard var env = fresh() else { return issues }
    let n = env.count

    // 1. Spaces.
    var generator = SeededGenerator(seed: seed)
    if env.observationSpace.count != n || env.actionSpace.count != n {
        report(.failure, .batching, "the batched spaces have \(env.observationSpace.count) and \(env.actionSpace.count) rows for \(n) sub-environments")
    }
    if !env.observationSpace.contains(env.observationSpace.sample(using: &generator)) {
        report(.failure, .observationSpace, "a sample of \(env.observationSpace) is not contained in it")
    }
    if !env.actionSpace.contains(env.actionSpace.sample(using: &generator)) {
        report(.failure, .actionSpace, "a sample of \(env.actionSpace) is not contained in it")
    }

    // 2-3. Reset and seeding.
    do {
        let first = try env.reset(seed: seed)
        if !env.observationSpace.contains(first.observations) {
            report(.failure, .reset, "the reset observations \(first.observations.shape) are not in \(env.observationSpace)")
        }
        if first.infos.count != n { report(.failure, .batching, "reset returned \(first.infos.count) infos for \(n) sub-environments") }
        if var explicit = fresh() {
            let listed = try explicit.reset(seeds: (0..<UInt64(n)).map { seed + $0 }, options: [:], mask: nil)
            if listed.observations != first.observations {
                report(.failure, .seeding, "reset(seed: \(seed)) differs from reset(seeds: [\(seed), \(seed) + 1, ...]): sub-environment i must get seed + i")
            }
        }
        // Sub-environment i's start under seed s is sub-environment 0's under seed s + i (identical sub-environments).
        let rows = first.observations.count / Swift.max(n, 1)
        for i in 1..<Swift.max(n, 1) {
            guard var shifted = fresh() else { break }
            let other = try shifted.reset(seed: seed + UInt64(i)).observations.scalars
            if Array(first.observations.scalars[(i * rows)..<((i + 1) * rows)]) != Array(other[0..<rows]) {
                report(.failure, .seeding, "sub-environment \(i) after reset(seed: \(seed)) does not start where sub-environment 0 starts after reset(seed: \(seed + UInt64(i))): sub-environment i must get seed + i")
                break
            }
        }
    } catch {
        report(.failure, .reset, "reset(seed: \(seed)) threw: \(error)")
        return issues
    }

    // 4-6. Steps, autoreset, determinism.
    func run(_ env: inout V) throws -> (observations: [Tensor], rewards: [[Float]], ended: Int) {
        var generator = SeededGenerator(seed: seed)
        var observations: [Tensor] = [], rewards: [[Float]] = [], endedCount = 0
        _ = try env.reset(seed: seed)
        var previousEnded = [Bool](repeating: false, count: n)
        for index in 0..<steps {
            let step = try env.step(env.actionSpace.sample(using: &generator))
            observations.append(step.observations)
            rewards.append(step.rewards)
            guard step.rewards.count == n, step.terminated.count == n, step.truncated.count == n, step.infos.count == n,
                  step.finalObservations.count == n, step.finalInfos.count == n else {
                report(.failure, .batching, "step \(index) returned \(step.rewards.count) rewards, \(step.terminated.count) and \(step.truncated.count) flags, \(step.infos.count) infos for \(n) sub-environments")
                return (observations, rewards, endedCount)
            }
            if !env.observationSpace.contains(step.observations) {
                report(.failure, .step, "step \(index) observations \(step.observations.shape) are not in \(env.observationSpace)")
            }
            if let bad = step.rewards.firstIndex(where: { !$0.isFinite }) {
                report(.failure, .step, "step \(index) reward \(step.rewards[bad]) of sub-environment \(bad) is not finite")
            }
            let ended = step.ended
            endedCount += ended.filter { $0 }.count
            for i in 0..<n {
                let hasFinal = step.finalObservations[i] != nil || step.finalInfos[i] != nil
                switch env.autoresetMode {
                case .nextStep:
                    if previousEnded[i], step.rewards[i] != 0 || ended[i] {
                        report(.failure, .autoreset, "next-step autoreset: step \(index) of sub-environment \(i), after its episode ended, gave reward \(step.rewards[i]) and ended \(ended[i]); expected 0 and false")
                    }
                    if hasFinal { report(.failure, .autoreset, "next-step autoreset: step \(index) has a final observation for sub-environment \(i)") }
                case .sameStep:
                    let hasObservation = step.finalObservations[i] != nil, hasInfo = step.finalInfos[i] != nil
                    if hasObservation != ended[i] || hasInfo != ended[i] {
                        report(.failure, .autoreset, "same-step autoreset: step \(index) sub-environment \(i) ended \(ended[i]) but has a final observation \(hasObservation) and final info \(hasInfo)")
                    } else if let final = step.finalObservations[i], !env.singleObservationSpace.contains(final) {
                        report(.failure, .autoreset, "same-step autoreset: the final observation \(final) is not in \(env.singleObservationSpace)")
                    }
                case .disabled:
                    if hasFinal { report(.failure, .autoreset, "disabled autoreset: step \(index) has a final observation for sub-environment \(i)") }
                }
            }
            if env.autoresetMode == .disabled, let i = ended.firstIndex(of: true) {
                do {
                    _ = try env.step(env.actionSpace.sample(using: &generator))
                    report(.failure, .autoreset, "disabled autoreset: stepping sub-environment \(i) after its episode ended did not throw")
                } catch let error as VectorEnvironmentError where error == .stepAfterEpisodeEnd(index: i) {
                } catch {
                    report(.failure, .autoreset, "disabled autoreset: stepping an ended sub-environment threw \(error), expected stepAfterEpisodeEnd(index: \(i))")
                }
                _ = try env.reset(mask: ended)
            }
            previousEnded = ended
            if issues.count > 20 { break }
        }
        return (observations, rewards, endedCount)
    }
    do {
        guard var a = fresh(), var b = fresh() else { return issues }
        let first = try run(&a)
        if first.ended == 0 {
            report(.warning, .autoreset, "no episode ended within \(steps) steps: the \(a.autoresetMode.rawValue) autoreset was not exercised")
        }
        let before = issues.count
        let second = try run(&b)
        issues.removeSubrange(before...)   // the second run repeats the first's findings
        if first.observations != second.observations || first.rewards != second.rewards {
            report(.failure, .determinism, "the same seed \(seed) and actions gave different observations or rewards on two instances")
        }
        a.close()
        a.close()
    } catch {
        report(.failure, .step, "stepping with sampled actions threw: \(error)")
    }
    return issues
}

