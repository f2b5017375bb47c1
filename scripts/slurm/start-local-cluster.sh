#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (munged, slurmctld and slurmd on localhost) for testing sweeps.
# Usage: scripts/slurm/start-local-cluster.sh DIR
# Everything (slurm.conf, munge key and socket, state, logs, pid files) goes into DIR; nothing is written elsewhere.
# Needs root (slurmd starts jobs as their user) and Debian's packages: apt-get install -y slurm-wlm munge.
# Afterwards: export SLURM_CONF=DIR/slurm.conf (sbatch, squeue, scancel read it); stop with stop-local-cluster.sh DIR.
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 DIR" >&2; exit 64; fi
for tool in munged mungekey slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found; install Debian's packages: apt-get install -y slurm-wlm munge" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "error: the local cluster's daemons need root (slurmd runs jobs as their user)" >&2; exit 1; }
mkdir -p "$1"
DIR="$(cd "$1" && pwd)"
case "$DIR" in *[[:space:]]*|*'"'*|*'#'*) echo "error: $DIR: the directory must not contain spaces, quotes or '#' (slurm.conf holds it)" >&2; exit 1;; esac
mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool" "$DIR/log"
chmod 700 "$DIR/munge"

# Munge: a key, a socket and a pid file of our own (a system munged, if any, is left alone).
[ -f "$DIR/munge/munge.key" ] || mungekey --create --keyfile="$DIR/munge/munge.key"
chmod 400 "$DIR/munge/munge.key"
if [ ! -S "$DIR/munge/munge.socket" ] || ! kill -0 "$(cat "$DIR/munge/munged.pid" 2>/dev/null || echo 0)" 2>/dev/null; then
  munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munged.seed"
fi

NODE="$(hostname -s)"
CPUS="$(nproc)"
MEMORY_MB="$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)"
PORT_BASE="${FORESIGHT_SLURM_PORT:-6817}"
cat > "$DIR/slurm.conf" <<CONF
# One-node test cluster written by start-local-cluster.sh.
ClusterName=foresight-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT_BASE
SlurmdPort=$((PORT_BASE + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# No cgroups: works in containers and on machines without a delegated cgroup tree.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MaxArraySize=10001
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY_MB State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$DIR/slurm.conf"

start_daemon() {  # name pidfile command...
  local name="$1" pidfile="$2"; shift 2
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
  "$@"
}
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! { [ -f "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; }; then
  for port in "$PORT_BASE" "$((PORT_BASE + 1))"; do
    if port_in_use "$port"; then
      echo "error: port $port is in use (another Slurm?); choose others with FORESIGHT_SLURM_PORT=<first of two ports>" >&2
      exit 1
    fi
  done
fi
start_daemon slurmctld "$DIR/slurmctld.pid" slurmctld -f "$DIR/slurm.conf"
start_daemon slurmd "$DIR/slurmd.pid" slurmd -f "$DIR/slurm.conf"

# Wait until the node takes jobs.
for _ in $(seq 1 60); do
  state="$(sinfo -h -N -n "$NODE" -o '%t' 2>/dev/null || true)"
  case "$state" in idle*|mix*|alloc*) echo "local Slurm cluster up: node $NODE ($CPUS CPUs, $MEMORY_MB MB); export SLURM_CONF=$DIR/slurm.conf"; exit 0;; esac
  sleep 1
done
echo "error: the node did not come up (state: ${state:-none}); see $DIR/log/slurmctld.log and $DIR/log/slurmd.log" >&2
exit 1
