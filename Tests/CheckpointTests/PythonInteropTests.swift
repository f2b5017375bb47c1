// Foresight — CheckpointTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Checkpoint

// MARK: - Python safetensors interop

/// Files written by Python's `safetensors` package open in Foresight and the other way round.
///
/// The live test runs `python3` from `PATH` (or `$FORESIGHT_PYTHON`), which must have `safetensors` and
/// `numpy` installed; CI and `scripts/test.sh` install them. The fixture test needs no Python.
@Suite struct PythonInteropTests {
    /// Reads `Fixtures/python_written.safetensors` (made by scripts/fixtures/make_safetensors_fixture.py with
    /// safetensors.torch) and checks every element's float32 bits against `python_written.json`.
    @Test func fileWrittenByPythonLoadsWithTheSameNamesShapesAndValues() throws {
        let fileURL = try #require(Bundle.module.url(forResource: "python_written", withExtension: "safetensors", subdirectory: "Fixtures"))
        let expectedURL = try #require(Bundle.module.url(forResource: "python_written", withExtension: "json", subdirectory: "Fixtures"))
        let expected = try JSONDecoder().decode(PythonDump.self, from: Data(contentsOf: expectedURL))

        let loaded = try SafeTensors.load(from: fileURL)

        #expect(loaded.metadata == expected.metadata)
        #expect(Set(loaded.tensors.keys) == Set(expected.tensors.keys))
        #expect(Set(expected.tensors.values.map(\.dtype)) == ["F32", "F64", "F16", "BF16", "I64", "I32", "U8", "BOOL"])
        for (name, want) in expected.tensors {
            let tensor = try loaded.tensors.require(name, shape: want.shape)
            #expect(tensor.scalars.map(\.bitPattern) == want.float32_bits, "tensor \(name) (\(want.dtype))")
        }
    }

    /// Foresight writes; Python reads the file back with the numpy backend and must see the same names,
    /// shapes, float32 bits and metadata; re-saving in Python must give identical bytes (one metadata key,
    /// since Python orders several keys by hash). Then Python writes a file and Foresight reads it.
    @Test func pythonReadsFilesWrittenByForesightAndWritesFilesForesightReads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tensors = sampleTensors(seed: 21)
        let single = directory.appendingPathComponent("single.safetensors")
        let several = directory.appendingPathComponent("several.safetensors")
        let fromPython = directory.appendingPathComponent("python.safetensors")
        let manyMetadata = ["step": "1200", "config": "{\"horizon\": 3}", "note": "ünïcode ✓"]
        try SafeTensors.save(tensors, metadata: ["format": "np"], to: single)
        try SafeTensors.save(tensors, metadata: manyMetadata, to: several)

        let output = try runPython(Self.script, arguments: [single.path, several.path, fromPython.path])
        let report = try JSONDecoder().decode(InteropReport.self, from: output)

        for (dump, metadata) in [(report.read[0], ["format": "np"]), (report.read[1], manyMetadata)] {
            #expect(dump.metadata == metadata)
            #expect(Set(dump.tensors.keys) == Set(tensors.keys))
            for (name, tensor) in tensors {
                #expect(dump.tensors[name]?.shape == tensor.shape, "shape of \(name)")
                #expect(dump.tensors[name]?.float32_bits == tensor.scalars.map(\.bitPattern), "values of \(name)")
                #expect(dump.tensors[name]?.dtype == "float32")
            }
        }
        #expect(report.resavedIdentical, "Python re-saved single.safetensors to different bytes")

        let loaded = try SafeTensors.load(from: fromPython)
        #expect(loaded.metadata == report.written.metadata)
        #expect(Set(loaded.tensors.keys) == Set(report.written.tensors.keys))
        for (name, want) in report.written.tensors {
            #expect(try loaded.tensors.require(name, shape: want.shape).scalars.map(\.bitPattern) == want.float32_bits, "\(name)")
        }
    }

    private static let script = #"""
    import json, sys
    import numpy as np
    from safetensors import safe_open
    from safetensors.numpy import load_file, save, save_file

    def dump(tensors, metadata):
        return {"metadata": metadata or {}, "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape),
                "float32_bits": v.astype(np.float32).reshape(-1).view(np.uint32).tolist()} for k, v in tensors.items()}}

    single, several, out = sys.argv[1:4]
    read = []
    for path in (single, several):
        with safe_open(path, framework="np") as f:
            metadata = f.metadata()
        read.append(dump(load_file(path), metadata))
    with safe_open(single, framework="np") as f:
        metadata = f.metadata()
    resaved = save(load_file(single), metadata=metadata)
    written = {"w": (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3, "d": np.array([0.1, -2.0], dtype=np.float64),
               "h": np.array([[1.5], [-0.25]], dtype=np.float16), "i": np.array([-7, 2**33], dtype=np.int64),
               "s": np.array(3.25, dtype=np.float32), "e": np.zeros((2, 0), dtype=np.float32)}
    written_metadata = {"writer": "numpy"}
    save_file(written, out, metadata=written_metadata)
    print(json.dumps({"read": read, "resavedIdentical": resaved == open(single, "rb").read(),
                      "written": dump(written, written_metadata)}))
    """#
}

// MARK: - Python helpers

struct PythonDump: Decodable {
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var float32_bits: [UInt32]
    }
    var metadata: [String: String]
    var tensors: [String: Entry]
}

struct InteropReport: Decodable {
    var read: [PythonDump]
    var resavedIdentical: Bool
    var written: PythonDump
}

struct PythonFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs `python -c script arguments...` and returns its standard output. The interpreter is
/// `$FORESIGHT_PYTHON` when set, else `python3` from `PATH`.
func runPython(_ script: String, arguments: [String]) throws -> Data {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let stdoutURL = directory.appendingPathComponent("stdout"), stderrURL = directory.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    let stdout = try FileHandle(forWritingTo: stdoutURL), stderr = try FileHandle(forWritingTo: stderrURL)

    let process = Process()
    let interpreter = ProcessInfo.processInfo.environment["FORESIGHT_PYTHON"] ?? "python3"
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [interpreter, "-c", script] + arguments
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    process.waitUntilExit()
    try stdout.close()
    try stderr.close()

    guard process.terminationStatus == 0 else {
        let message = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        throw PythonFailure(description: "\(interpreter) exited with status \(process.terminationStatus) "
            + "(needs `pip install safetensors numpy`, or set FORESIGHT_PYTHON):\n\(message)")
    }
    return try Data(contentsOf: stdoutURL)
}
