// Foresight — MuJoCoTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import MuJoCo
import Testing

/// A small model written for these tests: a slider with a motor, and a free-falling ball with a frame sensor.
let slider = """
    <mujoco model="slider">
      <option timestep="0.01" gravity="0 0 -10"/>
      <size nstack="1000000"/>
      <worldbody>
        <body name="cart" pos="0 0 0">
          <joint name="slide" type="slide" axis="1 0 0"/>
          <geom type="box" size="0.1 0.1 0.1" mass="2"/>
          <site name="tip" pos="0.1 0 0"/>
        </body>
        <body name="ball" pos="0 0 1">
          <freejoint/>
          <geom type="sphere" size="0.05" mass="1"/>
        </body>
      </worldbody>
      <actuator>
        <motor joint="slide" gear="1" ctrlrange="-2 2" ctrllimited="true"/>
      </actuator>
      <sensor>
        <framepos name="ball_position" objtype="body" objname="ball"/>
        <jointvel name="slide_velocity" joint="slide"/>
      </sensor>
    </mujoco>
    """

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryModel(_ text: String, name: String = "model") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("foresight-mujoco-\(name)-\(UUID().uuidString).xml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

@Suite struct MuJoCoSimulationTests {
    @Test func linksDebianMuJoCo() {
        #expect(MuJoCoSimulation.libraryVersion.hasPrefix("2."))
    }

    @Test func missingFileNamesThePath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-model-\(UUID().uuidString).xml").path
        #expect(throws: MuJoCoError.missingModelFile(path: path)) { try MuJoCoSimulation(modelPath: path) }
        let error = MuJoCoError.missingModelFile(path: path)
        #expect(error.description.contains(path))
    }

    @Test func invalidModelCarriesMuJoCosMessage() throws {
        let path = try temporaryModel("<mujoco><worldbody><body><geom type=\"sphere\" size=\"-1 x\"/></body></worldbody></mujoco>", name: "bad")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try MuJoCoSimulation(modelPath: path)
            Issue.record("an invalid model loaded")
        } catch let MuJoCoError.invalidModel(errorPath, message) {
            #expect(errorPath == path)
            #expect(!message.isEmpty && message != "unknown error", "MuJoCo's message: \(message)")
        }
        let notXML = try temporaryModel("this is not XML", name: "notxml")
        defer { try? FileManager.default.removeItem(atPath: notXML) }
        #expect(throws: MuJoCoError.self) { try MuJoCoSimulation(modelPath: notXML) }
    }

    @Test func sizesNamesAndControlRanges() throws {
        let path = try temporaryModel(slider)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sim = try MuJoCoSimulation(modelPath: path)
        #expect(sim.nq == 1 + 7 && sim.nv == 1 + 6 && sim.nu == 1)
        #expect(sim.nbody == 3 && sim.nsite == 1 && sim.nsensordata == 4)
        #expect(sim.timestep == 0.01)
        #expect(try sim.bodyID("ball") == 2)
        #expect(try sim.sensorRange("slide_velocity") == 3..<4)
        #expect(throws: MuJoCoError.unknownName(kind: "body", name: "wheel", model: path)) { try sim.bodyID("wheel") }
        let ranges = sim.controlRanges
        #expect(ranges.count == 1 && ranges[0].low == -2 && ranges[0].high == 2 && ranges[0].limited)
        #expect(throws: MuJoCoError.wrongLength(what: "qpos", expected: 8, got: 3)) { try sim.setState(qpos: [0, 0, 0], qvel: [0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: MuJoCoError.wrongLength(what: "ctrl", expected: 1, got: 2)) { try sim.setControl([1, 1]) }
    }

    /// Free fall and a constant force, against their closed forms (semi-implicit Euler: MuJoCo's default
    /// integrator updates the velocity first, then the position with the new velocity).
    @Test func stepsWithFrameSkipAgainstClosedForm() throws {
        let path = try temporaryModel(slider)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sim = try MuJoCoSimulation(modelPath: path)
        try sim.reset()
        try sim.setControl([1])  // force 1 N on a 2 kg cart: 0.5 m/s²
        let steps = 20, h = 0.01
        try sim.step(frameSkip: 5)
        try sim.step(frameSkip: 15)
        #expect(abs(sim.time - Double(steps) * h) < 1e-12)
        // v_n = n a h, x_n = a h² n(n+1)/2.
        let n = Double(steps)
        #expect(abs(sim.qvel[0] - n * 0.5 * h) < 1e-12)
        #expect(abs(sim.qpos[0] - 0.5 * h * h * n * (n + 1) / 2) < 1e-12)
        #expect(abs(sim.qpos[3] - (1 - 10 * h * h * n * (n + 1) / 2)) < 1e-12)
        // Sensors: the ball's framepos is its position after the last position stage; slide_velocity is qvel[0]
        // of that stage too (one substep behind the integrated state).
        let sensors = sim.sensorData
        #expect(abs(sensors[2] - (1 - 10 * h * h * (n - 1) * n / 2)) < 1e-12)
        #expect(abs(sensors[3] - (n - 1) * 0.5 * h) < 1e-12)
        // Body positions after mj_forward are those of the current state.
        try sim.forward()
        #expect(abs(sim.bodyPosition(try sim.bodyID("ball")).z - sim.qpos[3]) < 1e-15)
        #expect(abs(sim.sitePosition(try sim.siteID("tip")).x - (sim.qpos[0] + 0.1)) < 1e-15)
    }

    @Test func controlsAreClampedToTheirRange() throws {
        let path = try temporaryModel(slider)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sim = try MuJoCoSimulation(modelPath: path)
        try sim.setControl([100])
        try sim.step(frameSkip: 1)
        #expect(abs(sim.qvel[0] - 2.0 / 2 * 0.01) < 1e-12)  // clamped to 2 N
    }

    @Test func setStateAndResetReuseTheSameMemory() throws {
        let path = try temporaryModel(slider)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sim = try MuJoCoSimulation(modelPath: path)
        let identity = sim.dataIdentity
        let qpos0 = sim.initialQpos
        #expect(qpos0 == [0, 0, 0, 1, 1, 0, 0, 0])
        for episode in 0..<200 {
            try sim.reset()
            #expect(sim.qpos == qpos0 && sim.qvel.allSatisfy { $0 == 0 } && sim.time == 0)
            try sim.setState(qpos: [0.1 * Double(episode % 3)] + Array(qpos0.dropFirst()), qvel: [0.5, 0, 0, 0, 0, 0, 0])
            try sim.setControl([-1])
            try sim.step(frameSkip: 10)
            #expect(sim.stackInUse == 0)
        }
        #expect(sim.dataIdentity == identity)
    }

    /// Models with an 8 MB stack each, of which MuJoCo touches about 3 MB when making the data: leaking them
    /// would show as more than a gigabyte of resident memory.
    @Test func releasingFreesTheModelAndData() throws {
        let path = try temporaryModel(slider)
        defer { try? FileManager.default.removeItem(atPath: path) }
        func residentBytes() throws -> Int {
            let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
            return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        for _ in 0..<5 { _ = try MuJoCoSimulation(modelPath: path) }
        let before = try residentBytes()
        for _ in 0..<400 {
            let sim = try MuJoCoSimulation(modelPath: path)
            try sim.step(frameSkip: 2)
        }
        let grown = try residentBytes() - before
        // 400 leaked simulations would hold about 1.2 GB; the bound leaves half of that to tests running at the same time.
        #expect(grown < 600_000_000, "resident memory grew by \(grown) bytes")
    }

    /// A non-finite state is a MuJoCo warning: counted, and the state put back to the model's defaults.
    @Test func badStatesAreCountedWarnings() throws {
        let path = try temporaryModel(slider)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sim = try MuJoCoSimulation(modelPath: path)
        #expect(sim.warnings.isEmpty)
        try sim.setState(qpos: [Double.nan] + Array(sim.initialQpos.dropFirst()), qvel: [0, 0, 0, 0, 0, 0, 0])
        try sim.step(frameSkip: 1)
        #expect((sim.warnings["BADQPOS"] ?? 0) >= 1, "\(sim.warnings)")
        #expect(sim.qpos.allSatisfy { $0.isFinite })
        try sim.reset()
        #expect(sim.warnings.isEmpty)
    }

    /// A MuJoCo error (here, the stack running out) is thrown as an error, not the process ending.
    @Test func mujocoErrorsBecomeThrownErrors() throws {
        let tiny = slider.replacingOccurrences(of: "<size nstack=\"1000000\"/>", with: "<size nstack=\"50\"/>")
        let path = try temporaryModel(tiny, name: "tinystack")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let sim = try MuJoCoSimulation(modelPath: path)
            try sim.step(frameSkip: 1)
            Issue.record("a 50-number stack was enough")
        } catch let error as MuJoCoError {
            switch error {
            case .simulationFailed(_, let message), .invalidModel(_, let message):
                #expect(message.lowercased().contains("stack") || message.lowercased().contains("memory"), "\(error)")
            default:
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
