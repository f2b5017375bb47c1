// Foresight — ForesightKit (umbrella)
// Copyright (c) 2026 the Foresight developers. MIT License.

@_exported import TensorCore
@_exported import NN
@_exported import Optimizers
