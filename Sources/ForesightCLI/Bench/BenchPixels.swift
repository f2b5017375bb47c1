// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit
import NN
import RLCore
import Study
import TDMPC2

/// `foresight bench pixels`: one TD-MPC2 update and one planned action from 64x64 RGB observations, at the shapes of
/// the PyTorch reference `scripts/bench/torch_pixel_tdmpc2.py` (compared side by side by `compare_tdmpc2.py --pixels`),
/// and the convolutions alone (forward and backward) with their achieved rate.
struct BenchPixels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pixels",
        abstract: "Time a TD-MPC2 update and a planned action from pixels, and the pixel encoder's convolutions alone.",
        discussion: """
        Shapes: tdmpc2 (TD-MPC2's 4-layer encoder, 32 channels, 5M model, batch 256, horizon 3, action 6), \
        study-joint and study-reward-q (the counting study's defaults, StudySettings: residual encoder, 16 channels, \
        batch 32, horizon 1, arms joint-reward and reward+q), counting-hold (examples/configs/counting-hold-pixels.json: \
        residual encoder, 16 channels, 1M model, batch 32, horizon 3, Discrete(3) actions).
        """)

    static let shapes = ["tdmpc2", "study-joint", "study-reward-q", "counting-hold"]

    @Option(help: "One of tdmpc2, study-joint, study-reward-q, counting-hold.") var shape = "tdmpc2"
    @Option(help: "The run configuration of counting-hold.") var config = "examples/configs/counting-hold-pixels.json"
    @Option(parsing: .unconditional, help: "OpenBLAS threads.") var threads = 1
    @Option(parsing: .unconditional, help: "Timed updates (the median is reported).") var updateIterations = 10
    @Option(parsing: .unconditional, help: "Timed planned actions per mode.") var actIterations = 10
    @Option(parsing: .unconditional, help: "Timed forward and backward passes of the convolutions alone.") var convIterations = 10
    @Option(parsing: .unconditional, help: "Untimed runs before each figure.") var warmup = 2
    @Option(parsing: .unconditional, help: "Before each figure, wait up to this many seconds for other processes to use < 0.15 cores.") var waitQuiet: Double = 0
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard Self.shapes.contains(shape) else {
            throw ValidationError("--shape must be one of \(Self.shapes.joined(separator: ", ")), got \(shape)")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be positive, got \(threads)") }
        guard updateIterations >= 1, actIterations >= 1, convIterations >= 1 else { throw ValidationError("iteration counts must be positive") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be >= 0, got \(warmup)") }
    }

    /// The agent configuration of `shape`.
    func agentConfiguration() throws -> TDMPC2Configuration {
        switch shape {
        case "tdmpc2":
            var c = TDMPC2Configuration(observationShape: [3, 64, 64], actionDimensions: 6, modelSize: .m5)
            c.pixelChannels = 32
            c.episodeLength = 1000
            return c
        case "study-joint", "study-reward-q":
            return StudySettings().agentConfiguration(arm: shape == "study-joint" ? .jointReward : .rewardQ, actionDimensions: 1,
                                                      episodeLength: CountingTask.counting.maxEpisodeSteps, isEpisodic: true)
        default:
            let run = try RunConfiguration.load(from: URL(fileURLWithPath: config))
            guard let size = ModelSize(rawValue: run.modelSize) else {
                throw ValidationError("\(config): invalid modelSize \(run.modelSize)")
            }
            // CountingHold-v0: Discrete(3) (remove, keep, add), one-hot actions; 50-step episodes.
            var c = TDMPC2Configuration(observationShape: [3, 64, 64], actionDimensions: 3, modelSize: size)
            c.discreteActionCount = 3
            c.routing = try AuxiliaryRouting(parsing: run.aux)
            c.episodeLength = CountingTask.hold.maxEpisodeSteps
            run.agent.apply(to: &c)
            return c
        }
    }

    func run() throws {
        BLAS.setThreadCount(threads)
        let c = try agentConfiguration()
        try c.validate()
        let agent = try TDMPC2Agent(configuration: c, seed: 1)
        guard let encoder = agent.model.encoder as? PixelEncoder else { throw ValidationError("\(shape): not a pixel encoder") }
        var g = SeededGenerator(seed: 0)
        let (h, b, a) = (c.horizon, c.batchSize, c.actionDimensions)
        let actions: Tensor
        if let n = c.discreteActionCount {
            var oneHot = [Float](repeating: 0, count: h * b * n)
            for i in 0..<(h * b) { oneHot[i * n + Int(g.next() % UInt64(n))] = 1 }
            actions = Tensor(shape: [h, b, n], scalars: oneHot)
        } else {
            actions = .randomUniform([h, b, a], low: -1, high: 1, using: &g)
        }
        let values = (0..<((h + 1) * b)).map { _ in Float(g.next() % 2) }
        let batch = SequenceBatch(observations: .randomUniform([h + 1, b, 3, 64, 64], low: 0, high: 255, using: &g), actions: actions,
                                  rewards: .randomUniform([h, b, 1], low: 0, high: 1, using: &g), terminated: .zeros([h, b, 1]),
                                  stateValues: Tensor(shape: [h + 1, b, 1], scalars: values))
        let observation = Tensor.randomUniform([3, 64, 64], low: 0, high: 255, using: &g)
        let images = Tensor.randomUniform([b, 3, 64, 64], low: 0, high: 255, using: &g) * (1 / 255)
        let load = LoadMonitor()

        func figure(_ iterations: Int, _ body: () -> Void) -> Figure {
            Figure.measure(load: load, waitQuiet: waitQuiet, warmup: warmup, iterations: iterations, body)
        }

        load.waitForQuiet(maxSeconds: waitQuiet)
        var sgemmRates = [BenchTDMPC2.sgemmRate(iterations: 20)]
        let update = figure(updateIterations) { agent.update(batch) }
        // The convolutions alone: forward and backward (weights and, past the first layer, inputs) on one batch.
        let convParameters = encoder.convolutions.flatMap { [$0.weight, $0.bias] }
            + encoder.residualBlocks.flatMap { [$0.first.weight, $0.first.bias, $0.second.weight, $0.second.bias] }
        let conv = figure(convIterations) { _ = valueWithGradients(at: convParameters) { Self.convolutionStack(encoder, images).sum() } }
        sgemmRates.append(BenchTDMPC2.sgemmRate(iterations: 20))
        _ = agent.act(observation, isFirstStep: true, mode: .explore)
        let explore = figure(actIterations) { _ = agent.act(observation, isFirstStep: false, mode: .explore) }
        let evaluate = figure(actIterations) { _ = agent.act(observation, isFirstStep: false, mode: .evaluate) }
        sgemmRates.append(BenchTDMPC2.sgemmRate(iterations: 20))
        let sgemm = sgemmRates.sorted()[1]
        let convFlop = Self.convolutionFlop(encoder, images: b, side: 64, inputChannels: 3)
        let convRate = convFlop / (conv.time.median * 1e6)
        let actMedian = (explore.time.median + evaluate.time.median) / 2

        if json {
            let object: [String: Any] = [
                "impl": "foresight", "shape": shape, "threads": threads, "parameters": agent.model.parameterCount,
                "batch": b, "horizon": h, "update_ms": update.time.median, "update_min_ms": update.time.min,
                "update_max_ms": update.time.max, "update_cpu_ms": update.cpuMilliseconds, "update_gflop": update.flop / 1e9,
                "act_ms": actMedian, "act_explore_ms": explore.time.median, "act_eval_ms": evaluate.time.median,
                "conv_ms": conv.time.median, "conv_cpu_ms": conv.cpuMilliseconds, "conv_gflop": convFlop / 1e9, "conv_gflops": convRate,
                "sgemm_gflops": sgemm, "sgemm_gflops_measurements": sgemmRates,
                "other_cores": Swift.max(update.otherCores, conv.otherCores, explore.otherCores, evaluate.otherCores),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        #if DEBUG
        print("note: debug build; benchmark with `swift build -c release` and `.build/release/foresight bench pixels`")
        #endif
        print("TD-MPC2 from pixels, shape \(shape) (\(agent.model.parameterCount) parameters), \(encoder.description),")
        print("batch \(b), horizon \(h), \(threads) thread(s)")
        print(String(format: "update %.1f ms (min %.1f, max %.1f, CPU %.1f), %.2f GFLOP of GEMMs", update.time.median, update.time.min,
                     update.time.max, update.cpuMilliseconds, update.flop / 1e9))
        print(String(format: "act explore %.2f ms, evaluate %.2f ms", explore.time.median, evaluate.time.median))
        print(String(format: "convolutions alone (forward + backward, %d images): %.1f ms, %.2f GFLOP, %.1f GFLOP/s = %.0f%% of the GEMM's %.1f GFLOP/s",
                     b, conv.time.median, convFlop / 1e9, convRate, 100 * convRate / sgemm, sgemm))
    }

    /// The encoder's convolutions and activations as in `PixelEncoder.readoutFeatures`, without the readout.
    static func convolutionStack(_ e: PixelEncoder, _ input: Tensor) -> Tensor {
        var x = input
        switch e.architecture {
        case .tdmpc2:
            for (i, conv) in e.convolutions.enumerated() {
                x = conv(x)
                if i < e.convolutions.count - 1 { x = x.relu() }
            }
        case .resnet:
            x = e.convolutions[1](e.convolutions[0](x).relu())
            x = e.residualBlocks[1](e.residualBlocks[0](x))
            x = e.residualBlocks[2](e.convolutions[2](x)).relu()
        }
        return x
    }

    /// Multiply-adds x 2 of ``convolutionStack(_:_:)`` forward and backward: forward, weight gradient, and input
    /// gradient for every layer but the first (its input, the image, needs none).
    static func convolutionFlop(_ e: PixelEncoder, images: Int, side: Int, inputChannels: Int) -> Double {
        var layers: [Conv2d] = []
        switch e.architecture {
        case .tdmpc2: layers = e.convolutions
        case .resnet:
            layers = [e.convolutions[0], e.convolutions[1]] + e.residualBlocks[0..<2].flatMap { [$0.first, $0.second] }
                + [e.convolutions[2]] + [e.residualBlocks[2].first, e.residualBlocks[2].second]
        }
        var s = side, total = 0.0
        for (i, layer) in layers.enumerated() {
            let shape = layer.weight.value.shape   // [O, C, K, K]
            s = (s + 2 * layer.padding - shape[2]) / layer.stride + 1
            let macs = Double(images * shape[0] * s * s * shape[1] * shape[2] * shape[3])
            total += 2 * macs * (i == 0 ? 2 : 3)
        }
        return total
    }
}
