// Foresight — CountingTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TensorCore
@testable import Counting

/// Scenes drawn by PIL ImageDraw as in the authors' code (scripts/fixtures/counting_shapes.py).
struct GoldenScenes: Decodable {
    struct Scene: Decodable {
        var shape: String
        var color: [UInt8]
        var positions: [[Int]]
        var litPixels: Int
        var rows: [String]
    }
    var pillow: String
    var radius: Int
    var scenes: [Scene]

    static func load() throws -> GoldenScenes {
        let url = try #require(Bundle.module.url(forResource: "counting_shapes", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(GoldenScenes.self, from: Data(contentsOf: url))
    }
}

/// The lit-pixel mask `[64 * 64]` of a channels-first observation, and the set of distinct RGB colours in it.
func litPixels(of observation: Tensor) -> (mask: [Bool], colors: Set<[Float]>) {
    let plane = 64 * 64, s = observation.scalars
    var mask = [Bool](repeating: false, count: plane)
    var colors = Set<[Float]>()
    for p in 0..<plane {
        let rgb = [s[p], s[plane + p], s[2 * plane + p]]
        colors.insert(rgb)
        mask[p] = rgb != [0, 0, 0]
    }
    return (mask, colors)
}

@Suite struct RasterizerTests {
    @Test func matchesPILPixelForPixel() throws {
        let golden = try GoldenScenes.load()
        #expect(golden.radius == CountingScene.objectRadius)
        #expect(golden.scenes.count == 16)
        for g in golden.scenes {
            let shape = try #require(CountingShape.allCases.first { $0.description == g.shape })
            let scene = CountingScene(shape: shape, color: CountingColor(red: g.color[0], green: g.color[1], blue: g.color[2]),
                                      positions: g.positions.map { CountingPosition(x: $0[0], y: $0[1]) })
            var expected = [Bool](repeating: false, count: 64 * 64)
            for (y, hex) in g.rows.enumerated() {
                let bits = try #require(UInt64(hex, radix: 16))
                for x in 0..<64 { expected[y * 64 + x] = (bits >> UInt64(63 - x)) & 1 == 1 }
            }
            let (mask, colors) = litPixels(of: scene.observation())
            #expect(mask == expected, "\(g.shape) at \(g.positions) differs from Pillow \(golden.pillow)")
            #expect(mask.filter { $0 }.count == g.litPixels)
            #expect(colors == [[0, 0, 0], g.color.map(Float.init)])
            #expect(scene.litMask() == expected)
        }
    }

    @Test func stampSizesAndRules() {
        #expect(CountingShape.allCases.map(\.pixelCount) == [37, 49, 25, 20])
        #expect(CountingShape.circle.covers(dx: 1, dy: 3) && !CountingShape.circle.covers(dx: 2, dy: 3))
        #expect(CountingShape.triangle.covers(dx: 0, dy: -3) && !CountingShape.triangle.covers(dx: 1, dy: -2))
        #expect(CountingShape.line.covers(dx: 4, dy: 3) && CountingShape.line.covers(dx: 3, dy: 4))
        #expect(!CountingShape.line.covers(dx: -3, dy: -3) && !CountingShape.line.covers(dx: 4, dy: 4))
        // Every shape fits in the 9x9 box around its centre.
        for shape in CountingShape.allCases {
            for span in shape.spans { #expect(abs(span.dy) <= 4 && span.minDX >= -4 && span.maxDX <= 4) }
        }
    }

    @Test(arguments: CountingShape.allCases)
    func renderingMatchesABruteForceRasterOfTheRules(shape: CountingShape) {
        var generator = SeededGenerator(seed: 5 + UInt64(shape.rawValue))
        for count in 0...8 {
            let color = CountingColor.random(using: &generator)
            let scene = CountingScene.random(count: count, shape: shape, color: color, using: &generator)
            var expected = [Bool](repeating: false, count: 64 * 64)
            for y in 0..<64 {
                for x in 0..<64 {
                    expected[y * 64 + x] = scene.positions.contains { shape.covers(dx: x - $0.x, dy: y - $0.y) }
                }
            }
            let (mask, colors) = litPixels(of: scene.observation())
            #expect(mask == expected)
            let lit = mask.filter { $0 }.count
            // Plausible size: at most count stamps, at least one full stamp's worth per object minus overlaps/clipping.
            #expect(lit <= count * shape.pixelCount)
            if count == 0 { #expect(lit == 0 && colors == [[0, 0, 0]]) }
            else { #expect(lit >= shape.pixelCount - 4 && colors == [[0, 0, 0], color.channels.map(Float.init)]) }
        }
    }

    @Test func circlesPlacedApartNeverTouch() {
        // Centres at squared distance >= 49 keep 7x7 circles disjoint, so a scene lights exactly count * 37 pixels.
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let scene = CountingScene.random(count: 8, shape: .circle, color: CountingColor(red: 99, green: 99, blue: 99), using: &generator)
            let spaced = scene.positions.indices.allSatisfy { i in
                scene.positions.indices.allSatisfy { j in
                    let dx = scene.positions[i].x - scene.positions[j].x, dy = scene.positions[i].y - scene.positions[j].y
                    return i == j || dx * dx + dy * dy >= 49
                }
            }
            #expect(spaced)
            #expect(scene.litMask().filter { $0 }.count == 8 * 37)
        }
    }

    @Test func placementFollowsTheAuthorsRules() {
        var generator = SeededGenerator(seed: 3)
        var xs = Set<Int>(), ys = Set<Int>()
        for _ in 0..<400 {
            for p in CountingScene.samplePositions(count: 8, using: &generator) { xs.insert(p.x); ys.insert(p.y) }
        }
        #expect(xs == Set(3..<61) && ys == Set(3..<61))
        // Without overlap protection a crowded canvas still places every object.
        let crowded = CountingScene.samplePositions(count: 200, avoidsOverlap: false, using: &generator)
        #expect(crowded.count == 200)
        // With protection and too many objects the fallback allows overlap after 50 tries.
        let packed = CountingScene.samplePositions(count: 120, avoidsOverlap: true, using: &generator)
        #expect(packed.count == 120 && packed.allSatisfy { (3..<61).contains($0.x) && (3..<61).contains($0.y) })
    }

    @Test func coloursAreUniformInTheAuthorsRange() {
        var generator = SeededGenerator(seed: 9)
        var seen = Set<UInt8>()
        for _ in 0..<3000 {
            let c = CountingColor.random(using: &generator)
            seen.formUnion(c.channels)
        }
        #expect(seen == Set((30..<226).map { UInt8($0) }))
    }

    @Test func uniformIntegersAreUnbiasedAndInRange() {
        var generator = SeededGenerator(seed: 1)
        var histogram = [Int](repeating: 0, count: 9)
        for _ in 0..<90_000 { histogram[uniformInteger(in: 0..<9, using: &generator)] += 1 }
        #expect(histogram.allSatisfy { abs($0 - 10_000) < 400 })   // ~4 standard deviations
    }
}
