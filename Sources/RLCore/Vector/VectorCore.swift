// Foresight — RLCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Shared implementation

/// The sub-environments, their autoreset flags and the per-sub-environment logic of a vector step and reset,
/// shared by ``SyncVectorEnvironment`` and ``ThreadedVectorEnvironment``. The two differ only in how the
/// per-index work runs (`run(count, body)`): each index touches only its own sub-environment and result, and the
/// results are gathered in index order, so both give the same values.
struct VectorCore {
    var environments: [any Environment<Tensor, Tensor>]
    let autoresetMode: AutoresetMode
    let singleObservationSpace: AnySpace<Tensor>
    let singleActionSpace: AnySpace<Tensor>
    /// Sub-environments whose episode ended in the last step (Gymnasium's `_autoreset_envs`).
    private(set) var needsReset: [Bool]
    /// The current observation of each sub-environment.
    private var observations: [Tensor] = []
    /// Whether every sub-environment has been reset since construction (or since a sub-environment threw).
    private(set) var isReady = false
    private var isClosed = false

    init(_ environments: [any Environment<Tensor, Tensor>], autoresetMode: AutoresetMode) throws {
        guard let first = environments.first else {
            throw VectorEnvironmentError.invalidCount("no sub-environments; expected at least one")
        }
        let observation = first.observationSpace.description, action = first.actionSpace.description
        for (i, env) in environments.enumerated().dropFirst() {
            if env.observationSpace.description != observation {
                throw VectorEnvironmentError.mismatchedSpaces(index: i, "observation space \(env.observationSpace), expected \(observation)")
            }
            if env.actionSpace.description != action {
                throw VectorEnvironmentError.mismatchedSpaces(index: i, "action space \(env.actionSpace), expected \(action)")
            }
        }
        self.environments = environments
        self.autoresetMode = autoresetMode
        singleObservationSpace = AnySpace(first.observationSpace)
        singleActionSpace = AnySpace(first.actionSpace)
        needsReset = Array(repeating: false, count: environments.count)
    }

    var count: Int { environments.count }

    typealias Runner = (_ count: Int, _ body: (Int) -> Void) -> Void

    // MARK: Reset

    mutating func reset(seeds: [UInt64?], options: ResetOptions, mask: [Bool]?, run: Runner) throws -> VectorReset {
        let n = count
        guard seeds.count == n else {
            throw VectorEnvironmentError.invalidSeeds("\(seeds.count) seeds for \(n) sub-environments; expected one per sub-environment")
        }
        if let mask {
            guard mask.count == n else {
                throw VectorEnvironmentError.invalidResetMask("\(mask.count) flags for \(n) sub-environments; expected one per sub-environment")
            }
            guard mask.contains(true) else {
                throw VectorEnvironmentError.invalidResetMask("\(mask) selects no sub-environment; expected at least one true")
            }
            guard isReady else {
                throw VectorEnvironmentError.invalidResetMask("a masked reset needs a full reset() first")
            }
        }
        let selected = mask ?? Array(repeating: true, count: n)
        var results = [Result<(observation: Tensor, info: [String: Double]), any Error>?](repeating: nil, count: n)
        environments.withUnsafeMutableBufferPointer { envs in
            let envs = envs
            results.withUnsafeMutableBufferPointer { out in
                let out = out
                run(n) { i in
                    guard selected[i] else { return }
                    out[i] = Result { try envs[i].reset(seed: seeds[i], options: options) }
                }
            }
        }
        if observations.isEmpty { observations = Array(repeating: Tensor(0), count: n) }
        var infos = [[String: Double]](repeating: [:], count: n)
        for i in 0..<n {
            guard let result = results[i] else { continue }
            switch result {
            case .success(let (observation, info)):
                observations[i] = observation
                infos[i] = info
                needsReset[i] = false
            case .failure(let error):
                isReady = false
                throw error
            }
        }
        isReady = true
        isClosed = false
        return VectorReset(observations: try stacked(observations), infos: infos)
    }

