// Foresight — ForesightKit
// Copyright (c) 2026 the Foresight developers. MIT License.

// The umbrella module: `import ForesightKit` gives every library target (swift-numerics' `Numerics.swift` pattern).

@_exported import Checkpoint
@_exported import ClassicControl
@_exported import Counting
@_exported import GymMuJoCo
@_exported import ImageIO
@_exported import MuJoCo
@_exported import NN
@_exported import Optimizers
@_exported import RLCore
@_exported import Study
@_exported import TDMPC2
@_exported import TensorCore
