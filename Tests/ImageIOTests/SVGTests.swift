// Foresight — ImageIO tests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
@testable import ImageIO

@Suite("SVG writer")
struct SVGTests {
    @Test("A chart draws each series inside its frame, scatter as dots, and escapes its text")
    func chart() throws {
        var chart = SVGChart(title: "return <eval> & more", xLabel: "steps", yLabel: "return")
        chart.series.append(.init(name: "line", points: [(0, 1), (10, 3), (20, .nan), (30, 2)], color: SVGChart.color(0)))
        chart.series.append(.init(name: "dots", points: [(5, 2), (15, 2.5)], color: SVGChart.color(11), isScatter: true))
        let svg = chart.render()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("return &lt;eval&gt; &amp; more"))
        #expect(!svg.contains("<eval>"))
        // The line skips the NaN point: three vertices.
        let polyline = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<polyline") })
        let points = try #require(polyline.split(separator: "\"").dropFirst().first)
        #expect(points.split(separator: " ").count == 3)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2)
        #expect(SVGChart.color(11) == SVGChart.color(1))
        // Every vertex lies inside the plotting box [70, width - 160] x [40, height - 50].
        for vertex in points.split(separator: " ") {
            let xy = vertex.split(separator: ",").compactMap { Double($0) }
            #expect(xy.count == 2)
            #expect(xy[0] >= 70 && xy[0] <= Double(chart.width) - 160)
            #expect(xy[1] >= 40 && xy[1] <= Double(chart.height) - 50)
        }
    }

    @Test("An axis maps its range onto its pixels with round ticks inside it")
    func axis() {
        let axis = SVGAxis(values: [0, 10], pixelLow: 100, pixelHigh: 200)
        #expect(axis.map(axis.low) == 100)
        #expect(abs(axis.map(axis.high) - 200) < 1e-9)
        #expect(axis.map(0) > 100 && axis.map(10) < 200)
        #expect(axis.ticks == [0, 5, 10])
        let flat = SVGAxis(values: [3, 3], pixelLow: 0, pixelHigh: 1)
        #expect(flat.high > flat.low)
        #expect(SVGAxis.label(0) == "0")
        #expect(SVGAxis.label(12345) == "1e+04")
    }
}
