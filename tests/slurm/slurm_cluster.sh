#!/usr/bin/env bash
# A real single-node SLURM cluster on this machine, for the array-job tests.
#
#   tests/slurm/slurm_cluster.sh start STATE_DIR   # prints: export SLURM_CONF=STATE_DIR/slurm.conf
#   tests/slurm/slurm_cluster.sh stop STATE_DIR
#
# Everything lives under STATE_DIR: slurm.conf, env.sh (source it to reach the
# cluster), spool/ (state, emptied on each start), log/, run/ (pid files of the
# daemons this script started). Nothing is exported globally: commands reach
# this cluster only through SLURM_CONF. munged runs as the munge user on the
# default socket (/run/munge); one already running there is reused and left
# alone on stop. slurmctld and slurmd run as root. Needs root and Debian's
# slurm-wlm and munge packages. No systemd: the daemons are started by hand.
set -euo pipefail

die() { echo "slurm_cluster.sh: $*" >&2; exit 1; }
say() { echo "slurm_cluster.sh: $*" >&2; }

[[ $# -eq 2 && ( $1 == start || $1 == stop ) ]] || {
    echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
action=$1
[[ -n $2 ]] || die "STATE_DIR is empty"
state=$(realpath -m -- "$2")
[[ $state != / ]] || die "STATE_DIR must not be /"

# The daemons are system programs: no sanitizer runtime of a test run
# (scripts/sanitize.sh preloads libasan into everything the tests start).
unset LD_PRELOAD ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
[[ $(id -u) -eq 0 ]] || die "must run as root (slurmctld, slurmd and munged are started here)"
for prog in munged munge unmunge slurmctld slurmd sinfo scontrol scancel squeue sbatch runuser; do
    command -v "$prog" >/dev/null 2>&1 ||
        die "$prog not found: install Debian's slurm-wlm and munge packages"
done

conf=$state/slurm.conf
run=$state/run
log=$state/log
spool=$state/spool
munge_dir=$state/munge        # munged's pid, log and seed: must be the munge user's
munge_socket=/run/munge/munge.socket.2

# Is PID alive and the program we started (pid files may outlive a crash and
# the number may have been reused since)?
pid_is() {
    local pid=$1 name=$2
    [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/comm ]] &&
        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]] &&
        tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$state"
}

# Stop the daemon recorded in PIDFILE if it is still ours: TERM, then KILL.
stop_pid() {
    local pidfile=$1 name=$2 pid i
    [[ -f $pidfile ]] || return 0
    pid=$(tr -dc '0-9' < "$pidfile")
    if pid_is "$pid" "$name"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            pid_is "$pid" "$name" || break
            sleep 0.1
        done
        if pid_is "$pid" "$name"; then
            say "$name ($pid) ignored SIGTERM for 10 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f -- "$pidfile"
}

stop_cluster() {
    # Cancel this cluster's jobs first so no slurmstepd is orphaned.
    if [[ -f $run/slurmctld.pid ]] && pid_is "$(tr -dc '0-9' < "$run/slurmctld.pid")" slurmctld; then
        SLURM_CONF=$conf timeout 5 scancel --full --quiet --user=root 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            [[ -z $(SLURM_CONF=$conf timeout 5 squeue -h -o %i 2>/dev/null) ]] && break
            sleep 0.1
        done
    fi
    stop_pid "$run/slurmd.pid" slurmd
    stop_pid "$run/slurmctld.pid" slurmctld
    stop_pid "$run/munged.pid" munged
}

tail_logs() {
    local f
    for f in "$log/slurmctld.log" "$log/slurmd.log" "$munge_dir/munged.log"; do
        [[ -s $f ]] || continue
        echo "---- tail of $f" >&2
        tail -n 15 "$f" >&2
    done
}

# Give up on a half-started cluster: the reason, the logs, no daemon left behind.
fail_start() {
    say "start failed: $*"
    tail_logs
    stop_cluster
    exit 1
}

if [[ $action == stop ]]; then
    stop_cluster
    say "stopped (state kept in $state)"
    exit 0
fi

start_ns=$(date +%s%N)

# A previous start (still running, or crashed): its daemons go first.
mkdir -p "$state"
stop_cluster

# munged: reuse one already answering on the default socket, else start ours.
if munge -n -S "$munge_socket" 2>/dev/null | unmunge -S "$munge_socket" >/dev/null 2>&1; then
    say "reusing the munged already running on $munge_socket"
