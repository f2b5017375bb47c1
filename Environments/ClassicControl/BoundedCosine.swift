// Foresight — ClassicControl
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation

// MARK: - BoundedCosine

/// `cos(x)` in float64 for `|x| <= 4` (the mountain cars' `cos(3 position)`, `3 position` in `[-3.6, 1.8]`),
/// a few times faster than the system `cos` and inlined into the step. Outside `[-4, 4]` (and for NaN) it
/// calls the system `cos`.
///
/// Accuracy, against glibc's `cos` (correctly rounded): the same double for 99.6% of arguments, otherwise 1 ulp
/// away, except next to the zeros of cos, where the error stays below 1e-18 (a few ulp of results near 1e-3,
/// more for smaller ones). For the float32 state the mountain car rounds `0.0025 cos(3 p)` to
/// float32, and for every one of the 2.1e9 float32 positions `p` in `[-1.2, 0.6]` that rounded gravity term
/// equals the one computed with glibc's `cos` (checked exhaustively).
///
/// Method: `|x| = a + d` with `a = k/128` the nearest table node and `|d| <= 1/256` (both exact), then
/// `cos(a + d) = cos a + (cos a (cos d - 1) - sin a sin d)` with `cos a` stored as an unevaluated float64
/// sum `hi + lo` (106 bits) and short Taylor polynomials for `cos d - 1` (to `d^6`) and `sin d` (to `d^5`),
/// whose truncation errors are below 1e-20. The table is computed once, in double-double arithmetic from
/// the Taylor series (no system `cos` involved, so every platform gets the same table). Plain
/// multiplications and additions only (no FMA), so results are the same on every IEEE 754 machine.
struct BoundedCosine: Sendable {
    /// Largest `|x|` handled by the table.
    static let limit = 4.0
    /// Table nodes per unit of `x`.
    static let nodesPerUnit = 128.0
    /// Per node `k` (`a = k/128`, `k = 0...512`): `cos(a)` high part, `cos(a)` low part, `sin(a) / 128`.
    let table: [Double]

    /// The one table (computed on first use, in about a millisecond).
    static let shared = BoundedCosine()

    private init() {
        let nodes = Int(Self.limit * Self.nodesPerUnit)
        var table = [Double]()
        table.reserveCapacity(3 * (nodes + 1))
        for k in 0...nodes {
            let (cosine, sine) = DoubleDouble.cosSin(Double(k) / Self.nodesPerUnit)
            table.append(cosine.hi)
            table.append(cosine.lo)
            table.append(sine.hi / Self.nodesPerUnit)
        }
        self.table = table
    }

    /// `cos(x)`.
    @inline(__always)
    func callAsFunction(_ x: Double) -> Double {
        let magnitude = x.magnitude
        guard magnitude <= Self.limit else { return Foundation.cos(x) }
        // u = 128 |x| (exact); adding and subtracting 1.5 * 2^52 rounds it to the nearest integer k,
        // whose bits are the low bits of `shifted`; du = u - k in [-1/2, 1/2] is exact, d = du / 128.
        let u = magnitude * Self.nodesPerUnit
        let shifted = u + 0x1.8p52
        let du = u - (shifted - 0x1.8p52)
        return evaluate(node: Int(truncatingIfNeeded: shifted.bitPattern & 0x3FF), du: du)
    }

    /// `cos(Double(3 * p))` (the float32 product, as NumPy computes `3 * position` for a float32 state).
    @inline(__always)
    func cosOfTriple(_ p: Float) -> Double {
        // 384 |p| rounded to float32 is 128 |3 p| rounded to float32 (scaling by 128 is exact), so
        // u = 128 |x| for x = Float(3 p), and the node search runs in float32 (1.5 * 2^23 rounds to integers).
        let u = p.magnitude * 384
        guard u <= Float(Self.limit * Self.nodesPerUnit) else { return Foundation.cos(Double(3 * p)) }
        let shifted = u + 0x1.8p23
        let du = u - (shifted - 0x1.8p23)
        return evaluate(node: Int(truncatingIfNeeded: shifted.bitPattern & 0x3FF), du: Double(du))
    }

