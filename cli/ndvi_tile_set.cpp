// tiledndvi ndvi INPUT FOLDER/ --tiles CxR: the NDVI of one raster as a tile
// set, one file per tile, computed by one task or shared among many (a SLURM
// job array) with no scheduler of our own.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <cpl_conv.h>

#include "ndvi_request.h"
#include "raster_folder.h"
#include "slurm_array.h"
#include "terminal.h"
#include "tile_set.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/parallel_work.h"

namespace tiledndvi::cli {

namespace {

std::string describe(const TaskShare& task) {
    return "task " + std::to_string(task.index) + " of " + std::to_string(task.count);
}

// Why the file at `path` is not the finished tile `tile` of this set, or "".
// A tile file only ever appears complete (it is written under a hidden name
// and renamed once closed), so this catches files of another layout or job.
std::string why_not_tile(const std::string& path, const Grid& expected, GDALDataType type) {
    QuietGdalErrors quiet;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!dataset) return "it does not open as a raster (" + last_gdal_error() + ")";
    if (dataset->GetRasterXSize() != expected.width || dataset->GetRasterYSize() != expected.height ||
        dataset->GetRasterCount() != 1)
        return "it is " + std::to_string(dataset->GetRasterXSize()) + "x" + std::to_string(dataset->GetRasterYSize()) +
               " with " + std::to_string(dataset->GetRasterCount()) + " band(s), not " +
               std::to_string(expected.width) + "x" + std::to_string(expected.height) + " with 1";
    if (dataset->GetRasterBand(1)->GetRasterDataType() != type)
        return std::string("its type is ") + GDALGetDataTypeName(dataset->GetRasterBand(1)->GetRasterDataType()) +
               ", not " + GDALGetDataTypeName(type);
    std::array<double, 6> geotransform{};
    if (dataset->GetGeoTransform(geotransform.data()) != CE_None) return "it has no georeferencing";
    // A millionth of a pixel, as merge allows: formats that store the
    // geotransform as text may change its last bits.
    const std::array<double, 6>& want = expected.geotransform;
    const double pixel = std::max(std::abs(want[1]), std::abs(want[5]));
    for (int i = 0; i < 6; ++i)
        if (std::abs(geotransform[i] - want[i]) > 1e-6 * pixel) return "it lies elsewhere (another geotransform)";
    return "";
}

}  // namespace

bool names_folder(const std::string& output) {
    return is_directory(output) || (!output.empty() && output.back() == '/');
}

int ndvi_tile_set(const NdviRequest& request) {
    // The share: given, else the SLURM array task's, else every tile.
    std::string share_source = "--task-index";
    std::optional<TaskShare> task = request.task;
    if (!task) {
        task = slurm_array_task([](const char* name) { return std::getenv(name); });
        share_source = task ? "SLURM_ARRAY_TASK_ID" : "";
    }
    const TaskShare share = task.value_or(TaskShare{});

    const NormalizedDifferenceJob whole = ndvi_job_for(request, request.input, "");
    const BandPair pair = open_band_pair(whole.a, whole.b);
    if (!pair.grid.has_geotransform)
        throw Error(request.input + " has no geotransform: the tiles of a tile set are placed by their georeferencing");
    const TileGrid tiles = plan_tiles(request.layout, pair.grid, engine_bytes_per_pixel(pair, whole.output.type));
    const TileRange mine = tiles_of_task(tiles.tile_count(), share);

    std::string folder = request.output;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    check_output_format(whole.output.format, whole.output.type, whole.output.creation_options);
    make_output_folder(folder);  // other tasks may be creating it too: an existing folder is fine

    TileSetDescription description;
    description.input_name = CPLGetFilename(request.input.c_str());
    description.nir_input_name = request.nir_input.empty() ? "" : CPLGetFilename(request.nir_input.c_str());
    description.red_band = whole.b.band;
    description.nir_band = whole.a.band;
    description.grid = pair.grid;
    description.columns = tiles.columns();
    description.rows = tiles.rows();
    description.tile_width = tiles.tile_width();
    description.tile_height = tiles.tile_height();
    description.format = whole.output.format;
    description.extension = extension_for_format(whole.output.format);
    description.type = GDALGetDataTypeName(whole.output.type);
    const double nodata = output_nodata(whole.output);
    description.nodata = std::isnan(nodata) ? "nan" : CPLSPrintf("%.17g", nodata);
    description.creation_options = whole.output.creation_options;
    publish_tile_set(folder, description);

    // Every target checked before any work: a refused one fails the task at once.
    std::vector<NormalizedDifferenceJob> jobs;
    std::int64_t kept = 0;
    for (std::int64_t index = mine.first; index < mine.end; ++index) {
        const Tile tile = tiles.tile(index);
        NormalizedDifferenceJob job = whole;
        job.window = tile;
        job.layout = TileLayout::automatic();
        job.output.path = CPLFormFilename(folder.c_str(), tile_file_name(tile.row, tile.column, description.extension).c_str(),
                                          nullptr);
        VSIStatBufL stat;
        if (request.resume && VSIStatL(job.output.path.c_str(), &stat) == 0 && !VSI_ISDIR(stat.st_mode)) {
            const std::string why = why_not_tile(job.output.path, window_grid(pair.grid, tile), job.output.type);
            if (why.empty()) {
                ++kept;
                continue;
            }
            if (!job.output.overwrite)
                throw Error(job.output.path + " is not tile " + std::to_string(tile.row) + "," +
                            std::to_string(tile.column) + " of this set: " + why + " (pass --overwrite to replace it)");
        }
        check_output(job.output);
        jobs.push_back(job);
    }

    const int threads = resolve_thread_count(request.threads);
    const int workers = parallel_thread_count(jobs.size(), threads);
    for (NormalizedDifferenceJob& job : jobs) job.engine.num_threads = std::max(1, threads / std::max(1, workers));
    if (!request.quiet) {
        std::cout << (share_source.empty() ? "all tiles" : describe(share) + " (" + share_source + ")") << ": tiles "
                  << mine.first << ".." << mine.end - 1 << " of " << tiles.tile_count() << " ("
                  << tiles.columns() << "x" << tiles.rows() << ")";
        if (kept > 0) std::cout << ", " << kept << " already complete";
        std::cout << "\n";
    }
    // Each tile moves into place as soon as it is complete (run_job stages it):
    // a task stopped half-way keeps its finished tiles for --resume.
    run_in_parallel(
        jobs.size(), threads, [&](std::size_t item, int) { run_job(jobs[item], stop_on_interrupt); },
        terminal_progress(request.quiet));
    if (!request.quiet)
        std::cout << "wrote " << jobs.size() << " NDVI tile(s) to " << folder
                  << (mine.size() == 0 ? " (this task has no tiles: more tasks than tiles)" : "") << "\n";
    return 0;
}

}  // namespace tiledndvi::cli
