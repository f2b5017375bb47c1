// Foresight — CountingTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import Testing
import TensorCore
@testable import Counting

@Suite struct CheckerTests {
    @Test(arguments: ["Counting-v0", "CountingHold-v0"])
    func registeredIdsPassTheEnvironmentChecker(id: String) throws {
        let registry = try countingRegistry()
        let issues = checkEnvironment { try registry.make(id) }
        #expect(issues.failures.isEmpty, "\(issues.failures)")
        #expect(issues.warnings.isEmpty, "\(issues.warnings)")
    }

    @Test(arguments: CountingActionKind.allCases)
    func everyActionEncodingPassesTheChecker(kind: CountingActionKind) {
        let issues = checkEnvironment { try CountingFamily.makeEnvironment(configuration: .paper, actions: kind) }
        #expect(issues.failures.isEmpty, "\(issues.failures)")
    }

    @Test func typedEnvironmentsPassTheChecker() {
        #expect(checkEnvironment { try CountingSignEnvironment(configuration: .paper) }.failures.isEmpty)
        #expect(checkEnvironment { try CountingRemoveKeepAddEnvironment(configuration: .hold) }.failures.isEmpty)
    }
}
