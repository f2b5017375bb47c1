// Foresight — ForesightKit
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore

// MARK: - Run configuration

/// Agent settings a run may override; `nil` keeps the model-size preset or TD-MPC2's default.
public struct AgentOverrides: Codable, Equatable, Sendable {
    public var latentDimensions: Int?, mlpDimensions: Int?, encoderDimensions: Int?, encoderLayerCount: Int?, qCount: Int?
    public var pixelChannels: Int?, shiftAugmentation: Bool?
    /// `"flatten"` (TD-MPC2) or `"average-pool"` (see ``PixelReadout``); malformed values are refused when decoding.
    public var pixelReadout: PixelReadout?
    /// Subtracted from pixels scaled to `[0, 1]` (TD-MPC2: 0.5; 0 suits mostly black images).
    public var pixelOffset: Float?
    /// `"tdmpc2"` (TD-MPC2's four convolutions) or `"resnet"` (a small residual network; see ``PixelArchitecture``).
    public var pixelArchitecture: PixelArchitecture?
    /// Hidden Mish blocks between the pixel readout and the latent (TD-MPC2: 0; see
    /// ``TDMPC2Configuration/pixelHiddenLayers``).
    public var pixelHiddenLayers: Int?
    /// `false`: the pixel encoder's last block is a plain Linear into SimNorm, without TD-MPC2's LayerNorm (see
    /// ``TDMPC2Configuration/pixelProjectionNorm``).
    public var pixelProjectionNorm: Bool?
    public var encoderLearningRateScale: Float?
    /// Weights of the update's loss terms (TD-MPC2: consistency 20, reward 0.1, value 0.1, termination 1).
    /// A larger reward or value weight strengthens the auxiliary heads' pull on the encoder.
    public var consistencyCoefficient: Float?, rewardCoefficient: Float?, valueCoefficient: Float?, terminationCoefficient: Float?
    public var horizon: Int?, batchSize: Int?, learningRate: Float?, rho: Float?, discount: Float?
    /// Target-Q averaging rate (TD-MPC2: 0.01). Larger values propagate values faster through the
    /// one-step TD targets (about `1/tau` updates per backup), which long-horizon episodic tasks need.
    public var tau: Float?
    /// Transitions of real reward per TD target (`n`-step targets; TD-MPC2: 1). With a constant reward the
    /// Q level rises about `n` times faster, which long episodic tasks such as CartPole-v1 need.
    public var tdSteps: Int?
    public var plannerIterations: Int?, plannerSamples: Int?, plannerElites: Int?, plannerPolicyTrajectories: Int?
    /// The planner's depth when it should differ from the training rollout's `horizon` (TD-MPC2 uses one
    /// horizon for both): a deeper plan lets the reward and termination heads see further before the terminal Q.
    public var plannerHorizon: Int?
    /// The planner's exploration floor: the smallest sampling std for continuous actions (TD-MPC2: 0.05), the weight
    /// of the uniform distribution mixed into every categorical refit for discrete ones (at most 1).
    public var plannerMinStd: Float?
    /// A larger planning budget for evaluation actions only (nil: the training planner's); training never
    /// reads them, so they change no training trajectory. See ``TDMPC2Configuration/evaluationPlanner``.
    public var evaluationPlannerIterations: Int?, evaluationPlannerSamples: Int?, evaluationPlannerElites: Int?, evaluationPlannerHorizon: Int?
    /// Evaluate with a moving average of the model's weights at this Polyak rate. See
    /// ``TDMPC2Configuration/evaluationAverageRate``.
    public var evaluationAverageRate: Float?
    public var usesPlanner: Bool?
    /// The two-hot bins of the reward and Q heads (TD-MPC2: 101 bins from -10 to 10 in symlog space).
    /// Values on a narrow scale (CartPole's Q of 0-100 spans symlog 0-4.6, 23 of the default bins) get
    /// finer bins from a narrower range, e.g. `"valueMin": -1, "valueMax": 5`; values beyond it are clipped.
    public var valueBinCount: Int?, valueMin: Float?, valueMax: Float?
    /// Train a termination head and stop bootstrapping at terminal states (default: on, which is
    /// correct for every task; a task that never terminates learns to predict 0).
    public var episodic: Bool?

    public init() {}

