// What each subcommand was asked, parsed from its arguments alone. The parse
// step runs nothing and touches no file, so it can be called on any argv (the
// option fuzzer in fuzz/ does); each throws UsageError on misuse.
#pragma once

#include <string>
#include <vector>

#include "ndvi_request.h"
#include "shared_options.h"

namespace tiledndvi::cli {

NdviRequest parse_ndvi_arguments(const std::vector<std::string>& argv);

struct TileOptions {
    std::string input;
    std::string folder;
    std::vector<int> bands;
    SharedOptions shared;
};
TileOptions parse_tile_arguments(const std::vector<std::string>& argv);

struct MergeOptions {
    std::string output;
    std::vector<std::string> tiles;  // files or folders
    SharedOptions shared;
};
MergeOptions parse_merge_arguments(const std::vector<std::string>& argv);

struct BenchOptions {
    NdviRequest request;
    SharedOptions shared;
    int repeat = 3;
    std::string workdir;  // default $TMPDIR, else /tmp
};
BenchOptions parse_bench_arguments(const std::vector<std::string>& argv);

struct QuicklookOptions {
    std::string input;
    std::string output;
    int size = 1024;
    bool data_range = false;
    double minimum = -1.0;
    double maximum = 1.0;
    int band = 1;
    bool overwrite = false;
    bool quiet = false;
};
QuicklookOptions parse_quicklook_arguments(const std::vector<std::string>& argv);

}  // namespace tiledndvi::cli
