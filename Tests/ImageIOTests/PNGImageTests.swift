// Foresight — ImageIOTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Testing
@testable import ImageIO

@Suite struct PNGImageTests {
    @Test func gridTilesWithMarginsAndPromotesToRGB() throws {
        let red = try PNGImage(width: 2, height: 2, colorType: .rgb, pixels: [UInt8](repeating: 0, count: 12).enumerated().map { $0.offset % 3 == 0 ? 200 : 0 })
        let gray = try PNGImage(width: 3, height: 1, colorType: .grayscale, fill: 50)
        let grid = try PNGImage.grid([red, gray, red], columns: 2, margin: 1, background: 255)
        // Cells are 3x2; 2 columns, 2 rows: width 2*(3+1)+1 = 9, height 2*(2+1)+1 = 7.
        #expect(grid.width == 9 && grid.height == 7 && grid.colorType == .rgb)
        #expect(grid.pixel(x: 0, y: 0) == [255, 255, 255])          // outer margin
        #expect(grid.pixel(x: 1, y: 1) == [200, 0, 0])               // first tile
        #expect(grid.pixel(x: 3, y: 1) == [255, 255, 255])           // right of a 2-wide tile in a 3-wide cell
        #expect(grid.pixel(x: 5, y: 1) == [50, 50, 50])              // second tile, grayscale replicated
        #expect(grid.pixel(x: 5, y: 2) == [255, 255, 255])           // below a 1-high tile
        #expect(grid.pixel(x: 1, y: 4) == [200, 0, 0])               // third tile, second row
        #expect(grid.pixel(x: 5, y: 4) == [255, 255, 255])           // empty cell
    }

    @Test func gridOfGrayscaleStaysGrayscaleAndRejectsBadLayouts() throws {
        let tile = try PNGImage(width: 4, height: 4, colorType: .grayscale, fill: 9)
        let grid = try PNGImage.grid([tile, tile, tile], columns: 5, margin: 0)
        #expect(grid.colorType == .grayscale && grid.width == 12 && grid.height == 4)
        #expect(grid.pixels.allSatisfy { $0 == 9 })
        #expect(throws: ImageIOError.invalidGrid(imageCount: 0, columns: 2, margin: 2)) { try PNGImage.grid([], columns: 2) }
        #expect(throws: ImageIOError.invalidGrid(imageCount: 1, columns: 0, margin: 2)) { try PNGImage.grid([tile], columns: 0) }
        #expect(throws: ImageIOError.invalidGrid(imageCount: 1, columns: 1, margin: -1)) { try PNGImage.grid([tile], columns: 1, margin: -1) }
    }

    @Test func conversionsAndScaling() throws {
        let rgb = try PNGImage(width: 2, height: 1, colorType: .rgb, pixels: [255, 0, 0, 10, 20, 30])
        let gray = rgb.converted(to: .grayscale)
        #expect(gray.pixels == [76, 18])   // (299*255 + 500) / 1000 = 76; (2990 + 11740 + 3420 + 500) / 1000 = 18
        #expect(gray.converted(to: .rgb).pixels == [76, 76, 76, 18, 18, 18])
        let big = try rgb.scaled(by: 3)
        #expect(big.width == 6 && big.height == 3)
        #expect(big.pixel(x: 2, y: 2) == [255, 0, 0] && big.pixel(x: 3, y: 0) == [10, 20, 30])
        #expect(throws: ImageIOError.invalidScale(0)) { try rgb.scaled(by: 0) }
    }

    @Test func setPixelWritesInterleavedChannels() throws {
        var image = try PNGImage(width: 3, height: 2, colorType: .rgb)
        image.setPixel(x: 2, y: 1, to: [1, 2, 3])
        #expect(Array(image.pixels[15..<18]) == [1, 2, 3])
        #expect(image.pixels.filter { $0 != 0 }.count == 3)
    }
}
