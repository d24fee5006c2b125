#!/usr/bin/env bash
# The main job, on the bundled Landsat 7 sample: installs what is missing,
# builds, then runs the tiles workflow end to end (the one of the Python
# tutorial this project replaces) and prints what it did and how long each
# step took:
#   upsample bands 3 and 4 (factor F) -> tile CxR -> NDVI per tile, serially and
#   in parallel (timed, outputs compared) -> merge -> quicklook picture + QGIS style
#
# Usage: scripts/demo.sh [--factor F] [--tiles CxR] [--threads N] [--out DIR]
#   defaults: factor 20 (6980 x 7040 pixels), tiles 4x4, all cores, demo-output/
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
factor=20 tiles=4x4 threads=$(nproc) out=$top/demo-output
while [ $# -gt 0 ]; do
  case "$1" in
    --factor) factor=$2; shift 2 ;;
    --tiles) tiles=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "demo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

"$top/scripts/install-deps.sh"
echo "== building"
"$top/scripts/build.sh"
tiledndvi="${BUILD_DIR:-$top/build}/cli/tiledndvi"

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/tiles" "$out/ndvi_tiles" "$out/nr_fine.tif" "$out/ndvi.tif" "$out/ndvi.png" "$out/ndvi.qml"
steps=()
step() {  # step NAME COMMAND...: runs it, records its time
  local name=$1; shift
  echo "== $name"
  local start ms
  start=$(date +%s%N)
  "$@"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  steps+=("$(printf '%-34s %5d.%03d s' "$name" $((ms / 1000)) $((ms % 1000)))")
}

step "upsample x$factor (gdal_translate)" \
  gdal_translate -q -b 3 -b 4 -ot Int16 -outsize "$((factor * 100))%" "$((factor * 100))%" -r nearest \
  "$top/data/L7_ETMs.tif" "$out/nr_fine.tif"
step "tile $tiles" "$tiledndvi" tile "$out/nr_fine.tif" "$out/tiles" --tiles "$tiles"
step "NDVI serial vs parallel (bench)" \
  "$tiledndvi" bench "$out/tiles" --red 1 --nir 2 --threads "$threads" --repeat 3 --workdir "$out"
step "NDVI per tile, $threads threads" \
  "$tiledndvi" ndvi "$out/tiles" "$out/ndvi_tiles" --red 1 --nir 2 --threads "$threads" --style
step "merge" "$tiledndvi" merge "$out/ndvi.tif" "$out/ndvi_tiles"
step "quicklook" "$tiledndvi" quicklook "$out/ndvi.tif" "$out/ndvi.png" --size 1024
cp "$out/ndvi_tiles/NDVI_tile_0_0.qml" "$out/ndvi.qml"  # the same NDVI style fits the mosaic

echo
echo "What the demo did ($(nproc) cores, factor $factor, tiles $tiles, $threads threads):"
printf '  %s\n' "${steps[@]}"
echo
echo "Outputs in $out:"
echo "  nr_fine.tif       the upsampled red and NIR bands (Int16)"
echo "  tiles/            $(ls "$out/tiles" | wc -l) tiles, tile_<row>_<col>.tif"
echo "  ndvi_tiles/       NDVI of each tile, NDVI_tile_<row>_<col>.tif"
echo "  ndvi.tif          NDVI of the whole scene (Float32 GeoTIFF, NoData NaN)"
echo "  ndvi.png          a picture of it (yellow to green, -1 .. 1, with a colour bar)"
echo "  ndvi.qml          QGIS style: open ndvi.tif in QGIS and it shows with that ramp"
