// Foresight — ImageIO
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - SVG line and scatter charts

/// A small SVG chart: line series and scatter series on linear axes, with a title, axis labels
/// and a legend. Text output, no dependencies; open the file in any browser.
public struct SVGChart: Sendable {
    /// One named series of points, drawn as a polyline (`isScatter == false`) or as dots.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var isScatter: Bool
        public init(name: String, points: [(x: Double, y: Double)], color: String, isScatter: Bool = false) {
            self.name = name; self.points = points; self.color = color; self.isScatter = isScatter
        }
    }

    public var title: String, xLabel: String, yLabel: String
    public var series: [Series] = []
    public var width = 720, height = 420

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    }

    /// A qualitative palette (10 colours), indexed modulo its size.
    public static func color(_ index: Int) -> String {
        let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        return palette[((index % palette.count) + palette.count) % palette.count]
    }

    /// The SVG document.
    public func render() -> String {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        var (x0, x1) = (finite.map(\.x).min() ?? 0, finite.map(\.x).max() ?? 1)
        var (y0, y1) = (finite.map(\.y).min() ?? 0, finite.map(\.y).max() ?? 1)
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        let (left, right, top, bottom) = (70.0, Double(width) - 160, 40.0, Double(height) - 50)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - y0) / (y1 - y0) * (bottom - top) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func label(_ v: Double) -> String { Swift.abs(v) >= 1e4 || (Swift.abs(v) < 1e-2 && v != 0) ? String(format: "%.2g", v) : String(format: "%.3g", v) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(Double(width) / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(Self.escape(title))</text>\n"
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"#333\"/>\n"
        for i in 0...4 {
            let fx = x0 + (x1 - x0) * Double(i) / 4, fy = y0 + (y1 - y0) * Double(i) / 4
            svg += "<text x=\"\(f(px(fx)))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(label(fx))</text>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(fy) + 4))\" text-anchor=\"end\">\(label(fy))</text>\n"
            svg += "<line x1=\"\(f(left))\" x2=\"\(f(right))\" y1=\"\(f(py(fy)))\" y2=\"\(f(py(fy)))\" stroke=\"#ddd\"/>\n"
        }
        svg += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(Double(height) - 12))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg += "<text x=\"16\" y=\"\(f((top + bottom) / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f((top + bottom) / 2)))\">\(Self.escape(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            if s.isScatter {
                for p in pts { svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(s.color)\" fill-opacity=\"0.7\"/>\n" }
            } else if !pts.isEmpty {
                svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\" points=\"" + pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ") + "\"/>\n"
            }
            let ly = top + 10 + Double(i) * 18
            svg += "<rect x=\"\(f(right + 12))\" y=\"\(f(ly - 8))\" width=\"12\" height=\"10\" fill=\"\(s.color)\"/>"
            svg += "<text x=\"\(f(right + 30))\" y=\"\(f(ly + 1))\">\(Self.escape(s.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Writes the SVG atomically.
    public func write(to url: URL) throws { try Data(render().utf8).write(to: url, options: .atomic) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
