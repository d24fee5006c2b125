#!/usr/bin/env bash
# Submits an NDVI tile set as a SLURM job array plus the merge that runs once
# every task succeeded.
#
#   examples/slurm/submit.sh INPUT OUTDIR OUTPUT [--tasks N] [--tiles CxR]
#                            [--cpus-per-task C] [--overwrite] [--wait] [-- NDVI OPTIONS]
#
# N tasks (default 4) share CxR tiles (default 4x4) written into OUTDIR; the
# merge mosaics them into OUTPUT; options after -- go to every task's
# tiledndvi ndvi (e.g. -- --red 1 --nir 2). Prints both job ids. With --wait, waits for
# both and exits non-zero if a task failed or the merge did not complete (then
# SLURM cancels the merge: --kill-on-invalid-dep). --overwrite lets the merge
# replace OUTPUT. TILEDNDVI is the program (default: tiledndvi on PATH);
# POLL_SECONDS is how often --wait asks scontrol (default 1); other sbatch
# settings come from SBATCH_* variables (e.g. SBATCH_PARTITION).
set -euo pipefail

die() { echo "submit.sh: $*" >&2; exit 1; }
usage() {
    echo "usage: $0 INPUT OUTDIR OUTPUT [--tasks N] [--tiles CxR] [--cpus-per-task C] [--overwrite] [--wait] [-- NDVI OPTIONS]" >&2
    exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
tasks=4
tiles=4x4
cpus=()
merge_opts=()
ndvi_opts=()
wait=0
positional=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --tasks) [[ $# -ge 2 ]] || usage; tasks=$2; shift 2 ;;
        --tiles) [[ $# -ge 2 ]] || usage; tiles=$2; shift 2 ;;
        --cpus-per-task) [[ $# -ge 2 ]] || usage; cpus=(--cpus-per-task="$2"); shift 2 ;;
        --overwrite) merge_opts+=(--overwrite); shift ;;
        --wait) wait=1; shift ;;
        --) shift; ndvi_opts=("$@"); break ;;
        -h|--help) usage ;;
        -*) echo "submit.sh: unknown option $1" >&2; usage ;;
        *) positional+=("$1"); shift ;;
    esac
done
[[ ${#positional[@]} -eq 3 ]] || usage

[[ $tasks =~ ^[1-9][0-9]*$ ]] || die "--tasks must be a positive integer, not '$tasks'"
[[ $tiles =~ ^([1-9][0-9]*)x([1-9][0-9]*)$ ]] || die "--tiles must be CxR (e.g. 4x4), not '$tiles'"
tile_count=$((BASH_REMATCH[1] * BASH_REMATCH[2]))
# A task without tiles would only cost a scheduling slot.
((tasks <= tile_count)) || die "$tasks tasks for $tile_count tiles: use at most as many tasks as tiles"
command -v sbatch >/dev/null 2>&1 || die "sbatch not found: is this a SLURM submit host?"

# Absolute paths: the jobs may start in another directory.
input=$(realpath -e -- "${positional[0]}" 2>/dev/null) || die "INPUT ${positional[0]} does not exist"
outdir=$(realpath -m -- "${positional[1]}")
output=$(realpath -m -- "${positional[2]}")
[[ -d $(dirname "$output") ]] || die "the folder of OUTPUT $output does not exist"
if [[ -e $output && ${#merge_opts[@]} -eq 0 ]]; then
    die "OUTPUT $output exists: remove it or pass --overwrite"
fi
tiledndvi=${TILEDNDVI:-tiledndvi}
if [[ $tiledndvi == */* ]]; then
    tiledndvi=$(realpath -e -- "$tiledndvi" 2>/dev/null) || die "TILEDNDVI $TILEDNDVI does not exist"
else
    command -v "$tiledndvi" >/dev/null 2>&1 || die "$tiledndvi is not on PATH: set TILEDNDVI to the program"
fi
# Made here, once, rather than by every task at the same moment.
mkdir -p -- "$outdir"

array_id=$(sbatch --parsable --array="0-$((tasks - 1))" "${cpus[@]}" \
    --export="ALL,TILEDNDVI=$tiledndvi" \
    "$here/ndvi_array.sbatch" "$input" "$outdir" "$tiles" "${ndvi_opts[@]}") || die "sbatch of the array failed"
array_id=${array_id%%;*}   # --parsable prints id;cluster on multi-cluster setups
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
    --export="ALL,TILEDNDVI=$tiledndvi" \
    "$here/merge.sbatch" "$output" "$outdir" "${merge_opts[@]}") || {
    scancel "$array_id" || true
    die "sbatch of the merge failed: array job $array_id cancelled"
}
merge_id=${merge_id%%;*}
echo "array job $array_id ($tasks tasks, $tiles tiles into $outdir)"
echo "merge job $merge_id (into $output, after every task succeeded)"
((wait)) || exit 0

# Not `sbatch --wait`: on the merge it exits 0 when SLURM cancels the merge
# because a task failed. Polls scontrol instead (no accounting needed); the
# records stay MinJobAge seconds after the end, far longer than a poll.
final='^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE|REVOKED)$'
field() { { grep -o " $1=[^ ]*" <<< " $2" || true; } | head -n 1 | cut -d= -f2-; }

# Waits until every record of job $1 (one per array task) is final; leaves them in $records.
wait_job() {
    local id=$1 unseen_since=$SECONDS line all_final
    while :; do
        if records=$(scontrol -o show job "$id" 2>/dev/null) && [[ -n $records ]]; then
            unseen_since=$SECONDS
            all_final=1
            while IFS= read -r line; do
                [[ $(field JobState "$line") =~ $final ]] || all_final=0
            done <<< "$records"
            ((all_final)) && return 0
        elif ((SECONDS - unseen_since >= 30)); then
            die "job $id: scontrol has had no record of it for 30 s: cannot tell how it ended"
        fi
        sleep "${POLL_SECONDS:-1}"
    done
}

start=$SECONDS
status=0
wait_job "$array_id"
while IFS= read -r line; do
    state=$(field JobState "$line")
    if [[ $state != COMPLETED ]]; then
        echo "submit.sh: task $(field ArrayTaskId "$line") of array $array_id: $state" \
             "(exit $(field ExitCode "$line")), log $(field StdOut "$line")" >&2
        status=1
    fi
done <<< "$records"
wait_job "$merge_id"
state=$(field JobState "$records")
if [[ $state != COMPLETED ]]; then
    echo "submit.sh: merge job $merge_id: $state ($(field Reason "$records"), exit $(field ExitCode "$records"))," \
         "log $(field StdOut "$records")" >&2
    status=1
fi
if ((status == 0)); then
    echo "done in $((SECONDS - start)) s: $output written"
else
    echo "FAILED after $((SECONDS - start)) s" >&2
fi
exit "$status"
