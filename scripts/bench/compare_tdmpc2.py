#!/usr/bin/env python3
# Foresight — scripts
# Copyright (c) 2026 the Foresight developers. MIT License.
"""Foresight's TD-MPC2 benchmark against the PyTorch reference, alternating, in one run.

For every model size and thread count, runs `foresight bench tdmpc2 --json` and the reference's
`torch_tdmpc2_bench.py` one after the other (the order flips every round), then prints a table of
median milliseconds per update and per planned action with the ratio Foresight / reference and the
issue's targets (1 thread <= 0.5, 2 threads <= 0.55).

The reference benchmark is the project's own `scripts/bench/torch_tdmpc2_bench.py` (another copy can be given with
--reference-bench DIR or FORESIGHT_REFERENCE_BENCH). Its Python needs torch and numpy (--python, or
FORESIGHT_BENCH_PYTHON; default the repository's .venv/bin/python (scripts/setup-python.sh) when it exists, else python3).

On a machine shared with other CPU-bound jobs, `--realtime` runs both sides under `chrt -f 10`
(SCHED_FIFO; needs root or CAP_SYS_NICE): the benchmarks then preempt the other jobs instead of
sharing cores with them (the kernel still keeps 5% for everyone else). Caches and memory bandwidth
stay shared, so quiet-machine figures remain the best ones.

Foresight's GFLOP per call are the FLOPs it actually executed (every GEMM/GEMV's multiply-adds, counted as they
run, x2); "update / sgemm" and "act / sgemm" compare that rate with the 512^3 sgemm rate measured in the same run (the
median of three measurements of 20 calls each: before, between and after Foresight's figures). That sgemm is
Foresight's own GEMM at the same thread count (on AVX-512 machines its 16-lane kernel, faster than OpenBLAS's).
"update / OpenBLAS" and "act / OpenBLAS" compare the same rates with OpenBLAS's own 512^3 sgemm at the same thread
count (its own threading), measured at the end of each Foresight run; the last column gives OpenBLAS's one-thread rate.

Allocator: the reference runs with the glibc malloc settings Foresight applies to itself (MemoryTuning.retainFreedMemory:
mmap threshold 32 MiB, trim threshold 1 GiB, top pad 64 MiB), given to its process through GLIBC_TUNABLES, so that the
ratio measures compute rather than page faults; `--allocator shipped` runs it with glibc's defaults.

Pixels (`--pixels`): the same comparison for a TD-MPC2 update and plan from 64x64 RGB observations, at the shapes of
`--shapes` (tdmpc2: TD-MPC2's 4-layer encoder, 32 channels, batch 256, horizon 3; study-joint and study-reward-q: the
counting study's defaults; counting-hold: examples/configs/counting-hold-pixels.json). Foresight runs
`foresight bench pixels --shape S --json`, the reference this directory's `torch_pixel_tdmpc2.py` (PyTorch's own CPU
convolutions). A second table gives the convolutions alone (forward and backward on one batch, their analytic FLOPs)
against each side's own 512^3 GEMM rate at the same thread count. `--baseline BINARY` times a second Foresight binary
in the same alternating rounds (before and after a change, in one run).

Example: scripts/bench/compare_tdmpc2.py --sizes 1,5 --threads 1,2
         scripts/bench/compare_tdmpc2.py --pixels --threads 1,2 --rounds 3
Uses only the Python standard library itself; builds Foresight in release mode when the binary is missing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = {1: 0.5, 2: 0.55}
# Foresight's malloc settings (Sources/TensorCore/MemoryTuning.swift) as glibc tunables.
TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864"
PIXEL_SHAPES = "tdmpc2,study-joint,study-reward-q,counting-hold"


def reference_env(args):
    env = dict(os.environ, BENCH_MAX_WAIT=str(args.wait_quiet))
    env.pop("GLIBC_TUNABLES", None)
    if args.allocator == "matched":
        env["GLIBC_TUNABLES"] = TUNABLES
    return env


def default_python():
    env = os.environ.get("FORESIGHT_BENCH_PYTHON")
    if env:
        return env
    venv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".venv", "bin", "python")
    return venv if os.path.exists(venv) else "python3"


def parse_list(text):
    return [int(x) for x in text.split(",") if x.strip()]


def priority_prefix(args):
    return ["chrt", "-f", "10"] if args.realtime else []


def run_foresight(binary, size, threads, args):
    cmd = priority_prefix(args) + [binary, "bench", "tdmpc2", "--model-size", str(size), "--threads", str(threads), "--json",
           "--update-iterations", str(args.update_iters), "--act-iterations", str(args.act_iters),
           "--warmup", str(args.warmup), "--wait-quiet", str(args.wait_quiet)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    r = json.loads(line)
    return {"update_ms": r["update_ms"], "act_ms": r["act_ms"], "act_explore_ms": r["act_explore_ms"],
            "act_eval_ms": r["act_eval_ms"], "update_gflops": r["update_gflops"], "act_gflops": r["act_gflops"],
            "sgemm_gflops": r["sgemm_gflops"], "openblas_sgemm_1t_gflops": r.get("openblas_sgemm_1t_gflops", float("nan")),
            "openblas_sgemm_gflops": r.get("openblas_sgemm_gflops", float("nan")),
            "update_gflop": r["update_gflop"], "act_gflop": r["act_gflop"],
            "reference_update_gflop": r["reference_update_gflop"], "reference_act_gflop": r["reference_act_gflop"],
            "other_cores": max(r["other_cores_update"], r["other_cores_act"])}


def run_reference(python, script, size, threads, args):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    try:
        cmd = priority_prefix(args) + [python, script, "--model-size", str(size), "--threads", str(threads), "--out", path,
               "--update-iters", str(args.update_iters), "--act-iters", str(args.act_iters), "--warmup", str(args.warmup)]
        subprocess.run(cmd, check=True, capture_output=True, text=True, env=reference_env(args))
        with open(path) as f:
            r = json.load(f)
    finally:
        os.unlink(path)
    explore, evaluate = r["act_train"]["median_ms"], r["act_eval"]["median_ms"]
    return {"update_ms": r["update"]["median_ms"], "act_ms": (explore + evaluate) / 2, "act_explore_ms": explore,
            "act_eval_ms": evaluate, "update_gflop": r["flops_estimate"]["update_flop"] / 1e9,
            "act_gflop": r["flops_estimate"]["act_flop"] / 1e9,
            "other_cores": max(r["update"]["other_cores_mean"], r["act_train"]["other_cores_mean"], r["act_eval"]["other_cores_mean"])}


def run_foresight_pixels(binary, shape, threads, args):
    cmd = priority_prefix(args) + [binary, "bench", "pixels", "--shape", shape, "--threads", str(threads), "--json",
           "--update-iterations", str(args.update_iters), "--act-iterations", str(args.act_iters),
           "--conv-iterations", str(args.update_iters), "--warmup", str(args.warmup), "--wait-quiet", str(args.wait_quiet),
           "--config", os.path.join(ROOT, "examples", "configs", "counting-hold-pixels.json")]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    r = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    r["gemm_gflops"] = r["sgemm_gflops"]
    return r


def run_reference_pixels(python, shape, threads, args):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_pixel_tdmpc2.py")
    cmd = priority_prefix(args) + [python, script, "--shape", shape, "--threads", str(threads), "--allocator", args.allocator,
           "--update-iters", str(args.update_iters), "--act-iters", str(args.act_iters), "--conv-iters", str(args.update_iters),
           "--warmup", str(args.warmup)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=reference_env(args)).stdout
    r = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    r["gemm_gflops"] = r["mm_gflops"]
    return r


def main_pixels(args):
    sides = [("foresight", lambda s, t: run_foresight_pixels(args.foresight, s, t, args)),
             ("reference", lambda s, t: run_reference_pixels(args.python, s, t, args))]
    if args.baseline:
        sides.append(("baseline", lambda s, t: run_foresight_pixels(args.baseline, s, t, args)))
    results = []
    for shape in [x.strip() for x in args.shapes.split(",") if x.strip()]:
        for threads in parse_list(args.threads):
            rows = {name: [] for name, _ in sides}
            for r in range(args.rounds):
                order = sides if (r + len(results)) % 2 == 0 else list(reversed(sides))
                for name, run in order:
                    t0 = time.time()
                    rows[name].append(run(shape, threads))
                    print(f"  {shape} {threads} thread(s) {name}: {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
            results.append({"shape": shape, "threads": threads, "rows": rows})
    med = lambda rows, k: statistics.median(x[k] for x in rows)
    print()
    if args.realtime:
        print("(every side ran under chrt -f 10)")
    print(f"reference allocator: {args.allocator}" + (f" (GLIBC_TUNABLES={TUNABLES})" if args.allocator == "matched" else ""))
    base = " | baseline ms | Foresight / baseline" if args.baseline else ""
    print(f"| shape | threads | call | Foresight ms | reference ms | ratio | target | met{base} |")
    print("|---|---|---|---|---|---|---|---|" + ("---|---|" if args.baseline else ""))
    for r in results:
        target = TARGETS.get(r["threads"])
        for call in ("update", "act"):
            f, t = med(r["rows"]["foresight"], call + "_ms"), med(r["rows"]["reference"], call + "_ms")
            met = "" if target is None else ("yes" if f / t <= target else "NO")
            extra = ""
            if args.baseline:
                b = med(r["rows"]["baseline"], call + "_ms")
                extra = f" | {b:.1f} | {f / b:.3f}"
            print(f"| {r['shape']} | {r['threads']} | {call} | {f:.1f} | {t:.1f} | {f / t:.3f} | "
                  f"{'' if target is None else f'<= {target}'} | {met}{extra} |")
    print()
    print("Process CPU time per call (medians; on one thread less disturbed by other processes than wall time):")
    print("| shape | threads | Foresight update CPU ms | reference update CPU ms | ratio | Foresight conv CPU ms | reference conv CPU ms | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        f, t = r["rows"]["foresight"], r["rows"]["reference"]
        fu, tu, fc, tc = med(f, "update_cpu_ms"), med(t, "update_cpu_ms"), med(f, "conv_cpu_ms"), med(t, "conv_cpu_ms")
        print(f"| {r['shape']} | {r['threads']} | {fu:.1f} | {tu:.1f} | {fu / tu:.3f} | {fc:.1f} | {tc:.1f} | {fc / tc:.3f} |")
    print()
    print("| shape | threads | conv GFLOP | Foresight conv ms | GFLOP/s | of its GEMM | reference conv ms | GFLOP/s | of its GEMM "
          "| GEMM GFLOP/s (F / ref) | other cores (F / ref) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        f, t = r["rows"]["foresight"], r["rows"]["reference"]
        fr, tr = med(f, "conv_gflops"), med(t, "conv_gflops")
        fg, tg = med(f, "gemm_gflops"), med(t, "gemm_gflops")
        print(f"| {r['shape']} | {r['threads']} | {f[0]['conv_gflop']:.2f} | {med(f, 'conv_ms'):.1f} | {fr:.1f} | {fr / fg:.0%} | "
              f"{med(t, 'conv_ms'):.1f} | {tr:.1f} | {tr / tg:.0%} | {fg:.1f} / {tg:.1f} | "
              f"{max(x['other_cores'] for x in f):.2f} / {max(x['other_cores'] for x in t):.2f} |")
    if args.json_out:
        with open(args.json_out, "w") as fh:
            json.dump(results, fh, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference-bench", default=os.environ.get("FORESIGHT_REFERENCE_BENCH", HERE),
                    help="directory holding torch_tdmpc2_bench.py (default: this script's directory, scripts/bench)")
    ap.add_argument("--python", default=default_python(), help="Python with torch for the reference")
    ap.add_argument("--foresight", default=os.path.join(ROOT, ".build", "release", "foresight"), help="release foresight binary")
    ap.add_argument("--sizes", default="1,5", help="model sizes, comma separated")
    ap.add_argument("--threads", default="1,2", help="thread counts, comma separated")
    ap.add_argument("--rounds", type=int, default=1, help="alternating rounds per configuration (medians over rounds)")
    ap.add_argument("--update-iters", type=int, default=20)
    ap.add_argument("--act-iters", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--wait-quiet", type=float, default=120, help="seconds each side may wait for a quiet machine before a figure")
    ap.add_argument("--realtime", action="store_true", help="run both sides under chrt -f 10 (a shared machine)")
    ap.add_argument("--json-out", default=None, help="also write all measurements to this file")
    ap.add_argument("--allocator", choices=["matched", "shipped"], default="matched",
                    help="the reference's malloc settings: Foresight's (GLIBC_TUNABLES, default) or glibc's defaults")
    ap.add_argument("--pixels", action="store_true", help="compare the update and plan from pixels (see --shapes)")
    ap.add_argument("--shapes", default=PIXEL_SHAPES, help="with --pixels: the shapes, comma separated")
    ap.add_argument("--baseline", default=None, help="with --pixels: a second foresight binary timed in the same rounds")
    args = ap.parse_args()
    if args.pixels:
        if not os.path.exists(args.foresight):
            print("building foresight (release)...", flush=True)
            subprocess.run(["swift", "build", "-c", "release", "--product", "foresight"], cwd=ROOT, check=True)
        main_pixels(args)
        return

    script = os.path.join(os.path.abspath(args.reference_bench), "torch_tdmpc2_bench.py")
    if not os.path.exists(script):
        sys.exit(f"reference benchmark not found: {script} (expected torch_tdmpc2_bench.py in --reference-bench DIR)")
    if not os.path.exists(args.foresight):
        print("building foresight (release)...", flush=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "foresight"], cwd=ROOT, check=True)

    results = []
    for size in parse_list(args.sizes):
        for threads in parse_list(args.threads):
            ours, theirs = [], []
            for r in range(args.rounds):
                order = ["foresight", "reference"] if (r + len(results)) % 2 == 0 else ["reference", "foresight"]
                for side in order:
                    t0 = time.time()
                    if side == "foresight":
                        ours.append(run_foresight(args.foresight, size, threads, args))
                    else:
                        theirs.append(run_reference(args.python, script, size, threads, args))
                    print(f"  {size}M {threads} thread(s) {side}: {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
            med = lambda rows, k: statistics.median(x[k] for x in rows)
            results.append({"size": size, "threads": threads, "foresight": ours, "reference": theirs,
                            "update": (med(ours, "update_ms"), med(theirs, "update_ms")),
                            "act": (med(ours, "act_ms"), med(theirs, "act_ms")),
                            "gflops": (med(ours, "update_gflops"), med(ours, "act_gflops"), med(ours, "sgemm_gflops")),
                            "openblas_sgemm_1t_gflops": med(ours, "openblas_sgemm_1t_gflops"),
                            "openblas_sgemm_gflops": med(ours, "openblas_sgemm_gflops"),
                            "other": (max(x["other_cores"] for x in ours), max(x["other_cores"] for x in theirs))})

    print()
    if args.realtime:
        print("(both sides ran under chrt -f 10)")
    print(f"reference allocator: {args.allocator}" + (f" (GLIBC_TUNABLES={TUNABLES})" if args.allocator == "matched" else ""))
    print("| model | threads | call | Foresight ms | reference ms | ratio | target | met |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        target = TARGETS.get(r["threads"])
        for call in ("update", "act"):
            f, t = r[call]
            ratio = f / t
            met = "" if target is None else ("yes" if ratio <= target else "NO")
            print(f"| {r['size']}M | {r['threads']} | {call} | {f:.1f} | {t:.1f} | {ratio:.3f} | "
                  f"{'' if target is None else f'<= {target}'} | {met} |")
    print()
    print("| model | threads | update GFLOP/s | act GFLOP/s | sgemm GFLOP/s | update / sgemm | act / sgemm | OpenBLAS sgemm GFLOP/s "
          "| update / OpenBLAS | act / OpenBLAS | GFLOP update, act (reference) | other cores (F / ref) | OpenBLAS sgemm 1 thread |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        u, a, s = r["gflops"]
        b = r["openblas_sgemm_gflops"]
        o = r["foresight"][0]
        print(f"| {r['size']}M | {r['threads']} | {u:.1f} | {a:.1f} | {s:.1f} | {u / s:.0%} | {a / s:.0%} | "
              f"{b:.1f} | {u / b:.0%} | {a / b:.0%} | "
              f"{o['update_gflop']:.2f}, {o['act_gflop']:.2f} ({o['reference_update_gflop']:.2f}, {o['reference_act_gflop']:.2f}) | "
              f"{r['other'][0]:.2f} / {r['other'][1]:.2f} | {r['openblas_sgemm_1t_gflops']:.1f} |")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
