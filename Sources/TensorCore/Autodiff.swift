// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

// MARK: - Tape

/// One recorded operation: how to turn the gradient of its output into gradients of its inputs.
@usableFromInline final class TapeNode {
    /// The nodes of the inputs that need gradients (nil for constant inputs).
    let inputs: [TapeNode?]
    /// Maps the output gradient to one gradient per input (nil where the input is constant).
    let backward: ((Tensor) -> [Tensor?])?
    /// The accumulated gradient of the output, filled during the backward pass.
    var gradient: Tensor?
    weak var tape: Tape?

    init(tape: Tape, inputs: [TapeNode?], backward: ((Tensor) -> [Tensor?])?) {
        self.tape = tape
        self.inputs = inputs
        self.backward = backward
    }
}

/// A Wengert list of recorded operations. Recording happens only inside ``valueWithGradients(at:of:)``
/// (and its variants); outside, or inside ``withoutGradients(_:)``, operations record nothing.
public final class Tape: @unchecked Sendable {
    var nodes: [TapeNode] = []
    var parameterLeaves: [ObjectIdentifier: (Parameter, TapeNode)] = [:]

    /// The tape recording on the current task, if any.
    @TaskLocal static var current: Tape?

    init() {}

    func leaf() -> TapeNode {
        let node = TapeNode(tape: self, inputs: [], backward: nil)
        nodes.append(node)
        return node
    }

    /// Accumulates gradients from `root` (seeded with ones of its shape) back to the leaves.
    func backpropagate(from root: TapeNode, seed: Tensor) {
        root.gradient = seed
        for node in nodes.reversed() {
            guard let g = node.gradient, let backward = node.backward else { continue }
            let inputGradients = backward(g)
            for (input, ig) in zip(node.inputs, inputGradients) {
                guard let input, let ig else { continue }
                if var existing = input.gradient {
                    input.gradient = nil  // keep the buffer uniquely referenced
                    existing.addInPlace(ig)
                    input.gradient = existing
                } else {
                    input.gradient = ig.detached()
                }
            }
            if node !== root { node.gradient = nil }
        }
    }
}

extension Tensor {
    /// Records an operation whose output is `result` and whose inputs are `inputs` when a tape is
    /// recording and at least one input is tracked. `backward` receives the output gradient and
    /// returns one gradient per input, each of that input's shape (nil for untracked inputs is fine).
    @inline(__always)
    static func record(_ result: Tensor, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), let tape = Tape.current else { return result }
        let inputNodes: [TapeNode?] = inputs.map { n in n.node?.tape === tape ? n.node : nil }
        guard inputNodes.contains(where: { $0 != nil }) else { return result }
        let node = TapeNode(tape: tape, inputs: inputNodes, backward: backward)
        tape.nodes.append(node)
        var out = result
        out.node = node
        return out
    }

    /// Whether an input needs its gradient computed (cheap test used by backward closures).
    var needsGradient: Bool { node != nil }

    /// Elementwise `self += other` for equal shapes (untracked; used for gradient accumulation).
    mutating func addInPlace(_ other: Tensor) {
        precondition(shape == other.shape, "gradient shape \(other.shape) does not match \(shape)")
        withUnsafeMutableBufferPointer { o in
            other.withUnsafeBufferPointer { b in
                guard o.count > 0 else { return }
                // Elementwise, so large gradients split between threads with the same bits.
                let (out, add) = (o.baseAddress!, b.baseAddress!)
                Parallel.forEachRange(o.count, parts: Parallel.partCount(o.count, itemSize: 1)) { range, _ in
                    for i in range { out[i] += add[i] }
                }
            }
        }
    }
}

// MARK: - Parameter

/// A trainable tensor owned by a module. Parameters are references so optimizers update them in place.
public final class Parameter: @unchecked Sendable {
    /// The current value.
    public var value: Tensor
    /// Whether optimizers update this parameter.
    public var isTrainable: Bool = true

    /// Creates a parameter holding `value` (untracked).
    public init(_ value: Tensor) { self.value = value.detached() }

    /// The value as an input to differentiable operations: tracked when a tape records and this
    /// parameter is among its differentiation targets, a constant otherwise.
    public var variable: Tensor {
        guard let tape = Tape.current, let (_, node) = tape.parameterLeaves[ObjectIdentifier(self)] else { return value }
        return Tensor(shape: value.shape, scalars: value.scalars, node: node)
    }
}

// MARK: - Gradients

/// Gradients of a scalar with respect to a set of parameters, keyed by parameter identity.
public struct Gradients: @unchecked Sendable {
    var storage: [ObjectIdentifier: Tensor] = [:]
    /// The keys in insertion order (the differentiation targets' order): sums over all gradients run
    /// in this order, never in the dictionary's, which changes from process to process.
    var order: [ObjectIdentifier] = []

    public init() {}

    /// The gradient of `parameter`, or nil when the loss does not depend on it.
    public subscript(parameter: Parameter) -> Tensor? {
        get { storage[ObjectIdentifier(parameter)] }
        set { set(newValue, for: ObjectIdentifier(parameter)) }
    }

    mutating func set(_ gradient: Tensor?, for key: ObjectIdentifier) {
        if let gradient {
            if storage.updateValue(gradient, forKey: key) == nil { order.append(key) }
        } else if storage.removeValue(forKey: key) != nil {
            order.removeAll { $0 == key }
        }
    }

    /// The number of parameters with a gradient.
    public var count: Int { storage.count }

