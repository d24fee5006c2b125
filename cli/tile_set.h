// A tile set: the NDVI of one raster written as one file per tile into one
// folder, possibly by many independent tasks (see task_share.h), and described
// there by tiledndvi_tiles.json. The description lets every task check that
// it adds to the same set, and merge check that the set is complete.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/tile_grid.h"

namespace tiledndvi::cli {

inline constexpr const char* tile_set_description_name = "tiledndvi_tiles.json";

struct TileSetDescription {
    std::string input_name;      // file names only: nodes may mount the data elsewhere
    std::string input_identity;  // size and modification time
    std::string nir_input_name;  // empty: NIR from the input
    std::string nir_input_identity;
    int red_band = 0;
    int nir_band = 0;
    Grid grid;                   // the whole input's
    int columns = 0;
    int rows = 0;
    std::int64_t tile_width = 0;  // nominal; edge tiles may be smaller or larger
    std::int64_t tile_height = 0;
    std::string format;           // GDAL driver of the tile files
    std::string extension;        // ".tif"
    std::string type;             // "Float32"
    std::string nodata;           // "nan" or the value
    std::vector<std::string> creation_options;
};

// NDVI_tile_<row>_<col><extension>: the names `ndvi` gives the tiles of
// `tiledndvi tile` too, so both workflows produce the same files.
std::string tile_file_name(int row, int column, const std::string& extension);

// Writes `description` into `folder`, or checks that the one there (another
// task's) is the same. Atomic: concurrent tasks see no half-written file.
// Throws Error naming the first difference when the folder holds another set.
void publish_tile_set(const std::string& folder, const TileSetDescription& description);

// The paths of every tile the set in `folder` has (row-major), or nothing when
// `folder` holds no tile-set description. Throws Error if it is unreadable.
std::optional<std::vector<std::string>> tile_set_members(const std::string& folder);

}  // namespace tiledndvi::cli
