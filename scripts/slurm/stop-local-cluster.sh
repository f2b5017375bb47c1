#!/usr/bin/env bash
# Stops the one-node Slurm cluster that start-local-cluster.sh DIR started (by the pid files in DIR).
# Usage: scripts/slurm/stop-local-cluster.sh DIR
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 DIR" >&2; exit 64; fi
DIR="$(cd "$1" && pwd)"
for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munge/munged.pid"; do
  if [ -f "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
done
echo "local Slurm cluster in $DIR stopped"
