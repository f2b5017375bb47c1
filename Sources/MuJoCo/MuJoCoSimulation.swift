// Foresight — MuJoCo
// Copyright (c) 2026 the Foresight developers. MIT License.

import CMuJoCo
import CMuJoCoGuard
import Foundation

// MARK: - Errors

/// What can go wrong when loading or running a MuJoCo model.
public enum MuJoCoError: Error, Equatable, CustomStringConvertible {
    /// No file at the model path.
    case missingModelFile(path: String)
    /// MuJoCo refused the model; `message` is MuJoCo's own.
    case invalidModel(path: String, message: String)
    /// MuJoCo stopped with an error during a call (for example its stack ran out); `message` is MuJoCo's own.
    case simulationFailed(call: String, message: String)
    /// A named body, site or sensor does not exist in the model.
    case unknownName(kind: String, name: String, model: String)
    /// A vector has the wrong number of elements.
    case wrongLength(what: String, expected: Int, got: Int)

    public var description: String {
        switch self {
        case .missingModelFile(let path):
            "MuJoCo model file not found: \(path)"
        case .invalidModel(let path, let message):
            "MuJoCo could not load \(path): \(message)"
        case .simulationFailed(let call, let message):
            "MuJoCo error in \(call): \(message)"
        case .unknownName(let kind, let name, let model):
            "The MuJoCo model \(model) has no \(kind) named '\(name)'"
        case .wrongLength(let what, let expected, let got):
            "\(what) needs \(expected) numbers, got \(got)"
        }
    }
}

// MARK: - Simulation

/// One MuJoCo model (`mjModel`) with its simulation state (`mjData`), loaded from an MJCF file.
///
/// The class owns both and frees them when it is released. ``reset()`` reuses the same `mjData` (MuJoCo's
/// `mj_resetData`), so episodes allocate nothing. Every MuJoCo call runs under an error handler that turns
/// MuJoCo's fatal errors (which would otherwise end the process) into ``MuJoCoError/simulationFailed(call:message:)``.
///
/// The vectors are MuJoCo's, in float64: `qpos` (`nq` generalized positions), `qvel` (`nv` velocities), `ctrl`
/// (`nu` controls). Positions of bodies (`xpos`) and sites (`site_xpos`) are those MuJoCo computed in the
/// position stage of the last `mj_step` or `mj_forward`: after ``step(frameSkip:)`` they belong to the state
/// before the last integration, as in every MuJoCo program (Gymnasium's `get_body_com` included).
///
/// Not thread-safe: use one simulation per thread.
public final class MuJoCoSimulation {
    let model: UnsafeMutablePointer<mjModel>
    let data: UnsafeMutablePointer<mjData>
    /// The MJCF file the model came from.
    public let path: String

    /// The version of the MuJoCo library in use, for example `2.2.2`.
    public static var libraryVersion: String { String(cString: mj_versionString()) }