    /// `cos(k/128 + du/128)` for `|du| <= 1/2`.
    @inline(__always)
    func evaluate(node k: Int, du: Double) -> Double {
        table.withUnsafeBufferPointer { t in
            let high = t[3 * k], low = t[3 * k + 1], sinOver128 = t[3 * k + 2]
            let w = du * du
            // cos d - 1 = w (c1 + c2 w + c3 w^2) and sin d / d - 1 = w (s1 + s2 w) in powers of w = (128 d)^2
            // (the Taylor coefficients scaled by powers of two); grouped for a short dependency chain.
            let c = (-0x1p-15 + ((1.0 / 24) * 0x1p-28) * w) + ((-1.0 / 720) * 0x1p-42) * (w * w)
            let s = (-1.0 / 6) * 0x1p-14 + ((1.0 / 120) * 0x1p-28) * w
            let sinTimesD = sinOver128 * du
            let firstOrder = low - sinTimesD
            let secondOrder = (high * w) * c
            let thirdOrder = (sinTimesD * w) * s
            return high + ((firstOrder - thirdOrder) + secondOrder)
        }
    }
}

// MARK: - Double-double arithmetic (table construction only)

/// An unevaluated sum `hi + lo` of two float64 values with `|lo| <= ulp(hi) / 2`: about 106 bits.
struct DoubleDouble {
    var hi: Double
    var lo: Double

    init(_ hi: Double, _ lo: Double = 0) { (self.hi, self.lo) = (hi, lo) }

    /// `a + b` exactly, as the rounded sum and its error.
    static func twoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        let bb = s - a
        return DoubleDouble(s, (a - (s - bb)) + (b - bb))
    }

    /// `a * b` exactly (Dekker's product with Veltkamp's split; no FMA needed).
    static func twoProduct(_ a: Double, _ b: Double) -> DoubleDouble {
        func split(_ x: Double) -> (Double, Double) {
            let c = 134_217_729.0 * x  // 2^27 + 1
            let high = c - (c - x)
            return (high, x - high)
        }
        let p = a * b
        let (ah, al) = split(a), (bh, bl) = split(b)
        return DoubleDouble(p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }

    /// Renormalizes `hi + lo` (requires `|hi| >= |lo|` or `hi == 0`).
    static func quickTwoSum(_ hi: Double, _ lo: Double) -> DoubleDouble {
        let s = hi + lo
        return DoubleDouble(s, lo - (s - hi))
    }

    static func + (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let s = twoSum(x.hi, y.hi)
        let t = twoSum(x.lo, y.lo)
        let u = quickTwoSum(s.hi, s.lo + t.hi)
        return quickTwoSum(u.hi, u.lo + t.lo)
    }

    static prefix func - (x: DoubleDouble) -> DoubleDouble { DoubleDouble(-x.hi, -x.lo) }

    /// `x * y` for a float64 `y`.
    static func * (x: DoubleDouble, y: Double) -> DoubleDouble {
        let p = twoProduct(x.hi, y)
        return quickTwoSum(p.hi, p.lo + x.lo * y)
    }

    /// `x / y` for a float64 `y`.
    static func / (x: DoubleDouble, y: Double) -> DoubleDouble {
        let q1 = x.hi / y
        let p = twoProduct(q1, y)
        let remainder = ((x.hi - p.hi) - p.lo) + x.lo
        return quickTwoSum(q1, remainder / y)
    }

    /// `cos(a)` and `sin(a)` from their Taylor series, for `|a| <= 4` with `a * a` exact in float64
    /// (true for the table nodes `k/128`). Absolute error below 1e-30.
    static func cosSin(_ a: Double) -> (cos: DoubleDouble, sin: DoubleDouble) {
        let square = a * a
        var cosine = DoubleDouble(1), sine = DoubleDouble(a)
        var cosTerm = DoubleDouble(1), sinTerm = DoubleDouble(a)
        for n in 1...40 {
            let m = Double(2 * n)
            cosTerm = -(cosTerm * square / ((m - 1) * m))
            sinTerm = -(sinTerm * square / (m * (m + 1)))
            cosine = cosine + cosTerm
            sine = sine + sinTerm
        }
        return (cosine, sine)
    }
}
