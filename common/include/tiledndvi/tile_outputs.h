// Computing several tiles of one input, each into its own output raster (the
// files of a tile set), reading the input once: windows span all the tiles
// side by side, so a row of tiles is read in swaths as wide as the row (full
// width: straight from the file, no block cache) rather than tile by tile,
// which re-reads every strip once per tile column.
#pragma once

#include <vector>

#include <gdal_priv.h>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/tiled_engine.h"

namespace tiledndvi {

struct TileOutput {
    Tile tile;                       // in input pixels
    GDALRasterBand* band = nullptr;  // tile.width x tile.height, Float32/Float64
};

// Computes every output's tile. The tiles must not overlap; windows of
// options.window_bytes cut their bounding box (best: tiles of one tile row).
// Each output receives its windows in a fixed order, so its file has the same
// bytes for any thread count. Progress, cancel and errors as compute_tiles().
void compute_tile_outputs(const BandPair& pair, const std::vector<TileOutput>& outputs, double output_nodata,
                          const EngineOptions& options, const ProgressCallback& progress);

}  // namespace tiledndvi
