// Foresight — TDMPC2Tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import NN
import Testing
@testable import TDMPC2

// MARK: - Seeded mutation fuzzing of the checkpoint loader

/// A seeded mutation fuzzer of a run's checkpoint (`agent.safetensors`: header, metadata and tensor values;
/// `buffer.safetensors`; `trainer.json`), run through `Trainer.resume()` like `foresight train --resume` and
/// `foresight evaluate` do. Every mutant must either load, and then train on without trapping, or be refused with
/// an error that names the file, leaving the checkpoint and the logs byte for byte as they were. A trap ends the
/// test process, so the suite fails on any crash the loader lets through.
///
/// `executions` (400) mutants run in the normal suite: about 40 s of wall time (7 s of CPU) on a loaded
/// 2-core Zen 4, 90 s inside the parallel suite. Set
/// `FORESIGHT_FUZZ_EXECUTIONS` and `FORESIGHT_FUZZ_SEED` for a longer or another campaign.
@Suite(.serialized) struct CheckpointFuzzTests {
    static var executions: Int { ProcessInfo.processInfo.environment["FORESIGHT_FUZZ_EXECUTIONS"].flatMap(Int.init) ?? 400 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["FORESIGHT_FUZZ_SEED"].flatMap(UInt64.init) ?? 26 }

    /// The files of a checkpoint, by name (`agent.safetensors`, `buffer.safetensors`, `trainer.json`).
    typealias Files = [String: Data]

    static let hostileJSONNumbers = ["-1", "-3", "0", "1.5", "1e30", "1e400", "-1e400", "9007199254740993", "9223372036854775807",
                                     "9223372036854775808", "18446744073709551615", "18446744073709551616", "null", "\"7\"", "[]", "true"]
    static let hostileStrings = ["", "-1", "0", "nan", "inf", "-inf", "1e30", "1e-45", "9223372036854775807", "18446744073709551616",
                                 "1.5", "abc", "{", "0,0,0,0", "1,2,3", "1,2,3,4,5", "-1,2,3,4"]
    static let hostileFloats: [Float] = [.nan, .infinity, -.infinity, 1e30, -1, 0, -0.0, 0.5, 9_007_199_254_740_992, .leastNonzeroMagnitude,
                                         .greatestFiniteMagnitude, -.greatestFiniteMagnitude]

