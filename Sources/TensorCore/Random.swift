// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Seeded generator

/// A fast, seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random draw in Foresight takes an explicit generator; the same seed gives the same
/// sequence on every machine. The full state is exposed so that checkpoints can save and restore it.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    // Four stored words (not an array): `next()` is on the hot path of dropout masks and planning noise.
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The four words of xoshiro256** state.
    /// - Precondition (set): four words, not all zero.
    public var state: [UInt64] {
        get { [s0, s1, s2, s3] }
        set {
            precondition(newValue.count == 4 && newValue.contains { $0 != 0 }, "SeededGenerator state must be 4 words, not all zero")
            (s0, s1, s2, s3) = (newValue[0], newValue[1], newValue[2], newValue[3])
        }
    }

    /// Creates a generator from a 64-bit seed.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// Restores a generator from saved state.
    /// - Precondition: four words, not all zero.
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "SeededGenerator state must be 4 words, not all zero")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    private enum CodingKeys: String, CodingKey { case state }

    /// Decodes `{"state": [w0, w1, w2, w3]}`.
    /// - Throws: `DecodingError.dataCorrupted` unless there are four words, not all zero.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([UInt64].self, forKey: .state)
        guard words.count == 4 && words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container, debugDescription: "SeededGenerator state must be 4 words, not all zero, got \(words)")
        }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Derives an independent generator (for a sub-component) without disturbing reproducibility.
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }
}

// MARK: - Distributions

extension RandomNumberGenerator {
    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    @inlinable
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A standard normal draw (Box–Muller, one value per call).
    @inlinable
    public mutating func nextNormal() -> Float {
        // u1 in (0, 1] so the log is finite.
        let first = next()
        return Self.boxMuller(first, next())
    }

    /// The standard normal value ``nextNormal()`` makes of its two raw 64-bit draws (Box–Muller): code that
    /// draws the raw values in order and transforms them later, on any thread, gets the same values.
    @inlinable
    public static func boxMuller(_ first: UInt64, _ second: UInt64) -> Float {
        let u1 = (Double(first >> 11) + 1) * 0x1p-53
        let u2 = Double(second >> 11) * 0x1p-53
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// A standard Gumbel draw, `-log(-log(u))`.
    @inlinable
    public mutating func nextGumbel() -> Float {
        let u = (Double(next() >> 11) + 0.5) * 0x1p-53
        return Float(-Foundation.log(-Foundation.log(u)))
    }
}

extension Tensor {
    /// Independent normal draws with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout some RandomNumberGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        // The raw draws in order, then the transform (a log and a cosine per value, the bulk of the
        // cost) split over threads: the values of `nextNormal()` calls in a row, for any thread count.
        let raw = [UInt64](unsafeUninitializedCapacity: 2 * n) { buffer, initialized in
            for i in 0..<(2 * n) { buffer[i] = generator.next() }
            initialized = 2 * n
        }
        var values = [Float](uninitializedCount: n)
        raw.withUnsafeBufferPointer { rp in values.withUnsafeMutableBufferPointer { vp in
            guard n > 0 else { return }
            let (r, v) = (rp.baseAddress!, vp.baseAddress!)
            Parallel.forEachRange(n, parts: Parallel.partCount(n, itemSize: 32)) { range, _ in
                for i in range { v[i] = mean + standardDeviation * SeededGenerator.boxMuller(r[2 * i], r[2 * i + 1]) }
            }
        } }
        return Tensor(shape: shape, scalars: values)
    }

    /// Independent uniform draws in `[low, high)`.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     using generator: inout some RandomNumberGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = low + (high - low) * generator.nextUniform() }
        return Tensor(shape: shape, scalars: values)
    }

    /// Normal draws with the given standard deviation, redrawn until inside `[low, high]`
    /// (absolute bounds, as PyTorch's `trunc_normal_`: TD-MPC2 uses std 0.02 with bounds ±2).
    public static func randomTruncatedNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                             low: Float = -2, high: Float = 2,
                                             using generator: inout some RandomNumberGenerator) -> Tensor {
        precondition(low < high, "truncated normal needs low < high, got [\(low), \(high)]")
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var v: Float
            var tries = 0
            repeat {
                v = mean + standardDeviation * generator.nextNormal()
                tries += 1
            } while (v < low || v > high) && tries < 1000
            values[i] = Swift.min(Swift.max(v, low), high)
        }
        return Tensor(shape: shape, scalars: values)
    }
}
