// Foresight — OptimizersTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import NN
import Optimizers
import _TestSupport

@Suite struct AdamTests {
    @Test func firstStepMovesByLearningRateTimesSign() {
        // After one step m/(sqrt(v)/sqrt(1-b2)) = sign(g), so each parameter moves by about lr.
        let p = Parameter(Tensor([1, -2, 3]))
        let adam = Adam([ParameterGroup(named: [("p", p)])], learningRate: 0.1)
        var grads = Gradients()
        grads[p] = Tensor([0.5, -3, 0])
        adam.update(grads)
        #expect(maxAbsDifference(p.value.scalars, [0.9, -1.9, 3]) < 1e-5)
        #expect(adam.step == 1)
    }

    @Test func learningRateScalePerGroup() {
        let a = Parameter(Tensor([0])), b = Parameter(Tensor([0]))
        let adam = Adam([ParameterGroup(named: [("a", a)], learningRateScale: 0.3), ParameterGroup(named: [("b", b)])], learningRate: 1e-2)
        var grads = Gradients()
        grads[a] = Tensor([1]); grads[b] = Tensor([1])
        adam.update(grads)
        #expect(Swift.abs(a.value.scalar + 3e-3) < 1e-6 && Swift.abs(b.value.scalar + 1e-2) < 1e-6)
    }

    @Test func clippingScalesToMaxNorm() {
        let p = Parameter(Tensor([0, 0]))
        var grads = Gradients()
        grads[p] = Tensor([30, 40])
        let norm = grads.clipGlobalNorm(to: 20)
        #expect(norm == 50)
        #expect(maxAbsDifference(grads[p]!.scalars, [12, 16]) < 1e-3)
        #expect(Swift.abs(grads.globalNorm() - 20) < 1e-3)
        var small = Gradients(); small[p] = Tensor([3, 4])
        #expect(small.clipGlobalNorm(to: 20) == 5 && small[p]!.scalars == [3, 4])
    }

    @Test func stateRoundTripGivesIdenticalUpdates() throws {
        var g = SeededGenerator(seed: 1)
        func make() -> (MLP, Adam) {
            var g2 = SeededGenerator(seed: 9)
            let m = MLP(inputDimensions: 3, hiddenDimensions: [8], outputDimensions: 1, generator: &g2)
            return (m, Adam([ParameterGroup([m])], learningRate: 1e-2))
        }
        let (m1, o1) = make(), (m2, o2) = make()
        let x = Tensor.randomNormal([16, 3], using: &g), y = Tensor.randomNormal([16, 1], using: &g)
        func step(_ m: MLP, _ o: Adam) { let (_, gr) = valueWithGradients(at: m.parameters) { Tensor.meanSquaredError(m(x), y) }; o.update(gr) }
        for _ in 0..<3 { step(m1, o1) }
        try m2.load(stateDict: m1.stateDict())
        try o2.load(stateDict: o1.stateDict())
        step(m1, o1); step(m2, o2)
        #expect(m1.stateDict() == m2.stateDict())
        var bad = o1.stateDict()
        bad["layers.0.linear.weight.exp_avg"] = Tensor.zeros([2, 2])
        #expect(throws: OptimizerError.self) { try o2.load(stateDict: bad) }
    }

    /// A step count read from a file is checked like user input: NaN, infinities, fractions, negative numbers and
    /// counts beyond 2^53 are refused by name and value (they used to trap converting to `Int`), and nothing changes.
    @Test func loadRefusesAStepCountThatIsNotAWholeNumberInRange() throws {
        let p = Parameter(Tensor([1, 2]))
        let adam = Adam([ParameterGroup(named: [("p", p)])])
        var grads = Gradients()
        grads[p] = Tensor([1, -1])
        adam.update(grads)
        let good = adam.stateDict()
        for bad: Float in [.nan, .infinity, -.infinity, 1e30, -1, 2.5] {
            var state = good
            state["step"] = Tensor(bad)
            #expect(throws: OptimizerError.invalidValue(name: "step", value: "\(bad)", reason: "a whole number from 0 to \(Adam.maxStoredStep)")) {
                try adam.load(stateDict: state)
            }
            #expect(adam.step == 1)
        }
        var state = good
        state["p.exp_avg_sq"] = Tensor([1, -1])
        #expect(throws: OptimizerError.invalidValue(name: "p.exp_avg_sq", value: "-1.0", reason: "finite numbers >= 0")) { try adam.load(stateDict: state) }
        state = good
        state["step"] = Tensor(Float(1 << 24))
        try adam.load(stateDict: state)
        #expect(adam.step == 1 << 24)
        #expect(OptimizerError.invalidValue(name: "step", value: "nan", reason: "r").prefixingNames(with: "optim.model.").description.contains("\"optim.model.step\" is nan"))
    }

    @Test func smallMLPFitsARegressionTarget() {
        var g = SeededGenerator(seed: 2)
        let mlp = MLP(inputDimensions: 2, hiddenDimensions: [64, 64], outputDimensions: 1, generator: &g)
        let adam = Adam([ParameterGroup([mlp])], learningRate: 3e-3)
        let x = Tensor.randomUniform([128, 2], low: -1, high: 1, using: &g)
        let y = Tensor(shape: [128, 1], scalars: (0..<128).map { i in Foundation.sin(3 * x[i, 0]) * x[i, 1] })
        var first: Float = 0, last: Float = 0
        for i in 0..<1500 {
            var (loss, grads) = valueWithGradients(at: mlp.parameters) { Tensor.meanSquaredError(mlp(x), y) }
            grads.clipGlobalNorm(to: 20)
            adam.update(grads)
            if i == 0 { first = loss.scalar }
            last = loss.scalar
        }
        #expect(first > 0.05)
        #expect(last < 2e-3, "final loss \(last)")
    }
}
