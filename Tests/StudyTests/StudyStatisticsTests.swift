// Foresight — StudyTests
// Copyright (c) 2026 the Foresight developers. MIT License.

import Foundation
import Testing
import TDMPC2
@testable import Study

/// Bootstrap intervals, paired differences, settings overrides and parallel runs.
@Suite struct StudyStatisticsTests {
    static func record(_ config: String, seed: Int, accuracy: Double, success: Double = 1) -> StudyRecord {
        var r = StudyRunTests.record(seed: seed, accuracy: accuracy)
        r.config = config
        r.successRate = success
        return r
    }

    @Test func bootstrapIntervalOfConstantAndTwoPointData() throws {
        let constant = try #require(StudyStatistics.interval([0.7, 0.7, 0.7]))
        #expect(abs(constant.mean - 0.7) < 1e-12 && abs(constant.low - 0.7) < 1e-12 && abs(constant.high - 0.7) < 1e-12 && constant.count == 3)
        // Two values: resampled means are 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4; the 2.5 % and 97.5 %
        // percentiles of 10,000 draws are the extremes.
        let two = try #require(StudyStatistics.interval([0, 1]))
        #expect(two.mean == 0.5 && two.low == 0 && two.high == 1)
        #expect(StudyStatistics.interval([]) == nil && StudyStatistics.interval([.nan]) == nil)
        #expect(StudyStatistics.interval([2, .infinity])?.mean == 2)
        let single = try #require(StudyStatistics.interval([0.3]))
        #expect(single.low == 0.3 && single.high == 0.3 && single.count == 1)
    }

    @Test func bootstrapIntervalIsSeededAndCoversTheMean() throws {
        let values = [0.91, 0.95, 0.97, 0.99, 0.93]
        let a = try #require(StudyStatistics.interval(values)), b = try #require(StudyStatistics.interval(values))
        #expect(a == b)
        #expect(a.low < a.mean && a.mean < a.high && a.low >= 0.91 && a.high <= 0.99)
        let other = try #require(StudyStatistics.interval(values, seed: 7))
        #expect(abs(other.low - a.low) < 0.01 && abs(other.high - a.high) < 0.01)
        // A wider confidence gives a wider interval.
        let wide = try #require(StudyStatistics.interval(values, confidence: 0.99))
        #expect(wide.low <= a.low && wide.high >= a.high)
        #expect(Interval(mean: 1, low: 0.5, high: 2, count: 3).sign == 1 && Interval(mean: -1, low: -2, high: -0.1, count: 3).sign == -1)
        #expect(Interval(mean: 0.1, low: -0.2, high: 0.4, count: 3).sign == 0)
    }

