// Foresight — RLCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import RLCore
import Testing

@Suite struct OptionsTests {
    @Test func literalsAndTypedAccessors() throws {
        let options: ResetOptions = ["initialState": [0.1, 0, -2], "gravity": 9.8, "mode": "hard", "fast": true]
        #expect(try options.numbers(OptionKey.initialState) == [0.1, 0, -2])
        #expect(try options.numbers(OptionKey.initialState, count: 3) == [0.1, 0, -2])
        #expect(try options.number("gravity") == 9.8)
        #expect(try options.string("mode") == "hard")
        #expect(try options.bool("fast") == true)
        #expect(try options.number("absent") == nil)
    }

    @Test func wrongTypesAndLengthsThrowNamingTheKey() {
        let options: ResetOptions = ["initialState": [0.1, "x"], "gravity": "strong", "short": [1, 2]]
        #expect(throws: EnvironmentError.self) { try options.numbers(OptionKey.initialState) }
        #expect(throws: EnvironmentError.self) { try options.number("gravity") }
        do {
            _ = try options.numbers("short", count: 4)
            Issue.record("expected a throw")
        } catch let error as EnvironmentError {
            guard case .invalidOption(let key, let message) = error else { Issue.record("wrong case"); return }
            #expect(key == "short")
            #expect(message.contains("expected 4 numbers"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        let nonFinite: ResetOptions = ["s": .array([.number(.infinity)])]
        #expect(throws: EnvironmentError.self) { try nonFinite.numbers("s") }
    }

    /// The environments compute in Float32: a number beyond its range (`g=-1e39`, which became a gravity of -inf) or
    /// not finite is refused naming the key.
    @Test func numbersBeyondFloat32AreRefusedNamingTheKey() throws {
        let options: EnvironmentOptions = ["g": -1e39, "big": [0, 1e39], "nan": .number(.nan), "max": .number(Double(Float.greatestFiniteMagnitude))]
        for key in ["g", "nan"] {
            #expect(throws: EnvironmentError.self) { try options.number(key) }
            do { _ = try options.number(key) } catch let EnvironmentError.invalidOption(k, message) {
                #expect(k == key && message.contains("finite") && message.contains("Float32"), "\(message)")
            }
        }
        #expect(throws: EnvironmentError.self) { try options.numbers("big") }
        #expect(try options.number("max") == Double(Float.greatestFiniteMagnitude))
    }

    @Test func jsonRoundTrip() throws {
        let options: EnvironmentOptions = ["a": [1, 2.5], "b": "text", "c": false, "d": 3]
        let data = try JSONEncoder().encode(options)
        let decoded = try JSONDecoder().decode(EnvironmentOptions.self, from: data)
        #expect(decoded == options)
    }
}