else
    if [[ ! -s /etc/munge/munge.key ]]; then
        mkdir -p /etc/munge
        if command -v mungekey >/dev/null 2>&1; then
            mungekey --create --keyfile=/etc/munge/munge.key
        else
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
        fi
        chown munge:munge /etc/munge /etc/munge/munge.key
        chmod 0700 /etc/munge
        chmod 0400 /etc/munge/munge.key
    fi
    # /run is a tmpfs: the socket directory may not exist after a reboot.
    install -d -o munge -g munge -m 0755 /run/munge
    rm -rf -- "$munge_dir"
    install -d -o munge -g munge -m 0700 "$munge_dir"
    # The munge user must be able to reach STATE_DIR (mktemp -d makes 0700 dirs).
    runuser -u munge -- test -w "$munge_dir" ||
        die "the munge user cannot write $munge_dir: make STATE_DIR and its parents traversable (chmod a+x)"
    # --force: take over a stale socket left by a crashed munged.
    runuser -u munge -- munged --force --socket="$munge_socket" \
        --pid-file="$munge_dir/munged.pid" --log-file="$munge_dir/munged.log" \
        --seed-file="$munge_dir/munged.seed" ||
        fail_start "munged did not start"
    mkdir -p "$run"
    cp "$munge_dir/munged.pid" "$run/munged.pid"
    munge -n -S "$munge_socket" | unmunge -S "$munge_socket" >/dev/null ||
        fail_start "munged started but a credential does not round-trip"
fi

# Fresh state on every start: no jobs or node states from an earlier run.
rm -rf -- "$spool" "$log"
mkdir -p "$spool/ctld" "$spool/d" "$log" "$run"
chmod 0755 "$state"

# Ports are fixed (6817, 6818): a cluster from another STATE_DIR would make
# ours fail later with a less obvious message.
for port in 6817 6818; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        fail_start "port $port is in use (another slurmctld/slurmd running? stop it first)"
    fi
done

host=$(hostname -s)
node=$(slurmd -C | grep '^NodeName=') || fail_start "slurmd -C did not describe this node"
cat > "$conf" <<EOF
# Written by tests/slurm/slurm_cluster.sh: a single-node test cluster.
ClusterName=tiledndvi
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
# CPUs, not whole cores, are the unit: two 1-CPU tasks run side by side on 2 CPUs.
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Start jobs as soon as they are submitted or their dependency is met.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
# Finished jobs leave squeue/scontrol quickly (there is no accounting to ask).
MinJobAge=10
KillWait=5
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$spool/ctld
SlurmdSpoolDir=$spool/d
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$log/slurmctld.log
SlurmdLogFile=$log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
echo "export SLURM_CONF=$conf" > "$state/env.sh"
export SLURM_CONF=$conf

# -c: no state from a previous run (StateSaveLocation is empty anyway).
slurmctld -c -f "$conf" || fail_start "slurmctld exited with status $?"
slurmd -c -f "$conf" || fail_start "slurmd exited with status $?"

# Wait for the node to be idle (registered and accepting jobs).
deadline=$((SECONDS + 30))
while :; do
    node_state=$(sinfo -h -N -o '%t' 2>/dev/null | head -n 1 || true)
    [[ $node_state == idle ]] && break
    ((SECONDS < deadline)) ||
        fail_start "node not idle after 30 s (sinfo state: '${node_state:-no answer}')"
    sleep 0.2
done

idle_ms=$((($(date +%s%N) - start_ns) / 1000000))

# An idle node is not yet a working cluster: slurmctld's scheduler makes its
# first pass over batch jobs about 3 s after it starts (srun allocations go
# through at once), and a job also needs munge and slurmd to launch it. One
# tiny batch job proves all of it, and keeps that delay out of the first real
# job. Polled, not `sbatch --wait`, which sleeps in 2 s steps.
probe=$(sbatch --parsable --job-name=slurm_cluster_probe --output=/dev/null --wrap true) ||
    fail_start "sbatch of a probe job failed"
deadline=$((SECONDS + 30))
while :; do
    probe_state=$(scontrol -o show job "${probe%%;*}" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || true)
    [[ $probe_state == JobState=COMPLETED ]] && break
    [[ $probe_state == JobState=@(PENDING|CONFIGURING|RUNNING|COMPLETING|) ]] ||
        fail_start "the probe job (sbatch --wrap true) ended ${probe_state#JobState=}"
    ((SECONDS < deadline)) ||
        fail_start "the node is idle but a probe job (sbatch --wrap true) did not complete within 30 s (${probe_state:-no record})"
    sleep 0.1
done

ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
ready_ms=$((($(date +%s%N) - start_ns) / 1000000))
say "cluster up in $(ms "$ready_ms") s (node $host idle after $(ms "$idle_ms") s, then a probe batch job ran); source $state/env.sh"
echo "export SLURM_CONF=$conf"
