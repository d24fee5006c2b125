#!/usr/bin/env bash
# Speed of the GDAL plugin on the reference workload (bands 3 and 4 of the
# sample as Int16, upsampled 20x to 6980 x 7040), as ratios to a plain
# gdal_translate copy of the same input, in one run:
#   vrt     gdal_translate of a VRT using the `ndvi` pixel function   (target <= 1.05)
#   driver  gdal_translate NDVI:red=1,nir=2:nr_fine.tif                (target <= 0.80)
#
#   gdal_plugin/bench/bench_plugin.sh [BUILD_DIR] [RUNS]
#
# BUILD_DIR defaults to build/ (it must hold gdal_plugin/gdal_TiledNDVI.so);
# RUNS (default 5) runs of each command, interleaved; medians are printed.
# GDAL_CACHEMAX and other GDAL settings from the environment apply to every run.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
runs=${2:-5}
plugin_dir="$build/gdal_plugin"
if [[ ! -f $plugin_dir/gdal_TiledNDVI.so ]]; then
    echo "bench_plugin: no $plugin_dir/gdal_TiledNDVI.so: build first (cmake --build $build)" >&2
    exit 1
fi
export GDAL_DRIVER_PATH=$plugin_dir  # for every run, the copy included: same start-up cost

work=$(mktemp -d "${TMPDIR:-/tmp}/bench_plugin.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
gdal_translate -q -b 3 -b 4 -ot Int16 -outsize 2000% 2000% -r nearest "$top/data/L7_ETMs.tif" nr_fine.tif
cat > ndvi.vrt <<'EOF'
<VRTDataset rasterXSize="6980" rasterYSize="7040">
  <VRTRasterBand dataType="Float32" band="1" subClass="VRTDerivedRasterBand">
    <NoDataValue>nan</NoDataValue>
    <PixelFunctionType>ndvi</PixelFunctionType>
    <SourceTransferType>Int16</SourceTransferType>
    <SimpleSource><SourceFilename relativeToVRT="1">nr_fine.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
    <SimpleSource><SourceFilename relativeToVRT="1">nr_fine.tif</SourceFilename><SourceBand>2</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>
EOF

declare -A commands=(
    [copy]="gdal_translate -q nr_fine.tif out_copy.tif"
    [vrt]="gdal_translate -q ndvi.vrt out_vrt.tif"
    [driver]="gdal_translate -q NDVI:red=1,nir=2:nr_fine.tif out_driver.tif"
)
order=(copy vrt driver)
declare -A wall cpu
for name in "${order[@]}"; do wall[$name]=""; cpu[$name]=""; done

# Page cache warm for everyone: one untimed run of each first.
for name in "${order[@]}"; do ${commands[$name]}; done
for ((run = 1; run <= runs; run++)); do
    for name in "${order[@]}"; do
        rm -f out_"$name".tif
        /usr/bin/time -f "%e %U %S" -o time.txt ${commands[$name]}
        read -r elapsed user system < time.txt
        wall[$name]+="$elapsed "
        cpu[$name]+="$(awk -v u="$user" -v s="$system" 'BEGIN {print u + s}') "
    done
done

median() { tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Small calls: gdalinfo -stats reads block by block (thousands of 128x128 VRT
# blocks), against the same statistics of the NDVI file the driver wrote.
declare -A stats_commands=(
    [stats_file]="gdalinfo -stats out_driver.tif"
    [stats_vrt]="gdalinfo -stats stats.vrt"
    [stats_driver]="gdalinfo -stats NDVI:red=1,nir=2:nr_fine.tif"
)
stats_order=(stats_file stats_vrt stats_driver)
for name in "${stats_order[@]}"; do wall[$name]=""; cpu[$name]=""; done
for ((run = 1; run <= runs; run++)); do
    for name in "${stats_order[@]}"; do
        rm -f out_driver.tif.aux.xml
        cp ndvi.vrt stats.vrt  # a VRT keeps computed statistics in itself: start clean
        /usr/bin/time -f "%e %U %S" -o time.txt ${stats_commands[$name]} > /dev/null
        read -r elapsed user system < time.txt
        wall[$name]+="$elapsed "
        cpu[$name]+="$(awk -v u="$user" -v s="$system" 'BEGIN {print u + s}') "
    done
done

# The three outputs are checked, not just timed: both NDVI outputs are the same bits.
same=$(/usr/bin/python3 - <<'PY'
from osgeo import gdal
def pixels(path):
    dataset = gdal.Open(path)
    return dataset.GetRasterBand(1).ReadRaster()
print("yes" if pixels("out_vrt.tif") == pixels("out_driver.tif") else "NO")
PY
)

copy=$(median "${wall[copy]}")
printf 'workload: %s, 6980 x 7040 Int16 x 2 bands; %d runs each; GDAL_CACHEMAX=%s; %s cores\n' \
    "$(gdalinfo --version)" "$runs" "${GDAL_CACHEMAX:-default}" "$(nproc)"
printf '%-8s %10s %10s %8s\n' command "median s" "cpu s" ratio
for name in "${order[@]}"; do
    m=$(median "${wall[$name]}")
    printf '%-8s %10.3f %10.3f %8.3f\n' "$name" "$m" "$(median "${cpu[$name]}")" "$(awk -v a="$m" -v b="$copy" 'BEGIN {print a / b}')"
done
printf 'vrt and driver outputs identical: %s\n' "$same"
printf 'targets: vrt <= 1.05, driver <= 0.80 (ratios to copy)\n\n'
stats_file=$(median "${wall[stats_file]}")
printf '%-13s %10s %10s %8s\n' "gdalinfo" "median s" "cpu s" ratio
for name in "${stats_order[@]}"; do
    m=$(median "${wall[$name]}")
    printf '%-13s %10.3f %10.3f %8.3f\n' "-stats ${name#stats_}" "$m" "$(median "${cpu[$name]}")" \
        "$(awk -v a="$m" -v b="$stats_file" 'BEGIN {print a / b}')"
done
printf '(ratios to gdalinfo -stats of the NDVI GeoTIFF itself; informational)\n'
