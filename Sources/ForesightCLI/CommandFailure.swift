// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation

// MARK: - One error style, one exit-code scheme

// `foresight` exits with
// - 0 when the command did its work;
// - 1 when a command that parsed could not do its work (a file that is missing, malformed or not writable, a
//   checkpoint with a bad value, an unknown environment id, a training run stopped by a non-finite loss): one line
//   `Error: ...` on standard error naming the file, field or value at fault, and nothing else;
// - 64 (EX_USAGE) when the command line itself is wrong (an unknown option, a missing or malformed value, a value
//   out of its range): `Error: ...` followed by the subcommand's usage;
// and never with 128 or more (a trap or a signal), whatever the input. `Foresight.main()` applies the scheme.

/// A command that parsed but could not do its work (exit code 1, no usage text).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) { description = message }

    /// The error's message; a file-system error becomes "cannot write PATH: REASON" instead of Foundation's dump.
    init(_ error: any Error) { description = Self.message(for: error) }

    static func message(for error: any Error) -> String {
        switch error {
        case let failure as CommandFailure: return failure.description
        case let validation as ValidationError: return validation.message
        case let cocoa as CocoaError: return message(for: cocoa)
        default: return "\(error)"
        }
    }

    static func message(for error: CocoaError) -> String {
        let path = error.filePath ?? error.url?.path ?? "a file"
        let code = error.code.rawValue
        let verb = (256..<512).contains(code) ? "cannot read" : (512..<768).contains(code) ? "cannot write" : "cannot use"
        let reason: String
        if let underlying = (error.userInfo[NSUnderlyingErrorKey] as? any Error).map({ $0 as NSError }), underlying.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(underlying.code)))
        } else {
            switch error.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: reason = "no such file or directory"
            case .fileReadNoPermission, .fileWriteNoPermission: reason = "permission denied"
            case .fileWriteOutOfSpace: reason = "no space left on the device"
            case .fileWriteFileExists: reason = "it already exists"
            case .fileWriteVolumeReadOnly: reason = "the volume is read-only"
            case .fileReadCorruptFile: reason = "the file is not in the expected format"
            default: reason = "Foundation error \(code)"
            }
        }
        return "\(verb) \(path): \(reason)"
    }
}

extension Foresight {
    /// Parses and validates the command line (errors exit with 64 and the subcommand's usage), then runs the command:
    /// what it throws exits with 1 and one `Error: ...` line (a `ValidationError` thrown while running would print the
    /// root command's usage; a file-system error Foundation's dump).
    static func main() {
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do { try command.run() } catch let error as ValidationError { exit(withError: CommandFailure(error)) } catch let error as CocoaError {
            exit(withError: CommandFailure(error))
        } catch {
            exit(withError: error)   // ArgumentParser's own (help, version, ExitCode) and library errors, by their description
        }
    }
}
