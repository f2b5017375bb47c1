// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore
import Testing

@Suite struct CoreWrapperTests {
    @Test func timeLimitTruncatesAtTheLimitAndResets() throws {
        var env = LineWalk().timeLimited(3)
        _ = try env.reset(seed: 0, options: [OptionKey.initialState: [0]])
        #expect(try !env.step(Tensor([1])).isTruncated)
        #expect(try !env.step(Tensor([-1])).isTruncated)
        #expect(env.elapsedSteps == 2)
        #expect(try env.step(Tensor([1])).isTruncated)
        _ = try env.reset()
        #expect(env.elapsedSteps == 0)
    }

    @Test func timeLimitKeepsTerminationFlag() throws {
        var env = LineWalk().timeLimited(1)
        _ = try env.reset(options: [OptionKey.initialState: [0.95]])
        let step = try env.step(Tensor([1]))
        #expect(step.isTerminated && step.isTruncated)
    }

    @Test func orderEnforcingErrors() throws {
        var env = LineWalk().orderEnforced()
        #expect(throws: EnvironmentError.stepBeforeReset) { try env.step(Tensor([1])) }
        _ = try env.reset(options: [OptionKey.initialState: [0.95]])
        #expect(try env.step(Tensor([1])).isTerminated)
        #expect(throws: EnvironmentError.stepAfterEpisodeEnd) { try env.step(Tensor([1])) }
        #expect(EnvironmentError.stepBeforeReset.description == "Cannot call step() before calling reset()")
    }

    @Test func resetSeedSemantics() throws {
        var a = LineWalk(), b = LineWalk()
        let first = try a.reset(seed: 5).observation
        #expect(try b.reset(seed: 5).observation == first)
        // No seed: keeps drawing from the generator, so the next start differs but is reproducible.
        let second = try a.reset().observation
        #expect(second != first)
        #expect(try b.reset().observation == second)
    }

    @Test func anyEnvironmentAllowsGenericWrappersOnErasedEnvironments() throws {
        let erased: any Environment<Tensor, Tensor> = LineWalk()
        var env = AnyEnvironment(erased).timeLimited(2)
        _ = try env.reset(seed: 1)
        _ = try env.step(Tensor([0]))
        #expect(try env.step(Tensor([0])).isTruncated)
        #expect(env.actionSpace.base is Box)
        #expect(throws: EnvironmentError.unsupportedRenderMode(.rgbArray)) { try env.render(.rgbArray) }
    }
}
