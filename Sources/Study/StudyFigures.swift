// Foresight — Study
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import ImageIO
import TensorCore

// MARK: - Figures

/// The study's figures: PCA scatter, label-sorted distance heatmap, learning curves (SVG) and the
/// reconstruction grid (PNG). Each returns a value; the caller writes it.
public enum StudyFigures {
    /// 2-D PCA of latents `[N, L]`, one dot per observation coloured by its count.
    public static func pcaScatter(_ latents: FeatureMatrix, counts: [Int], title: String) -> SVGDocument {
        let (coordinates, explained) = RepresentationMetrics.principalComponents(latents, components: 2)
        var svg = SVGDocument(width: 460, height: 420)
        let xs = (0..<coordinates.rowCount).map { coordinates[$0, 0] }
        let ys = (0..<coordinates.rowCount).map { coordinates.columnCount > 1 ? coordinates[$0, 1] : 0 }
        let ax = SVGAxis(values: xs, pixelLow: 60, pixelHigh: 360), ay = SVGAxis(values: ys, pixelLow: 370, pixelHigh: 40)
        svg.axes(ax, ay, title: title, xLabel: String(format: "PC1 (%.0f%% of variance)", 100 * (explained.first ?? 0)),
              yLabel: String(format: "PC2 (%.0f%%)", 100 * (explained.count > 1 ? explained[1] : 0)))
        for i in 0..<coordinates.rowCount {
            svg.circle(x: ax.map(xs[i]), y: ay.map(ys[i]), radius: 2.4, fill: SVGPalette.counts[counts[i] % 9], opacity: 0.7)
        }
        for c in 0..<9 {
            svg.circle(x: 385, y: 50 + Double(c) * 18, radius: 5, fill: SVGPalette.counts[c])
            svg.text("count \(c)", x: 395, y: 54 + Double(c) * 18)
        }
        return svg
    }

    /// The pairwise-distance matrix with rows and columns sorted by count (at most `perCount` points per
    /// count, the first ones), as an embedded image with red lines at the count boundaries.
    public static func distanceHeatmap(_ latents: FeatureMatrix, counts: [Int], title: String, perCount: Int = 40) throws -> SVGDocument {
        var order: [Int] = []
        for c in 0...8 { order += counts.indices.filter { counts[$0] == c }.prefix(perCount) }
        let points = latents.rows(order), labels = order.map { counts[$0] }
        let distances = PairwiseDistances(points)
        let n = distances.count
        let maximum = distances.values.max() ?? 0
        var image = try PNGImage(width: Swift.max(n, 1), height: Swift.max(n, 1), colorType: .rgb)
        for i in 0..<n {
            for j in 0..<n {
                let (r, g, b) = SVGPalette.viridis(maximum > 0 ? distances[i, j] / maximum : 0)
                image.setPixel(x: j, y: i, to: [r, g, b])
            }
        }
        var svg = SVGDocument(width: 500, height: 470)
        let (x0, y0, side) = (60.0, 40.0, 380.0)
        svg.text(title, x: 250, y: 22, size: 13, anchor: "middle")
        svg.image(png: try image.pngData(), x: x0, y: y0, width: side, height: side)
        let scale = side / Double(Swift.max(n, 1))
        var start = 0
        for c in 0...8 {
            let size = labels.filter { $0 == c }.count
            guard size > 0 else { continue }
            let mid = (Double(start) + Double(size) / 2) * scale
            svg.text("\(c)", x: x0 - 8, y: y0 + mid + 4, anchor: "end")
            svg.text("\(c)", x: x0 + mid, y: y0 + side + 14, anchor: "middle")
            if start > 0 {
                svg.line(x1: x0, y1: y0 + Double(start) * scale, x2: x0 + side, y2: y0 + Double(start) * scale, stroke: "red", width: 0.8)
                svg.line(x1: x0 + Double(start) * scale, y1: y0, x2: x0 + Double(start) * scale, y2: y0 + side, stroke: "red", width: 0.8)
            }
            start += size
        }
        svg.text("count", x: x0 + side / 2, y: y0 + side + 30, anchor: "middle")
        // Colour bar.
        for k in 0..<50 {
            let (r, g, b) = SVGPalette.viridis(Double(k) / 49)
            svg.rect(x: x0 + side + 16, y: y0 + side - Double(k + 1) * side / 50, width: 12, height: side / 50 + 0.5,
                     fill: String(format: "#%02x%02x%02x", r, g, b))
        }
        svg.text("0", x: x0 + side + 32, y: y0 + side, size: 10)
        svg.text(SVGAxis.label(maximum), x: x0 + side + 32, y: y0 + 8, size: 10)
        return svg
    }

