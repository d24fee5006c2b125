// The parallel tiled engine: walks a tile grid on OpenMP threads, each with its
// own GDAL handles, reads both bands, runs the kernel and writes the result.
#pragma once

#include <cstddef>

#include <gdal_priv.h>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/staged_output.h"
#include "tiledndvi/tile_grid.h"
#include "tiledndvi/tile_layout.h"

namespace tiledndvi {

struct EngineOptions {
    int num_threads = 0;  // 0: all cores
    std::size_t window_bytes = default_window_bytes;
};

// Threads to use for a request of `requested` (0 = all cores).
int resolve_thread_count(int requested);

// Bytes one pixel takes in the engine's buffers (two inputs, one output).
std::size_t engine_bytes_per_pixel(const BandPair& pair, GDALDataType output_type);

// Computes (a - b) / (a + b) for every tile of `tiles` into `output` (a
// single-band raster on the same grid, of type Float32 or Float64). Progress is
// reported from the calling thread only; returning false from it stops the work
// promptly and throws Cancelled. Throws Error on any read or write failure.
// Peak memory: threads x window_bytes, whatever the raster size.
void compute_tiles(const BandPair& pair, GDALRasterBand& output, double output_nodata, const TileGrid& tiles,
                   const EngineOptions& options, const ProgressCallback& progress);

}  // namespace tiledndvi
