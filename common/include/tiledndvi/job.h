// One whole normalized-difference run, file to file: validate the inputs and the
// output, compute tile by tile into a staged file, move it into place. What the
// CLI and the QGIS algorithm call.
#pragma once

#include <optional>
#include <string>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/staged_output.h"
#include "tiledndvi/tile_layout.h"
#include "tiledndvi/tiled_engine.h"

namespace tiledndvi {

struct NormalizedDifferenceJob {
    BandSpec a;  // minuend: NIR for NDVI
    BandSpec b;  // subtrahend: red for NDVI
    OutputSpec output;
    TileLayout layout;
    EngineOptions engine;
    std::string band_description = "NDVI";
    // Only this part of the inputs (one tile of a tile set); the output then
    // covers just it, georeferenced to its corner. Unset: the whole raster.
    std::optional<Tile> window;
};

// Convenience for NDVI: a = NIR, b = red.
NormalizedDifferenceJob ndvi_job(const std::string& red_path, int red_band, const std::string& nir_path, int nir_band);

struct JobReport {
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::int64_t tile_count = 0;
    int threads = 0;
};

// Runs the job. Progress covers computing and, for CreateCopy-only formats,
// converting. Throws Error (or Cancelled); the target is then untouched and no
// temporary file is left.
JobReport run_job(const NormalizedDifferenceJob& job, const ProgressCallback& progress = {});

}  // namespace tiledndvi
