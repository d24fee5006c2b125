#!/usr/bin/env bash
# The main job on the bundled sample: installs what is missing, builds, computes
# NDVI of data/L7_ETMs.tif and draws a picture of it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/demo-output}
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
mkdir -p "$out"
tiledndvi="${BUILD_DIR:-$top/build}/cli/tiledndvi"
"$tiledndvi" ndvi "$top/data/L7_ETMs.tif" "$out/ndvi.tif" --overwrite
# Picture: NDVI -1..1 on a yellow-to-green ramp, NoData transparent.
cat > "$out/ylgn.txt" <<'RAMP'
nv 0 0 0 0
-1 255 255 229
0 217 240 163
0.5 65 171 93
1 0 69 41
RAMP
gdaldem color-relief -q -alpha -of PNG "$out/ndvi.tif" "$out/ylgn.txt" "$out/ndvi.png"
echo "NDVI: $out/ndvi.tif"
echo "Picture: $out/ndvi.png"