    /// Elements per piece of ``globalNorm()``'s sum (a multiple of the kernel's 512-element blocks).
    static let normPieceSize = 1 << 16

    /// The L2 norm over all gradients: every gradient in pieces of ``normPieceSize`` elements, each
    /// summed in Double, the pieces added in order. The pieces run on several threads; the result is the
    /// same for any thread count and from process to process.
    public func globalNorm() -> Float {
        let tensors = order.map { storage[$0]! }
        var pieces: [(tensor: Int, start: Int, count: Int)] = []
        for (t, g) in tensors.enumerated() {
            var start = 0
            while start < g.count { pieces.append((t, start, Swift.min(Self.normPieceSize, g.count - start))); start += Self.normPieceSize }
        }
        var sums = [Double](repeating: 0, count: pieces.count)
        let elements = pieces.reduce(0) { $0 + $1.count }
        sums.withUnsafeMutableBufferPointer { sp in
            guard let out = sp.baseAddress else { return }
            Parallel.forEachRange(pieces.count, parts: Parallel.partCount(pieces.count, itemSize: elements / Swift.max(pieces.count, 1))) { range, _ in
                for i in range {
                    let piece = pieces[i]
                    tensors[piece.tensor].withUnsafeBufferPointer { p in
                        out[i] = OptimizerKernels.sumOfSquares(p.baseAddress! + piece.start, count: piece.count)
                    }
                }
            }
        }
        return Float(sums.reduce(0, +).squareRoot())
    }

    /// Scales all gradients so their global L2 norm is at most `maxNorm` (as `clip_grad_norm_`,
    /// which multiplies by `maxNorm / (norm + 1e-6)` when that factor is below 1).
    /// - Returns: the norm before clipping.
    @discardableResult
    public mutating func clipGlobalNorm(to maxNorm: Float) -> Float {
        let (norm, factor) = clippingFactor(maxNorm: maxNorm)
        if factor < 1 {
            for key in storage.keys {
                storage[key]!.scaleInPlace(by: factor)
            }
        }
        return norm
    }

    /// The global L2 norm and the factor ``clipGlobalNorm(to:)`` would scale every gradient by
    /// (`maxNorm / (norm + 1e-6)` when that is below 1, else 1), without scaling: an optimizer can
    /// apply the factor as it reads each gradient (``Adam``'s `gradientScale`), saving a pass.
    public func clippingFactor(maxNorm: Float) -> (norm: Float, factor: Float) {
        let norm = globalNorm()
        let factor = maxNorm / (norm + 1e-6)
        return (norm, factor < 1 ? factor : 1)
    }
}

extension Tensor {
    mutating func scaleInPlace(by factor: Float) {
        withUnsafeMutableBufferPointer { o in for i in 0..<o.count { o[i] *= factor } }
    }
}

// MARK: - Entry points

/// Evaluates `body` while recording, then returns its scalar result and the gradients of that
/// result with respect to `parameters`.
/// - Parameters:
///   - parameters: the differentiation targets; other parameters act as constants.
///   - body: computes a one-element loss from `Parameter.variable` reads.
/// - Returns: the loss value and the gradients (a parameter the loss does not use has no entry).
/// - Throws: whatever `body` throws.
public func valueWithGradients(at parameters: [Parameter], of body: () throws -> Tensor) rethrows -> (value: Tensor, gradients: Gradients) {
    let tape = Tape()
    for p in parameters where p.isTrainable {
        tape.parameterLeaves[ObjectIdentifier(p)] = (p, tape.leaf())
    }
    let loss = try Tape.$current.withValue(tape) { try body() }
    var gradients = Gradients()
    guard let root = loss.node, root.tape === tape else { return (loss.detached(), gradients) }
    precondition(loss.count == 1, "valueWithGradients needs a one-element loss, got shape \(loss.shape)")
    tape.backpropagate(from: root, seed: Tensor(repeating: 1, shape: loss.shape))
    for p in parameters {
        let key = ObjectIdentifier(p)
        if gradients.storage[key] == nil, let (_, node) = tape.parameterLeaves[key], let g = node.gradient { gradients.set(g, for: key) }
    }
    return (loss.detached(), gradients)
}

/// Evaluates `body(inputs)` while recording and returns its scalar result and the gradient with
/// respect to each input tensor (zeros where the result does not depend on it).
public func valueWithGradients(at inputs: [Tensor], of body: ([Tensor]) throws -> Tensor) rethrows -> (value: Tensor, gradients: [Tensor]) {
    let tape = Tape()
    var tracked = inputs
    var leaves: [TapeNode] = []
    for i in tracked.indices {
        let leaf = tape.leaf()
        leaves.append(leaf)
        tracked[i].node = leaf
    }
    let loss = try Tape.$current.withValue(tape) { try body(tracked) }
    guard let root = loss.node, root.tape === tape else {
        return (loss.detached(), inputs.map { Tensor.zeros($0.shape) })
    }
    precondition(loss.count == 1, "valueWithGradients needs a one-element loss, got shape \(loss.shape)")
    tape.backpropagate(from: root, seed: Tensor(repeating: 1, shape: loss.shape))
    let grads = zip(inputs, leaves).map { input, leaf in leaf.gradient ?? Tensor.zeros(input.shape) }
    return (loss.detached(), grads)
}

/// Runs `body` with recording switched off: nothing inside builds a graph (inference, planning).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try Tape.$current.withValue(nil) { try body() }
}
