// Foresight — ImageIO
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - SVG line and scatter charts

/// A small SVG chart: line series and scatter series on linear axes, with a title, axis labels
/// and a legend, drawn with ``SVGDocument``. Open the file in any browser.
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

    /// The SVG document, drawn with ``SVGDocument``: the series in a frame with ticks, the legend on the right.
    public func render() -> String {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let (w, h) = (Double(width), Double(height))
        let ax = SVGAxis(values: finite.map(\.x), pixelLow: 70, pixelHigh: w - 160)
        let ay = SVGAxis(values: finite.map(\.y), pixelLow: h - 50, pixelHigh: 40)
        var svg = SVGDocument(width: w, height: h)
        svg.axes(ax, ay, title: title, xLabel: xLabel, yLabel: yLabel)
        for (i, s) in series.enumerated() {
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            if s.isScatter {
                for p in points { svg.circle(x: ax.map(p.x), y: ay.map(p.y), radius: 2.5, fill: s.color, opacity: 0.7) }
            } else if !points.isEmpty {
                svg.polyline(points.map { (ax.map($0.x), ay.map($0.y)) }, stroke: s.color, width: 1.8)
            }
            let y = 50 + Double(i) * 18
            svg.rect(x: w - 148, y: y - 8, width: 12, height: 10, fill: s.color)
            svg.text(s.name, x: w - 130, y: y + 1)
        }
        return svg.text
    }

    /// Writes the SVG atomically.
    public func write(to url: URL) throws { try Data(render().utf8).write(to: url, options: .atomic) }
}
