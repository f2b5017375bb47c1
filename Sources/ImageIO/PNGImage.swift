// Foresight — ImageIO
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - Errors

/// Errors thrown while building, encoding or writing images. Each case names the bad value and what was expected.
public enum ImageIOError: Error, Equatable, CustomStringConvertible {
    /// Width and height must both be in `1...2_147_483_647` (the PNG limit).
    case invalidDimensions(width: Int, height: Int)
    /// The pixel buffer does not hold `width * height * channels` bytes (or values).
    case pixelCountMismatch(expected: Int, actual: Int)
    /// Only 1 (grayscale) and 3 (RGB) channels are supported.
    case unsupportedChannelCount(Int)
    /// The value range used to quantize floats to bytes is empty or not finite.
    case invalidValueRange(lower: Float, upper: Float)
    /// zlib compression levels are `0...9`.
    case invalidCompressionLevel(Int)
    /// zlib returned a status other than `Z_OK`.
    case compressionFailed(status: Int32)
    /// A grid needs at least one image, at least one column and a non-negative margin.
    case invalidGrid(imageCount: Int, columns: Int, margin: Int)
    /// The scale factor of an upscale must be at least 1.
    case invalidScale(Int)
    /// Writing the file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidDimensions(width, height):
            return "image size \(width)x\(height) is invalid: width and height must be in 1...2147483647"
        case let .pixelCountMismatch(expected, actual):
            return "pixel buffer holds \(actual) values, expected \(expected) (width * height * channels)"
        case let .unsupportedChannelCount(channels):
            return "\(channels) channels are not supported: expected 1 (grayscale) or 3 (RGB)"
        case let .invalidValueRange(lower, upper):
            return "value range \(lower)...\(upper) is invalid: expected finite bounds with lower < upper"
        case let .invalidCompressionLevel(level):
            return "compression level \(level) is invalid: expected 0...9"
        case let .compressionFailed(status):
            return "zlib compression failed with status \(status)"
        case let .invalidGrid(imageCount, columns, margin):
            return "cannot tile \(imageCount) images in \(columns) columns with margin \(margin): expected at least one image, columns >= 1, margin >= 0"
        case let .invalidScale(factor):
            return "scale factor \(factor) is invalid: expected >= 1"
        case let .writeFailed(path, reason):
            return "could not write \(path): \(reason)"
        }
    }
}

// MARK: - PNGImage

/// An 8-bit grayscale or RGB raster that can be encoded as PNG.
///
/// Pixels are stored row-major, top row first, with the channels of a pixel interleaved:
/// `pixels[(y * width + x) * channelCount + c]`, shape `[height, width, channelCount]`.
public struct PNGImage: Sendable, Equatable {
    /// The pixel layout of an image.
    public enum ColorType: Sendable, Equatable, CaseIterable {
        /// One byte per pixel (PNG colour type 0).
        case grayscale
        /// Three bytes per pixel, red, green, blue (PNG colour type 2).
        case rgb

        /// Bytes per pixel: 1 or 3.
        public var channelCount: Int { self == .grayscale ? 1 : 3 }

        /// The PNG `IHDR` colour-type code: 0 or 2.
        public var pngCode: UInt8 { self == .grayscale ? 0 : 2 }

        /// The colour type with `channels` channels.
        /// - Throws: ``ImageIOError/unsupportedChannelCount(_:)`` unless `channels` is 1 or 3.
        public init(channels: Int) throws {
            switch channels {
            case 1: self = .grayscale
            case 3: self = .rgb
            default: throw ImageIOError.unsupportedChannelCount(channels)
            }
        }
    }

    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Grayscale or RGB.
    public let colorType: ColorType
    /// Interleaved bytes, shape `[height, width, colorType.channelCount]`.
    public private(set) var pixels: [UInt8]

    /// Creates an image from interleaved bytes, shape `[height, width, channels]`.
    /// - Throws: ``ImageIOError/invalidDimensions(width:height:)`` or ``ImageIOError/pixelCountMismatch(expected:actual:)``.
    public init(width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) throws {
        let expected = try Self.byteCount(width: width, height: height, colorType: colorType)
        guard pixels.count == expected else { throw ImageIOError.pixelCountMismatch(expected: expected, actual: pixels.count) }
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = pixels
    }

    /// Creates an image with every byte equal to `fill` (0 is black).
    /// - Throws: ``ImageIOError/invalidDimensions(width:height:)``.
    public init(width: Int, height: Int, colorType: ColorType, fill: UInt8 = 0) throws {
        let n = try Self.byteCount(width: width, height: height, colorType: colorType)
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = [UInt8](repeating: fill, count: n)
    }

