// Foresight — TensorCore
// Copyright (c) 2026 the Foresight developers. MIT License.

import Dispatch
import Foundation
import Synchronization

// MARK: - Spinning worker pool

/// Persistent worker threads for ``Parallel``'s splits. A hand-off through Dispatch wakes a parked
/// thread (tens of microseconds in a virtual machine, about a tenth of a 1 ms GEMM); these workers
/// instead spin for a short while after each job, as OpenBLAS's own threads do, so that the many
/// back-to-back splits of an update or a plan start at once. Idle workers park on a condition.
///
/// Parts are claimed dynamically (a ticket holds the job's generation and the next part), so a
/// worker that starts late, on a loaded machine, costs nothing: the caller runs the unclaimed parts
/// itself. Each part computes the same thing whichever thread runs it.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle worker spins before it parks.
    static let spinNanoseconds: UInt64 = 1_000_000

    private let submitLock = NSLock()
    /// Guards `job`, `jobParts`, taking a hold on the job, and parking.
    private let condition = NSCondition()
    private let generation = Atomic<Int>(0)
    /// `generation << 32 | next part`.
    private let ticket = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private var job: ((Int) -> Void)?
    private var jobParts = 0
    /// Workers holding a reference to `job`: taken under the lock (only while `job` is set), dropped
    /// without it, so that the caller can wait for zero by spinning instead of taking the lock over and
    /// over (which made every finishing worker sleep on the lock, a futex round trip per region).
    private let holders = Atomic<Int>(0)
    private var workerCount = 0

    /// Runs `body(part)` for `part` in `0..<parts` on the caller and up to `parts - 1` workers, or
    /// returns false without running anything when another thread is submitting (the caller then
    /// falls back).
    func run(_ parts: Int, _ body: (Int) -> Void) -> Bool {
        guard submitLock.try() else { return false }
        defer { submitLock.unlock() }
        while workerCount < parts - 1 { workerCount += 1; startWorker() }
        withoutActuallyEscaping(body) { body in
            condition.lock()
            let g = generation.load(ordering: .relaxed) + 1
            job = body
            jobParts = parts
            finished.store(0, ordering: .relaxed)
            ticket.store(g << 32, ordering: .releasing)
            generation.store(g, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
            Parallel.$isInsideRegion.withValue(true) { Self.claim(body, generation: g, parts: parts, ticket: ticket, finished: finished) }
            while finished.load(ordering: .acquiring) < parts {}
            // No worker may keep the closure past this call: wait for the holds to drop, then clear the
            // job under the lock (a worker takes a hold only under it, and only while the job is set).
            while true {
                while holders.load(ordering: .acquiring) != 0 {}
                condition.lock()
                if holders.load(ordering: .acquiring) == 0 { job = nil; condition.unlock(); break }
                condition.unlock()
            }
        }
        return true
    }

    /// Runs unclaimed parts of job `generation` until none is left.
    private static func claim(_ job: (Int) -> Void, generation: Int, parts: Int, ticket: borrowing Atomic<Int>, finished: borrowing Atomic<Int>) {
        var current = ticket.load(ordering: .acquiring)
        while current >> 32 == generation, current & 0xFFFF_FFFF < parts {
            let (exchanged, original) = ticket.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                job(current & 0xFFFF_FFFF)
                finished.add(1, ordering: .releasing)
                current = ticket.load(ordering: .acquiring)
            } else {
                current = original
            }
        }
    }

    private func startWorker() {
        let pool = self
        let thread = Thread { Parallel.$isInsideRegion.withValue(true) { pool.workerLoop() } }
        thread.name = "foresight-worker"
        thread.start()
    }

    private func workerLoop() {
        var seen = 0
        while true {
            // Spin for a new job, then park.
            var spins = 0
            var deadline: UInt64 = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins & 255 == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if deadline == 0 {
                        deadline = now + Self.spinNanoseconds
                    } else if now > deadline {
                        condition.lock()
                        while generation.load(ordering: .acquiring) == seen { condition.wait() }
                        condition.unlock()
                    }
                }
            }
            let (g, held) = serve()
            if held { release() }
            seen = g
        }
    }

    /// Takes the current job (if any) and claims its parts; returns the job's generation and
    /// whether it counted itself among the holders. The reference to the job ends with this call,
    /// so the caller drops the hold afterwards.
    @inline(never)
    private func serve() -> (generation: Int, held: Bool) {
        condition.lock()
        let g = generation.load(ordering: .acquiring)
        guard let job else { condition.unlock(); return (g, false) }
        let parts = jobParts
        holders.add(1, ordering: .acquiringAndReleasing)
        condition.unlock()
        Self.claim(job, generation: g, parts: parts, ticket: ticket, finished: finished)
        return (g, true)
    }

    @inline(never)
    private func release() {
        holders.subtract(1, ordering: .releasing)
    }
}
