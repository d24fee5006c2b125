// tiledndvi ndvi: NDVI of one raster (or a red and a NIR raster) into one file.
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>

#include <cpl_vsi.h>

#include "arguments.h"
#include "commands.h"
#include "terminal.h"
#include "tiledndvi/error.h"
#include "tiledndvi/job.h"

namespace tiledndvi::cli {

namespace {

const char* const usage = R"(Usage: tiledndvi ndvi INPUT OUTPUT [options]

Computes NDVI = (NIR - Red) / (NIR + Red) tile by tile on all cores.

Options:
  --red N              red band of INPUT (1-based; default 3, or 1 with --nir-input)
  --nir N              NIR band (default 4, or 1 of the --nir-input file)
  --nir-input FILE     take NIR from FILE (same grid as INPUT: size, geotransform, CRS)
  --tiles CxR          split into C columns x R rows of tiles (remainders kept)
  --tile-size WxH      tiles of W x H pixels
                       (neither: automatic size from a memory budget, aligned to blocks)
  --threads N          worker threads (default: all cores)
  -of FORMAT           GDAL output driver (default GTiff; COG works)
  -co NAME=VALUE       creation option, repeatable
  -ot Float32|Float64  output type (default Float32)
  --dst-nodata VALUE   output NoData (default NaN)
  --overwrite          replace OUTPUT if it exists (only once the new file is complete)
  -q, --quiet          no progress bar
  -h, --help           this help

A pixel is NoData when red or NIR equals its band's NoData value, is NaN or
infinite, or when NIR + Red == 0.
)";

struct NdviOptions {
    std::string input;
    std::string output;
    std::optional<int> red_band;
    std::optional<int> nir_band;
    std::string nir_input;
    TileLayout layout;
    bool layout_given = false;
    int threads = 0;
    OutputSpec output_spec;
    bool quiet = false;
};

constexpr std::int64_t max_band = 65535;
constexpr std::int64_t max_threads = 1024;
constexpr std::int64_t max_tile_axis = std::numeric_limits<int>::max();

NdviOptions parse(const std::vector<std::string>& argv) {
    NdviOptions options;
    std::vector<std::string> positional;
    Arguments args(argv);
    auto set_layout = [&](const std::string& option, TileLayout layout) {
        if (options.layout_given) throw UsageError("give either --tiles or --tile-size, not both (" + option + ")");
        options.layout = layout;
        options.layout_given = true;
    };
    while (!args.done()) {
        const std::string arg = args.take();
        if (arg == "--red") {
            options.red_band = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, max_band));
        } else if (arg == "--nir") {
            options.nir_band = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, max_band));
        } else if (arg == "--nir-input") {
            options.nir_input = args.value_of(arg);
        } else if (arg == "--tiles") {
            const auto [columns, rows] = parse_pair(arg, args.value_of(arg), max_tile_axis);
            set_layout(arg, TileLayout::count(static_cast<int>(columns), static_cast<int>(rows)));
        } else if (arg == "--tile-size") {
            const auto [width, height] = parse_pair(arg, args.value_of(arg), max_tile_axis);
            set_layout(arg, TileLayout::size(width, height));
        } else if (arg == "--threads") {
            options.threads = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, max_threads));
        } else if (arg == "-of") {
            options.output_spec.format = args.value_of(arg);
        } else if (arg == "-co") {
            options.output_spec.creation_options.push_back(args.value_of(arg));
        } else if (arg == "-ot") {
            const std::string type = args.value_of(arg);
            if (type == "Float32") options.output_spec.type = GDT_Float32;
            else if (type == "Float64") options.output_spec.type = GDT_Float64;
            else throw UsageError("-ot must be Float32 or Float64, not '" + type + "'");
        } else if (arg == "--dst-nodata") {
            const std::string value = args.value_of(arg);
            options.output_spec.nodata = (value == "nan" || value == "NaN")
                                             ? std::numeric_limits<double>::quiet_NaN()
                                             : parse_number(arg, value);
        } else if (arg == "--overwrite") {
            options.output_spec.overwrite = true;
        } else if (arg == "-q" || arg == "--quiet") {
            options.quiet = true;
        } else if (is_option(arg)) {
            throw UsageError("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2)
        throw UsageError("expected INPUT and OUTPUT, got " + std::to_string(positional.size()) + " file name(s)");
    options.input = positional[0];
    options.output = positional[1];
    options.output_spec.path = options.output;
    return options;
}

}  // namespace

int ndvi_command(const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        }
    const NdviOptions options = parse(args);

    const bool separate_nir = !options.nir_input.empty();
    const int red_band = options.red_band.value_or(separate_nir ? 1 : 3);
    const int nir_band = options.nir_band.value_or(separate_nir ? 1 : 4);
    if (!separate_nir && (!options.red_band || !options.nir_band)) {
        const int bands = raster_band_count(options.input);
        const bool default_missing = (!options.red_band && red_band > bands) || (!options.nir_band && nir_band > bands);
        if (default_missing)
            throw Error(options.input + " has " + std::to_string(bands) + (bands == 1 ? " band" : " bands") +
                        "; the default bands (red 3, NIR 4, the Landsat 4-7 layout) do not fit: pass --red N and "
                        "--nir N, or --nir-input FILE");
    }
    VSIStatBufL stat;
    if (!options.output_spec.overwrite && VSIStatL(options.output.c_str(), &stat) == 0 && !VSI_ISDIR(stat.st_mode))
        throw Error("output already exists: " + options.output + " (pass --overwrite to replace it)");

    NormalizedDifferenceJob job =
        ndvi_job(options.input, red_band, separate_nir ? options.nir_input : options.input, nir_band);
    job.output = options.output_spec;
    job.layout = options.layout;
    job.engine.num_threads = options.threads;
    run_job(job, terminal_progress(options.quiet));
    return 0;
}

}  // namespace tiledndvi::cli
