#!/usr/bin/env bash
# Integration test of the SLURM array workflow (examples/slurm/) on a real
# single-node cluster started here (tests/slurm/slurm_cluster.sh):
#
#   tests/slurm/test_slurm_array.sh BUILD_DIR
#
# 1. tiledndvi ndvi on the sample in one process: the reference.
# 2. submit.sh --wait with 2 and 4 tasks (4x4 tiles): the merged mosaic must
#    equal the reference bit for bit (pixels, size, georeferencing).
# 3. One task made to fail (a directory where its first tile goes): submit.sh
#    must fail, the merge must not run, the other tasks' tiles must exist; then,
#    the obstacle removed, a resubmission (--resume) completes only what is
#    missing and gives the reference again.
# 4. SLURM's variables for a stepped array (0-6:2) and a list (1,4,9): the
#    first gives the reference, the second is refused by every task.
# Needs root and Debian's slurm-wlm and munge; exits 77 (skipped) without them.
# Prints the wall time of every run.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
tiledndvi=$(realpath -m -- "$1/cli/tiledndvi")
sample=$top/data/L7_ETMs.tif
cluster=$top/tests/slurm/slurm_cluster.sh
submit=$top/examples/slurm/submit.sh

if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: needs root to start slurmctld, slurmd and munged"; exit 77
fi
for prog in munged slurmctld slurmd sbatch scontrol squeue sinfo; do
    command -v "$prog" >/dev/null 2>&1 ||
        { echo "SKIP: $prog not installed (Debian packages slurm-wlm, munge)"; exit 77; }
done

fail() { echo "FAIL: $*"; exit 1; }
# Each SLURM step takes seconds; bounded so that all of them together stay
# under CTest's 600 s and this script's cleanup (stopping the cluster) runs.
step_timeout=60
[[ -x $tiledndvi ]] || fail "$tiledndvi is not built"
[[ $("$tiledndvi" ndvi --help 2>&1) == *--task-index* ]] ||
    fail "$tiledndvi ndvi has no --task-index: rebuild it"
/usr/bin/python3 -c 'from osgeo import gdal; import numpy' 2>/dev/null ||
    fail "/usr/bin/python3 lacks osgeo.gdal or numpy (python3-gdal, python3-numpy)"

# Nothing of an enclosing SLURM job (if any) may leak into ours.
unset "${!SLURM_@}" "${!SBATCH_@}"

# A run killed outright (SIGKILL, e.g. a CTest timeout) leaves its cluster up,
# and the fixed SLURM ports would then fail every later run: stop such
# leftovers, recognised by their directory and a test process that is gone.
for old_state in "${TMPDIR:-/tmp}"/tiledndvi-slurm.*/cluster; do
    [[ -f $old_state/run/slurmctld.pid || -f $old_state/run/munged.pid ]] || continue
    owner=$(cat "${old_state%/cluster}/test.pid" 2>/dev/null || true)
    if [[ -n $owner ]] && kill -0 "$owner" 2>/dev/null &&
        tr '\0' ' ' < "/proc/$owner/cmdline" | grep -q test_slurm_array; then
        continue   # still running: its ports are busy, our start will say so
    fi
    echo "stopping the cluster a killed run left in $old_state"
    "$cluster" stop "$old_state" 2>/dev/null || true
    rm -rf -- "${old_state%/cluster}"
done

