// tiledndvi ndvi: NDVI of one raster (or a red and a NIR raster) into one file.
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>

#include <cpl_conv.h>
#include <cpl_vsi.h>

#include "arguments.h"
#include "command_options.h"
#include "commands.h"
#include "ndvi_request.h"
#include "qgis_style.h"
#include "raster_folder.h"
#include "terminal.h"
#include "tiledndvi/error.h"
#include "tiledndvi/job.h"
#include "tiledndvi/task_share.h"

namespace tiledndvi::cli {

namespace {

const char* const usage = R"(Usage: tiledndvi ndvi INPUT OUTPUT [options]

Computes NDVI = (NIR - Red) / (NIR + Red) tile by tile on all cores.
INPUT may be a folder of tiles: OUTPUT is then a folder receiving one
NDVI_<tile name> file per tile, tiles processed in parallel (one per thread).
OUTPUT may be a folder (existing, or ending in /) with --tiles or --tile-size:
a tile set, one NDVI file per tile, shareable among tasks (see below).

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
  --style              also write a QGIS style beside OUTPUT (its name with .qml:
                       QGIS then opens it on the YlGn ramp from -1 to 1)

Tile sets (OUTPUT a folder, with --tiles or --tile-size): one file per tile,
OUTPUT/NDVI_tile_<row>_<col>.tif (the extension of -of), and tiledndvi_tiles.json
describing the set (input name, size and date, bands, grid, layout, format);
'tiledndvi merge MOSAIC OUTPUT' checks that every tile is there and mosaics them.
  --task-index I       compute only task I's share of the tiles (0-based)...
  --task-count N       ...of N tasks: contiguous runs of tiles in row-major
                       order, tile t belonging to the task i with
                       floor(i*T/N) <= t < floor((i+1)*T/N) for T tiles.
                       Unset inside a SLURM job array: taken from
                       SLURM_ARRAY_TASK_ID, _MIN, _MAX, _STEP and _COUNT
  --resume             keep tiles a previous run completed (a tile file exists
                       only once complete), compute the others and any that
                       does not read (a crash's); a file of another size,
                       type or place is refused unless --overwrite
  -q, --quiet          no progress bar
  -h, --help           this help

A pixel is NoData when red or NIR equals its band's NoData value, is NaN or
infinite, or when NIR + Red == 0.
)";

}  // namespace

NdviRequest parse_ndvi_arguments(const std::vector<std::string>& argv) {
    NdviRequest request;
    SharedOptions shared;
    std::vector<std::string> positional;
    std::optional<int> task_index, task_count;
    Arguments args(argv);
    while (!args.done()) {
        const std::string arg = args.take();
        if (take_shared_option(arg, args, shared)) continue;
        if (arg == "--red") {
            request.red_band = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, 65535));
        } else if (arg == "--nir") {
            request.nir_band = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, 65535));
        } else if (arg == "--nir-input") {
            request.nir_input = args.value_of(arg);
        } else if (arg == "-ot") {
            const std::string type = args.value_of(arg);
            if (type == "Float32") request.output_spec.type = GDT_Float32;
            else if (type == "Float64") request.output_spec.type = GDT_Float64;
            else throw UsageError("-ot must be Float32 or Float64, not '" + type + "'");
        } else if (arg == "--dst-nodata") {
            const std::string value = args.value_of(arg);
            request.output_spec.nodata = (value == "nan" || value == "NaN")
                                             ? std::numeric_limits<double>::quiet_NaN()
                                             : parse_number(arg, value);
        } else if (arg == "--style") {
            request.style = true;
        } else if (arg == "--task-index") {
            task_index = static_cast<int>(parse_integer(arg, args.value_of(arg), 0, max_task_count - 1));
        } else if (arg == "--task-count") {
            task_count = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, max_task_count));
        } else if (arg == "--resume") {
            request.resume = true;
        } else if (is_option(arg)) {
            throw UsageError("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2)
        throw UsageError("expected INPUT and OUTPUT, got " + std::to_string(positional.size()) + " file name(s)");
    request.input = positional[0];
    request.output = positional[1];
    request.output_spec.path = request.output;
    request.output_spec.format = shared.format;
    request.output_spec.creation_options = shared.creation_options;
    request.output_spec.overwrite = shared.overwrite;
    request.layout = shared.layout;
    request.layout_given = shared.layout_given;
    request.threads = shared.threads;
    if (task_index.has_value() != task_count.has_value())
        throw UsageError("give --task-index and --task-count together");
    if (task_index) {
        if (*task_index >= *task_count)
            throw UsageError("--task-index " + std::to_string(*task_index) + " is outside 0.." +
                             std::to_string(*task_count - 1) + " (--task-count " + std::to_string(*task_count) + ")");
        request.task = TaskShare{*task_index, *task_count};
    }
    request.quiet = shared.quiet;
    return request;
}

int ndvi_command(const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        }
    const NdviRequest request = parse_ndvi_arguments(args);
    if (is_directory(request.input)) {
        if (request.task || request.resume)
            throw UsageError("--task-index, --task-count and --resume split one raster into a tile set, "
                             "not a folder of tiles");
        return ndvi_folder(request);
    }
    if (names_folder(request.output)) {
        if (!request.layout_given)
            throw UsageError("OUTPUT " + request.output +
                             " is a folder: give the tile set's layout (--tiles CxR or --tile-size WxH), "
                             "or a file name for one NDVI raster");
        return ndvi_tile_set(request);
    }
    if (request.task || request.resume)
        throw UsageError("--task-index, --task-count and --resume write a tile set: OUTPUT must be a folder "
                         "(an existing one, or a name ending in /)");

    VSIStatBufL stat;
    if (!request.output_spec.overwrite && VSIStatL(request.output.c_str(), &stat) == 0 && !VSI_ISDIR(stat.st_mode))
        throw Error("output already exists: " + request.output + " (pass --overwrite to replace it)");
    run_job(ndvi_job_for(request, request.input, request.output), terminal_progress(request.quiet));
    if (request.style) write_qgis_style(CPLResetExtension(request.output.c_str(), "qml"));
    return 0;
}

}  // namespace tiledndvi::cli
