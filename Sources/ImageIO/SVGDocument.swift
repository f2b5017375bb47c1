// Foresight — ImageIO
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - SVG document

/// Foresight's SVG writer: elements in pixel coordinates (y down), text output, no dependencies. ``SVGChart`` and the
/// study's figures are drawn with it.
public struct SVGDocument: Sendable {
    public let width: Double, height: Double
    private var elements: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate as text (two decimals; 0 for a value that is not finite).
    public static func f(_ v: Double) -> String { v.isFinite ? String(format: "%.2f", v) : "0" }
    /// `s` with `&`, `<` and `>` escaped.
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil) {
        elements.append("<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" fill=\"\(fill)\"\(stroke.map { " stroke=\"\($0)\"" } ?? "")/>")
    }

    public mutating func circle(x: Double, y: Double, radius: Double, fill: String, opacity: Double = 1) {
        elements.append("<circle cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"\(Self.f(radius))\" fill=\"\(fill)\" fill-opacity=\"\(Self.f(opacity))\"/>")
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) {
        elements.append("<line x1=\"\(Self.f(x1))\" y1=\"\(Self.f(y1))\" x2=\"\(Self.f(x2))\" y2=\"\(Self.f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.f(width))\"\(dashed ? " stroke-dasharray=\"4 3\"" : "")/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5) {
        let p = points.filter { $0.0.isFinite && $0.1.isFinite }.map { "\(Self.f($0.0)),\(Self.f($0.1))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.f(width))\"/>")
    }

    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 11, anchor: String = "start", fill: String = "#222",
                              rotate: Double? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(Self.f($0)) \(Self.f(x)) \(Self.f(y)))\"" } ?? ""
        elements.append("<text x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" font-family=\"sans-serif\" font-size=\"\(Self.f(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(transform)>\(Self.escape(s))</text>")
    }

    /// Embeds PNG bytes as an image (a data URI), scaled to the given box without smoothing.
    public mutating func image(png: Data, x: Double, y: Double, width: Double, height: Double) {
        elements.append("<image x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(png.base64EncodedString())\"/>")
    }

    /// A frame with ticks and tick labels around the box of `ax` × `ay`, a title above it and axis labels (`yLabel` may be empty).
    public mutating func axes(_ ax: SVGAxis, _ ay: SVGAxis, title: String, xLabel: String, yLabel: String) {
        let (x0, x1, y0, y1) = (ax.pixelLow, ax.pixelHigh, ay.pixelLow, ay.pixelHigh)
        rect(x: x0, y: y1, width: x1 - x0, height: y0 - y1, fill: "none", stroke: "#999")
        for t in ax.ticks {
            let x = ax.map(t)
            line(x1: x, y1: y0, x2: x, y2: y0 + 4, stroke: "#999")
            text(SVGAxis.label(t), x: x, y: y0 + 15, size: 9, anchor: "middle")
        }
        for t in ay.ticks {
            let y = ay.map(t)
            line(x1: x0 - 4, y1: y, x2: x0, y2: y, stroke: "#999")
            text(SVGAxis.label(t), x: x0 - 6, y: y + 3, size: 9, anchor: "end")
        }
        text(title, x: (x0 + x1) / 2, y: y1 - 8, size: 12, anchor: "middle")
        text(xLabel, x: (x0 + x1) / 2, y: y0 + 30, size: 10, anchor: "middle")
        if !yLabel.isEmpty { text(yLabel, x: x0 - 40, y: (y0 + y1) / 2, size: 10, anchor: "middle", rotate: -90) }
    }

    /// The document text.
    public var text: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" viewBox=\"0 0 \(Self.f(width)) \(Self.f(height))\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + elements.joined(separator: "\n") + "\n</svg>\n"
    }
}

// MARK: - Palettes and axes

public enum SVGPalette {
    /// Nine distinguishable colours for counts 0...8 (a qualitative palette).
    public static let counts = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
    /// Colours for the study's arms.
    public static let arms = ["#d62728", "#1f77b4", "#ff7f0e", "#7f7f7f", "#2ca02c", "#9467bd", "#8c564b", "#17becf"]

    /// Viridis-like colour map, `t` in `[0, 1]`, as RGB bytes.
    public static func viridis(_ t: Double) -> (UInt8, UInt8, UInt8) {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = Swift.min(Swift.max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
        let i = Swift.min(Int(x), stops.count - 2), u = x - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        return (UInt8((a.0 + (b.0 - a.0) * u).rounded()), UInt8((a.1 + (b.1 - a.1) * u).rounded()), UInt8((a.2 + (b.2 - a.2) * u).rounded()))
    }
}

/// A linear (or log10) map from data values to a pixel interval, with "nice" tick values.
public struct SVGAxis: Sendable {
    public var low: Double, high: Double
    public var pixelLow: Double, pixelHigh: Double
    public var isLog = false

    /// Covers the finite `values` (positive ones on a log axis) with 5 % of margin on each side.
    public init(values: [Double], pixelLow: Double, pixelHigh: Double, isLog: Bool = false, includeZero: Bool = false) {
        let finite = values.filter { $0.isFinite && (!isLog || $0 > 0) }.map { isLog ? Foundation.log10($0) : $0 }
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if includeZero && !isLog { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
        if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
        let pad = (hi - lo) * 0.05
        low = lo - pad; high = hi + pad
        self.pixelLow = pixelLow; self.pixelHigh = pixelHigh; self.isLog = isLog
    }

    /// The pixel coordinate of `v`.
    public func map(_ v: Double) -> Double {
        let x = isLog ? Foundation.log10(Swift.max(v, 1e-300)) : v
        return pixelLow + (x - low) / (high - low) * (pixelHigh - pixelLow)
    }

    /// About five round tick values (data units).
    public var ticks: [Double] {
        if isLog { return (Int(Foundation.floor(low))...Int(Foundation.ceil(high))).map { Foundation.pow(10, Double($0)) }.filter { map($0) >= Swift.min(pixelLow, pixelHigh) - 0.5 && map($0) <= Swift.max(pixelLow, pixelHigh) + 0.5 } }
        let raw = (high - low) / 5
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = Foundation.ceil(low / step) * step, out: [Double] = []
        while t <= high + 1e-12 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    /// A short tick label.
    public static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e4 || a < 1e-3 { return String(format: "%.0e", v) }
        if a >= 100 { return String(format: "%.0f", v) }
        if a >= 1 { return String(format: "%.3g", v) }
        return String(format: "%.3g", v)
    }
}