    /// Every key a run configuration's `agent` object may hold (one per stored property; a test holds them equal).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case latentDimensions, mlpDimensions, encoderDimensions, encoderLayerCount, qCount, pixelChannels, shiftAugmentation
        case pixelReadout, pixelArchitecture, pixelOffset, pixelHiddenLayers, pixelProjectionNorm, encoderLearningRateScale
        case consistencyCoefficient, rewardCoefficient, valueCoefficient, terminationCoefficient
        case horizon, batchSize, learningRate, rho, discount, tau, tdSteps
        case plannerIterations, plannerSamples, plannerElites, plannerPolicyTrajectories, plannerMinStd, plannerHorizon
        case evaluationPlannerIterations, evaluationPlannerSamples, evaluationPlannerElites, evaluationPlannerHorizon, evaluationAverageRate, usesPlanner
        case valueBinCount, valueMin, valueMax, episodic
    }

    /// Sets every override that is present on `c`.
    public func apply(to c: inout TDMPC2Configuration) {
        if let v = latentDimensions { c.latentDimensions = v }
        if let v = mlpDimensions { c.mlpDimensions = v }
        if let v = encoderDimensions { c.encoderDimensions = v }
        if let v = encoderLayerCount { c.encoderLayerCount = v }
        if let v = qCount { c.qCount = v }
        if let v = pixelChannels { c.pixelChannels = v }
        if let v = shiftAugmentation { c.shiftAugmentation = v }
        if let v = pixelReadout { c.pixelReadout = v }
        if let v = pixelOffset { c.pixelOffset = v }
        if let v = pixelHiddenLayers { c.pixelHiddenLayers = v }
        if let v = pixelProjectionNorm { c.pixelProjectionNorm = v }
        if let v = pixelArchitecture { c.pixelArchitecture = v }
        if let v = encoderLearningRateScale { c.encoderLearningRateScale = v }
        if let v = consistencyCoefficient { c.consistencyCoefficient = v }
        if let v = rewardCoefficient { c.rewardCoefficient = v }
        if let v = valueCoefficient { c.valueCoefficient = v }
        if let v = terminationCoefficient { c.terminationCoefficient = v }
        if let v = horizon { c.horizon = v; c.planner.horizon = v }
        if let v = batchSize { c.batchSize = v }
        if let v = learningRate { c.learningRate = v }
        if let v = rho { c.rho = v }
        if let v = discount { c.discountOverride = v }
        if let v = tau { c.tau = v }
        if let v = tdSteps { c.tdSteps = v }
        if let v = plannerIterations { c.planner.iterations = v }
        if let v = plannerSamples { c.planner.sampleCount = v }
        if let v = plannerElites { c.planner.eliteCount = v }
        if let v = plannerPolicyTrajectories { c.planner.policyTrajectoryCount = v }
        if let v = plannerMinStd { c.planner.minStd = v }
        if let v = plannerHorizon { c.planner.horizon = v }
        if evaluationPlannerIterations != nil || evaluationPlannerSamples != nil || evaluationPlannerElites != nil || evaluationPlannerHorizon != nil {
            // The training planner's floor and temperature, and its horizon unless set.
            c.evaluationPlanner = c.planner.overriding(iterations: evaluationPlannerIterations, sampleCount: evaluationPlannerSamples,
                                                       eliteCount: evaluationPlannerElites, horizon: evaluationPlannerHorizon)
        }
        if let v = evaluationAverageRate { c.evaluationAverageRate = v }
        if let v = usesPlanner { c.usesPlanner = v }
        if let v = valueBinCount { c.regression.binCount = v }
        if let v = valueMin { c.regression.vmin = v }
        if let v = valueMax { c.regression.vmax = v }
        c.isEpisodic = episodic ?? true
    }
}

extension MPPIConfiguration {
    /// This configuration with each given budget or depth replaced (nil: kept), for the evaluation planner of a
    /// run configuration and of `foresight evaluate`.
    public func overriding(iterations: Int?, sampleCount: Int?, eliteCount: Int?, horizon: Int?) -> MPPIConfiguration {
        var c = self
        if let v = iterations { c.iterations = v }
        if let v = sampleCount { c.sampleCount = v }
        if let v = eliteCount { c.eliteCount = v }
        if let v = horizon { c.horizon = v }
        return c
    }
}

