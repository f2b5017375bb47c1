// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore
import Testing

@Suite struct RolloutTests {
    @Test func jsonLinesHaveTheDocumentedShape() {
        let reset = RolloutRecord(t: 0, observation: Tensor([0.5, -1]), info: ["b": 2, "a": 0.25])
        #expect(reset.jsonLine() == #"{"t":0,"observation":[0.5,-1.0],"info":{"a":0.25,"b":2.0}}"#)
        let step = RolloutRecord(t: 3, action: Tensor([1]), observation: Tensor([.infinity, 0.1]), reward: -0.5,
                                 isTerminated: true, isTruncated: false)
        #expect(step.jsonLine(actionSpace: IndexSpace(Discrete(2)))
            == #"{"t":3,"action":1,"observation":[null,0.1],"reward":-0.5,"terminated":true,"truncated":false,"info":{}}"#)
        #expect(step.jsonLine(actionSpace: Box(low: -1, high: 1, shape: [1])).contains(#""action":[1.0]"#))
        #expect(JSONText.string("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }

    @Test func parsesActionsForEachSpace() throws {
        let discrete = IndexSpace(Discrete(3))
        #expect(try parseAction("2", for: discrete) == Tensor([2]))
        #expect(try parseAction(" [1] ", for: discrete) == Tensor([1]))
        #expect(throws: EnvironmentError.self) { try parseAction("3", for: discrete) }
        #expect(throws: EnvironmentError.self) { try parseAction("1.5", for: discrete) }
        let box = Box(low: -1, high: 1, shape: [2])
        #expect(try parseAction("[0.5, -0.25]", for: box) == Tensor([0.5, -0.25]))
        #expect(throws: EnvironmentError.self) { try parseAction("[0.5]", for: box) }
        #expect(throws: EnvironmentError.self) { try parseAction("[0.5, x]", for: box) }
        #expect(try parseAction("0.3", for: Box(low: -2, high: 2, shape: [1])) == Tensor([0.3]))
        #expect(throws: EnvironmentError.self) { try parseAction("true", for: box) }
        // Numbers beyond Float32's range (they became infinity, printed as null) and NaN are refused by value.
        for text in ["[1e39, 0]", "[0, -1e39]", "[nan, 0]"] {
            #expect { try parseAction(text, for: box) } throws: { "\($0)".contains(text) && "\($0)".contains("finite Float32") }
        }
    }

    @Test func givenActionsRunUntilTheyRunOutOrTheEpisodeEnds() throws {
        var env = Corridor(length: 3).indexTensorActions()
        var records: [RolloutRecord] = []
        try rollout(&env, seed: 0, actions: .given([Tensor([1]), Tensor([0])])) { records.append($0) }
        #expect(records.map(\.t) == [0, 1, 2])
        #expect(records[0].action == nil && records[0].reward == nil)
        records = []
        try rollout(&env, seed: 0, actions: .given(Array(repeating: Tensor([1]), count: 10))) { records.append($0) }
        #expect(records.count == 3)
        #expect(records.last?.isTerminated == true)
    }

    @Test func sampledRolloutsAreReproducibleAndRespectMaxSteps() throws {
        func run() throws -> [String] {
            var env = LineWalk().timeLimited(100)
            var lines: [String] = []
            try rollout(&env, seed: 4, maxSteps: 25, actions: .sampled(SeededGenerator(seed: 9))) {
                lines.append($0.jsonLine())
            }
            return lines
        }
        let first = try run()
        #expect(first.count == 26)
        #expect(try run() == first)
    }

    @Test func erasedEnvironmentsRollOut() throws {
        let registry = try toyRegistry()
        var env = try registry.make("LineWalk-v0", maxEpisodeSteps: 5)
        var count = 0
        try rollout(&env, seed: 1, actions: .sampled(SeededGenerator(seed: 1))) { _ in count += 1 }
        #expect(count == 6)
    }
}