    @Test func mutatedCheckpointsLoadAndTrainOrAreRefusedByFile() throws {
        let dir = TrainerTests.temporaryDirectory("fuzz-source")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TrainerTests.makeTrainer(dir, steps: 80).run()   // checkpoint at step 80 (the end of episode 5)
        let names = ["agent.safetensors", "buffer.safetensors", "trainer.json"]
        var original: Files = [:]
        for name in names { original[name] = try Data(contentsOf: dir.appendingPathComponent("checkpoint/\(name)")) }
        let logNames = ["updates.csv", "updates.jsonl", "episodes.csv", "episodes.jsonl", "evaluations.csv", "evaluations.jsonl"]
        var logs: Files = [:]
        for name in logNames { logs[name] = try Data(contentsOf: dir.appendingPathComponent(name)) }

        var generator = SeededGenerator(seed: Self.seed)
        var loaded = 0, refused = 0, trained = 0
        var refusedBy: [String: Int] = [:]
        let target = TrainerTests.temporaryDirectory("fuzz")
        defer { try? FileManager.default.removeItem(at: target) }
        for execution in 0..<Self.executions {
            var files = original
            let (name, mutation) = Self.mutate(&files, using: &generator)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.createDirectory(at: target.appendingPathComponent("checkpoint"), withIntermediateDirectories: true)
            for (file, data) in files { try data.write(to: target.appendingPathComponent("checkpoint/\(file)")) }
            for (file, data) in logs { try data.write(to: target.appendingPathComponent(file)) }
            let trainer = try TrainerTests.makeTrainer(target, steps: 96)
            do {
                try trainer.resume()
                loaded += 1
            } catch {
                refused += 1
                refusedBy[name, default: 0] += 1
                let message = "\(error)"
                #expect(message.contains(name), "execution \(execution), \(mutation): the error does not name \(name): \(message)")
                #expect(trainer.completedSteps == 0, "execution \(execution), \(mutation): state changed by a refused checkpoint")
                for (file, data) in files {
                    #expect(try Data(contentsOf: target.appendingPathComponent("checkpoint/\(file)")) == data, "execution \(execution), \(mutation): \(file) changed")
                }
                for (file, data) in logs {
                    #expect(try Data(contentsOf: target.appendingPathComponent(file)) == data, "execution \(execution), \(mutation): \(file) changed")
                }
                continue
            }
            // A loaded mutant trains on (one more episode and a checkpoint); it may stop with an error, never trap.
            do { _ = try trainer.run(); trained += 1 } catch {}
        }
        // Both outcomes occur (the mutations reach past the parser), and every file is refused sometimes.
        #expect(loaded > Self.executions / 20 && refused > Self.executions / 4, "loaded \(loaded), refused \(refused)")
        for name in names { #expect(refusedBy[name, default: 0] > 0, "no mutant of \(name) was refused: \(refusedBy)") }
        #expect(trained > 0)
    }

    /// Applies one seeded mutation to one file; returns the file's name and what was done.
    static func mutate(_ files: inout Files, using generator: inout SeededGenerator) -> (file: String, mutation: String) {
        let roll = Int.random(in: 0..<20, using: &generator)
        let name = roll < 10 ? "agent.safetensors" : roll < 13 ? "buffer.safetensors" : "trainer.json"
        let data = files[name]!
        if name == "trainer.json" {
            var text = String(decoding: data, as: UTF8.self)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0, 1:   // a number replaced by a hostile value
                let numbers = text.ranges(of: /-?[0-9][0-9.e+-]*/)
                let range = numbers.randomElement(using: &generator)!, value = hostileJSONNumbers.randomElement(using: &generator)!
                let field = text[..<range.lowerBound].split(separator: "\"").dropLast().last.map(String.init) ?? "?"
                text.replaceSubrange(range, with: value)
                files[name] = Data(text.utf8)
                return (name, "\(field) number -> \(value)")
            case 2:   // a line removed (a missing key, or broken JSON)
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let index = Int.random(in: 0..<lines.count, using: &generator)
                let removed = lines.remove(at: index)
                files[name] = Data(lines.joined(separator: "\n").utf8)
                return (name, "line \(index) removed: \(removed)")
            default:
                return (name, flipBits(name, &files, in: 0..<data.count, using: &generator))
            }
        }
        let headerEnd = 8 + Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        guard var (tensors, metadata) = try? SafeTensors.loadData(data) else { return (name, "unchanged (unreadable original)") }
        switch Int.random(in: 0..<6, using: &generator) {
        case 0:   // a metadata value replaced, or a number inside it
            let key = metadata.keys.sorted().randomElement(using: &generator)!
            let old = metadata[key]!
            let value: String
            if Bool.random(using: &generator), let range = old.ranges(of: /-?[0-9]+/).randomElement(using: &generator) {
                var changed = old
                changed.replaceSubrange(range, with: hostileJSONNumbers.randomElement(using: &generator)!)
                value = changed
            } else {
                value = hostileStrings.randomElement(using: &generator)!
            }
            metadata[key] = value
            files[name] = try? SafeTensors.serialize(tensors, metadata: metadata)
            return (name, "metadata \(key) -> \(value.prefix(80))")
        case 1, 2:   // one element of a tensor (small tensors, such as step counts, twice as often) set to a hostile value
            let keys = tensors.keys.sorted()
            let small = keys.filter { tensors[$0]!.count <= 4 }
            let key = (Bool.random(using: &generator) && !small.isEmpty ? small : keys).randomElement(using: &generator)!
            var scalars = tensors[key]!.scalars
            guard !scalars.isEmpty else { return (name, "unchanged (empty \(key))") }
            let index = Int.random(in: 0..<scalars.count, using: &generator), value = hostileFloats.randomElement(using: &generator)!
            scalars[index] = value
            tensors[key] = Tensor(shape: tensors[key]!.shape, scalars: scalars)
            files[name] = try? SafeTensors.serialize(tensors, metadata: metadata)
            return (name, "\(key)[\(index)] -> \(value)")
        case 3:   // a tensor or a metadata entry removed
            if Bool.random(using: &generator), let key = metadata.keys.sorted().randomElement(using: &generator) {
                metadata[key] = nil
                files[name] = try? SafeTensors.serialize(tensors, metadata: metadata)
                return (name, "metadata \(key) removed")
            }
            let key = tensors.keys.sorted().randomElement(using: &generator)!
            tensors[key] = nil
            files[name] = try? SafeTensors.serialize(tensors, metadata: metadata)
            return (name, "tensor \(key) removed")
        case 4:   // a number in the header (a shape, an offset) replaced by a hostile value
            var header = String(decoding: data[8..<headerEnd], as: UTF8.self)
            let range = header.ranges(of: /[0-9]+/).randomElement(using: &generator)!, value = hostileJSONNumbers.randomElement(using: &generator)!
            header.replaceSubrange(range, with: value)
            let bytes = Data(header.utf8)
            files[name] = withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { Data($0) } + bytes + data[headerEnd...]
            return (name, "header number -> \(value)")
        default:
            return (name, flipBits(name, &files, in: 0..<headerEnd, using: &generator))
        }
    }

    /// Flips one to three bits in `range` of the file.
    static func flipBits(_ name: String, _ files: inout Files, in range: Range<Int>, using generator: inout SeededGenerator) -> String {
        var data = files[name]!
        var positions: [Int] = []
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = Int.random(in: range, using: &generator)
            data[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            positions.append(position)
        }
        files[name] = data
        return "bits flipped at \(positions)"
    }
}