    /// Loads the MJCF model at `path` and makes its simulation state.
    /// - Throws: ``MuJoCoError/missingModelFile(path:)`` when there is no file, ``MuJoCoError/invalidModel(path:message:)``
    ///   with MuJoCo's parser message when MuJoCo refuses it.
    public init(modelPath path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MuJoCoError.missingModelFile(path: path)
        }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard let model = foresight_mj_loadXML(path, &buffer, Int32(buffer.count)) else {
            let message = Self.string(buffer)
            throw MuJoCoError.invalidModel(path: path, message: message.isEmpty ? "unknown error" : message)
        }
        guard let data = foresight_mj_makeData(model, &buffer, Int32(buffer.count)) else {
            mj_deleteModel(model)
            throw MuJoCoError.invalidModel(path: path, message: Self.string(buffer))
        }
        self.model = model
        self.data = data
        self.path = path
    }

    deinit {
        mj_deleteData(data)
        mj_deleteModel(model)
    }

    static func string(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Sizes

    /// Number of generalized positions.
    public var nq: Int { Int(model.pointee.nq) }
    /// Number of degrees of freedom (velocities).
    public var nv: Int { Int(model.pointee.nv) }
    /// Number of actuators (controls).
    public var nu: Int { Int(model.pointee.nu) }
    /// Number of bodies, the world body included.
    public var nbody: Int { Int(model.pointee.nbody) }
    /// Number of sites.
    public var nsite: Int { Int(model.pointee.nsite) }
    /// Number of sensor values (`sensordata`'s length).
    public var nsensordata: Int { Int(model.pointee.nsensordata) }
    /// The physics time step in seconds (`opt.timestep`).
    public var timestep: Double { model.pointee.opt.timestep }
    /// The simulation time in seconds.
    public var time: Double { data.pointee.time }

    /// Each actuator's control range `(low, high)`, and whether MuJoCo clamps controls to it.
    public var controlRanges: [(low: Double, high: Double, limited: Bool)] {
        (0..<nu).map { i in
            (model.pointee.actuator_ctrlrange[2 * i], model.pointee.actuator_ctrlrange[2 * i + 1],
             model.pointee.actuator_ctrllimited[i] != 0)
        }
    }

    /// `qpos` of the model's reference configuration (`qpos0`): where `mj_resetData` puts the state.
    public var initialQpos: [Double] { Array(UnsafeBufferPointer(start: model.pointee.qpos0, count: nq)) }

    // MARK: State

    /// Generalized positions (`nq`); set them with ``setState(qpos:qvel:)``.
    public var qpos: [Double] { Array(UnsafeBufferPointer(start: data.pointee.qpos, count: nq)) }

    /// Generalized velocities (`nv`); set them with ``setState(qpos:qvel:)``.
    public var qvel: [Double] { Array(UnsafeBufferPointer(start: data.pointee.qvel, count: nv)) }

    /// Controls (`nu`), applied by the next step; set them with ``setControl(_:)``. MuJoCo clamps them to the
    /// ranges that are limited.
    public var ctrl: [Double] { Array(UnsafeBufferPointer(start: data.pointee.ctrl, count: nu)) }

    /// The sensor values (`nsensordata`), as computed by the last step or forward pass.
    public var sensorData: [Double] { Array(UnsafeBufferPointer(start: data.pointee.sensordata, count: nsensordata)) }

    /// Copies `values` (already checked to hold `count` numbers) into one of MuJoCo's arrays.
    private func write(_ values: [Double], to pointer: UnsafeMutablePointer<mjtNum>, count: Int) {
        values.withUnsafeBufferPointer { source in
            for i in 0..<count { pointer[i] = source[i] }
        }
    }

    /// Read-only views into MuJoCo's arrays, valid until the simulation is released (no copy).
    public var qposPointer: UnsafePointer<Double> { UnsafePointer(data.pointee.qpos) }
    public var qvelPointer: UnsafePointer<Double> { UnsafePointer(data.pointee.qvel) }
    public var qfrcConstraintPointer: UnsafePointer<Double> { UnsafePointer(data.pointee.qfrc_constraint) }
    /// `nbody × 6` external contact wrenches per body (torque then force), valid after a step with post-constraint.
    public var cfrcExtPointer: UnsafePointer<Double> { UnsafePointer(data.pointee.cfrc_ext) }
    /// Writable view of the `nu` controls.
    public var ctrlPointer: UnsafeMutablePointer<Double> { data.pointee.ctrl }

    /// Sets positions and velocities and recomputes everything derived from them (`mj_forward`), as Gymnasium's
    /// `set_state` does.
    /// - Throws: ``MuJoCoError/wrongLength(what:expected:got:)`` for vectors that are not `nq` and `nv` long.
    public func setState(qpos: [Double], qvel: [Double]) throws {
        guard qpos.count == nq else { throw MuJoCoError.wrongLength(what: "qpos", expected: nq, got: qpos.count) }
        guard qvel.count == nv else { throw MuJoCoError.wrongLength(what: "qvel", expected: nv, got: qvel.count) }
        write(qpos, to: data.pointee.qpos, count: nq)
        write(qvel, to: data.pointee.qvel, count: nv)
        try forward()
    }

    /// Sets the controls.
    /// - Throws: ``MuJoCoError/wrongLength(what:expected:got:)`` for a vector that is not `nu` long.
    public func setControl(_ values: [Double]) throws {
        guard values.count == nu else { throw MuJoCoError.wrongLength(what: "ctrl", expected: nu, got: values.count) }
        write(values, to: data.pointee.ctrl, count: nu)
    }

    // MARK: Stepping

    /// Advances `frameSkip` physics steps (`mj_step`) with the current controls, then computes the contact and
    /// constraint forces per body (`mj_rnePostConstraint`, for ``bodyExternalForce(_:)``), as Gymnasium's
    /// `do_simulation` does.
    /// - Throws: ``MuJoCoError/simulationFailed(call:message:)`` when MuJoCo stops with an error.
    public func step(frameSkip: Int = 1) throws {
        var buffer = (0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64)
        let failed = withUnsafeMutableBytes(of: &buffer) { raw in
            foresight_mj_step(model, data, Int32(clamping: frameSkip), 1, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
        }
        if failed != 0 { throw MuJoCoError.simulationFailed(call: "mj_step", message: lastMessage(buffer)) }
    }

    /// Recomputes positions, velocities-derived and force quantities from the current state without advancing
    /// time (`mj_forward`).
    public func forward() throws {
        var buffer = [CChar](repeating: 0, count: 512)
        if foresight_mj_forward(model, data, &buffer, Int32(buffer.count)) != 0 {
            throw MuJoCoError.simulationFailed(call: "mj_forward", message: Self.string(buffer))
        }
    }

    /// Puts the state back to the model's defaults (`mj_resetData`: `qpos0`, zero velocities, controls and
    /// time), reusing the same memory.
    public func reset() throws {
        var buffer = [CChar](repeating: 0, count: 512)
        if foresight_mj_resetData(model, data, &buffer, Int32(buffer.count)) != 0 {
            throw MuJoCoError.simulationFailed(call: "mj_resetData", message: Self.string(buffer))
        }
    }

    /// The first 63 bytes of MuJoCo's message (a fixed-size buffer keeps `step` free of allocations).
    private func lastMessage(_ buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) -> String {
        var copy = buffer
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// How many times MuJoCo raised each warning since the last reset (`mjData.warning`), for the warnings that
    /// occurred: for example `["BADQACC": 1]` when accelerations were not finite and MuJoCo reset the state.
    public var warnings: [String: Int] {
        let names = ["INERTIA", "CONTACTFULL", "CNSTRFULL", "VGEOMFULL", "BADQPOS", "BADQVEL", "BADQACC", "BADCTRL"]
        var counts: [String: Int] = [:]
        withUnsafeBytes(of: data.pointee.warning) { raw in
            let stats = raw.bindMemory(to: mjWarningStat.self)
            for (i, name) in names.enumerated() where i < stats.count && stats[i].number > 0 {
                counts[name] = Int(stats[i].number)
            }
        }
        return counts
    }

    // MARK: Names and positions

    /// The index of the body called `name`.
    /// - Throws: ``MuJoCoError/unknownName(kind:name:model:)``.
    public func bodyID(_ name: String) throws -> Int { try id(of: mjOBJ_BODY, kind: "body", name) }

    /// The index of the site called `name`.
    public func siteID(_ name: String) throws -> Int { try id(of: mjOBJ_SITE, kind: "site", name) }

    /// The `(address, length)` of the sensor called `name` in ``sensorData``.
    public func sensorRange(_ name: String) throws -> Range<Int> {
        let i = try id(of: mjOBJ_SENSOR, kind: "sensor", name)
        let start = Int(model.pointee.sensor_adr[i])
        return start..<(start + Int(model.pointee.sensor_dim[i]))
    }

    private func id(of type: mjtObj, kind: String, _ name: String) throws -> Int {
        let i = Int(mj_name2id(model, Int32(type.rawValue), name))
        guard i >= 0 else { throw MuJoCoError.unknownName(kind: kind, name: name, model: path) }
        return i
    }

    /// The world position of body `id` (`xpos`, its frame's origin, which is what Gymnasium's `get_body_com` reads).
    /// - Precondition: `0 <= id < nbody` (ids come from ``bodyID(_:)``).
    public func bodyPosition(_ id: Int) -> (x: Double, y: Double, z: Double) {
        precondition(id >= 0 && id < nbody, "body id \(id) outside 0..<\(nbody)")
        let p = data.pointee.xpos + 3 * id
        return (p[0], p[1], p[2])
    }

    /// The world position of site `id` (`site_xpos`).
    /// - Precondition: `0 <= id < nsite`.
    public func sitePosition(_ id: Int) -> (x: Double, y: Double, z: Double) {
        precondition(id >= 0 && id < nsite, "site id \(id) outside 0..<\(nsite)")
        let p = data.pointee.site_xpos + 3 * id
        return (p[0], p[1], p[2])
    }

    /// The external (contact) wrench on body `id` (`cfrc_ext`: torque x y z, then force x y z).
    public func bodyExternalForce(_ id: Int) -> [Double] {
        precondition(id >= 0 && id < nbody, "body id \(id) outside 0..<\(nbody)")
        return Array(UnsafeBufferPointer(start: data.pointee.cfrc_ext + 6 * id, count: 6))
    }

    /// The address of the `mjData` buffers, to check that resets reuse them.
    public var dataIdentity: UInt { UInt(bitPattern: data) }
    /// The current use of MuJoCo's per-step stack, in `mjtNum`s (zero between calls when nothing leaked).
    public var stackInUse: Int { Int(data.pointee.pstack) }
}
