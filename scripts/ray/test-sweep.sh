#!/usr/bin/env bash
# End-to-end test of `foresight sweep ray` on a real local Ray cluster (started here with `ray start --head --block`,
# in a temporary directory, and stopped at the end through that process). A sweep of 4 CartPole runs is submitted as
# a Ray job; the job is stopped after one run's first checkpoint; the script is written and submitted again; the
# collected table must hold every run, and each resumed run must equal the same run trained without interruption.
# Usage: scripts/ray/test-sweep.sh      (needs `ray` and a Python that imports it: pip install "ray[default]")
# RAY_PYTHON=path picks that Python for the job (default: python3); FORESIGHT=path a built binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${RAY_PYTHON:-python3}"
"$PYTHON" -c "import ray" 2>/dev/null || { echo "error: $PYTHON cannot import ray (pip install \"ray[default]\", or set RAY_PYTHON)" >&2; exit 1; }
RAY="$(dirname "$(command -v "$PYTHON")")/ray"
[ -x "$RAY" ] || RAY="$(command -v ray)" || { echo "error: no ray command next to $PYTHON or on PATH" >&2; exit 1; }
if [ -z "${FORESIGHT:-}" ]; then
  nice -n 10 swift build -c release --product foresight >/dev/null
  FORESIGHT="$(swift build -c release --show-bin-path)/foresight"
fi
fail() { echo "FAIL: $*" >&2; exit 1; }
WORK="$(mktemp -d)"
PASSED=0
HEAD_PID=""
cleanup() {
  if [ -n "$HEAD_PID" ]; then kill "$HEAD_PID" 2>/dev/null || true; wait "$HEAD_PID" 2>/dev/null || true; fi
  if [ "$PASSED" = 1 ]; then rm -rf "$WORK"; else echo "kept $WORK for inspection" >&2; fi
}
trap cleanup EXIT
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
GCS=6390; DASHBOARD=8275
while port_in_use "$GCS" || port_in_use "$DASHBOARD"; do GCS=$((GCS + 10)); DASHBOARD=$((DASHBOARD + 10)); done
# `--block` keeps the head in this process; stopping it stops the cluster it started (and nothing else).
"$RAY" start --head --block --num-cpus 2 --port "$GCS" --dashboard-port "$DASHBOARD" --temp-dir "$WORK/ray" \
  --disable-usage-stats > "$WORK/ray-head.log" 2>&1 &
HEAD_PID=$!
ADDRESS="http://127.0.0.1:$DASHBOARD"
for _ in $(seq 1 120); do
  "$RAY" job list --address "$ADDRESS" >/dev/null 2>&1 && break
  kill -0 "$HEAD_PID" 2>/dev/null || { cat "$WORK/ray-head.log"; fail "ray start exited"; }
  sleep 1
done
"$RAY" job list --address "$ADDRESS" >/dev/null 2>&1 || fail "the Ray head did not come up (see $WORK/ray-head.log)"
echo "local Ray cluster up at $ADDRESS"

cat > "$WORK/sweep.json" <<'SPEC'
{"name": "e2e",
 "train": {"environment": "CartPole-v1",
           "trainer": {"steps": 2500, "seedSteps": 200, "evaluationInterval": 500, "evaluationEpisodes": 2, "checkpointInterval": 250},
           "agent": {"usesPlanner": false, "batchSize": 32, "mlpDimensions": 64, "latentDimensions": 32}},
 "seeds": [0, 1],
 "axes": [{"key": "aux", "values": ["reward", "q"]}],
 "resources": {"cpus": 1, "memory": "512M", "throttle": 2}}
SPEC
SWEEP="$WORK/sweep"
echo "== first submission (stopped after a checkpoint)"
"$FORESIGHT" sweep ray "$WORK/sweep.json" --sweep-dir "$SWEEP"
JOB="$("$RAY" job submit --address "$ADDRESS" --no-wait -- "$PYTHON" "$SWEEP/sweep_ray.py" 2>&1 | grep -o 'raysubmit_[A-Za-z0-9]*' | head -1)"
[ -n "$JOB" ] || fail "no job id from ray job submit"
for _ in $(seq 1 300); do
  [ -f "$SWEEP/runs/aux-reward_seed1/checkpoint/trainer.json" ] && break
  sleep 0.5
done
[ -f "$SWEEP/runs/aux-reward_seed1/checkpoint/trainer.json" ] || fail "run aux-reward_seed1 wrote no checkpoint"
"$RAY" job stop --address "$ADDRESS" "$JOB" >/dev/null
[ -f "$SWEEP/runs/aux-reward_seed1/summary.json" ] && fail "the run finished before the job was stopped"
sleep 2
if "$FORESIGHT" sweep collect "$SWEEP" > "$WORK/collect1.txt"; then fail "collect succeeded with runs missing"; fi
grep -q "aux-reward_seed1 (aux=reward, seed 1): interrupted (resumable)" "$WORK/collect1.txt" || { cat "$WORK/collect1.txt"; fail "the interrupted run is not listed"; }

echo "== resubmission"
"$FORESIGHT" sweep ray "$WORK/sweep.json" --sweep-dir "$SWEEP"
"$RAY" job submit --address "$ADDRESS" -- "$PYTHON" "$SWEEP/sweep_ray.py" > "$WORK/job2.txt" 2>&1 || { cat "$WORK/job2.txt"; fail "the second job failed"; }
grep -q "resuming" "$SWEEP/logs/ray-aux-reward_seed1.out" || fail "aux-reward_seed1 did not resume from its checkpoint"
"$FORESIGHT" sweep collect "$SWEEP" > "$WORK/collect2.txt" || { cat "$WORK/collect2.txt"; fail "collect: runs missing after the resubmission"; }

echo "== resumed runs equal uninterrupted ones"
for run in $(ls "$SWEEP/runs"); do
  grep -q "resuming" "$SWEEP/logs/ray-$run.out" || continue
  "$FORESIGHT" train --config "$SWEEP/runs/$run/config.json" --run-dir "$WORK/reference-$run" --threads 1 --no-progress > /dev/null
  python3 - "$SWEEP/runs/$run/summary.json" "$WORK/reference-$run/summary.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("steps", "updates", "episodes", "finalEvaluationReturn", "bestEvaluationReturn"):
    assert a[key] == b[key], (key, a[key], b[key])
assert [e["meanReturn"] for e in a["evaluations"]] == [e["meanReturn"] for e in b["evaluations"]]
print("resumed = uninterrupted:", sys.argv[1].split("/")[-2], a["episodes"], "episodes")
PY
done
cat "$SWEEP/collected/results.md"
echo "PASS: sweep on a local Ray cluster"
PASSED=1
