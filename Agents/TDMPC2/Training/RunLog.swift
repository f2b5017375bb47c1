// Foresight — TDMPC2
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Run logs

/// Appends rows to a CSV file and the same rows to a JSON-lines file (both readable by pandas:
/// `pd.read_csv`, `pd.read_json(lines=True)`). Files can be truncated back to a saved size when a
/// run resumes from a checkpoint, so rows written after that checkpoint are not duplicated.
final class RunLog {
    let csvURL: URL, jsonlURL: URL
    let columns: [String]

    init(directory: URL, name: String, columns: [String]) {
        csvURL = directory.appendingPathComponent("\(name).csv")
        jsonlURL = directory.appendingPathComponent("\(name).jsonl")
        self.columns = columns
    }

    /// Current sizes of both files (0 when missing).
    var sizes: [UInt64] { [csvURL, jsonlURL].map { (try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? UInt64) ?? 0 } }

    /// Throws unless ``truncate(to:)`` can cut both files back to `sizes`: two sizes, each at most the file's
    /// current size (a missing file is left alone). `file` and `field` name where the sizes were read.
    func checkTruncation(to sizes: [UInt64], file: String, field: String) throws {
        guard sizes.count == 2 else { throw TrainerError.checkpoint("\(file): \"\(field)\" is \(sizes): expected two sizes (CSV, JSON lines)") }
        for (url, size) in zip([csvURL, jsonlURL], sizes) where FileManager.default.fileExists(atPath: url.path) {
            let current = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? UInt64) ?? 0
            guard size <= current else {
                throw TrainerError.checkpoint("\(file): \"\(field)\" has \(size) bytes for \(url.lastPathComponent), expected at most its \(current) bytes")
            }
        }
    }

    /// Truncates both files to saved sizes (check them first with ``checkTruncation(to:file:field:)``).
    func truncate(to sizes: [UInt64]) throws {
        for (url, size) in zip([csvURL, jsonlURL], sizes) where FileManager.default.fileExists(atPath: url.path) {
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: size)
            try handle.close()
        }
    }

    /// Appends one row; `values` follow `columns` (nil is written empty / null).
    func append(_ values: [Double?]) throws {
        precondition(values.count == columns.count, "RunLog row has \(values.count) values for \(columns.count) columns")
        func number(_ v: Double?) -> String {
            guard let v, v.isFinite else { return "" }
            return v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.7g", v)
        }
        var csv = ""
        if !FileManager.default.fileExists(atPath: csvURL.path) || sizes[0] == 0 { csv += columns.joined(separator: ",") + "\n" }
        csv += values.map(number).joined(separator: ",") + "\n"
        let json = "{" + zip(columns, values).map { c, v in "\"\(c)\":" + (number(v).isEmpty ? "null" : number(v)) }.joined(separator: ",") + "}\n"
        try Self.appendText(csv, to: csvURL)
        try Self.appendText(json, to: jsonlURL)
    }

    static func appendText(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            try Data(text.utf8).write(to: url)
            return
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