/// Everything that defines a training run; saved as `run.json` in the run directory so that
/// `--resume` and `evaluate` rebuild the same environment and agent.
public struct RunConfiguration: Codable, Equatable, Sendable {
    public var environment: String
    /// Environment construction options (numbers, strings, Booleans).
    public var environmentOptions: [String: String] = [:]
    public var modelSize: Int = 1
    /// Auxiliary routing preset (see `AuxiliaryRouting(parsing:)`).
    public var aux: String = "reward+q"
    public var trainer = TrainerConfiguration()
    public var agent = AgentOverrides()
    /// On `Counting-v0` and `CountingHold-v0` from pixels: at every periodic evaluation, measure what the encoder
    /// has learned (``AgentRepresentation`` on ``representationProbeImages`` held-out and as many probe-fitting
    /// images) and log it to `representation.csv` / `.jsonl`. Ignored on other tasks. Default true.
    public var representationProbe = true
    /// Held-out images of the representation probe (at least 9; default 540, about a second of encoding per
    /// evaluation with the residual encoder; `foresight evaluate` uses the study's 1,080).
    public var representationProbeImages = 540

    public init(environment: String) { self.environment = environment }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case environment, environmentOptions, modelSize, aux, trainer, agent, representationProbe, representationProbeImages
    }

    /// Decodes a configuration in which every key but `environment` may be left out. A key the configuration does
    /// not know (a misspelt setting would otherwise be ignored silently) is refused with the nearest known key.
    public init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: AnyKey.self)
        try Self.refuseUnknownKeys(in: json, names: CodingKeys.allCases.map(\.stringValue))
        if let trainer = try Self.object("trainer", in: json) {
            try Self.refuseUnknownKeys(in: trainer, names: TrainerConfiguration.keys, prefix: "trainer.")
            if let decay = try Self.object("explorationDecay", in: trainer) {
                try Self.refuseUnknownKeys(in: decay, names: ExplorationDecay.keys, prefix: "trainer.explorationDecay.")
            }
            if let decay = try Self.object("learningRateDecay", in: trainer) {
                try Self.refuseUnknownKeys(in: decay, names: LearningRateDecay.keys, prefix: "trainer.learningRateDecay.")
            }
        }
        if let agent = try Self.object("agent", in: json) {
            try Self.refuseUnknownKeys(in: agent, names: AgentOverrides.CodingKeys.allCases.map(\.stringValue), prefix: "agent.")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        environment = try c.decode(String.self, forKey: .environment)
        environmentOptions = try c.decodeIfPresent([String: String].self, forKey: .environmentOptions) ?? [:]
        modelSize = try c.decodeIfPresent(Int.self, forKey: .modelSize) ?? 1
        aux = try c.decodeIfPresent(String.self, forKey: .aux) ?? "reward+q"
        trainer = try c.decodeIfPresent(TrainerConfiguration.self, forKey: .trainer) ?? TrainerConfiguration()
        agent = try c.decodeIfPresent(AgentOverrides.self, forKey: .agent) ?? AgentOverrides()
        representationProbe = try c.decodeIfPresent(Bool.self, forKey: .representationProbe) ?? true
        representationProbeImages = try c.decodeIfPresent(Int.self, forKey: .representationProbeImages) ?? 540
    }

    /// Any key of a JSON object, to list the keys a configuration holds.
    struct AnyKey: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// The object under `key`, or nil when it is absent or null.
    static func object(_ key: String, in container: KeyedDecodingContainer<AnyKey>) throws -> KeyedDecodingContainer<AnyKey>? {
        guard container.contains(AnyKey(key)), try !container.decodeNil(forKey: AnyKey(key)) else { return nil }
        return try container.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey(key))
    }

    /// Throws for the first key of `container` (in name order) that is not one of `names`, naming the nearest known key.
    static func refuseUnknownKeys(in container: KeyedDecodingContainer<AnyKey>, names: [String], prefix: String = "") throws {
        for key in container.allKeys.map(\.stringValue).sorted() where !names.contains(key) {
            let nearest = closestNames(to: key, among: names, count: 1).first
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [AnyKey(key)],
                                                    debugDescription: "unknown key \"\(prefix)\(key)\""
                                                        + (nearest.map { "; did you mean \"\(prefix)\($0)\"?" } ?? "")
                                                        + " (known: \(names.joined(separator: ", ")))"))
        }
    }

    /// Reads a JSON run configuration.
    /// - Throws: ``RunError/malformedConfiguration(path:reason:)`` naming the problem.
    public static func load(from url: URL) throws -> RunConfiguration {
        guard FileManager.default.fileExists(atPath: url.path) else { throw RunError.missingConfiguration(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RunError.malformedConfiguration(path: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, source: url.path)
    }

    /// Decodes a JSON run configuration; errors name `source` (a file, or where the text came from) and the key.
    /// - Throws: ``RunError/malformedConfiguration(path:reason:)`` naming the problem.
    public static func decode(_ data: Data, source: String) throws -> RunConfiguration {
        do { return try JSONDecoder().decode(RunConfiguration.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw RunError.malformedConfiguration(path: source, reason: "missing key \"\(key.stringValue)\"")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw RunError.malformedConfiguration(path: source, reason: context.debugDescription)
        } catch let DecodingError.typeMismatch(_, context) {
            throw RunError.malformedConfiguration(path: source, reason: "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            // Foundation reports a number that does not fit its field (10.5 or -3 for a count) as invalid JSON,
            // without the field: name it when the file is valid JSON.
            if let json = try? JSONSerialization.jsonObject(with: data), let reason = numberThatDoesNotFit(in: json, schema: RunConfiguration(environment: "")) {
                throw RunError.malformedConfiguration(path: source, reason: reason)
            }
            throw RunError.malformedConfiguration(path: source, reason: "\(error)")
        }
    }

    /// The first number in `json` (keys in name order, depth first) that does not fit the property of `schema` it is
    /// read into, as `"trainer.steps" is 10.5: expected a whole number`; nil when every number fits.
    static func numberThatDoesNotFit(in json: Any, schema: Any, path: String = "") -> String? {
        guard let object = json as? [String: Any] else { return nil }
        // Nested objects whose defaults are nil get a value to read their properties from.
        let nested: [String: Any] = ["explorationDecay": ExplorationDecay(final: 0, steps: 0), "learningRateDecay": LearningRateDecay(final: 0, steps: 0)]
        let properties = Dictionary(Mirror(reflecting: schema).children.compactMap { c in c.label.map { ($0, c.value) } }, uniquingKeysWith: { a, _ in a })
        for key in object.keys.sorted() {
            guard let value = object[key], let property = nested[key] ?? properties[key] else { continue }
            let name = path + key
            if value is [String: Any] {
                if let reason = numberThatDoesNotFit(in: value, schema: property, path: name + ".") { return reason }
                continue
            }
            guard let number = value as? NSNumber, !(value is Bool) else { continue }
            let v = number.doubleValue, type = Swift.type(of: property)
            let whole = v.isFinite && v == v.rounded()
            if type == Int.self || type == Int?.self, !(whole && Swift.abs(v) < 0x1p63) {
                return "\"\(name)\" is \(number): expected a whole number"
            }
            if type == UInt64.self || type == UInt64?.self, !(whole && v >= 0 && v < 0x1p64) {
                return "\"\(name)\" is \(number): expected a whole number from 0 to \(UInt64.max)"
            }
            if type == Float.self || type == Float?.self, !(v.isFinite && Swift.abs(v) <= Double(Float.greatestFiniteMagnitude)) {
                return "\"\(name)\" is \(number): expected a number within ±\(Float.greatestFiniteMagnitude) (Float32)"
            }
        }
        return nil
    }

    /// Writes `run.json` atomically.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// Environment options as typed values (numbers and Booleans parsed, the rest strings).
    public var parsedOptions: EnvironmentOptions {
        var options: EnvironmentOptions = [:]
        for (k, v) in environmentOptions {
            if let d = Double(v) { options[k] = .number(d) } else if v == "true" || v == "false" { options[k] = .bool(v == "true") } else { options[k] = .string(v) }
        }
        return options
    }
}

/// Errors from setting up a run.
public enum RunError: Error, Equatable, CustomStringConvertible {
    case malformedConfiguration(path: String, reason: String)
    /// No file at `path` (a `--config` that does not exist, or a directory that is not a run directory).
    case missingConfiguration(path: String)
    case invalidValue(String)
    case runDirectoryInUse(String)

    public var description: String {
        switch self {
        case let .malformedConfiguration(path, reason): "malformed run configuration \(path): \(reason)"
        case let .missingConfiguration(path):
            path.hasSuffix("/run.json") ? "\((path as NSString).deletingLastPathComponent) is not a run directory: it has no run.json (the file `foresight train` writes first)"
                : "no run configuration at \(path): no such file"
        case .invalidValue(let s): s
        case .runDirectoryInUse(let s): s
        }
    }
}

// MARK: - Building a run

/// A training run assembled from a ``RunConfiguration``: environment factory, agent and trainer.
public struct TrainingRun {
    public let configuration: RunConfiguration
    public let agent: TDMPC2Agent
    public let trainer: Trainer

    /// Builds the environment from `registry`, derives the agent's shapes from its spaces, and
    /// creates the trainer in `runDirectory`.
    /// - Throws: `RegistryError` for an unknown id (with suggestions), ``RunError`` and
    ///   ``ConfigurationError`` for bad values, ``TrainerError`` for unsupported spaces.
    public init(_ configuration: RunConfiguration, runDirectory: URL, registry: EnvironmentRegistry = .standard) throws {
        self.configuration = configuration
        let spec = try registry.spec(configuration.environment)
        let options = configuration.parsedOptions
        let makeEnvironment = { try registry.make(configuration.environment, options: options) }
        let probe = try makeEnvironment()
        let adapter = try ActionAdapter(probe.actionSpace)
        guard let observationBox = probe.observationSpace as? Box else {
            throw RunError.invalidValue("environment \(configuration.environment) has observation space \(probe.observationSpace); a Box is needed")
        }
        guard let size = ModelSize(rawValue: configuration.modelSize) else {
            throw RunError.invalidValue("invalid model size \(configuration.modelSize): expected one of \(ModelSize.allCases.map(\.rawValue))")
        }
        var agentConfiguration = TDMPC2Configuration(observationShape: observationBox.shape, actionDimensions: adapter.agentDimensions, modelSize: size)
        agentConfiguration.discreteActionCount = adapter.discreteCount
        agentConfiguration.routing = try AuxiliaryRouting(parsing: configuration.aux)
        let episodeLength = spec.maxEpisodeSteps ?? 1000
        agentConfiguration.episodeLength = episodeLength
        configuration.agent.apply(to: &agentConfiguration)
        do { agent = try TDMPC2Agent(configuration: agentConfiguration, seed: configuration.trainer.seed) } catch let ConfigurationError.invalidValue(key, value, expected) {
            throw RunError.invalidValue(Self.runConfigurationMessage(key: key, value: value, expected: expected, agent: agentConfiguration))
        }
        trainer = try Trainer(configuration: configuration.trainer, agent: agent, environmentID: configuration.environment,
                              episodeLength: episodeLength, runDirectory: runDirectory, makeEnvironment: makeEnvironment)
        if configuration.representationProbe, CountingTask(rawValue: configuration.environment) != nil, agentConfiguration.observationShape == [3, 64, 64] {
            let count = configuration.representationProbeImages
            guard count >= 9 else {
                throw RunError.invalidValue("invalid representationProbeImages \(count): expected at least 9 (or \"representationProbe\": false)")
            }
            let probeSet = try ProbeSet.generate(count: count, seed: AgentRepresentation.probeSeed)
            let trainSet = try ProbeSet.generate(count: count, seed: AgentRepresentation.probeTrainSeed)
            trainer.evaluationProbe = EvaluationProbe(name: "representation", columns: AgentRepresentation.columns) { agent in
                try AgentRepresentation.measure(agent: agent, probeSet: probeSet, trainSet: trainSet).values
            }
        }
    }
}

extension TrainingRun {
    /// An agent configuration error in the words of a run configuration: its key (`agent.plannerElites`, not
    /// `planner.eliteCount`), the value, and what was expected with the other values the range depends on.
    static func runConfigurationMessage(key: String, value: String, expected: String, agent c: TDMPC2Configuration) -> String {
        let plannerKeys = ["sampleCount": "Samples", "eliteCount": "Elites", "iterations": "Iterations", "policyTrajectoryCount": "PolicyTrajectories",
                           "horizon": "Horizon", "minStd": "MinStd"]
        var name = key, detail = expected
        for prefix in ["planner", "evaluationPlanner"] where key.hasPrefix(prefix + ".") {
            let field = String(key.dropFirst(prefix.count + 1))
            let planner = prefix == "planner" ? c.planner : (c.evaluationPlanner ?? c.planner)
            if let suffix = plannerKeys[field] { name = prefix + suffix }
            detail = detail.replacingOccurrences(of: "sampleCount", with: "\(prefix)Samples (\(planner.sampleCount))")
                .replacingOccurrences(of: "maxStd", with: "the planner's maximum std (\(planner.maxStd))")
        }
        if key.hasPrefix("regression.binCount") { name = "valueBinCount" }
        if key.hasPrefix("regression.vmin") { name = "valueMin/valueMax" }
        return "\"agent.\(name)\" is \(value): expected \(detail)"
    }
}
