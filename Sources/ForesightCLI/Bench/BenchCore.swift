// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ForesightKit

/// `foresight bench core`: the fused Linear+LayerNorm+Mish block against raw sgemm of the same shape.
struct BenchCore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Time a Linear+LayerNorm+Mish block (forward, forward+backward) next to raw sgemm of the same shape.")

    @Option(parsing: .unconditional, help: "Batch rows (1-65536).") var batch = 256
    @Option(parsing: .unconditional, help: "Input and output width (1-8192).") var width = 512
    @Option(help: "OpenBLAS thread counts to run, comma separated.") var threads = "1,2"
    @Option(parsing: .unconditional, help: "Timed iterations per figure (the median is reported).") var iterations = 30

    func validate() throws {
        try requireAtLeast([("--batch", batch, 1), ("--width", width, 1), ("--iterations", iterations, 1)])
        // Bounds that keep the tensors (batch x width and width x width floats) below a gigabyte each.
        guard batch <= 65536, width <= 8192 else { throw ValidationError("--batch must be at most 65536 and --width at most 8192, got \(batch) and \(width)") }
    }

    func run() throws {
        let threadCounts = threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !threadCounts.isEmpty, threadCounts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--threads must list positive integers, got \"\(threads)\"")
        }
        MemoryTuning.retainFreedMemory()   // as training does: buffers reused, not page-faulted each call
        var g = SeededGenerator(seed: 0)
        let block = NormedLinear(inputDimensions: width, outputDimensions: width, activation: .mish, generator: &g)
        let x = Tensor.randomNormal([batch, width], using: &g)
        let input = Parameter(x)
        let a = Tensor.randomNormal([batch, width], using: &g), b = Tensor.randomNormal([width, width], using: &g)
        var c = [Float](repeating: 0, count: batch * width)
        let gemmFlops = 2.0 * Double(batch * width * width)
        print("Linear(\(width)->\(width)) + LayerNorm + Mish, batch \(batch); medians of \(iterations) runs")
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        print(pad("threads", 9) + pad("figure", 24) + pad("median ms", 11) + pad("GFLOP/s", 10) + pad("sgemm GFLOP/s", 15) + "of sgemm")
        for t in threadCounts {
            BLAS.setThreadCount(t)
            let gemm = TimingSummary.measure(iterations: iterations) {
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(ap.baseAddress!, transA: false, bp.baseAddress!, transB: true, cp.baseAddress!, m: batch, n: width, k: width)
                } } }
            }
            let forward = TimingSummary.measure(iterations: iterations) { _ = withoutGradients { block(x) } }
            let backward = TimingSummary.measure(iterations: iterations) {
                _ = valueWithGradients(at: [x]) { xs in (Tensor.normedLinear(xs[0], weight: block.linear.weight.variable, bias: block.linear.bias!.variable,
                                                                               normWeight: block.norm.weight.variable, normBias: block.norm.bias.variable,
                                                                               activation: .mish) * 1).sum() }
            }
            let full = TimingSummary.measure(iterations: iterations) {
                // The input as a parameter too, so both dx and dW are computed (three GEMMs).
                _ = valueWithGradients(at: [input] + block.parameters) { block(input.variable).sum() }
            }
            let sg = gemm.gigaflops(gemmFlops)
            for (name, s, flops) in [("sgemm", gemm, gemmFlops), ("block forward", forward, gemmFlops),
                                     ("block fwd+bwd (dx)", backward, 2 * gemmFlops), ("block fwd+bwd (dx,dW)", full, 3 * gemmFlops)] {
                let gf = s.gigaflops(flops)
                print(pad("\(t)", 9) + pad(name, 24) + pad(String(format: "%.3f", s.median), 11) + pad(String(format: "%.1f", gf), 10)
                      + pad(String(format: "%.1f", sg), 15) + String(format: "%.0f%%", 100 * gf / sg))
            }
        }
    }
}
