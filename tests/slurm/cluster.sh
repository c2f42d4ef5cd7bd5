#!/usr/bin/env bash
# A private Slurm cluster for the sbatch tests (munge + slurmctld + slurmd from Debian's
# packages) that lives entirely in one folder: its own slurm.conf (clients find it through
# SLURM_CONF), munge key and socket, state, spool, logs and pid files, and ports no site uses by
# default. It never reads or writes /etc and never touches a scheduler already running on the
# machine. It has HCDC_TEST_SLURM_NODES nodes (default 2), hcdc-n0, hcdc-n1, …: one slurmd each
# (`slurmd -N`, each on its own port), all on this host, so a `--nodes=2` job gets a real two-node
# allocation (two slurmstepds; Open MPI's mpirun starts a daemon on each node through srun and
# counts them as two nodes: MPI_COMM_TYPE_SHARED splits them apart).
#
#   cluster.sh check          exit 77 (ctest: skipped) with the reason when it cannot run here
#   cluster.sh start DIR      start it (idempotent for DIR); prints `export SLURM_CONF=...`
#   cluster.sh stop DIR       stop every daemon it started in DIR (safe to call twice)
#   cluster.sh env DIR        prints `export SLURM_CONF=...` for DIR
#
# Ports: HCDC_TEST_SLURM_PORT (slurmctld; node i's slurmd uses the port 1 + i above it); by
# default the first block from 46817 on where nothing listens, so two test runs on one machine
# do not collide.
set -euo pipefail

cmd=${1:?usage: cluster.sh check | start DIR | stop DIR | env DIR}
dir=${2:-}

nodes=${HCDC_TEST_SLURM_NODES:-2}
[[ $nodes =~ ^[1-8]$ ]] || { echo "cluster.sh: HCDC_TEST_SLURM_NODES must be 1..8, not '$nodes'" >&2; exit 2; }
node_names() { local i; for i in $(seq 0 $((nodes - 1))); do echo "hcdc-n$i"; done; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port_block() {  # the controller's port and one per node above it
  local p i busy
  for p in $(seq 46817 10 46997); do
    busy=0
    for i in $(seq 0 "$nodes"); do listening $((p + i)) && busy=1; done
    [ $busy -eq 0 ] && { echo "$p"; return 0; }
  done
  echo "cluster: no free port block in 46817..47006 (set HCDC_TEST_SLURM_PORT)" >&2
  return 1
}

check() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: the test Slurm cluster needs root (slurmd runs jobs as their submitter); run as root"
    exit 77
  fi
  local p
  for p in slurmctld slurmd munged sbatch squeue sinfo scontrol scancel; do
    if ! command -v "$p" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$p" ]; then
      echo "SKIPPED: '$p' is not installed (Debian packages slurm-wlm slurmctld slurmd slurm-client munge; scripts/setup.sh installs them)"
      exit 77
    fi
  done
}

need_dir() {
  [ -n "$dir" ] || { echo "cluster.sh: $cmd needs a folder" >&2; exit 2; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
}

pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  need_dir
  local f pid i
  # Daemons of this folder only: by their pid files, never by name.
  for f in "$dir"/run/slurmd*.pid "$dir/run/slurmctld.pid" "$dir/munge/munged.pid"; do
    if pid_alive "$f"; then
      pid=$(cat "$f")
      kill -TERM "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  # Job steps slurmd left behind (slurmstepd of this cluster's spool folder).
  pkill -KILL -f "slurmstepd.*$dir/" 2>/dev/null || true
  echo "cluster: stopped ($dir)"
}

write_config() {
  local host cpus mem port
  port=${HCDC_TEST_SLURM_PORT:-$(free_port_block)} || return 1
  host=$(hostname -s)
  cpus=$(nproc)
  # The host's cores are every node's (jobs on two nodes share them, as oversubscribed ranks
  # would); its memory is split between the nodes.
  mem=$(( ($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024) / nodes ))
  mkdir -p "$dir/etc" "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
  chmod 0700 "$dir/munge"
  if [ ! -s "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom bs=1 count=1024 of="$dir/munge/munge.key" status=none
  fi
  chmod 0400 "$dir/munge/munge.key"
  cat > "$dir/etc/slurm.conf" <<CONF
# Written by tests/slurm/cluster.sh: a private test cluster in $dir
ClusterName=hcdc-test
SlurmctldHost=$host
SlurmctldPort=$port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobRequeue=1
KillWait=30
# Finished jobs stay visible to scontrol show job for the whole test (it waits on their state).
MinJobAge=3600
$(for i in $(seq 0 $((nodes - 1))); do
  echo "NodeName=hcdc-n$i NodeHostname=$host NodeAddr=127.0.0.1 Port=$((port + 1 + i)) CPUs=$cpus RealMemory=$mem State=UNKNOWN"
done)
PartitionName=debug Nodes=$(node_names | paste -sd,) Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
}

all_idle() {  # every node idle (or running jobs)
  [ "$(sinfo -h -N -o '%N %T' 2>/dev/null | grep -cE ' (idle|mix|alloc)')" -ge "$nodes" ]
}

start() {
  check
  need_dir
  export SLURM_CONF="$dir/etc/slurm.conf"
  if pid_alive "$dir/run/slurmctld.pid" && all_idle; then
    echo "export SLURM_CONF=$SLURM_CONF"
    return 0
  fi
  stop >/dev/null
  write_config
  local sbin=/usr/sbin
  # munged refuses to run as root without --force; everything it uses is in this folder.
  "$sbin/munged" --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  # -c: a fresh controller state every start (no jobs left over from an earlier, killed run).
  "$sbin/slurmctld" -c -f "$SLURM_CONF"
  local i n
  for n in $(node_names); do "$sbin/slurmd" -f "$SLURM_CONF" -N "$n"; done
  for i in $(seq 1 60); do
    if all_idle; then
      echo "export SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    for n in $(node_names); do scontrol update nodename="$n" state=resume >/dev/null 2>&1 || true; done
    sleep 1
  done
  echo "cluster: Slurm did not come up in $dir" >&2
  tail -n 20 "$dir/log/slurmctld.log" "$dir"/log/slurmd-*.log "$dir/log/munged.log" >&2 || true
  stop >&2
  return 1
}

case $cmd in
  check) check; echo "cluster: can run here" ;;
  start) start ;;
  stop) stop ;;
  env) need_dir; echo "export SLURM_CONF=$dir/etc/slurm.conf" ;;
  *) echo "usage: cluster.sh check | start DIR | stop DIR | env DIR" >&2; exit 2 ;;
esac
