// The tiledndvi subcommands. Each takes the arguments after its name and
// returns the process exit status; errors are thrown (see main.cpp).
#pragma once

#include <string>
#include <vector>

namespace tiledndvi::cli {

int ndvi_command(const std::vector<std::string>& args);       // NDVI of a raster, or of a folder of tiles
int tile_command(const std::vector<std::string>& args);       // cut a raster into tile files
int merge_command(const std::vector<std::string>& args);      // mosaic tiles back into one raster
int bench_command(const std::vector<std::string>& args);      // serial vs parallel timing of one NDVI run
int quicklook_command(const std::vector<std::string>& args);  // PNG picture of an NDVI raster

}  // namespace tiledndvi::cli
