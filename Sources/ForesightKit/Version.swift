// Foresight — ForesightKit
// Copyright (c) 2026 the Foresight developers. MIT License.

/// Foresight's version (semantic versioning; `-dev` until the first release), printed by `foresight --version`.
public enum ForesightVersion {
    public static let current = "0.1.0-dev"
}
