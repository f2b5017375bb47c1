#!/usr/bin/env python3
# Foresight — scripts
# Copyright (c) 2026 the Foresight developers. MIT License.
"""Peak resident memory (max RSS) of Foresight and the PyTorch reference doing the same TD-MPC2 work.

Each side runs, in a fresh process, the same number of updates (batch 256, horizon 3) and planned
actions (MPPI 6 x 512, explore and evaluate) on the same model size and thread count:
`foresight bench tdmpc2` and the reference's `torch_tdmpc2_bench.py`. The max RSS of each process
comes from `wait4` (the kernel's own accounting, as `/usr/bin/time -v` reports it), so the figure
includes everything the process touched: code, libraries (libtorch / OpenBLAS), model, optimizer
state, activations and allocator caches.

Example: scripts/bench/peak_memory_tdmpc2.py --sizes 5 --threads 1
Uses only the Python standard library; the reference needs torch (see compare_tdmpc2.py).
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_tdmpc2 import ROOT, default_python, parse_list  # noqa: E402


def max_rss_mib(cmd, env=None):
    """Runs `cmd` to completion and returns its max RSS in MiB (Linux reports ru_maxrss in KiB)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference-bench", default=os.environ.get("FORESIGHT_REFERENCE_BENCH", os.path.dirname(os.path.abspath(__file__))),
                    help="directory holding torch_tdmpc2_bench.py (default: this script's directory, scripts/bench)")
    ap.add_argument("--python", default=default_python(), help="Python with torch for the reference")
    ap.add_argument("--foresight", default=os.path.join(ROOT, ".build", "release", "foresight"), help="release foresight binary")
    ap.add_argument("--sizes", default="5", help="model sizes, comma separated")
    ap.add_argument("--threads", default="1", help="thread counts, comma separated")
    ap.add_argument("--updates", type=int, default=20, help="timed updates per side (after --warmup)")
    ap.add_argument("--acts", type=int, default=10, help="timed planned actions per mode (after --warmup)")
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    script = os.path.join(os.path.abspath(args.reference_bench), "torch_tdmpc2_bench.py")
    if not os.path.exists(script):
        sys.exit(f"reference benchmark not found: {script} (expected torch_tdmpc2_bench.py in --reference-bench DIR)")

    print("| model | threads | work | Foresight max RSS MiB | reference max RSS MiB | ratio |")
    print("|---|---|---|---|---|---|")
    for size in parse_list(args.sizes):
        for threads in parse_list(args.threads):
            ours = max_rss_mib([args.foresight, "bench", "tdmpc2", "--model-size", str(size), "--threads", str(threads),
                                "--update-iterations", str(args.updates), "--act-iterations", str(args.acts),
                                "--warmup", str(args.warmup), "--json"])
            with tempfile.TemporaryDirectory() as tmp:
                theirs = max_rss_mib([args.python, script, "--model-size", str(size), "--threads", str(threads),
                                      "--update-iters", str(args.updates), "--act-iters", str(args.acts), "--warmup", str(args.warmup),
                                      "--out", os.path.join(tmp, "r.json")], env=dict(os.environ, BENCH_MAX_WAIT="0"))
            work = f"{args.warmup}+{args.updates} updates, 2 x ({args.warmup}+{args.acts}) plans"
            print(f"| {size}M | {threads} | {work} | {ours:.0f} | {theirs:.0f} | {ours / theirs:.2f} |", flush=True)


if __name__ == "__main__":
    main()