tmp=$(mktemp -d -t tiledndvi-slurm.XXXXXX)
echo $$ > "$tmp/test.pid"
chmod 0755 "$tmp"   # munged runs as the munge user and keeps its files in the state dir
state=$tmp/cluster
cluster_started=0
cleanup() {
    local status=$?
    if ((cluster_started)); then
        "$cluster" stop "$state" 2>/dev/null || echo "warning: stopping the cluster failed ($state)"
    fi
    if ((status == 0)); then
        rm -rf -- "$tmp"
    else
        echo "(files kept in $tmp)"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# Same size, georeferencing, band types and NoData, and the same pixel bytes.
same_raster() {
    /usr/bin/python3 - "$1" "$2" <<'EOF'
import sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
ref, out = gdal.Open(sys.argv[1]), gdal.Open(sys.argv[2])
def differ(what):
    print(f"{sys.argv[2]} differs from {sys.argv[1]}: {what}")
    sys.exit(1)
if (ref.RasterXSize, ref.RasterYSize, ref.RasterCount) != (out.RasterXSize, out.RasterYSize, out.RasterCount):
    differ(f"size {out.RasterXSize}x{out.RasterYSize}x{out.RasterCount}, "
           f"not {ref.RasterXSize}x{ref.RasterYSize}x{ref.RasterCount}")
if ref.GetGeoTransform() != out.GetGeoTransform():
    differ(f"geotransform {out.GetGeoTransform()}, not {ref.GetGeoTransform()}")
if ref.GetProjection() != out.GetProjection():
    differ("CRS")
for b in range(1, ref.RasterCount + 1):
    rb, ob = ref.GetRasterBand(b), out.GetRasterBand(b)
    if rb.DataType != ob.DataType:
        differ(f"band {b} type {gdal.GetDataTypeName(ob.DataType)}, not {gdal.GetDataTypeName(rb.DataType)}")
    if str(rb.GetNoDataValue()) != str(ob.GetNoDataValue()):
        differ(f"band {b} NoData {ob.GetNoDataValue()}, not {rb.GetNoDataValue()}")
    rbytes, obytes = rb.ReadRaster(), ob.ReadRaster()
    if rbytes != obytes:
        n = np.count_nonzero(np.frombuffer(rbytes, np.uint8) != np.frombuffer(obytes, np.uint8))
        differ(f"band {b}: {n} of {len(rbytes)} pixel bytes")
EOF
}

# submit.sh --wait from DIR (the jobs' logs land there); its output in DIR/submit.out.
# Bounded: a job stuck pending would otherwise hang the test.
run_submit() {
    local dir=$1; shift
    mkdir -p "$dir"
    (cd "$dir" && TILEDNDVI=$tiledndvi timeout "$step_timeout" "$submit" "$@" --wait) > "$dir/submit.out" 2>&1
}

t0=$(now_ms)
"$cluster" start "$state" >/dev/null 2> "$tmp/cluster.out" || {
    cat "$tmp/cluster.out"; fail "the SLURM cluster did not start"; }
cluster_started=1
# shellcheck source=/dev/null
source "$state/env.sh"
echo "cluster start: $(secs $(($(now_ms) - t0))) s"

t0=$(now_ms)
"$tiledndvi" ndvi "$sample" "$tmp/ref.tif" -q || fail "single-process tiledndvi ndvi failed"
echo "single process: $(secs $(($(now_ms) - t0))) s"

tiles=4x4
for tasks in 2 4; do
    run=$tmp/run$tasks
    t0=$(now_ms)
    run_submit "$run" "$sample" "$run/tiles" "$run/ndvi.tif" --tasks "$tasks" --tiles "$tiles" --cpus-per-task 1 ||
        { status=$?; cat "$run/submit.out"; fail "$tasks tasks: submit.sh --wait exited with status $status"; }
    echo "SLURM, $tasks tasks ($tiles tiles, 1 CPU each): $(secs $(($(now_ms) - t0))) s (submission to merged mosaic)"
    logs=("$run"/tiledndvi-ndvi_*_*.log)
    [[ ${#logs[@]} -eq $tasks ]] || fail "$tasks tasks: ${#logs[@]} task logs, expected $tasks"
    [[ -f $run/tiles/tiledndvi_tiles.json ]] || fail "$tasks tasks: no tile-set description in $run/tiles"
    same_raster "$tmp/ref.tif" "$run/ndvi.tif" || fail "$tasks tasks: merged mosaic is not the reference"
done

# SLURM's own variables for other index ranges: a step (--array=0-6:2 is 4
# tasks) shares the set like --array=0-3; a list (--array=1,4,9) maps onto no
# range of tasks and every task refuses it.
stepped=$tmp/stepped
mkdir -p "$stepped"
(cd "$stepped" && TILEDNDVI=$tiledndvi timeout "$step_timeout" sbatch --wait --quiet --array=0-6:2 --cpus-per-task=1 \
    "$top/examples/slurm/ndvi_array.sbatch" "$sample" "$stepped/tiles" 4x4) > "$stepped/sbatch.out" 2>&1 ||
    { cat "$stepped/sbatch.out" "$stepped"/*.log; fail "--array=0-6:2: sbatch --wait failed"; }
"$tiledndvi" merge "$stepped/ndvi.tif" "$stepped/tiles" -q || fail "--array=0-6:2: the set is not complete"
same_raster "$tmp/ref.tif" "$stepped/ndvi.tif" || fail "--array=0-6:2: merged mosaic is not the reference"
listed=$tmp/listed
mkdir -p "$listed"
if (cd "$listed" && TILEDNDVI=$tiledndvi timeout "$step_timeout" sbatch --wait --quiet --array=1,4,9 --cpus-per-task=1 \
    "$top/examples/slurm/ndvi_array.sbatch" "$sample" "$listed/tiles" 4x4) > "$listed/sbatch.out" 2>&1; then
    fail "--array=1,4,9: sbatch --wait exited 0"
fi
for log in "$listed"/tiledndvi-ndvi_*.log; do
    grep -q "indices are not one range" "$log" || { cat "$log"; fail "--array=1,4,9: $log does not say why"; }
done
[[ -z $(find "$listed/tiles" -name 'NDVI_tile_*' 2>/dev/null) ]] || fail "--array=1,4,9: tiles were written"
echo "SLURM variables: --array=0-6:2 gives the reference, --array=1,4,9 is refused"

# Failure: task 0 of 4 cannot write its first tile (a directory is in the way).
tasks=4
run=$tmp/fail
mkdir -p "$run/tiles/NDVI_tile_0_0.tif"
t0=$(now_ms)
if run_submit "$run" "$sample" "$run/tiles" "$run/ndvi.tif" --tasks "$tasks" --tiles "$tiles" --cpus-per-task 1; then
    cat "$run/submit.out"; fail "failing task: submit.sh --wait exited 0"
fi
echo "SLURM, $tasks tasks, task 0 failing: $(secs $(($(now_ms) - t0))) s"
grep -q 'task 0 of array .*FAILED' "$run/submit.out" ||
    { cat "$run/submit.out"; fail "failing task: submit.sh does not name task 0 as failed"; }
[[ ! -e $run/ndvi.tif ]] || fail "failing task: the merge ran anyway ($run/ndvi.tif exists)"
grep -q 'merge job .*CANCELLED' "$run/submit.out" ||
    { cat "$run/submit.out"; fail "failing task: SLURM did not cancel the merge"; }
[[ -z $(compgen -G "$run/tiledndvi-merge_*.log") ]] || fail "failing task: the merge job started (it has a log)"
# Tasks 1-3 own tiles 4-15: rows 1-3 of the 4x4 set (tile t is row t/4, column t%4).
for ((t = 4; t < 16; t++)); do
    tile=$run/tiles/NDVI_tile_$((t / 4))_$((t % 4)).tif
    [[ -f $tile ]] || fail "failing task: the other tasks' tile $tile is missing"
done
before=$(stat -c %y "$run/tiles/NDVI_tile_3_3.tif")

# The array alone, as a user would wait for it: `sbatch --wait` exits non-zero
# when one task fails (the highest exit status of the tasks).
direct=$tmp/direct
mkdir -p "$direct/tiles/NDVI_tile_1_0.tif"   # task 1 of 2 (tiles 2-3 of 2x2) is blocked
t0=$(now_ms)
if (cd "$direct" && TILEDNDVI=$tiledndvi timeout "$step_timeout" sbatch --wait --quiet --array=0-1 --cpus-per-task=1 \
        "$top/examples/slurm/ndvi_array.sbatch" "$sample" "$direct/tiles" 2x2) > "$direct/sbatch.out" 2>&1; then
    cat "$direct/sbatch.out"; fail "sbatch --wait of an array with a failing task exited 0"
fi
echo "sbatch --wait, 2 tasks, task 1 failing: non-zero as expected ($(secs $(($(now_ms) - t0))) s)"
[[ -f $direct/tiles/NDVI_tile_0_0.tif && -f $direct/tiles/NDVI_tile_0_1.tif ]] ||
    fail "sbatch --wait: task 0's tiles are missing"
grep -q "is a directory" "$direct"/tiledndvi-ndvi_*_1.log ||
    { cat "$direct"/tiledndvi-ndvi_*_1.log; fail "sbatch --wait: task 1's log does not say why it failed"; }

# Recovery: obstacle gone, same command again; --resume keeps the finished tiles.
rmdir "$run/tiles/NDVI_tile_0_0.tif"
t0=$(now_ms)
run_submit "$run/again" "$sample" "$run/tiles" "$run/ndvi.tif" --tasks "$tasks" --tiles "$tiles" --cpus-per-task 1 ||
    { status=$?; cat "$run/again/submit.out"; fail "resubmission: submit.sh --wait exited with status $status"; }
echo "SLURM, resubmission after the failure: $(secs $(($(now_ms) - t0))) s"
[[ $(stat -c %y "$run/tiles/NDVI_tile_3_3.tif") == "$before" ]] ||
    fail "resubmission: a tile of a task that had succeeded was computed again"
same_raster "$tmp/ref.tif" "$run/ndvi.tif" || fail "resubmission: merged mosaic is not the reference"

echo "PASS: SLURM array runs (2 and 4 tasks) equal the single-process result; a failing task fails the submission, the merge is cancelled, a resubmission completes it"
