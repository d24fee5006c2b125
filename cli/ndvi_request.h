// What `tiledndvi ndvi` was asked, for one raster or a folder of tiles; the
// bench command builds the same request.
#pragma once

#include <optional>
#include <string>

#include "shared_options.h"
#include "tiledndvi/job.h"
#include "tiledndvi/task_share.h"

namespace tiledndvi::cli {

struct NdviRequest {
    std::string input;      // a raster, or a folder of tiles
    std::string output;     // a raster, or a folder
    std::string nir_input;  // NIR from its own raster (not with folders)
    int red_band = 0;       // 0: default (see choose_bands)
    int nir_band = 0;
    OutputSpec output_spec;  // format, creation options, type, NoData, overwrite
    TileLayout layout;
    bool layout_given = false;  // --tiles or --tile-size (a tile set needs one)
    int threads = 0;
    bool quiet = false;
    bool style = false;  // write a QGIS style beside each output
    // Tile set only: this task's share (unset: from SLURM, else all tiles),
    // and whether complete tiles from an earlier run are kept.
    std::optional<TaskShare> task;
    bool resume = false;
};

// The engine job for one raster `input` -> `output` under `request`'s options.
NormalizedDifferenceJob ndvi_job_for(const NdviRequest& request, const std::string& input, const std::string& output);

// NDVI of every raster in request.input (a folder) into request.output (a
// folder), NDVI_<name>, tiles in parallel (one thread each). All or nothing:
// a failure or a cancel removes what this run wrote.
int ndvi_folder(const NdviRequest& request);

// Whether `output` names a folder: an existing one, or a name ending in '/'.
bool names_folder(const std::string& output);

// NDVI of the raster request.input as a tile set: one file per tile of
// request.layout in the folder request.output, plus its description
// (tile_set.h). Computes only this task's share of the tiles (see
// task_share.h), each moved into place as soon as it is complete, so an
// interrupted task can be rerun with --resume.
int ndvi_tile_set(const NdviRequest& request);

}  // namespace tiledndvi::cli
