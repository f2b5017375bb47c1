# Foresight — scripts
# Copyright (c) 2026 the Foresight developers. MIT License.
"""Timing helpers shared by the peer benchmarks.

The 2-core machine can be shared with other work (e.g. a concurrent compiler), which
wrecks multi-threaded timings. So every timed iteration also records how much CPU
*other* processes used during it (from /proc/stat minus this process's own jiffies,
in units of cores). Stats are reported for all iterations and for the 'quiet' ones
(other < QUIET cores), and `wait_quiet` can hold a block until the machine is idle.
"""
import os
import statistics
import time

QUIET = 0.15  # cores used by other processes below which an iteration counts as quiet
HZ = os.sysconf("SC_CLK_TCK")


def _busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal
    return v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)


def _self():
    with open("/proc/self/stat") as f:
        s = f.read()
    v = s[s.rindex(")") + 2:].split()
    return int(v[11]) + int(v[12])  # utime + stime (all threads)


def sample():
    return time.perf_counter(), _busy(), _self()


def other_cores(a, b):
    dt = b[0] - a[0]
    return max(0.0, ((b[1] - a[1]) - (b[2] - a[2])) / HZ / dt) if dt > 0 else 0.0


def wait_quiet(window=3.0, max_wait=180.0, thresh=QUIET):
    """Block until other processes used < thresh cores over `window` s (or max_wait)."""
    t0 = time.perf_counter()
    while True:
        a = sample()
        time.sleep(window)
        oc = other_cores(a, sample())
        if oc < thresh or time.perf_counter() - t0 > max_wait:
            return {"waited_s": round(time.perf_counter() - t0, 1), "other_cores_before": round(oc, 3)}


def stats_ms(ts):
    s = sorted(t * 1e3 for t in ts)
    if not s:
        return None
    return {"n": len(s), "median_ms": statistics.median(s), "mean_ms": statistics.fmean(s), "min_ms": s[0],
            "max_ms": s[-1], "p10_ms": s[len(s) // 10], "p90_ms": s[(9 * len(s)) // 10]}


MAX_WAIT = float(os.environ.get("BENCH_MAX_WAIT", "240"))


def bench(fn, n, warmup, max_factor=3, chunk_s=0.25):
    """Run fn until n *quiet* iterations were collected (or max_factor*n in total).
    Each iteration is timed alone; contention (cores used by other processes, from jiffies,
    10 ms resolution) is measured per chunk of iterations lasting >= chunk_s and applied to
    every iteration of the chunk. After a contended chunk, waits (up to BENCH_MAX_WAIT s)
    for the machine to be idle."""
    info = wait_quiet(max_wait=MAX_WAIT)
    for _ in range(warmup):
        fn()
    ts, oc = [], []
    waited = 0.0
    while len(ts) < max_factor * n and sum(o < QUIET for o in oc) < n:
        if oc and oc[-1] >= QUIET:
            waited += wait_quiet(window=1.0, max_wait=MAX_WAIT)["waited_s"]
            fn()  # re-warm caches after the pause (untimed)
        a = sample()
        chunk = []
        while True:
            t = time.perf_counter()
            fn()
            chunk.append(time.perf_counter() - t)
            if time.perf_counter() - a[0] >= chunk_s or len(ts) + len(chunk) >= max_factor * n:
                break
        o = other_cores(a, sample())
        ts += chunk
        oc += [o] * len(chunk)
    r = stats_ms(ts)
    r["other_cores_mean"] = statistics.fmean(oc)
    r["quiet"] = stats_ms([t for t, o in zip(ts, oc) if o < QUIET])
    r["waited_total_s"] = round(info.get("waited_s", 0) + waited, 1)
    return r


def fmt(r):
    q = r.get("quiet") or {}
    return (f"median {r['median_ms']:.2f} ms [min {r['min_ms']:.2f}, max {r['max_ms']:.2f}] n={r['n']} "
            f"other={r['other_cores_mean']:.2f} cores; quiet n={q.get('n', 0)} median {q.get('median_ms', float('nan')):.2f}")
