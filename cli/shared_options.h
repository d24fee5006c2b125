// Options several subcommands share (output format, tiles, threads, overwrite,
// quiet), parsed in one place so they mean the same everywhere.
#pragma once

#include <string>
#include <vector>

#include "arguments.h"
#include "tiledndvi/tile_layout.h"

namespace tiledndvi::cli {

struct SharedOptions {
    std::string format = "GTiff";                 // -of
    std::vector<std::string> creation_options;    // -co NAME=VALUE
    TileLayout layout;                            // --tiles CxR | --tile-size WxH
    bool layout_given = false;
    int threads = 0;                              // --threads N (0: all cores)
    bool overwrite = false;                       // --overwrite
    bool quiet = false;                           // -q, --quiet
};

// Consumes `arg` (and its value from `args`) if it is a shared option; returns
// false for anything else. Throws UsageError on a bad value.
bool take_shared_option(const std::string& arg, Arguments& args, SharedOptions& options);

// Band numbers with the project's defaults (red 3, NIR 4: Landsat 4-7; 1 and 1
// when NIR comes from its own file). When a default does not exist in
// `raster`, throws Error saying which flags to pass.
struct BandChoice {
    int red = 3;
    int nir = 4;
};
BandChoice choose_bands(const std::string& raster, int red_given, int nir_given, bool separate_nir);

// The file-name extension (".tif") GDAL uses for `format`.
std::string extension_for_format(const std::string& format);

}  // namespace tiledndvi::cli
