#!/usr/bin/env bash
# The Slurm path of a sweep, for real, on a one-node Slurm on this machine:
#
#   scripts/slurm-local-test.sh [TENSORSIM]      (default TENSORSIM: ./target/release/tensorsim)
#
# installs slurm-wlm and munge when missing (apt-get), starts munged (unless one answers), then
# slurmctld and slurmd on private ports with a private configuration (nothing under /etc/slurm is
# read or written), submits scenarios/sweeps/smoke-kappa.yaml through examples/slurm/submit.sh as
# an array of 4 shards and its merge job, waits for the merge, and holds the merged sweep.csv,
# sweep.md and sweep.html to the bytes of one unsharded `tensorsim sweep` of the same file. The daemons it started
# are stopped on every exit, failure included; a run cleans up after an interrupted one, so it can
# be run again and again. Root is needed for the daemons: sudo is used when not root.
#
# Environment: SLURM_TEST_TIMEOUT_S, how long to wait for the jobs (default 300). The sweep's
# folders and the jobs' logs stay in reports/out/slurm-local/ for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."

sweep_file=scenarios/sweeps/smoke-kappa.yaml
shards=4
timeout_s="${SLURM_TEST_TIMEOUT_S:-300}"
# The daemons' files: a short path (slurmd's Unix sockets live under its spool, and a socket's path
# is limited to 108 bytes) at a fixed place, so a run finds what an interrupted one left running.
state=/tmp/tensorsim-slurm
out="$PWD/reports/out/slurm-local"
started_s=$SECONDS

fail() {
    echo "slurm-local: $*" >&2
    exit 1
}

tensorsim="${1:-./target/release/tensorsim}"
[[ -x $tensorsim ]] || fail "$tensorsim: no tensorsim binary (build it: cargo build --release -p tensorsim)"
tensorsim="$(realpath "$tensorsim")"

# Root for the daemons and the packages: directly when root, else through sudo.
as_root=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo > /dev/null || fail "not root and no sudo: the Slurm and munge daemons need root"
    as_root=(sudo)
fi

install_packages() {
    local missing=0 command
    for command in slurmctld slurmd sbatch scontrol sinfo munged munge unmunge; do
        command -v "$command" > /dev/null || missing=1
    done
    if [[ $missing -eq 1 ]]; then
        echo "slurm-local: installing slurm-wlm and munge (about a minute)"
        "${as_root[@]}" apt-get update -qq
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge > /dev/null
    fi
}

# The PID in `pid_file` if that process is alive and still the program `name` (a PID can be
# reused); nothing otherwise.
running_pid() {
    local pid_file=$1 name=$2 pid
    [[ -f $pid_file ]] || return 0
    pid="$(cat "$pid_file")"
    if [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2> /dev/null) == "$name" ]]; then
        echo "$pid"
    fi
}

# Stops the program `name` whose PID is in `pid_file`, waiting up to 10 s for it to end.
stop_pid_file() {
    local pid_file=$1 name=$2 pid
    pid="$(running_pid "$pid_file" "$name")"
    if [[ -n $pid ]]; then
        "${as_root[@]}" kill -TERM "$pid" 2> /dev/null || true
        for _ in $(seq 100); do
            [[ -d /proc/$pid ]] || break
            sleep 0.1
        done
        if [[ -d /proc/$pid ]]; then
            echo "slurm-local: $name ($pid) did not stop on TERM: killing it" >&2
            "${as_root[@]}" kill -KILL "$pid" 2> /dev/null || true
        fi
    fi
    "${as_root[@]}" rm -f "$pid_file"
}

# Stops what this run (or an interrupted earlier one) started. The private cluster's jobs are all
# this script's: they are cancelled first, so that none outlives slurmd in its slurmstepd.
stop_everything() {
    if [[ -n $(running_pid "$state/slurmctld.pid" slurmctld) ]]; then
        SLURM_CONF="$state/slurm.conf" scancel --user="$(id -un)" 2> /dev/null || true
        for _ in $(seq 30); do
            [[ -z $(SLURM_CONF="$state/slurm.conf" squeue -h 2> /dev/null) ]] && break
            sleep 1
        done
    fi
    stop_pid_file "$state/slurmd.pid" slurmd
    stop_pid_file "$state/slurmctld.pid" slurmctld
    # Only a munged this script started: one that was answering before is the machine's.
    stop_pid_file "$state/munged.ours" munged
}

