// Foresight — command-line interface
// Copyright (c) 2026 the Foresight developers. MIT License.

import ArgumentParser
import ForesightKit

@main
struct Foresight: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "foresight",
        abstract: "Model-based reinforcement learning on the CPU: environments, TD-MPC2 agents, studies, benchmarks.",
        discussion: "Exit codes: 0 done; 1 the command could not do its work (the message names the file, field or value); 64 a wrong command line (the message is followed by the usage).",
        version: ForesightVersion.current,
        subcommands: [
            // One file per subcommand; add new ones here.
            Train.self,
            Evaluate.self,
            Bench.self,
            Envs.self,
            RolloutCommand.self,
            StudyCommand.self,
            SweepCommand.self,
        ]
    )
}
