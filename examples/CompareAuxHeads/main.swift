// Foresight — examples/CompareAuxHeads
// Copyright (c) 2026 the Foresight developers. MIT License.
//
// Which auxiliary heads make a JEPA encoder keep the object count and drop shape, colour and position?
// A thin wrapper over the Study library (the same run as `foresight study counting`):
//
//     swift run -c release CompareAuxHeads [--quick] [--seeds N] [--run-dir DIR] [--configs a,b,...] [--closed-loop]

import Foundation
import ForesightKit

let arguments = Array(CommandLine.arguments.dropFirst())
func value(of flag: String, in arguments: [String]) -> String? {
    guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

do {
    var settings = arguments.contains("--quick") ? StudySettings.quick : StudySettings.standard
    settings.closedLoop = arguments.contains("--closed-loop")
    let seeds = Int(value(of: "--seeds", in: arguments) ?? "1") ?? 1
    let runDirectory = URL(fileURLWithPath: value(of: "--run-dir", in: arguments) ?? "runs/compare-aux-heads")
    let arms = try value(of: "--configs", in: arguments).map { try $0.split(separator: ",").map { try StudyArm(parsing: String($0)) } }
        ?? [.untrained] + StudyArm.trained

    let study = try CountingStudy(settings: settings)
    let result = try study.run(arms: arms, seeds: Array(0..<max(seeds, 1))) { event in
        if case let .finished(r) = event {
            print(String(format: "%-16@ seed %d  count acc %.3f  clusters %2d  mean dist %.2e  shape probe %.3f  success %.2f  (%.0f s)",
                         r.config, r.seed, r.countAccuracy, r.clusters, r.meanPairwiseDistance, r.shapeProbeAccuracy, r.successRate, r.totalSeconds))
        }
    }
    try StudyReport.write(result, to: runDirectory)
    print("\n" + StudyReport.markdownTable(result.records, pixelReference: result.pixelReference))
    print("outputs in \(runDirectory.path)")
} catch {
    print("CompareAuxHeads: \(error)")
    exit(1)
}