    /// Quantizes a channels-first float image, shape `[channels, height, width]`, to bytes.
    ///
    /// Each value is mapped linearly from `valueRange` to `0...255`, clamped and rounded to nearest:
    /// ```
    /// byte = round(255 * clamp((v - lower) / (upper - lower), 0, 1))
    /// ```
    /// The default range `0...255` stores floats that already hold byte values (the counting observations).
    /// Non-finite values become 0.
    /// - Parameters:
    ///   - planar: `channels * height * width` values, channel-major (as an observation tensor's scalars).
    ///   - channels: 1 or 3.
    ///   - valueRange: the float range that maps to black...white.
    /// - Throws: ``ImageIOError`` for a bad channel count, size, value count or range.
    public init<C: Collection>(planar: C, channels: Int, height: Int, width: Int,
                               valueRange: ClosedRange<Float> = 0...255) throws where C.Element == Float {
        let colorType = try ColorType(channels: channels)
        let n = try Self.byteCount(width: width, height: height, colorType: colorType)
        guard planar.count == n else { throw ImageIOError.pixelCountMismatch(expected: n, actual: planar.count) }
        let lower = valueRange.lowerBound, upper = valueRange.upperBound
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw ImageIOError.invalidValueRange(lower: lower, upper: upper)
        }
        let scale = 255 / (upper - lower)
        let plane = width * height
        var bytes = [UInt8](repeating: 0, count: n)
        for (i, value) in planar.enumerated() {
            let c = i / plane, p = i - c * plane
            let v = (value - lower) * scale
            let q: UInt8 = v.isNaN ? 0 : UInt8(Swift.min(Swift.max(v, 0), 255).rounded())
            bytes[p * channels + c] = q
        }
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = bytes
    }

    static func byteCount(width: Int, height: Int, colorType: ColorType) throws -> Int {
        let limit = Int(Int32.max)
        guard (1...limit).contains(width), (1...limit).contains(height) else {
            throw ImageIOError.invalidDimensions(width: width, height: height)
        }
        let (wc, o1) = width.multipliedReportingOverflow(by: colorType.channelCount)
        let (n, o2) = wc.multipliedReportingOverflow(by: height)
        guard !o1, !o2 else { throw ImageIOError.invalidDimensions(width: width, height: height) }
        return n
    }

    // MARK: Pixel access

    /// The channel values of pixel `(x, y)`: one value for grayscale, three for RGB.
    /// - Precondition: `0 <= x < width`, `0 <= y < height`.
    public func pixel(x: Int, y: Int) -> [UInt8] {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside \(width)x\(height)")
        let k = colorType.channelCount, start = (y * width + x) * k
        return Array(pixels[start..<(start + k)])
    }

    /// Sets pixel `(x, y)` to `value` (one or three channel values).
    /// - Precondition: the position is inside the image and `value.count == colorType.channelCount`.
    public mutating func setPixel(x: Int, y: Int, to value: [UInt8]) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside \(width)x\(height)")
        precondition(value.count == colorType.channelCount, "pixel value has \(value.count) channels, expected \(colorType.channelCount)")
        let k = colorType.channelCount, start = (y * width + x) * k
        for c in 0..<k { pixels[start + c] = value[c] }
    }

    // MARK: Conversions

    /// The same image in another colour type. Grayscale to RGB copies the value into all three channels;
    /// RGB to grayscale uses the ITU-R 601-2 luma `(299 R + 587 G + 114 B) / 1000`, rounded (as PIL's `convert("L")`).
    public func converted(to target: ColorType) -> PNGImage {
        guard target != colorType else { return self }
        let n = width * height
        var out = [UInt8](repeating: 0, count: n * target.channelCount)
        if target == .rgb {
            for p in 0..<n { let v = pixels[p]; out[3 * p] = v; out[3 * p + 1] = v; out[3 * p + 2] = v }
        } else {
            for p in 0..<n {
                let r = Int(pixels[3 * p]), g = Int(pixels[3 * p + 1]), b = Int(pixels[3 * p + 2])
                out[p] = UInt8((r * 299 + g * 587 + b * 114 + 500) / 1000)
            }
        }
        // Dimensions are unchanged and already valid.
        return PNGImage(uncheckedWidth: width, height: height, colorType: target, pixels: out)
    }

    /// The image enlarged by an integer factor with nearest-neighbour sampling (each pixel becomes a
    /// `factor x factor` block), for viewing small frames.
    /// - Throws: ``ImageIOError/invalidScale(_:)`` if `factor < 1`, ``ImageIOError/invalidDimensions(width:height:)`` on overflow.
    public func scaled(by factor: Int) throws -> PNGImage {
        guard factor >= 1 else { throw ImageIOError.invalidScale(factor) }
        if factor == 1 { return self }
        let (w, o1) = width.multipliedReportingOverflow(by: factor)
        let (h, o2) = height.multipliedReportingOverflow(by: factor)
        guard !o1, !o2 else { throw ImageIOError.invalidDimensions(width: Int.max, height: Int.max) }
        var result = try PNGImage(width: w, height: h, colorType: colorType)
        let k = colorType.channelCount
        for y in 0..<h {
            let sy = y / factor
            for x in 0..<w {
                let src = (sy * width + x / factor) * k, dst = (y * w + x) * k
                for c in 0..<k { result.pixels[dst + c] = pixels[src + c] }
            }
        }
        return result
    }

    init(uncheckedWidth width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = pixels
    }

    mutating func withMutablePixels<R>(_ body: (inout [UInt8]) throws -> R) rethrows -> R {
        try body(&pixels)
    }
}
