// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import Foundation
import ImageIO
import RLCore
import TensorCore

/// Writes image observations as PNG files (`foresight rollout --save-frames DIR`): `frame-0000.png` for the reset,
/// `frame-0001.png` after the first step, and so on, then `grid.png` with every frame in reading order.
///
/// Observations must be channels-first images, `[3, H, W]` (RGB) or `[1, H, W]` (grayscale), with values in
/// `0...255` (the counting environment's scaling); values are rounded and clamped to bytes.
struct FrameWriter {
    /// The output directory (created if missing).
    let directory: URL
    /// Integer upscaling factor for viewing small frames (nearest neighbour).
    let scale: Int
    /// Frames kept for the grid.
    private(set) var frames: [PNGImage] = []

    /// Prepares `path` for frames of observations from `observationSpace`.
    /// - Throws: `ValidationError` when the observations are not images, the scale is not positive, or the
    ///   directory cannot be created.
    /// The largest side of a saved frame, in pixels: a 64x64 frame enlarges at most 32 times.
    static let maxScaledSide = 2048
    /// The most pixels of `grid.png`.
    static let maxGridPixels = 1 << 26

    init(path: String, scale: Int, observationSpace: any Space<Tensor>, environmentID: String) throws {
        guard scale >= 1 else { throw ValidationError("--frame-scale must be >= 1, got \(scale)") }
        guard let shape = (observationSpace as? Box)?.shape, shape.count == 3, shape[0] == 1 || shape[0] == 3 else {
            throw ValidationError("--save-frames needs image observations [3, H, W] or [1, H, W]; \(environmentID) observes \(observationSpace)")
        }
        let side = Swift.max(shape[1], shape[2])
        guard scale <= Self.maxScaledSide / Swift.max(side, 1) else {
            throw ValidationError("--frame-scale \(scale) would make \(environmentID)'s \(shape[2])x\(shape[1]) frames larger than \(Self.maxScaledSide) pixels a side; use at most \(Swift.max(Self.maxScaledSide / Swift.max(side, 1), 1))")
        }
        let url = URL(fileURLWithPath: path, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--save-frames: cannot create directory '\(path)': \(error.localizedDescription)")
        }
        self.directory = url
        self.scale = scale
    }

    /// The file name of frame `t`: `frame-0007.png` (more digits past 9999).
    static func fileName(t: Int) -> String {
        let digits = String(t)
        return "frame-" + String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits + ".png"
    }

    /// Writes `observation` (`[C, H, W]`, `0...255`) as frame `t`.
    mutating func write(_ observation: Tensor, t: Int) throws {
        let shape = observation.shape
        guard shape.count == 3 else { throw ValidationError("--save-frames: observation \(t) has shape \(shape), expected [C, H, W]") }
        let image = try PNGImage(planar: observation.scalars, channels: shape[0], height: shape[1], width: shape[2]).scaled(by: scale)
        try image.writePNG(to: directory.appendingPathComponent(Self.fileName(t: t)))
        frames.append(image)
    }

    /// Writes `grid.png`: every frame, ten per row, with a 2-pixel white margin.
    func finish() throws {
        guard !frames.isEmpty else { return }
        let rows = (frames.count + 9) / 10, columns = Swift.min(frames.count, 10)
        let pixels = (columns * (frames[0].width + 2 * scale)) * (rows * (frames[0].height + 2 * scale))
        guard pixels <= Self.maxGridPixels else {
            throw ValidationError("--save-frames: the frames are written, but grid.png of \(frames.count) frames at --frame-scale \(scale) would have \(pixels) pixels (at most \(Self.maxGridPixels)); use a smaller --frame-scale or fewer --steps")
        }
        let grid = try PNGImage.grid(frames, columns: 10, margin: 2 * scale)
        try grid.writePNG(to: directory.appendingPathComponent("grid.png"))
    }
}
