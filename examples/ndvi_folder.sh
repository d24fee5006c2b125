#!/usr/bin/env bash
# NDVI of every GeoTIFF in a folder with plain GDAL tools and the plugin's
# NDVI: connection strings: one gdal_translate per scene, blocks computed in
# parallel by the plugin.
#
#   examples/ndvi_folder.sh INPUT_DIR OUTPUT_DIR [RED_BAND NIR_BAND]
#
# Bands default to 3 and 4 (Landsat 4-7). Each INPUT_DIR/NAME.tif gives
# OUTPUT_DIR/NAME_ndvi.tif (Float32, NoData NaN, georeferencing kept). Extra
# gdal_translate options go in GDAL_TRANSLATE_OPTIONS, e.g. "-co COMPRESS=DEFLATE".
# Needs gdal_TiledNDVI.so in GDAL's plugin directory or in GDAL_DRIVER_PATH.
set -euo pipefail

if [[ $# -ne 2 && $# -ne 4 ]]; then
    echo "usage: $0 INPUT_DIR OUTPUT_DIR [RED_BAND NIR_BAND]" >&2
    exit 2
fi
input_dir=$1
output_dir=$2
red=${3:-3}
nir=${4:-4}

# (Not `gdalinfo --formats | grep -q`: with pipefail, grep's early exit would
# fail the pipeline.)
formats=$(gdalinfo --formats)
if [[ $formats != *TiledNDVI* ]]; then
    echo "$0: GDAL does not know the TiledNDVI driver: install gdal_TiledNDVI.so into" \
         "GDAL's plugin directory or point GDAL_DRIVER_PATH at its folder" >&2
    exit 1
fi
mkdir -p "$output_dir"

shopt -s nullglob nocaseglob
scenes=("$input_dir"/*.tif "$input_dir"/*.tiff)
if [[ ${#scenes[@]} -eq 0 ]]; then
    echo "$0: no .tif files in $input_dir" >&2
    exit 1
fi

read -r -a extra <<< "${GDAL_TRANSLATE_OPTIONS:-}"
for scene in "${scenes[@]}"; do
    name=$(basename "$scene")
    output="$output_dir/${name%.*}_ndvi.tif"
    # Everything after the second colon is the path, verbatim: no escaping needed.
    gdal_translate -q "${extra[@]}" "NDVI:red=$red,nir=$nir:$scene" "$output"
    echo "$output"
done
