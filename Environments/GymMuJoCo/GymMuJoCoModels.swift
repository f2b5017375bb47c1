// Foresight — GymMuJoCo
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Where the model files are

/// Finds the MJCF files of Gymnasium's MuJoCo environments (`gymnasium/envs/mujoco/assets` in an installed
/// `gymnasium` Python package). Foresight does not ship them: they are Gymnasium's.
///
/// The directory is, in this order: the `modelDirectory` construction option; the environment variable
/// `FORESIGHT_MUJOCO_MODELS` (`scripts/test.sh` sets it from the installed package); an installed `gymnasium` in
/// the active virtual environment (`VIRTUAL_ENV`), in `.venv` under the current directory, or in the usual
/// site-packages directories of the user and the system.
public enum GymMuJoCoModels {
    /// The environment variable naming the model directory.
    public static let environmentVariable = "FORESIGHT_MUJOCO_MODELS"
    /// The construction option naming the model directory.
    public static let optionKey = "modelDirectory"
    /// Where the models sit inside an installed `gymnasium` package.
    static let packageSubpath = "gymnasium/envs/mujoco/assets"

    /// The model directory to use.
    /// - Parameter explicit: a directory given by the caller (the `modelDirectory` option), used as is.
    /// - Throws: ``GymMuJoCoError/modelDirectoryNotFound(searched:)`` with how to install the models.
    public static func directory(explicit: String? = nil,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let explicit { return try existing(explicit, from: "option \(optionKey)") }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return try existing(fromEnvironment, from: environmentVariable)
        }
        let candidates = sitePackagesCandidates(environment: environment)
        for site in candidates {
            let path = (site as NSString).appendingPathComponent(packageSubpath)
            if isDirectory(path) { return path }
        }
        throw GymMuJoCoError.modelDirectoryNotFound(searched: candidates)
    }

    static func existing(_ path: String, from source: String) throws -> String {
        guard isDirectory(path) else { throw GymMuJoCoError.modelDirectoryMissing(path: path, source: source) }
        return path
    }

    static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    /// site-packages directories where `pip install gymnasium` puts the package.
    static func sitePackagesCandidates(environment: [String: String]) -> [String] {
        var roots: [String] = []
        if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty { roots.append(venv + "/lib") }
        roots.append(FileManager.default.currentDirectoryPath + "/.venv/lib")
        if let home = environment["HOME"], !home.isEmpty { roots.append(home + "/.local/lib") }
        roots += ["/usr/local/lib", "/usr/lib"]
        var result: [String] = []
        for root in roots {
            let pythons = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
                .filter { $0.hasPrefix("python3") }.sorted()
            for python in pythons {
                for leaf in ["site-packages", "dist-packages"] {
                    let path = "\(root)/\(python)/\(leaf)"
                    if isDirectory(path) { result.append(path) }
                }
            }
        }
        return result
    }
}

// MARK: - Errors

/// Errors of Gymnasium's MuJoCo environments that are not about an option or an action.
public enum GymMuJoCoError: Error, Equatable, CustomStringConvertible {
    /// No installed `gymnasium` package was found.
    case modelDirectoryNotFound(searched: [String])
    /// A directory named by the option or the environment variable does not exist.
    case modelDirectoryMissing(path: String, source: String)

    static let howToInstall = """
        Gymnasium's MuJoCo model files come with the gymnasium Python package: install it \
        (python3 -m pip install gymnasium, or scripts/setup-python.sh), then either run from the directory holding \
        .venv or set \(GymMuJoCoModels.environmentVariable)=$(python3 -c "import gymnasium, os, sys; \
        sys.stdout.write(os.path.join(os.path.dirname(gymnasium.__file__), 'envs', 'mujoco', 'assets'))"), \
        or pass the option \(GymMuJoCoModels.optionKey)
        """

    public var description: String {
        switch self {
        case .modelDirectoryNotFound(let searched):
            "Gymnasium's MuJoCo models (\(GymMuJoCoModels.packageSubpath)) were not found in \(searched). \(Self.howToInstall)"
        case .modelDirectoryMissing(let path, let source):
            "The MuJoCo model directory \(path) (from \(source)) does not exist. \(Self.howToInstall)"
        }
    }
}
