// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import TensorCore

// MARK: - Colour and position

/// The colour of the objects of an episode, one byte per channel.
public struct CountingColor: Sendable, Hashable, Codable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    /// Creates a colour from channel values.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The channels in order `[red, green, blue]`.
    public var channels: [UInt8] { [red, green, blue] }

    /// The authors' colour draw: each channel an integer uniform in `[30, 226)`, drawn red, green, blue.
    public static func random(using generator: inout some RandomNumberGenerator) -> CountingColor {
        let r = uniformInteger(in: CountingScene.colorRange, using: &generator)
        let g = uniformInteger(in: CountingScene.colorRange, using: &generator)
        let b = uniformInteger(in: CountingScene.colorRange, using: &generator)
        return CountingColor(red: UInt8(r), green: UInt8(g), blue: UInt8(b))
    }

    public var description: String { "(\(red), \(green), \(blue))" }
}

/// The integer pixel centre of one object: column `x`, row `y`, both in `[3, 61)`.
public struct CountingPosition: Sendable, Hashable, Codable {
    public var x: Int
    public var y: Int

    /// Creates a position.
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

// MARK: - CountingScene

/// One frame's ground truth: shape, colour and the centres of the objects (their number is the count).
///
/// ``render(into:)`` draws it on a black 64x64 canvas as PIL does in the authors' code (see ``CountingShape``).
public struct CountingScene: Sendable, Hashable, Codable {
    /// Side of the square image in pixels: 64.
    public static let imageSize = 64
    /// Observation shape, channels-first: `[3, 64, 64]`.
    public static let observationShape = [3, imageSize, imageSize]
    /// The size parameter `r` of the authors' code: objects span about `2r + 1 = 7` pixels.
    public static let objectRadius = 3
    /// Centre coordinates are uniform integers in this range, `[r, 64 - r) = [3, 61)`, on both axes.
    public static let centerRange = objectRadius ..< (imageSize - objectRadius)
    /// Colour channels are uniform integers in this range, `[30, 226)`.
    public static let colorRange = 30 ..< 226
    /// A new centre is redrawn while its squared distance to an earlier centre is below `(2r + 1)² = 49`.
    public static let minimumSquaredDistance = (2 * objectRadius + 1) * (2 * objectRadius + 1)
    /// Tries per object before overlap is allowed: 50.
    public static let placementAttempts = 50

    /// The shape of every object.
    public var shape: CountingShape
    /// The colour of every object.
    public var color: CountingColor
    /// The object centres, in drawing order.
    public var positions: [CountingPosition]

    /// The number of objects.
    public var count: Int { positions.count }

    /// Creates a scene.
    public init(shape: CountingShape, color: CountingColor, positions: [CountingPosition]) {
        self.shape = shape
        self.color = color
        self.positions = positions
    }

    // MARK: Placement

    /// Draws `count` centres as the authors' code does. For each object: up to 50 tries of `x`, then `y`, each
    /// uniform in `[3, 61)`; with `avoidsOverlap`, a try whose squared distance to an earlier centre is below 49
    /// is rejected. If all 50 tries are rejected, the last one is kept (overlap is allowed).
    /// - Parameters:
    ///   - count: the number of objects, `>= 0`.
    ///   - avoidsOverlap: the authors' `overlap_protection` (on in the paper).
    /// - Returns: `count` positions.
    public static func samplePositions(count: Int, avoidsOverlap: Bool = true,
                                       using generator: inout some RandomNumberGenerator) -> [CountingPosition] {
        var positions: [CountingPosition] = []
        positions.reserveCapacity(count)
        for _ in 0..<count {
            var candidate = CountingPosition(x: 0, y: 0)
            for _ in 0..<placementAttempts {
                candidate.x = uniformInteger(in: centerRange, using: &generator)
                candidate.y = uniformInteger(in: centerRange, using: &generator)
                if !avoidsOverlap { break }
                let clear = positions.allSatisfy { p in
                    let dx = candidate.x - p.x, dy = candidate.y - p.y
                    return dx * dx + dy * dy >= minimumSquaredDistance
                }
                if clear { break }
            }
            positions.append(candidate)
        }
        return positions
    }

