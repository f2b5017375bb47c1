// Foresight — NN
// Copyright (c) 2026 the Foresight developers. MIT License.

@_exported import TensorCore

// MARK: - Module

/// A container of parameters and child modules, found by reflection.
///
/// The default `namedParameters()` walks stored properties with `Mirror`: a `Parameter` is named by
/// its property, a child `Module` prefixes its own names with the property name, and arrays of
/// modules use their index (`dynamics.layers.0.linear.weight`). Override it for custom storage.
public protocol Module: AnyObject, CustomStringConvertible {
    /// Every parameter under this module with its dotted path, in declaration order.
    func namedParameters() -> [(path: String, parameter: Parameter)]
}

/// A module mapping one tensor to one tensor.
public protocol Layer: Module {
    /// Applies the layer.
    func callAsFunction(_ input: Tensor) -> Tensor
}

/// Errors from loading module state.
public enum ModuleError: Error, CustomStringConvertible, Equatable {
    /// A parameter's saved shape differs from the module's.
    case shapeMismatch(path: String, expected: [Int], actual: [Int])
    /// The state has no entry for a parameter of the module.
    case missingParameter(path: String)
    /// The state has an entry the module does not know (strict loading only).
    case unexpectedParameter(path: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(path, expected, actual): "parameter \"\(path)\" has shape \(actual) in the state, expected \(expected)"
        case let .missingParameter(path): "the state has no entry for parameter \"\(path)\""
        case let .unexpectedParameter(path): "the state has an entry \"\(path)\" that the module does not have"
        }
    }
}

// MARK: - Default implementations

extension Module {
    public func namedParameters() -> [(path: String, parameter: Parameter)] {
        var result: [(String, Parameter)] = []
        func visit(_ value: Any, _ prefix: String) {
            if let p = value as? Parameter {
                result.append((prefix, p))
            } else if let m = value as? any Module {
                for (path, p) in m.namedParameters() { result.append((prefix.isEmpty ? path : prefix + "." + path, p)) }
            } else if let array = value as? [Any] {
                for (i, element) in array.enumerated() { visit(element, prefix.isEmpty ? "\(i)" : "\(prefix).\(i)") }
            } else {
                let mirror = Mirror(reflecting: value)
                if mirror.displayStyle == .optional, let child = mirror.children.first { visit(child.value, prefix) }
            }
        }
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror {
            for child in m.children {
                guard let label = child.label else { continue }
                visit(child.value, label)
            }
            mirror = m.superclassMirror
        }
        return result
    }

    /// All parameters, in declaration order.
    public var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// The number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// The parameter values keyed by dotted path.
    public func stateDict() -> [String: Tensor] {
        Dictionary(namedParameters().map { ($0.path, $0.parameter.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// Loads parameter values by dotted path.
    /// - Parameter strict: also refuse entries the module does not have.
    /// - Throws: `ModuleError` naming the first missing, unexpected or mis-shaped entry; nothing is
    ///   changed when it throws.
    public func load(stateDict: [String: Tensor], strict: Bool = true) throws {
        let named = namedParameters()
        for (path, p) in named {
            guard let t = stateDict[path] else { throw ModuleError.missingParameter(path: path) }
            guard t.shape == p.value.shape else { throw ModuleError.shapeMismatch(path: path, expected: p.value.shape, actual: t.shape) }
        }
        if strict {
            let known = Set(named.map(\.path))
            if let extra = stateDict.keys.sorted().first(where: { !known.contains($0) }) { throw ModuleError.unexpectedParameter(path: extra) }
        }
        for (path, p) in named { p.value = stateDict[path]!.detached() }
    }

    /// Copies every parameter value from a module of the same structure.
    public func copyParameters(from other: any Module) {
        let mine = parameters, theirs = other.parameters
        precondition(mine.count == theirs.count, "copyParameters: \(mine.count) parameters vs \(theirs.count)")
        for (a, b) in zip(mine, theirs) {
            precondition(a.value.shape == b.value.shape, "copyParameters: shape \(a.value.shape) vs \(b.value.shape)")
            a.value = b.value.detached()
        }
    }

    /// Polyak (EMA) update toward another module of the same structure: `θ ← θ + tau (θ_other − θ)`
    /// (PyTorch `lerp_`, as TD-MPC2's target-Q update with `tau = 0.01`).
    public func interpolateParameters(toward other: any Module, by tau: Float) {
        Parameter.interpolate(parameters, toward: other.parameters, by: tau)
    }

    public var description: String { "\(type(of: self))(parameters: \(parameterCount))" }
}

extension Parameter {
    /// ``Module/interpolateParameters(toward:by:)`` over two parameter lists of the same shapes, for a
    /// caller that keeps the lists (the module walk is reflection).
    public static func interpolate(_ mine: [Parameter], toward theirs: [Parameter], by tau: Float) {
        precondition(mine.count == theirs.count, "interpolateParameters: \(mine.count) parameters vs \(theirs.count)")
        for (a, b) in zip(mine, theirs) {
            precondition(a.value.shape == b.value.shape, "interpolateParameters: shape \(a.value.shape) vs \(b.value.shape)")
            var v = a.value
            a.value = Tensor.zeros([0]) // release the reference so the update is in place
            v.withUnsafeMutableBufferPointer { dst in
                b.value.withUnsafeBufferPointer { src in
                    guard !dst.isEmpty else { return }
                    // Elementwise, so splitting large tensors between threads gives the same bits.
                    let (d, s, n) = (dst.baseAddress!, src.baseAddress!, dst.count)
                    let parts = Parallel.regionPartCount(n, minimumRows: 1 << 16)
                    Parallel.forEachPart(parts) { part in
                        for i in Parallel.range(of: part, parts: parts, in: 0..<n) { d[i] += tau * (s[i] - d[i]) }
                    }
                }
            }
            a.value = v
        }
    }
}
