// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore

// MARK: - Info keys

/// The keys of the ground truth in the counting environment's `info` dictionaries.
public enum CountingInfoKey {
    /// The number of objects in the observation.
    public static let count = "count"
    /// The target count.
    public static let target = "target"
    /// 1 when the count equals the target, else 0.
    public static let success = "success"
    /// Steps since the reset (0 in the reset info).
    public static let step = "step"
    /// The shape index: ``CountingShape/rawValue`` (0 circle, 1 square, 2 triangle, 3 line).
    public static let shape = "shape"
    /// The red channel of the objects' colour, `30..<226`.
    public static let colorRed = "color.red"
    /// The green channel of the objects' colour.
    public static let colorGreen = "color.green"
    /// The blue channel of the objects' colour.
    public static let colorBlue = "color.blue"
    /// Step info only: the reward of the state before the action (the authors' `reward_pre`).
    public static let rewardBefore = "rewardBefore"

    /// `"object.<i>.x"`: the column of object `i`'s centre (objects are numbered from 0 in drawing order).
    public static func objectX(_ i: Int) -> String { i < cachedX.count ? cachedX[i] : "object.\(i).x" }
    /// `"object.<i>.y"`: the row of object `i`'s centre.
    public static func objectY(_ i: Int) -> String { i < cachedY.count ? cachedY[i] : "object.\(i).y" }

    private static let cachedX = (0..<64).map { "object.\($0).x" }
    private static let cachedY = (0..<64).map { "object.\($0).y" }

    /// The scene described by a counting `info` dictionary, or `nil` if a key is missing or out of range.
    public static func scene(from info: [String: Double]) -> CountingScene? {
        guard let objectCount = info[Self.count].flatMap(Int.init(exactly:)), objectCount >= 0,
              let shapeIndex = info[Self.shape].flatMap(Int.init(exactly:)),
              let objectShape = CountingShape(rawValue: shapeIndex),
              let r = info[colorRed].flatMap(UInt8.init(exactly:)), let g = info[colorGreen].flatMap(UInt8.init(exactly:)),
              let b = info[colorBlue].flatMap(UInt8.init(exactly:))
        else { return nil }
        var positions: [CountingPosition] = []
        for i in 0..<objectCount {
            guard let x = info[objectX(i)].flatMap(Int.init(exactly:)), let y = info[objectY(i)].flatMap(Int.init(exactly:)) else { return nil }
            positions.append(CountingPosition(x: x, y: y))
        }
        return CountingScene(shape: objectShape, color: CountingColor(red: r, green: g, blue: b), positions: positions)
    }
}

// MARK: - Reset options

/// The parsed reset options of the counting environment.
struct CountingResetRequest {
    var count: Int?
    var shape: CountingShape?
    var color: CountingColor?

    init(options: ResetOptions, maxCount: Int) throws {
        if let state = try options.numbers(OptionKey.initialState) {
            guard state.count == 1 || state.count == 5 else {
                throw EnvironmentError.invalidOption(key: OptionKey.initialState,
                                                     message: "expected [count] or [count, shape, red, green, blue], got \(state.count) numbers")
            }
            count = try Self.integer(state[0], key: OptionKey.initialState, in: 0...maxCount)
            if state.count == 5 {
                shape = CountingShape(rawValue: try Self.integer(state[1], key: OptionKey.initialState, in: 0...3))
                color = try Self.color(Array(state[2...]), key: OptionKey.initialState)
            }
        }
        if let value = try options.number("count") {
            count = try Self.integer(value, key: "count", in: 0...maxCount)
        }
        if let value = options["shape"] {
            if let name = value.string {
                guard let named = CountingShape.allCases.first(where: { $0.description == name }) else {
                    throw EnvironmentError.invalidOption(key: "shape", message: "expected circle, square, triangle or line, got \"\(name)\"")
                }
                shape = named
            } else if let index = value.number {
                shape = CountingShape(rawValue: try Self.integer(index, key: "shape", in: 0...3))
            } else {
                throw EnvironmentError.invalidOption(key: "shape", message: "expected a shape index 0...3 or name, got \(value)")
            }
        }
        if let channels = try options.numbers("color", count: 3) {
            color = try Self.color(channels, key: "color")
        }
    }

    static func integer(_ value: Double, key: String, in range: ClosedRange<Int>) throws -> Int {
        guard let v = Int(exactly: value), range.contains(v) else {
            throw EnvironmentError.invalidOption(key: key, message: "expected an integer in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return v
    }

    static func color(_ channels: [Double], key: String) throws -> CountingColor {
        let bytes = try channels.map { UInt8(try integer($0, key: key, in: 0...255)) }
        return CountingColor(red: bytes[0], green: bytes[1], blue: bytes[2])
    }
}
