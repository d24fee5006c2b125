// What `tiledndvi ndvi` was asked, for one raster or a folder of tiles; the
// bench command builds the same request.
#pragma once

#include <string>

#include "shared_options.h"
#include "tiledndvi/job.h"

namespace tiledndvi::cli {

struct NdviRequest {
    std::string input;      // a raster, or a folder of tiles
    std::string output;     // a raster, or a folder
    std::string nir_input;  // NIR from its own raster (not with folders)
    int red_band = 0;       // 0: default (see choose_bands)
    int nir_band = 0;
    OutputSpec output_spec;  // format, creation options, type, NoData, overwrite
    TileLayout layout;
    int threads = 0;
    bool quiet = false;
    bool style = false;  // write a QGIS style beside each output
};

// The engine job for one raster `input` -> `output` under `request`'s options.
NormalizedDifferenceJob ndvi_job_for(const NdviRequest& request, const std::string& input, const std::string& output);

// NDVI of every raster in request.input (a folder) into request.output (a
// folder), NDVI_<name>, tiles in parallel (one thread each). All or nothing:
// a failure or a cancel removes what this run wrote.
int ndvi_folder(const NdviRequest& request);

}  // namespace tiledndvi::cli
