// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Checkpoint
import Foundation
import TensorCore

// MARK: - Resuming a study

/// The finished runs of a study, one file per configuration and seed, so that a killed study resumes where it
/// stopped: `<run dir>/completed/<config>-seed<seed>.safetensors` holds the held-out latents and reconstructions
/// (tensors `latents` `[N, L]`, `reconstructions` `[K, 3, 64, 64]`) and, in its metadata, the record
/// (`record`, metrics.json's form) and the settings it was made with (`settings`).
///
/// Each file is written atomically when its run finishes, so a kill loses at most the runs in flight. A file made
/// with other settings is refused, not mixed in: the error names the file and the settings that differ.
public struct StudyRunStore: Sendable {
    /// `<run dir>/completed`.
    public let directory: URL
    public let settings: StudySettings

    public init(runDirectory: URL, settings: StudySettings) {
        directory = runDirectory.appendingPathComponent("completed", isDirectory: true)
        self.settings = settings
    }

    /// The file of one configuration and seed.
    public func url(arm: StudyArm, seed: Int) -> URL { url(config: arm.rawValue, seed: seed) }

    func url(config: String, seed: Int) -> URL {
        directory.appendingPathComponent("\(config.replacingOccurrences(of: "+", with: "_"))-seed\(seed).safetensors")
    }

    /// The finished run of `arm` and `seed`, or nil when there is none.
    /// - Throws: ``StudyError/invalidSetting(name:value:expected:)`` naming the file when it is unreadable, was made
    ///   with other settings, or holds another configuration, seed or probe set.
    public func load(arm: StudyArm, seed: Int, probeCount: Int) throws -> ArmRun? {
        let url = url(arm: arm, seed: seed)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        func bad(_ what: String, _ expected: String) -> StudyError {
            .invalidSetting(name: "completed run \(url.path)", value: what, expected: expected)
        }
        let tensors: [String: Tensor], metadata: [String: String]
        do { (tensors, metadata) = try SafeTensors.load(from: url) } catch {
            throw bad("unreadable (\(error))", "a study run file; delete it to rerun that run")
        }
        guard let settingsText = metadata["settings"],
              let stored = try? JSONDecoder().decode(StudySettings.self, from: Data(settingsText.utf8)) else {
            throw bad("no readable settings", "the settings it was made with; delete it to rerun that run")
        }
        guard stored == settings else {
            let differing = Self.differences(stored, settings)
            throw bad("made with other settings (\(differing.joined(separator: ", ")))",
                      "the settings of this study: use another --run-dir, or the same settings")
        }
        guard let recordText = metadata["record"],
              let record = try? StudyRecord.decoder().decode(StudyRecord.self, from: Data(recordText.utf8)) else {
            throw bad("no readable record", "a record; delete it to rerun that run")
        }
        guard record.config == arm.rawValue, record.seed == seed else {
            throw bad("\(record.config) seed \(record.seed)", "\(arm.rawValue) seed \(seed)")
        }
        guard let latents = tensors["latents"], latents.rank == 2, latents.shape[0] == probeCount,
              latents.scalars.allSatisfy(\.isFinite) else {
            throw bad("latents \(tensors["latents"]?.shape.description ?? "missing")", "[\(probeCount), L], finite")
        }
        guard let reconstructions = tensors["reconstructions"], reconstructions.rank == 4,
              Array(reconstructions.shape.dropFirst()) == [3, 64, 64] else {
            throw bad("reconstructions \(tensors["reconstructions"]?.shape.description ?? "missing")", "[K, 3, 64, 64]")
        }
        return ArmRun(record: record, latents: FeatureMatrix(latents), reconstructions: reconstructions)
    }

    /// Writes a finished run (atomically; the directory is created if needed).
    public func save(_ run: ArmRun) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let settingsText = String(decoding: try encoder.encode(settings), as: UTF8.self)
        let recordText = String(decoding: try StudyRecord.encoder().encode(run.record), as: UTF8.self)
        let latents = Tensor(shape: [run.latents.rowCount, run.latents.columnCount], scalars: run.latents.values.map { Float($0) })
        try SafeTensors.save(["latents": latents, "reconstructions": run.reconstructions],
                             metadata: ["settings": settingsText, "record": recordText], to: url(config: run.record.config, seed: run.record.seed))
    }

    /// The names of the settings whose values differ (compared through their JSON form).
    static func differences(_ a: StudySettings, _ b: StudySettings) -> [String] {
        func fields(_ s: StudySettings) -> [String: String] {
            guard let data = try? JSONEncoder().encode(s),
                  let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [:] }
            var out: [String: String] = [:]
            for (key, value) in object {
                let text = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])) ?? Data()
                out[key] = String(decoding: text, as: UTF8.self)
            }
            return out
        }
        let (x, y) = (fields(a), fields(b))
        return Set(x.keys).union(y.keys).sorted().filter { x[$0] != y[$0] }
    }
}