    /// A scene with freshly drawn positions (see ``samplePositions(count:avoidsOverlap:using:)``).
    public static func random(count: Int, shape: CountingShape, color: CountingColor, avoidsOverlap: Bool = true,
                              using generator: inout some RandomNumberGenerator) -> CountingScene {
        CountingScene(shape: shape, color: color,
                      positions: samplePositions(count: count, avoidsOverlap: avoidsOverlap, using: &generator))
    }

    // MARK: Rendering

    /// Draws the objects into a channels-first image `[3, 64, 64]` (`3 * 64 * 64` floats). Lit pixels get the
    /// colour's byte values as floats (`0...255`); other pixels are left as they are, so pass a zeroed buffer for
    /// the black background. Parts of an object outside the canvas are clipped.
    /// - Precondition: `buffer.count == 3 * 64 * 64`.
    public func render(into buffer: UnsafeMutableBufferPointer<Float>) {
        fill(buffer, with: (Float(color.red), Float(color.green), Float(color.blue)))
    }

    /// Sets every pixel the objects cover back to black: after this, a buffer that held only this scene is black
    /// again, at the cost of the objects' pixels rather than the whole image.
    func erase(from buffer: UnsafeMutableBufferPointer<Float>) {
        fill(buffer, with: (0, 0, 0))
    }

    private func fill(_ buffer: UnsafeMutableBufferPointer<Float>, with values: (Float, Float, Float)) {
        let size = Self.imageSize, plane = size * size
        precondition(buffer.count == 3 * plane, "render needs \(3 * plane) floats, got \(buffer.count)")
        guard let base = buffer.baseAddress else { return }
        for span in shape.spans {
            for p in positions {
                let y = p.y + span.dy
                guard y >= 0 && y < size else { continue }
                let x0 = Swift.max(p.x + span.minDX, 0), x1 = Swift.min(p.x + span.maxDX, size - 1)
                guard x0 <= x1 else { continue }
                let row = base + y * size
                (row + x0).update(repeating: values.0, count: x1 - x0 + 1)
                (row + plane + x0).update(repeating: values.1, count: x1 - x0 + 1)
                (row + 2 * plane + x0).update(repeating: values.2, count: x1 - x0 + 1)
            }
        }
    }

    /// The rendered observation: shape `[3, 64, 64]`, black background, values in `0...255`.
    public func observation() -> Tensor {
        var pixels = [Float](repeating: 0, count: 3 * Self.imageSize * Self.imageSize)
        pixels.withUnsafeMutableBufferPointer { render(into: $0) }
        return Tensor(shape: Self.observationShape, scalars: pixels)
    }

    /// Which pixels are lit, row-major `[64, 64]` (`mask[y * 64 + x]`).
    public func litMask() -> [Bool] {
        let size = Self.imageSize
        var mask = [Bool](repeating: false, count: size * size)
        for span in shape.spans {
            for p in positions {
                let y = p.y + span.dy
                let x0 = Swift.max(p.x + span.minDX, 0), x1 = Swift.min(p.x + span.maxDX, size - 1)
                guard y >= 0 && y < size && x0 <= x1 else { continue }
                for x in x0...x1 { mask[y * size + x] = true }
            }
        }
        return mask
    }
}

// MARK: - Uniform integers

/// A uniform integer in `range`, unbiased (Lemire's multiply-and-reject), so the stream of draws depends
/// only on the generator and not on the standard library's implementation.
/// - Precondition: `range` is not empty.
@inline(__always)
func uniformInteger(in range: Range<Int>, using generator: inout some RandomNumberGenerator) -> Int {
    precondition(!range.isEmpty, "uniformInteger needs a non-empty range, got \(range)")
    let bound = UInt64(range.count)
    var product = generator.next().multipliedFullWidth(by: bound)
    if product.low < bound {
        let threshold = (0 &- bound) % bound
        while product.low < threshold { product = generator.next().multipliedFullWidth(by: bound) }
    }
    return range.lowerBound + Int(product.high)
}