print_logs() {
    local log
    for log in "$state/slurmctld.log" "$state/slurmd.log" "$out"/slurm/logs/*.out; do
        [[ -f $log ]] || continue
        echo "---- $log (last 40 lines)" >&2
        tail -n 40 "$log" >&2
    done
}

on_exit() {
    local status=$?
    trap - EXIT
    if [[ $status -ne 0 ]]; then print_logs; fi
    stop_everything
    echo "slurm-local: daemons stopped" >&2
    exit "$status"
}

start_munge() {
    if munge -n 2> /dev/null | unmunge > /dev/null 2>&1; then
        return 0
    fi
    # The key every munged of a cluster shares: 1024 random bytes, readable by munge alone.
    if [[ ! -f /etc/munge/munge.key ]]; then
        "${as_root[@]}" dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
        "${as_root[@]}" chown munge:munge /etc/munge/munge.key
        "${as_root[@]}" chmod 400 /etc/munge/munge.key
    fi
    "${as_root[@]}" install -d -o munge -g munge -m 755 /run/munge
    "${as_root[@]}" runuser -u munge -- munged 9>&-
    "${as_root[@]}" cp /run/munge/munged.pid "$state/munged.ours"
    munge -n | unmunge > /dev/null || fail "munged started but munge -n | unmunge fails"
}

# A one-node cluster as measured on this machine kind: no systemd and no cgroups here, so the
# process tracking and task plugins that need neither; the node described by slurmd -C itself
# (CPUs, sockets, cores, memory as slurmd will report them, else the node is drained).
write_config() {
    local host node
    host="$(hostname -s)"
    node="$(slurmd -C | head -n 1)"
    cat > "$state/slurm.conf" << EOF
ClusterName=tensorsim-local
SlurmctldHost=$host(127.0.0.1)
# Not Slurm's default ports (6817, 6818): a real Slurm on this machine is left alone.
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# Schedule a batch job as soon as it is submitted or another ends, not up to 3 s later.
SchedulerParameters=batch_sched_delay=0
StateSaveLocation=$state/slurmctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

start_slurm() {
    write_config
    # The clients (sbatch, squeue, scontrol in submit.sh and below) read the private configuration.
    export SLURM_CONF="$state/slurm.conf"
    "${as_root[@]}" slurmctld -f "$SLURM_CONF" 9>&-
    "${as_root[@]}" slurmd -f "$SLURM_CONF" 9>&-
    for _ in $(seq 60); do
        [[ $(sinfo -h -N -o %t 2> /dev/null) == idle ]] && return 0
        sleep 0.5
    done
    fail "the node is not idle 30 s after the daemons started: $(sinfo -N 2>&1 || true)"
}

job_state() {
    scontrol show job -o "$1" 2> /dev/null | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2
}

# Waits for the merge job to end; it ends COMPLETED only if every shard did (afterok), and is
# cancelled if one failed (--kill-on-invalid-dep).
wait_for_merge() {
    local merge_id=$1 deadline=$((SECONDS + timeout_s)) state_now=""
    while ((SECONDS < deadline)); do
        state_now="$(job_state "$merge_id")"
        case "$state_now" in
            COMPLETED) return 0 ;;
            PENDING | CONFIGURING | RUNNING | COMPLETING | "") sleep 1 ;;
            *) fail "merge job $merge_id ended $state_now" ;;
        esac
    done
    fail "merge job $merge_id not done after ${timeout_s} s (state ${state_now:-unknown})"
}

# Each shard folder holds exactly its points (index I modulo N): an array whose tasks all ran the
# same shard, or the whole sweep, would merge into the same bytes and pass the comparison alone.
check_shards() {
    local points=$1 shard point expected held folder
    for ((shard = 0; shard < shards; shard++)); do
        expected=""
        for ((point = shard; point < points; point += shards)); do
            expected+="$(printf '%06d' "$point") "
        done
        held=""
        for folder in "$out/slurm/shard-$shard/points"/*; do
            held+="${folder##*/} "
        done
        [[ $held == "$expected" ]] || fail "shard $shard holds points [$held], expected [$expected]"
    done
}

# One run at a time on a machine (the ports and $state are fixed). The daemons are started without
# this descriptor (9>&-), so one left by an interrupted run does not hold the lock.
exec 9> /tmp/tensorsim-slurm.lock
flock -w 600 9 || fail "another slurm-local test has held /tmp/tensorsim-slurm.lock for 10 minutes"
install_packages
trap on_exit EXIT
stop_everything
"${as_root[@]}" rm -rf "$state" "$out"
mkdir -p "$state/slurmctld" "$state/slurmd" "$out"

echo "slurm-local: the sweep unsharded, on this machine"
"$tensorsim" sweep "$sweep_file" --out "$out/local" --quiet > /dev/null
# sweep.csv: a header and a row per point.
points=$(($(wc -l < "$out/local/sweep.csv") - 1))

start_munge
start_slurm
echo "slurm-local: node $(hostname -s) idle; submitting $points points as $shards shards"
read -r array_id merge_id < <(TENSORSIM="$tensorsim" SWEEP_CPUS=1 \
    examples/slurm/submit.sh "$sweep_file" "$shards" "$out/slurm")
wait_for_merge "$merge_id"

check_shards "$points"
for file in sweep.csv sweep.md sweep.html; do
    cmp "$out/local/$file" "$out/slurm/$file" || fail "$file: the merged shards differ from the unsharded sweep"
done
echo "slurm-local: ok: array job $array_id ($shards tasks) and merge job $merge_id; merged sweep.csv, sweep.md and sweep.html equal the unsharded sweep's ($points points, $((SECONDS - started_s)) s)"
