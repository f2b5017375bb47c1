// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - CountingShape

/// The four object shapes of the counting environment. One shape is drawn per episode.
///
/// Each shape is the set of pixels PIL's `ImageDraw` fills for the authors' drawing call
/// (`tdmpc2/envs/counting.py` of the P-JEPA code) around an integer centre `(cx, cy)` with `r = 3`. With
/// offsets `dx = x - cx`, `dy = y - cy`, a pixel is lit when:
///
/// | shape | authors' call | rule | pixels |
/// |---|---|---|---|
/// | circle | `ellipse((cx-r, cy-r, cx+r, cy+r))` | `dx² + dy² <= r² + r` (centre inside radius `r + ½`) | 37 |
/// | square | `rectangle((cx-r, cy-r, cx+r, cy+r))` | `|dx| <= r` and `|dy| <= r` | 49 |
/// | triangle | `polygon([(cx, cy-r), (cx-r, cy+r), (cx+r, cy+r)])` | `|dy| <= r` and `|dx| <= floor((dy + r) / 2)` | 25 |
/// | line | `line((cx-r, cy-r, cx+r, cy+r), width=2)` | `|dx - dy| <= 1` and `-2r+1 <= dx + dy <= 2r+1` | 20 |
///
/// The line is PIL's width-2 line: a diagonal band three pixels wide in each row, reaching one pixel past the
/// end point `(cx+r, cy+r)` (to `cx+4` and `cy+4`), so at the right and bottom borders it can be clipped.
/// The rules were checked pixel for pixel against Pillow 13.0 at every centre in `[3, 61)²` (the committed
/// fixture `Tests/CountingTests/Fixtures/counting_shapes.json` holds full scenes; see
/// `scripts/fixtures/counting_shapes.py`). They hold for `r = 3`, the only size the environment uses.
public enum CountingShape: Int, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case circle = 0
    case square = 1
    case triangle = 2
    case line = 3

    /// The lowercase name, as in the authors' code: `"circle"`, `"square"`, `"triangle"` or `"line"`.
    public var description: String {
        switch self {
        case .circle: "circle"
        case .square: "square"
        case .triangle: "triangle"
        case .line: "line"
        }
    }

    /// Whether the pixel at offset `(dx, dy)` from the centre is lit (see the table in the type's documentation).
    public func covers(dx: Int, dy: Int, radius r: Int = CountingScene.objectRadius) -> Bool {
        switch self {
        case .circle:
            return dx * dx + dy * dy <= r * r + r
        case .square:
            return abs(dx) <= r && abs(dy) <= r
        case .triangle:
            guard abs(dy) <= r else { return false }
            return abs(dx) <= (dy + r) / 2   // dy + r >= 0, so integer division is the floor
        case .line:
            return abs(dx - dy) <= 1 && dx + dy >= -2 * r + 1 && dx + dy <= 2 * r + 1
        }
    }

    /// The number of pixels of one unclipped object: 37, 49, 25 and 20.
    public var pixelCount: Int { spans.reduce(0) { $0 + $1.maxDX - $1.minDX + 1 } }

    /// The lit pixels as horizontal runs: for each row offset `dy`, the offsets `minDX...maxDX`.
    var spans: [Span] { Self.spanTable[rawValue] }

    struct Span: Sendable, Equatable {
        var dy: Int
        var minDX: Int
        var maxDX: Int
    }

    /// Runs per shape, derived once from ``covers(dx:dy:radius:)``. Every row of every shape is one run.
    static let spanTable: [[Span]] = allCases.map { shape in
        let r = CountingScene.objectRadius, reach = r + 2
        var spans: [Span] = []
        for dy in -reach...reach {
            let lit = (-reach...reach).filter { shape.covers(dx: $0, dy: dy, radius: r) }
            guard let first = lit.first, let last = lit.last else { continue }
            precondition(lit.count == last - first + 1, "shape \(shape) row \(dy) is not one run")
            spans.append(Span(dy: dy, minDX: first, maxDX: last))
        }
        return spans
    }
}
