#!/usr/bin/env bash
# End-to-end test of `foresight sweep` on a real one-node Slurm cluster (started here, in a temporary directory,
# and stopped at the end). A sweep of 4 CartPole runs (aux reward/q x seeds 0/1) is submitted as a job array; one
# task is cancelled after its first checkpoint; the sweep is written and submitted again; the collected table must
# hold every run, and the interrupted run must equal the same run trained without interruption (one thread).
# With --study, it then also splits a --quick-sized counting study into one job per configuration and seed and checks
# that its summary.md tables equal those of the same study run locally.
# Usage: scripts/slurm/test-sweep.sh [--study]      (root; apt-get install -y slurm-wlm munge)
# FORESIGHT=path uses that binary instead of building .build/release/foresight.
set -euo pipefail
cd "$(dirname "$0")/../.."
STUDY=0
for arg in "$@"; do
  case "$arg" in --study) STUDY=1;; *) echo "usage: $0 [--study]" >&2; exit 64;; esac
done
if [ -z "${FORESIGHT:-}" ]; then
  nice -n 10 swift build -c release --product foresight >/dev/null
  FORESIGHT="$(swift build -c release --show-bin-path)/foresight"
fi
WORK="$(mktemp -d)"
CLUSTER="$WORK/cluster"
PASSED=0
cleanup() {
  scripts/slurm/stop-local-cluster.sh "$CLUSTER" >/dev/null 2>&1 || true
  if [ "$PASSED" = 1 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection" >&2; fi
}
trap cleanup EXIT
# Two free ports for slurmctld and slurmd (a Slurm already running on this machine keeps its own).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${FORESIGHT_SLURM_PORT:-}" ]; then
  for base in 6817 16817 26817 36817 46817; do
    if ! port_in_use "$base" && ! port_in_use "$((base + 1))"; then export FORESIGHT_SLURM_PORT="$base"; break; fi
  done
fi
scripts/slurm/start-local-cluster.sh "$CLUSTER"
export SLURM_CONF="$CLUSTER/slurm.conf"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Waits until job $1 has left the queue (at most $2 seconds).
wait_job() {
  for _ in $(seq 1 "$2"); do
    [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
    sleep 1
  done
  squeue; fail "job $1 still queued after $2 s"
}

cat > "$WORK/sweep.json" <<'SPEC'
{"name": "e2e",
 "train": {"environment": "CartPole-v1",
           "trainer": {"steps": 2500, "seedSteps": 200, "evaluationInterval": 500, "evaluationEpisodes": 2, "checkpointInterval": 250},
           "agent": {"usesPlanner": false, "batchSize": 32, "mlpDimensions": 64, "latentDimensions": 32}},
 "seeds": [0, 1],
 "axes": [{"key": "aux", "values": ["reward", "q"]}],
 "resources": {"cpus": 1, "memory": "1G", "time": "00:20:00", "throttle": 2}}
SPEC
SWEEP="$WORK/sweep"
echo "== plan"
"$FORESIGHT" sweep plan "$WORK/sweep.json" --sweep-dir "$SWEEP"
echo "== first submission"
"$FORESIGHT" sweep slurm "$WORK/sweep.json" --sweep-dir "$SWEEP"
JOB="$(sbatch --parsable "$SWEEP/sweep.sbatch")"
echo "job $JOB"

# Cancel array task 1 (aux-reward_seed1) once it has written a checkpoint.
VICTIM="$SWEEP/runs/aux-reward_seed1"
for _ in $(seq 1 300); do
  [ -f "$VICTIM/checkpoint/trainer.json" ] && break
  sleep 0.5
done
[ -f "$VICTIM/checkpoint/trainer.json" ] || fail "run aux-reward_seed1 wrote no checkpoint"
scancel "${JOB}_1"
echo "cancelled task ${JOB}_1 after its checkpoint"
wait_job "$JOB" 600
[ -f "$VICTIM/summary.json" ] && fail "the cancelled run finished anyway (cancelled too late)"

echo "== collect after the kill (must exit 1 and name the run)"
if "$FORESIGHT" sweep collect "$SWEEP" > "$WORK/collect1.txt"; then fail "collect succeeded with a run missing"; fi
grep -q "aux-reward_seed1 (aux=reward, seed 1): interrupted (resumable)" "$WORK/collect1.txt" || { cat "$WORK/collect1.txt"; fail "the interrupted run is not listed"; }

echo "== resubmission"
"$FORESIGHT" sweep slurm "$WORK/sweep.json" --sweep-dir "$SWEEP" | tee "$WORK/slurm2.txt"
grep -q "1 of 4 runs to do (array 1)" "$WORK/slurm2.txt" || fail "the second script should hold array index 1 only"
JOB2="$(sbatch --parsable "$SWEEP/sweep.sbatch")"
wait_job "$JOB2" 600
grep -q "resuming" "$SWEEP"/logs/slurm-"$JOB2"_1.out || { cat "$SWEEP"/logs/slurm-"$JOB2"_1.out; fail "task 1 did not resume from its checkpoint"; }

echo "== collect"
"$FORESIGHT" sweep collect "$SWEEP"
python3 - "$SWEEP/collected" <<'PY'
import csv, sys
out = sys.argv[1]
runs = list(csv.DictReader(open(out + "/runs.csv")))
assert [r["run"] for r in runs] == ["aux-reward_seed0", "aux-reward_seed1", "aux-q_seed0", "aux-q_seed1"], runs
for r in runs:
    assert r["state"] == "done", r
    assert r["steps"] == "2500" and r["updates"] == "2500", r
    assert float(r["final return"]) > 0, r
groups = list(csv.DictReader(open(out + "/results.csv")))
for group in ("aux=reward", "aux=q"):
    rows = {g["metric"]: g for g in groups if g["group"] == group}
    assert rows["final return"]["seeds"] == "2", rows
    lo, mean, hi = (float(rows["final return"][k]) for k in ("low", "mean", "high"))
    assert lo <= mean <= hi, rows["final return"]
    values = [float(r["final return"]) for r in runs if r["group"] == group]
    assert abs(mean - sum(values) / len(values)) < 1e-3 * max(1, abs(mean)), (mean, values)
print("collected table: 4 runs done, 2 groups of 2 seeds, means match the runs")
PY

echo "== the resumed run equals an uninterrupted one"
"$FORESIGHT" train --config "$VICTIM/config.json" --run-dir "$WORK/reference" --threads 1 --no-progress > "$WORK/reference.txt"
python3 - "$VICTIM/summary.json" "$WORK/reference/summary.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("steps", "updates", "episodes", "finalEvaluationReturn", "bestEvaluationReturn"):
    assert a[key] == b[key], (key, a[key], b[key])
assert [e["meanReturn"] for e in a["evaluations"]] == [e["meanReturn"] for e in b["evaluations"]], (a["evaluations"], b["evaluations"])
print("resumed run = uninterrupted run: %d episodes, evaluations %s" % (a["episodes"], [e["meanReturn"] for e in a["evaluations"]]))
PY

if [ "$STUDY" = 1 ]; then
  echo "== counting study: one job per (configuration, seed) against a local run"
  cat > "$WORK/study.json" <<'SPEC'
{"name": "study-e2e", "study": {"quick": true, "configs": ["reward", "q"], "settings": {"updates": 10}}, "seeds": [0, 1],
 "resources": {"cpus": 1, "memory": "2G", "time": "00:30:00", "throttle": 2}}
SPEC
  "$FORESIGHT" sweep slurm "$WORK/study.json" --sweep-dir "$WORK/study-sweep"
  JOB3="$(sbatch --parsable "$WORK/study-sweep/sweep.sbatch")"
  "$FORESIGHT" study counting --quick --configs reward,q --seeds 2 --set updates=10 --threads 1 --jobs 1 --run-dir "$WORK/study-local" > "$WORK/study-local.txt"
  wait_job "$JOB3" 1800
  "$FORESIGHT" sweep collect "$WORK/study-sweep"
  # The tables from the first one on (the header lines name the run's time and figures, which differ).
  tables() { sed -n '/^| config/,$p' "$1" | grep -v -e '^Figures:' -e '^$'; }
  diff <(tables "$WORK/study-local/summary.md") <(tables "$WORK/study-sweep/collected/study/summary.md") \
    || fail "the sweep's study summary.md differs from the local run's"
  echo "study summary.md tables: sweep = local run"
  tables "$WORK/study-sweep/collected/study/summary.md"
fi
echo "PASS: sweep on a local Slurm cluster"
PASSED=1
