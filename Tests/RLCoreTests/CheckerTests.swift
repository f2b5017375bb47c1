// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore
import Testing

/// LineWalk with one fault switched on.
struct Faulty: Environment {
    enum Fault { case none, ignoresSeed, observationOutOfSpace, nanReward, truncatesAtOnce, wideActions, brokenRender, throwsOnEmptyOptions }
    var fault: Fault
    var inner = LineWalk()
    var entropy = SystemRandomNumberGenerator()

    var observationSpace: Box { inner.observationSpace }
    var actionSpace: Box { fault == .wideActions ? Box(low: -2, high: 2, shape: [1]) : inner.actionSpace }
    var metadata: EnvironmentMetadata { fault == .brokenRender ? EnvironmentMetadata(renderModes: [.ansi]) : EnvironmentMetadata() }

    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        if fault == .throwsOnEmptyOptions && options.isEmpty && seed != nil { throw EnvironmentError.invalidOption(key: "x", message: "required") }
        if fault == .ignoresSeed { return try inner.reset(seed: entropy.next(), options: options) }
        var result = try inner.reset(seed: seed, options: options)
        if fault == .observationOutOfSpace { result.observation = Tensor([5]) }
        return result
    }

    mutating func step(_ action: Tensor) throws -> Step<Tensor> {
        var result = try inner.step(action.shape == [1] ? action : Tensor([0]))
        if fault == .nanReward { result.reward = .nan }
        if fault == .truncatesAtOnce { result.isTruncated = true }
        return result
    }
}

@Suite struct CheckerTests {
    @Test func aCorrectEnvironmentPasses() {
        let issues = checkEnvironment { LineWalk() }
        #expect(issues.isEmpty, "\(issues)")
    }

    @Test func erasedEnvironmentsFromARegistryPass() throws {
        let registry = try toyRegistry()
        for id in registry.ids {
            let issues = checkEnvironment { try registry.make(id) }
            #expect(issues.failures.isEmpty, "\(id): \(issues)")
        }
    }

    @Test(arguments: [
        (Faulty.Fault.ignoresSeed, EnvironmentIssue.Check.seeding),
        (.observationOutOfSpace, .reset),
        (.nanReward, .step),
        (.truncatesAtOnce, .truncation),
        (.wideActions, .actionSpace),
        (.brokenRender, .rendering),
        (.throwsOnEmptyOptions, .reset),
    ])
    func eachFaultIsReportedAsAFailure(fault: Faulty.Fault, check: EnvironmentIssue.Check) {
        let issues = checkEnvironment { Faulty(fault: fault) }
        #expect(issues.failures.contains { $0.check == check }, "\(fault): \(issues)")
    }

    @Test func wideActionsAreOnlyAWarningWhenNotRequiredNormalized() {
        let issues = checkEnvironment(requiresNormalizedActions: false) { Faulty(fault: .wideActions) }
        #expect(issues.failures.isEmpty)
        #expect(issues.warnings.contains { $0.check == .actionSpace && $0.message.contains("RescaleAction") })
        #expect(checkEnvironment { Faulty(fault: .wideActions).rescalingActions() }.isEmpty)
    }

    @Test func constructionErrorsAreReported() {
        struct Boom: Error {}
        let issues = checkEnvironment { () throws -> LineWalk in throw Boom() }
        #expect(issues.count == 1)
        #expect(issues.first?.check == .construction && issues.first?.severity == .failure)
    }

    @Test func infiniteObservationBoundsWarn() {
        let issues = checkEnvironment { FrameStackFree() }
        #expect(issues.failures.isEmpty)
        #expect(issues.warnings.contains { $0.check == .observationSpace })
    }
}

/// An environment with an unbounded observation space (a warning, not a failure).
struct FrameStackFree: Environment {
    var inner = LineWalk()
    var observationSpace: Box { Box(low: -.infinity, high: .infinity, shape: [1]) }
    var actionSpace: Box { inner.actionSpace }
    mutating func reset(seed: UInt64?, options: ResetOptions) throws -> (observation: Tensor, info: [String: Double]) {
        try inner.reset(seed: seed, options: options)
    }
    mutating func step(_ action: Tensor) throws -> Step<Tensor> { try inner.step(action) }
}
