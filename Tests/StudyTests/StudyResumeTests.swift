// Foresight — StudyTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import Study

/// A study keeps each finished run in `<run dir>/completed/` and, run again, reads those instead of training.
@Suite struct StudyResumeTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("foresight-resume-\(UUID().uuidString)")
    }

    @Test func aStoppedStudyResumesWithTheSameRecords() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = StudyRunStore(runDirectory: directory, settings: .tiny)
        // The whole study once, without a store: the reference.
        let whole = try CountingStudy(settings: .tiny).run(arms: [.untrained, .transitionOnly], seeds: [0, 1])
        // "Killed" after the first seed: only seed 0's runs are kept.
        _ = try CountingStudy(settings: .tiny).run(arms: [.untrained, .transitionOnly], seeds: [0], store: store)
        #expect(FileManager.default.fileExists(atPath: store.url(arm: .transitionOnly, seed: 0).path))
        #expect(!FileManager.default.fileExists(atPath: store.url(arm: .transitionOnly, seed: 1).path))
        // Resumed: seed 0 is read (no training phase), seed 1 is trained.
        var trained: [String] = [], read: [String] = []
        let resumed = try CountingStudy(settings: .tiny).run(arms: [.untrained, .transitionOnly], seeds: [0, 1], store: store) { event in
            if case let .phase(arm, seed, name) = event {
                if name == "train" { trained.append("\(arm.rawValue)#\(seed)") }
                if name.hasPrefix("read from") { read.append("\(arm.rawValue)#\(seed)") }
            }
        }
        #expect(Set(read) == ["untrained#0", "transition-only#0"])
        #expect(Set(trained) == ["untrained#1", "transition-only#1"])
        // The same records as the uninterrupted study, timings aside, and the same latents.
        func normalized(_ r: StudyRecord) -> StudyRecord {
            var r = r
            (r.trainSeconds, r.totalSeconds) = (0, 0)
            return r
        }
        #expect(resumed.records.map(normalized) == whole.records.map(normalized))
        #expect(zip(resumed.runs, whole.runs).allSatisfy { $0.latents.values.map(Float.init) == $1.latents.values.map(Float.init) })
        #expect(zip(resumed.runs, whole.runs).allSatisfy { $0.reconstructions.scalars == $1.reconstructions.scalars })
    }

    @Test func runsMadeWithOtherSettingsAreRefusedByName() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CountingStudy(settings: .tiny).run(arms: [.untrained], seeds: [0], store: StudyRunStore(runDirectory: directory, settings: .tiny))
        var other = StudySettings.tiny
        other.updates = 7
        let store = StudyRunStore(runDirectory: directory, settings: other)
        #expect(StudyRunStore.differences(.tiny, other) == ["updates"])
        do {
            _ = try CountingStudy(settings: other).run(arms: [.untrained], seeds: [0], store: store)
            Issue.record("a run made with other settings was accepted")
        } catch let error as StudyError {
            #expect(error.description.contains("untrained-seed0.safetensors") && error.description.contains("updates"))
        }
        // A damaged file is refused with its path, not read.
        let url = store.url(arm: .untrained, seed: 0)
        try Data("not a safetensors file".utf8).write(to: url)
        do {
            _ = try store.load(arm: .untrained, seed: 0, probeCount: StudySettings.tiny.probeCount)
            Issue.record("a damaged run file was accepted")
        } catch let error as StudyError {
            #expect(error.description.contains(url.path) && error.description.contains("unreadable"))
        }
    }
}
