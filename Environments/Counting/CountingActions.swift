// Foresight — Counting
// Copyright (c) 2026 the Foresight developers. MIT License.

import RLCore
import TensorCore

// MARK: - CountingActionSet

/// An action encoding of the counting environment: its space and how an action maps to a move.
/// The three conforming types are ``CountingSignAction``, ``CountingRemoveAddAction`` and
/// ``CountingRemoveKeepAddAction``.
public protocol CountingActionSet: Sendable {
    /// The action type: `Tensor` for the sign encoding, `Int` for the discrete ones.
    associatedtype Action
    /// The action space type.
    associatedtype ActionSpace: Space<Action>

    /// Which encoding this is.
    static var kind: CountingActionKind { get }
    /// The action space.
    static var space: ActionSpace { get }
    /// The move an action asks for.
    /// - Throws: ``EnvironmentError/invalidAction(_:)`` for an action the encoding does not accept.
    static func move(for action: Action) throws -> CountingMove
    /// An action that makes `move`, or `nil` if the encoding cannot express it (keep in the two-action encodings).
    static func action(for move: CountingMove) -> Action?
}

/// The paper's continuous encoding: `Box(1)` in `[-1, 1]`; `a < 0` removes an object and `a >= 0` adds one
/// (the authors' `delta = -1 if a < 0 else +1`; zero adds). Values outside `[-1, 1]` act by their sign;
/// non-finite values and other shapes are rejected.
public enum CountingSignAction: CountingActionSet {
    public static var kind: CountingActionKind { .sign }
    public static var space: Box { Box(low: -1, high: 1, shape: [1]) }

    public static func move(for action: Tensor) throws -> CountingMove {
        guard action.shape == [1] else {
            throw EnvironmentError.invalidAction("expected shape [1] (a sign in [-1, 1]), got \(action.shape)")
        }
        let a = action.scalars[0]
        guard a.isFinite else { throw EnvironmentError.invalidAction("expected a finite value in [-1, 1], got \(a)") }
        return a < 0 ? .remove : .add
    }

    /// `[-1]` for remove, `[1]` for add, `nil` for keep.
    public static func action(for move: CountingMove) -> Tensor? {
        switch move {
        case .remove: Tensor(shape: [1], scalars: [-1])
        case .add: Tensor(shape: [1], scalars: [1])
        case .keep: nil
        }
    }
}

/// `Discrete(2)`: 0 removes an object, 1 adds one.
public enum CountingRemoveAddAction: CountingActionSet {
    public static var kind: CountingActionKind { .removeAdd }
    public static var space: Discrete { Discrete(2) }

    public static func move(for action: Int) throws -> CountingMove {
        switch action {
        case 0: return .remove
        case 1: return .add
        default: throw EnvironmentError.invalidAction("\(action) is not in Discrete(2) (0 remove, 1 add)")
        }
    }

    public static func action(for move: CountingMove) -> Int? {
        switch move {
        case .remove: 0
        case .add: 1
        case .keep: nil
        }
    }
}

/// `Discrete(3)`: 0 removes an object, 1 keeps the count (and the frame), 2 adds one.
public enum CountingRemoveKeepAddAction: CountingActionSet {
    public static var kind: CountingActionKind { .removeKeepAdd }
    public static var space: Discrete { Discrete(3) }

    public static func move(for action: Int) throws -> CountingMove {
        guard (0...2).contains(action) else {
            throw EnvironmentError.invalidAction("\(action) is not in Discrete(3) (0 remove, 1 keep, 2 add)")
        }
        return CountingMove(rawValue: action - 1) ?? .keep
    }

    public static func action(for move: CountingMove) -> Int? { move.rawValue + 1 }
}

extension CountingActionKind {
    /// The action tensor for `move` at the type-erased boundary (`any Environment<Tensor, Tensor>`): `[-1]` or `[1]`
    /// for ``sign``, the index `[i]` for the discrete encodings; `nil` when the encoding cannot express `move`.
    public func actionTensor(for move: CountingMove) -> Tensor? {
        switch self {
        case .sign: CountingSignAction.action(for: move)
        case .removeAdd: CountingRemoveAddAction.action(for: move).map { Tensor(shape: [1], scalars: [Float($0)]) }
        case .removeKeepAdd: CountingRemoveKeepAddAction.action(for: move).map { Tensor(shape: [1], scalars: [Float($0)]) }
        }
    }
}