    @Test func pairedDifferencesMatchSeedsAndAreMarkedWhenTheyExcludeZero() {
        let records = (0..<4).flatMap { seed in
            [Self.record("reward", seed: seed, accuracy: 0.9 + 0.01 * Double(seed), success: 0.5),
             Self.record("q", seed: seed, accuracy: 0.5 + 0.02 * Double(seed), success: 0.5)]
        } + [Self.record("q", seed: 9, accuracy: 0.1)]   // no partner: left out
        let d = StudyStatistics.pairedDifferences(records, arm: "reward", baseline: "q", metric: { $0.countAccuracy })
        #expect(d.map(\.seed) == [0, 1, 2, 3])
        for (k, x) in d.enumerated() { #expect(abs(x.difference - (0.4 - 0.01 * Double(k))) < 1e-12) }
        let text = StudyStatistics.markdown(records)
        #expect(text.contains("| reward − q | 4 |"))
        let row = text.split(separator: "\n").first { $0.hasPrefix("| reward − q") }.map(String.init) ?? ""
        // Count accuracy: every seed favours reward (marked); success: equal on every seed (0, not marked).
        #expect(row.contains("0.385 [") && row.contains("] *"), "\(row)")
        #expect(row.contains("| 0 [0, 0] |") && !row.contains("| 0 [0, 0] * |"), "\(row)")
        #expect(!text.contains("reward+q − q"))   // arms that did not run have no row
    }

    @Test func intervalFigureHasARowPerArmAndAPanelPerMetric() {
        let records = [Self.record("reward", seed: 0, accuracy: 0.9), Self.record("reward", seed: 1, accuracy: 0.8),
                       Self.record("q", seed: 0, accuracy: 0.4)]
        let svg = StudyStatistics.figure(records).text
        #expect(svg.contains(">reward<") && svg.contains(">q<") && svg.contains(">count accuracy<") && svg.contains(">success<"))
        #expect(!svg.contains(">hold success<"))   // no record has it
    }

    @Test func settingsAreSetByNameWithClearErrors() throws {
        var s = StudySettings.standard
        try s.set("horizon", to: "3")
        try s.set("pixelArchitecture", to: "resnet")
        try s.set("currentRewardOnRollout", to: "true")
        try s.set("learningRate", to: "0.002")
        try s.set("trainingReward", to: "dense")
        #expect(s.horizon == 3 && s.pixelArchitecture == .resnet && s.currentRewardOnRollout && s.learningRate == 0.002 && s.trainingReward == .dense)
        do {
            try s.set("horizn", to: "3")
            Issue.record("an unknown name was accepted")
        } catch let StudyError.invalidSetting(name, _, expected) {
            #expect(name == "horizn" && expected.contains("horizon"))
        }
        do {
            try s.set("horizon", to: "three")
            Issue.record("a word was accepted for a number")
        } catch let StudyError.invalidSetting(name, value, expected) {
            #expect(name == "horizon" && value == "three" && expected.contains("number"))
        }
        #expect(throws: StudyError.self) { try s.set("pixelArchitecture", to: "vgg") }
        #expect(s.horizon == 3)   // a refused value leaves the settings as they were
        var bad = StudySettings.tiny
        bad.horizon = 5
        #expect(throws: StudyError.self) { try bad.validate() }
    }

    @Test func newArmsDifferOnlyInWhichHeadsReachTheEncoder() throws {
        func configuration(_ arm: StudyArm) -> TDMPC2Configuration {
            StudySettings.tiny.agentConfiguration(arm: arm, actionDimensions: 1, episodeLength: 4, isEpisodic: true)
        }
        let reward = configuration(.reward), none = configuration(.none), q = configuration(.q), rq = configuration(.rewardQ)
        #expect(reward.routing.reward && !reward.routing.value && reward.routing.consistencyStopGradient)
        #expect(!none.routing.reward && !none.routing.value && none.routing.consistency && none.routing.consistencyStopGradient)
        for c in [reward, none, q, rq] {
            #expect(!c.routing.currentReward && !c.routing.randomProjection && !c.routing.termination)
            #expect(c.consistencyCoefficient == StudySettings.tiny.tdmpc2ConsistencyCoefficient)
            #expect(c.rewardCoefficient == StudySettings.tiny.tdmpc2RewardCoefficient && c.valueCoefficient == StudySettings.tiny.tdmpc2ValueCoefficient)
            var routed = c
            routed.routing.reward = false; routed.routing.value = false
            var plain = none
            plain.routing.reward = false; plain.routing.value = false
            #expect(routed == plain)   // nothing else differs
        }
        #expect(try StudyArm(parsing: "none") == .none)
        #expect(try StudyArm(parsing: "reward") == .reward)
        #expect(StudyArm.trained.contains(.reward) && StudyArm.trained.contains(.none))
    }

    @Test func parallelRunsGiveTheRecordsOfSequentialOnes() throws {
        let study = try CountingStudy(settings: .tiny)
        let arms: [StudyArm] = [.transitionOnly, .none, .reward]
        let sequential = try study.run(arms: arms, seeds: [0, 1], jobs: 1)
        let parallel = try CountingStudy(settings: .tiny).run(arms: arms, seeds: [0, 1], jobs: 2)
        func stripped(_ r: StudyRecord) -> StudyRecord {
            var r = r
            (r.trainSeconds, r.totalSeconds) = (0, 0)
            return r
        }
        #expect(sequential.records.map { "\($0.config)#\($0.seed)" } == ["transition-only#0", "none#0", "reward#0", "transition-only#1", "none#1", "reward#1"])
        #expect(parallel.records.map(stripped) == sequential.records.map(stripped))
    }
}