    // MARK: Step

    private struct SubStep {
        var observation: Tensor, reward: Float = 0, terminated = false, truncated = false, info: [String: Double]
        var finalObservation: Tensor? = nil, finalInfo: [String: Double]? = nil
    }

    mutating func step(_ actions: Tensor, run: Runner) throws -> VectorStep {
        let n = count
        guard isReady else { throw VectorEnvironmentError.stepBeforeReset }
        guard actions.rank >= 1, actions.shape[0] == n else {
            throw VectorEnvironmentError.invalidActions("shape \(actions.shape); expected [\(n), ...], one row per sub-environment")
        }
        if autoresetMode == .disabled, let ended = needsReset.firstIndex(of: true) {
            throw VectorEnvironmentError.stepAfterEpisodeEnd(index: ended)
        }
        let rowShape = Array(actions.shape.dropFirst()), width = actions.count / n, scalars = actions.scalars
        let mode = autoresetMode, resetting = needsReset
        var results = [Result<SubStep, any Error>?](repeating: nil, count: n)
        environments.withUnsafeMutableBufferPointer { envs in
            let envs = envs
            results.withUnsafeMutableBufferPointer { out in
                let out = out
                run(n) { i in
                    out[i] = Result {
                        if mode == .nextStep, resetting[i] {
                            let (observation, info) = try envs[i].reset(seed: nil, options: [:])
                            return SubStep(observation: observation, info: info)
                        }
                        let action = Tensor(shape: rowShape, scalars: Array(scalars[(i * width)..<((i + 1) * width)]))
                        let step = try envs[i].step(action)
                        var result = SubStep(observation: step.observation, reward: step.reward, terminated: step.isTerminated,
                                             truncated: step.isTruncated, info: step.info)
                        if mode == .sameStep, step.isLast {
                            result.finalObservation = step.observation
                            result.finalInfo = step.info
                            (result.observation, result.info) = try envs[i].reset(seed: nil, options: [:])
                        }
                        return result
                    }
                }
            }
        }
        var step = VectorStep(observations: Tensor(0), rewards: Array(repeating: 0, count: n), terminated: Array(repeating: false, count: n),
                              truncated: Array(repeating: false, count: n), infos: Array(repeating: [:], count: n),
                              finalObservations: Array(repeating: nil, count: n), finalInfos: Array(repeating: nil, count: n))
        for i in 0..<n {
            switch results[i] {
            case .success(let sub):
                observations[i] = sub.observation
                step.rewards[i] = sub.reward
                step.terminated[i] = sub.terminated
                step.truncated[i] = sub.truncated
                step.infos[i] = sub.info
                step.finalObservations[i] = sub.finalObservation
                step.finalInfos[i] = sub.finalInfo
            case .failure(let error):
                isReady = false
                throw error
            case nil:
                isReady = false
                throw VectorEnvironmentError.stepBeforeReset
            }
        }
        needsReset = step.ended
        step.observations = try stacked(observations)
        return step
    }

    mutating func close() {
        guard !isClosed else { return }
        for i in environments.indices { environments[i].close() }
        isClosed = true
        isReady = false
    }

    // MARK: Batching

    /// The observations stacked into `[N] + shape`.
    private func stacked(_ rows: [Tensor]) throws -> Tensor {
        let shape = rows[0].shape, width = rows[0].count
        var scalars = [Float]()
        scalars.reserveCapacity(rows.count * width)
        for (i, row) in rows.enumerated() {
            guard row.shape == shape else {
                throw VectorEnvironmentError.observationShapeMismatch(index: i, shape: row.shape, expected: shape)
            }
            row.withUnsafeBufferPointer { scalars.append(contentsOf: $0) }
        }
        return Tensor(shape: [rows.count] + shape, scalars: scalars)
    }
}
