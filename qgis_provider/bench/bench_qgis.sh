#!/bin/bash
# Speed of tiledndvi:ndvi in qgis_process against what it cannot avoid: QGIS's
# own start-up, and the tiledndvi command line doing the same job.
#
# Builds the reference workload (bands 3 and 4 of the sample as Int16,
# upsampled 20x to 6980x7040), then times, round-robin so noise hits every
# contender alike (median of REPEAT runs each):
#
#   start-up      qgis_process.bin help tiledndvi:ndvi: QGIS starts, loads the
#                 plugin, finds the algorithm, and stops (no pixel work)
#   list          qgis_process.bin list: start-up plus listing every algorithm
#   cli           tiledndvi ndvi nr_fine.tif (automatic tiles, all cores)
#   qgis_process  qgis_process.bin run tiledndvi:ndvi -- INPUT=nr_fine.tif ...
#
# Target: qgis_process <= start-up + 1.1 x cli. The outputs are compared too.
# QGIS runs with a throwaway profile and HOME, as in the tests.
#
# Usage: qgis_provider/bench/bench_qgis.sh [BUILD_DIR] (default: build-qgis)
#        REPEAT=7 WORKDIR=/some/dir qgis_provider/bench/bench_qgis.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build-qgis}" && pwd)
repeat=${REPEAT:-5}
cli="$build/cli/tiledndvi"
plugin="$build/qgis_provider/plugin/tiledndvi"
qgis_process=${QGIS_PROCESS:-$(command -v qgis_process.bin)}
python_gdal=/usr/bin/python3  # Debian's python3, the one with GDAL's bindings

[ -x "$cli" ] || { echo "bench_qgis: no $cli; build first (cmake --build $build)" >&2; exit 1; }
[ -f "$plugin/libtiledndvi_qgis.so" ] || { echo "bench_qgis: no plugin in $plugin; build first" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/tiledndvi-bench-qgis-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
work=${WORKDIR:-$scratch}
mkdir -p "$work"

# A throwaway QGIS profile holding the plugin built here.
export HOME="$scratch/home" QGIS_CUSTOM_CONFIG_PATH="$scratch/qgis-config" XDG_RUNTIME_DIR="$scratch/runtime"
export QT_QPA_PLATFORM=offscreen GDAL_PAM_ENABLED=NO
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$QGIS_CUSTOM_CONFIG_PATH/profiles/default/python/plugins"
chmod 700 "$XDG_RUNTIME_DIR"
ln -s "$plugin" "$QGIS_CUSTOM_CONFIG_PATH/profiles/default/python/plugins/tiledndvi"
"$qgis_process" plugins enable tiledndvi >/dev/null 2>&1

input="$work/nr_fine.tif"
if [ ! -f "$input" ]; then
  gdal_translate -q -b 3 -b 4 -ot Int16 -outsize 2000% 2000% -r nearest "$top/data/L7_ETMs.tif" "$input"
fi
cat "$input" >/dev/null  # into the page cache: every contender starts warm

now() { date +%s.%N; }
# Runs "$@" quietly and prints its wall time in seconds; fails loudly.
timed() {
  local start end
  start=$(now)
  if ! "$@" >"$scratch/last.log" 2>&1; then
    echo "bench_qgis: failed: $*" >&2
    cat "$scratch/last.log" >&2
    exit 1
  fi
  end=$(now)
  echo "$end - $start" | bc -l
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

names=(startup list cli qgis_process)
run_one() {
  case "$1" in
    startup) timed "$qgis_process" help tiledndvi:ndvi ;;
    list) timed "$qgis_process" list ;;
    cli)
      rm -f "$work/ndvi_cli.tif"  # both contenders write a new file (deleting 200 MB is not free)
      timed "$cli" ndvi -q --red 1 --nir 2 "$input" "$work/ndvi_cli.tif" ;;
    qgis_process)
      rm -f "$work/ndvi_qgis.tif"
      timed "$qgis_process" run tiledndvi:ndvi -- "INPUT=$input" RED_BAND=1 NIR_BAND=2 "OUTPUT=$work/ndvi_qgis.tif" ;;
  esac
}

run_one cli >/dev/null  # warm-up: first runs pay for loading libraries
run_one qgis_process >/dev/null
for name in "${names[@]}"; do : >"$scratch/$name.times"; done
for ((i = 0; i < repeat; i++)); do
  for name in "${names[@]}"; do run_one "$name" >>"$scratch/$name.times"; done
done

declare -A med
for name in "${names[@]}"; do med[$name]=$(median <"$scratch/$name.times"); done

same=$("$python_gdal" - "$work/ndvi_cli.tif" "$work/ndvi_qgis.tif" <<'EOF'
import sys
from osgeo import gdal
datasets = [gdal.Open(path) for path in sys.argv[1:3]]  # kept open while their bands are read
a, b = (dataset.GetRasterBand(1).ReadRaster() for dataset in datasets)
print("identical" if a == b else "DIFFERENT")
EOF
)

budget=$(echo "${med[startup]} + 1.1 * ${med[cli]}" | bc -l)
verdict=$(echo "${med[qgis_process]} <= $budget" | bc -l)
printf 'tiledndvi:ndvi in qgis_process on %s (6980 x 7040 Int16, 2 bands), %d cores, median of %d runs\n' \
  "$(basename "$input")" "$(nproc)" "$repeat"
printf '  %-34s %7.3f s\n' "QGIS start-up (help tiledndvi:ndvi)" "${med[startup]}" \
  "qgis_process.bin list" "${med[list]}" \
  "tiledndvi ndvi (CLI)" "${med[cli]}" \
  "qgis_process.bin run tiledndvi:ndvi" "${med[qgis_process]}"
printf '  %-34s %7.3f s  (qgis_process run - start-up: %.3f s = %.2f x CLI)\n' "budget: start-up + 1.1 x CLI" \
  "$budget" "$(echo "${med[qgis_process]} - ${med[startup]}" | bc -l)" \
  "$(echo "(${med[qgis_process]} - ${med[startup]}) / ${med[cli]}" | bc -l)"
printf '  outputs: %s; target %s\n' "$same" "$([ "$verdict" = 1 ] && echo met || echo MISSED)"
[ "$same" = identical ]