    /// One panel per quantity (count accuracy, mean pairwise distance, consistency loss, auxiliary loss) with a
    /// line per series (an arm, averaged over seeds by the caller or one seed).
    public static func learningCurves(_ series: [(name: String, points: [LearningCurvePoint])]) -> SVGDocument {
        let panels: [(String, Bool, (LearningCurvePoint) -> Double)] = [
            ("nearest-centroid count accuracy", false, { $0.countAccuracy }),
            ("mean pairwise distance (log)", true, { $0.meanPairwiseDistance }),
            ("consistency loss (log)", true, { $0.consistencyLoss }),
            ("auxiliary loss (log)", true, { $0.auxiliaryLoss }),
        ]
        let (panelWidth, panelHeight) = (330.0, 230.0)
        var svg = SVGDocument(width: 2 * panelWidth + 170, height: 2 * panelHeight + 20)
        for (k, panel) in panels.enumerated() {
            let ox = Double(k % 2) * panelWidth, oy = Double(k / 2) * panelHeight + 10
            let all = series.flatMap { s in s.points.filter { $0.update > 0 || !panel.1 }.map(panel.2) }
            let updates = series.flatMap { $0.points.map { Double($0.update) } }
            let ax = SVGAxis(values: updates, pixelLow: ox + 55, pixelHigh: ox + panelWidth - 15)
            let ay = SVGAxis(values: all, pixelLow: oy + panelHeight - 45, pixelHigh: oy + 25, isLog: panel.1)
            svg.axes(ax, ay, title: panel.0, xLabel: "updates", yLabel: "")
            for (i, s) in series.enumerated() {
                let pts = s.points.filter { !panel.1 || panel.2($0) > 0 }.map { (ax.map(Double($0.update)), ay.map(panel.2($0))) }
                svg.polyline(pts, stroke: SVGPalette.arms[i % SVGPalette.arms.count])
            }
        }
        for (i, s) in series.enumerated() {
            let y = 40 + Double(i) * 18
            svg.line(x1: 2 * panelWidth + 10, y1: y - 4, x2: 2 * panelWidth + 30, y2: y - 4, stroke: SVGPalette.arms[i % SVGPalette.arms.count], width: 2.5)
            svg.text(s.name, x: 2 * panelWidth + 36, y: y)
        }
        return svg
    }

    /// Originals in the first row, then one row of reconstructions per named set; images `[K, 3, 64, 64]` in `0...255`.
    ///
    /// The reconstructions are brightened by one gain, `min(255 / p, 8)` with `p` the 99.5th-percentile pixel value
    /// of all reconstruction rows (at least 1): a decoder's best guess for objects it cannot place is a faint haze,
    /// which this makes visible while keeping brightness comparable between images and between rows.
    public static func reconstructionGrid(originals: Tensor, rows: [(name: String, images: Tensor)]) throws -> PNGImage {
        func tiles(_ t: Tensor, gain: Float = 1) throws -> [PNGImage] {
            try (0..<t.shape[0]).map { i in
                try PNGImage(planar: t[row: i].scalars.map { Swift.min($0 * gain, 255) }, channels: 3, height: 64, width: 64)
            }
        }
        var images = try tiles(originals)
        let gain = rows.isEmpty ? 1 : displayGain(Tensor.concatenate(rows.map(\.images), along: 0))
        for row in rows { images += try tiles(row.images, gain: gain) }
        return try PNGImage.grid(images, columns: originals.shape[0], margin: 2, background: 255)
    }

    /// The brightening of reconstructions (see ``reconstructionGrid(originals:rows:)``).
    static func displayGain(_ images: Tensor) -> Float {
        let sorted = images.scalars.sorted()
        guard !sorted.isEmpty else { return 1 }
        let p = sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count) * 0.995))]
        return Swift.min(Swift.max(255 / Swift.max(p, 1), 1), 8)
    }
}
