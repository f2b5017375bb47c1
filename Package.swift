// swift-tools-version: 6.0
// Foresight: model-based reinforcement learning (TD-MPC2-style world models) on the CPU.

import PackageDescription

// Release builds on x86-64 target AVX2 + FMA (any x86-64 CPU since 2013), so elementwise kernels
// (Mish, LayerNorm, exp) vectorize 8 lanes wide and use fused multiply-adds (FORESIGHT_FMA).
// Set FORESIGHT_PORTABLE=1 to build for baseline x86-64.
#if arch(x86_64)
let nativeFlags: [SwiftSetting] = Context.environment["FORESIGHT_PORTABLE"] == "1" ? [] :
    [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release)), .define("FORESIGHT_FMA", .when(configuration: .release))]
// `_TensorCoreAVX512` holds 16-lane versions of the hottest elementwise passes, built for AVX-512 and
// called only after a run-time check of the CPU (TensorCore's `VectorMath.hasWideLanes`).
let wideFlags: [SwiftSetting] = Context.environment["FORESIGHT_PORTABLE"] == "1" ? [] :
    [.unsafeFlags(["-target-cpu", "skylake-avx512"], .when(configuration: .release))]
#else
let nativeFlags: [SwiftSetting] = []
let wideFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "Foresight",
    products: [
        .library(name: "ForesightKit", targets: ["ForesightKit"]),
        .executable(name: "foresight", targets: ["ForesightCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Core
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "_TensorCoreAVX512", swiftSettings: wideFlags),
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "_TensorCoreAVX512"], swiftSettings: nativeFlags),
        .target(name: "NN", dependencies: ["TensorCore"]),
        .target(name: "Optimizers", dependencies: ["TensorCore", "NN"]),
        .target(name: "Checkpoint", dependencies: ["TensorCore"]),
        .target(name: "ImageIO", dependencies: ["CZlib"]),
        .target(name: "RLCore", dependencies: ["TensorCore"]),
        // MuJoCo 2.2.2 from Debian (`libmujoco-dev`; no pkg-config file, headers in <mujoco/mujoco.h>).
        .systemLibrary(name: "CMuJoCo", providers: [.apt(["libmujoco-dev"])]),
        .target(name: "CMuJoCoGuard", dependencies: ["CMuJoCo"]),
        .target(name: "MuJoCo", dependencies: ["CMuJoCo", "CMuJoCoGuard"]),

        // Environments
        .target(name: "ClassicControl", dependencies: ["RLCore"], path: "Environments/ClassicControl"),
        .target(name: "Counting", dependencies: ["RLCore"], path: "Environments/Counting"),
        .target(name: "GymMuJoCo", dependencies: ["RLCore", "MuJoCo"], path: "Environments/GymMuJoCo"),

        // Agents
        .target(name: "TDMPC2", dependencies: ["RLCore", "NN", "Optimizers", "Checkpoint", "ImageIO"], path: "Agents/TDMPC2"),

        // Studies
        .target(name: "Study", dependencies: ["TDMPC2", "Counting", "ImageIO", "RLCore", "Checkpoint"]),

        // Tools
        .target(name: "ForesightKit", dependencies: ["TensorCore", "NN", "Optimizers", "Checkpoint", "ImageIO", "RLCore", "ClassicControl", "Counting", "GymMuJoCo", "MuJoCo", "TDMPC2", "Study"]),
        .target(name: "Sweep", dependencies: ["ForesightKit"]),
        .executableTarget(name: "ForesightCLI", dependencies: ["ForesightKit", "Sweep", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "_TestSupport", dependencies: ["TensorCore", "RLCore"]),

        // Examples
        .executableTarget(name: "TrainCounting", dependencies: ["ForesightKit"], path: "examples/TrainCounting"),
        .executableTarget(name: "CustomEnvironment", dependencies: ["ForesightKit"], path: "examples/CustomEnvironment"),
        .executableTarget(name: "CompareAuxHeads", dependencies: ["ForesightKit"], path: "examples/CompareAuxHeads"),
        .executableTarget(name: "RunEpisodes", dependencies: ["ForesightKit"], path: "examples/RunEpisodes"),

        // Tests
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NNTests", dependencies: ["NN", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "NN", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"]),
        .testTarget(name: "RLCoreTests", dependencies: ["RLCore", "_TestSupport"]),
        .testTarget(name: "ClassicControlTests", dependencies: ["ClassicControl", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MuJoCoTests", dependencies: ["MuJoCo"]),
        .testTarget(name: "GymMuJoCoTests", dependencies: ["GymMuJoCo", "MuJoCo", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CountingTests", dependencies: ["Counting", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TDMPC2Tests", dependencies: ["TDMPC2", "_TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StudyTests", dependencies: ["Study", "_TestSupport"]),
        .testTarget(name: "ForesightKitTests", dependencies: ["ForesightKit", "_TestSupport"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "ForesightKit"]),
    ]
)
