// Foresight — ImageIO
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Grids

extension PNGImage {
    /// Tiles images row-major into one image, for example observations next to their reconstructions.
    ///
    /// Every cell is as large as the largest image; a smaller image sits in the top-left corner of its cell.
    /// A band of `margin` background pixels surrounds every cell (also along the outer border), so the result is
    /// `c * (cellWidth + margin) + margin` wide and `rows * (cellHeight + margin) + margin` high, with
    /// `c = min(columns, images.count)` and `rows = ceil(images.count / columns)`. The result is RGB if any input is RGB (grayscale inputs are
    /// replicated into three channels), grayscale otherwise.
    /// - Parameters:
    ///   - images: the tiles, in reading order.
    ///   - columns: tiles per row (fewer tiles than this give one shorter row).
    ///   - margin: background pixels around each cell.
    ///   - background: the byte value of the margin and of empty cells in every channel (255 is white).
    /// - Throws: ``ImageIOError/invalidGrid(imageCount:columns:margin:)`` for an empty list, `columns < 1` or
    ///   `margin < 0`; ``ImageIOError/invalidDimensions(width:height:)`` if the result is too large.
    public static func grid(_ images: [PNGImage], columns: Int, margin: Int = 2, background: UInt8 = 255) throws -> PNGImage {
        guard !images.isEmpty, columns >= 1, margin >= 0 else {
            throw ImageIOError.invalidGrid(imageCount: images.count, columns: columns, margin: margin)
        }
        let columnCount = Swift.min(columns, images.count)
        let rows = (images.count + columns - 1) / columns
        let cellWidth = images.map(\.width).max() ?? 1
        let cellHeight = images.map(\.height).max() ?? 1
        let colorType: ColorType = images.contains { $0.colorType == .rgb } ? .rgb : .grayscale
        let (w1, o1) = (cellWidth + margin).multipliedReportingOverflow(by: columnCount)
        let (h1, o2) = (cellHeight + margin).multipliedReportingOverflow(by: rows)
        guard !o1, !o2 else { throw ImageIOError.invalidDimensions(width: Int.max, height: Int.max) }
        var result = try PNGImage(width: w1 + margin, height: h1 + margin, colorType: colorType, fill: background)
        let k = colorType.channelCount
        let resultWidth = result.width
        result.withMutablePixels { out in
            for (index, image) in images.enumerated() {
                let tile = image.converted(to: colorType)
                let originX = margin + (index % columns) * (cellWidth + margin)
                let originY = margin + (index / columns) * (cellHeight + margin)
                let rowBytes = tile.width * k
                for y in 0..<tile.height {
                    let src = y * rowBytes
                    let dst = ((originY + y) * resultWidth + originX) * k
                    out.replaceSubrange(dst..<(dst + rowBytes), with: tile.pixels[src..<(src + rowBytes)])
                }
            }
        }
        return result
    }
}
