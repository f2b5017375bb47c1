// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
#if canImport(Darwin)
import Darwin
#endif

// MARK: - 16-lane kernels (AVX-512), chosen at run time

extension VectorMath {
    /// Whether the 16-lane kernels of `_TensorCoreAVX512` may run: a native x86-64 release build on a
    /// CPU and OS with AVX-512 F, CD, BW, DQ and VL. The kernels give the same bits as the 8-lane
    /// loops, so this choice changes speed only.
    static let hasWideLanes: Bool = {
        #if FORESIGHT_FMA && arch(x86_64)
        let required = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        #if os(Linux)
        // The kernel lists these flags only when it also saves the AVX-512 register state.
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let flags = Set(line.split(separator: " ").map(String.init))
        return required.allSatisfy(flags.contains)
        #elseif canImport(Darwin)
        return required.allSatisfy { name in
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            return sysctlbyname("hw.optional.\(name)", &value, &size, nil, 0) == 0 && value != 0
        }
        #else
        return false
        #endif
        #else
        return false
        #endif
    }()
}
