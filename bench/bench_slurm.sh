#!/usr/bin/env bash
# The SLURM job array against one process, on the reference workload (bands 3
# and 4 of the sample as Int16, upsampled 20x to 6980 x 7040; see
# data/README.md), on a single-node cluster started here:
#
#   bench/bench_slurm.sh [BUILD_DIR] [REPEAT]       (root; slurm-wlm, munge)
#
# For 2 and 4 tasks over 4x4 tiles (1 CPU each, as the 2 cores allow 2 at a
# time) it times, median of REPEAT (default 3) runs:
#   single   tiledndvi ndvi on the whole raster (all cores)
#   direct   the same task commands run by hand, 2 at a time, then the merge
#   slurm    examples/slurm/submit.sh --wait: array, dependent merge, polling
# and reports slurm - direct, the cost of going through SLURM, per task.
set -euo pipefail
shopt -s inherit_errexit  # a failed run inside $(...) stops the benchmark, not reports a time
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m -- "${1:-$top/build}")
repeat=${2:-3}
tiledndvi=$build/cli/tiledndvi
cluster=$top/tests/slurm/slurm_cluster.sh
submit=$top/examples/slurm/submit.sh
[[ -x $tiledndvi ]] || { echo "bench_slurm: $tiledndvi is not built" >&2; exit 1; }
unset "${!SLURM_@}" "${!SBATCH_@}"

tmp=$(mktemp -d -t tiledndvi-bench-slurm.XXXXXX)
chmod 0755 "$tmp"   # munged (the munge user) keeps its files in the state dir
state=$tmp/cluster
cleanup() { "$cluster" stop "$state" >/dev/null 2>&1 || true; rm -rf -- "$tmp"; }
trap cleanup EXIT

workload=$tmp/nr_fine.tif
gdal_translate -q -b 3 -b 4 -ot Int16 -outsize 2000% 2000% -r nearest "$top/data/L7_ETMs.tif" "$workload"
"$cluster" start "$state" >/dev/null
# shellcheck source=/dev/null
source "$state/env.sh"

now() { date +%s.%N; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# time_of COMMAND...: prints its wall time in seconds
time_of() { local t0; t0=$(now); "$@" >/dev/null; awk -v a="$(now)" -v b="$t0" 'BEGIN { print a - b }'; }

single() { rm -f "$tmp/single.tif"; "$tiledndvi" ndvi "$workload" "$tmp/single.tif" --red 1 --nir 2 -q; }
direct() {  # direct N: the N task commands, at most 2 at once, then the merge
    local n=$1 i pids=()
    rm -rf "$tmp/direct" "$tmp/direct.tif"
    for ((i = 0; i < n; i++)); do
        "$tiledndvi" ndvi "$workload" "$tmp/direct/" --tiles 4x4 --red 1 --nir 2 --threads 1 -q \
            --task-index "$i" --task-count "$n" &
        pids+=($!)
        if ((${#pids[@]} == 2 || i == n - 1)); then
            for pid in "${pids[@]}"; do wait "$pid"; done
            pids=()
        fi
    done
    "$tiledndvi" merge "$tmp/direct.tif" "$tmp/direct" -q
}
via_slurm() {  # via_slurm N
    local n=$1
    rm -rf "$tmp/slurm" "$tmp/slurm.tif"
    mkdir -p "$tmp/logs"
    (cd "$tmp/logs" && TILEDNDVI=$tiledndvi POLL_SECONDS=0.1 "$submit" "$workload" "$tmp/slurm" "$tmp/slurm.tif" \
        --tasks "$n" --tiles 4x4 --cpus-per-task 1 --wait -- --red 1 --nir 2)
}
echo "workload: $(gdalinfo "$workload" | sed -n 's/^Size is //p') Int16 x 2 bands," \
     "$(du -m "$workload" | cut -f1) MiB; median of $repeat"
single_times=$(for ((r = 0; r < repeat; r++)); do time_of single; done | median)
printf '%-34s %7.3f s\n' "single process (2 threads)" "$single_times"
for n in 2 4; do
    d=$(for ((r = 0; r < repeat; r++)); do time_of direct "$n"; done | median)
    s=$(for ((r = 0; r < repeat; r++)); do time_of via_slurm "$n"; done | median)
    printf '%-34s %7.3f s\n' "$n tasks by hand + merge" "$d" "$n tasks via SLURM + merge" "$s"
    awk -v s="$s" -v d="$d" -v n="$n" 'BEGIN { printf "%-34s %7.3f s (%.3f s per task)\n", "  SLURM'"'"'s cost", s - d, (s - d) / n }'
done
