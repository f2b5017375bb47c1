// Foresight — TensorCoreTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Testing
@testable import TensorCore

/// `ConvGeometry.im2col` and `col2im` (range-split loops, an 8-wide gather for stride 2) equal their
/// definitions, element by element, at edges where a kernel column lies wholly in the padding.
@Suite struct ConvGeometryTests {
    /// (channels, height, width, kernel, stride, padding)
    static let geometries: [(Int, Int, Int, Int, Int, Int)] = [
        (3, 64, 64, 7, 2, 0),   // the pixel encoder's first layer: 29 outputs per row, vector gather and tail
        (2, 13, 13, 3, 2, 0), (2, 6, 6, 3, 1, 0), (1, 9, 40, 5, 2, 2), (2, 7, 7, 3, 2, 1),
        (1, 3, 3, 7, 1, 3),     // kernel wider than the image: kernel columns wholly in the padding
        (1, 5, 37, 3, 3, 1), (1, 4, 2, 5, 2, 4), (2, 8, 33, 1, 2, 0),
        (1, 4, 31, 3, 2, 0),    // the overlapping last vector in some kernel columns, scalar tails in the others
        (3, 14, 14, 3, 1, 1), (2, 6, 6, 3, 1, 1),   // the residual blocks: stride 1 through a padded copy, rows of 14 and 6
        (1, 5, 5, 3, 1, 2), (2, 3, 3, 3, 1, 1), (1, 9, 29, 5, 1, 0),   // rows of 7 (4 + overlapping 4), 3 (scalar), 25 (8-wide)
        (2, 29, 29, 3, 2, 0), (1, 14, 14, 3, 2, 0),   // stride 2 column gradients through phase planes, odd and even sides
    ]

    static func geometry(_ g: (Int, Int, Int, Int, Int, Int)) -> ConvGeometry {
        let (c, h, w, k, s, p) = g
        return ConvGeometry(c: c, h: h, w: w, kh: k, kw: k, stride: s, padding: p,
                            ho: (h + 2 * p - k) / s + 1, wo: (w + 2 * p - k) / s + 1)
    }

    /// The definition: `col[(ch, ki, kj), (oy, ox)] = x[ch, oy s - p + ki, ox s - p + kj]`, zero outside.
    static func patch(_ g: ConvGeometry, _ x: [Float], _ ch: Int, _ ki: Int, _ kj: Int, _ oy: Int, _ ox: Int) -> (Int, Float)? {
        let iy = oy * g.stride - g.padding + ki, ix = ox * g.stride - g.padding + kj
        guard iy >= 0, iy < g.h, ix >= 0, ix < g.w else { return nil }
        let index = (ch * g.h + iy) * g.w + ix
        return (index, x[index])
    }

    @Test(arguments: 0..<geometries.count)
    func im2colAndCol2imEqualTheDefinitions(_ which: Int) {
        let g = Self.geometry(Self.geometries[which])
        var generator = SeededGenerator(seed: UInt64(100 + which))
        let x = (0..<(g.c * g.h * g.w)).map { _ in Float(generator.nextUniform()) - 0.5 }
        let rows = g.c * g.kh * g.kw, hw = g.ho * g.wo
        var col = [Float](repeating: .nan, count: rows * hw + g.phaseCount)   // im2col's scratch after the patches
        x.withUnsafeBufferPointer { xp in col.withUnsafeMutableBufferPointer { g.im2col(xp.baseAddress!, $0.baseAddress!) } }
        let grad = (0..<(rows * hw)).map { _ in Float(generator.nextUniform()) - 0.5 }
        var dx = [Float](repeating: 0, count: x.count)
        var scratch = [Float](repeating: .nan, count: g.phaseCount)   // col2im must not read it before writing it
        grad.withUnsafeBufferPointer { gp in dx.withUnsafeMutableBufferPointer { d in scratch.withUnsafeMutableBufferPointer { s in
            g.col2im(gp.baseAddress!, d.baseAddress!, scratch: s.baseAddress ?? d.baseAddress!)
        } } }
        var expectedDX = [Float](repeating: 0, count: x.count)
        var mismatches = 0
        for ch in 0..<g.c { for ki in 0..<g.kh { for kj in 0..<g.kw { for oy in 0..<g.ho { for ox in 0..<g.wo {
            let at = ((ch * g.kh + ki) * g.kw + kj) * hw + oy * g.wo + ox
            let value = Self.patch(g, x, ch, ki, kj, oy, ox)
            if col[at] != (value?.1 ?? 0) { mismatches += 1 }
            if let (index, _) = value { expectedDX[index] += grad[at] }   // the same order of sums as col2im
        } } } } }
        #expect(mismatches == 0, "im2col: \(mismatches) wrong elements for geometry \(Self.geometries[which])")
        #expect(dx == expectedDX, "col2im differs for geometry \(Self.geometries[which])")
    }
}
