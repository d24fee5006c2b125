// tiledndvi ndvi INPUT FOLDER/ --tiles CxR: the NDVI of one raster as a tile
// set, one file per tile, computed by one task or shared among many (a SLURM
// job array) with no scheduler of our own.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <cpl_conv.h>

#include "ndvi_request.h"
#include "qgis_style.h"
#include "raster_folder.h"
#include "slurm_array.h"
#include "terminal.h"
#include "tile_set.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/parallel_work.h"
#include "tiledndvi/tile_outputs.h"

namespace tiledndvi::cli {

namespace {

std::string task_label(const TaskShare& task) {
    return "task " + std::to_string(task.index) + " of " + std::to_string(task.count);
}

// What --resume finds under a tile's name. A tile file appears only once
// complete (written under a hidden name, renamed once closed), so a file that
// does not read is a crash's doing (a rename that reached the disk before the
// data), and one of another size, type or place belongs to another job.
struct FoundTile {
    enum class Kind { complete, broken, foreign } kind;
    std::string why;  // unless complete
};

FoundTile inspect_tile(const std::string& path, const Grid& expected, GDALDataType type) {
    QuietGdalErrors quiet;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!dataset) return {FoundTile::Kind::broken, "it does not open as a raster (" + last_gdal_error() + ")"};
    const int width = dataset->GetRasterXSize(), height = dataset->GetRasterYSize();
    if (width != expected.width || height != expected.height || dataset->GetRasterCount() != 1)
        return {FoundTile::Kind::foreign, "it is " + std::to_string(width) + "x" + std::to_string(height) + " with " +
                                              std::to_string(dataset->GetRasterCount()) + " band(s), not " +
                                              std::to_string(expected.width) + "x" +
                                              std::to_string(expected.height) + " with 1"};
    GDALRasterBand& band = *dataset->GetRasterBand(1);
    if (band.GetRasterDataType() != type)
        return {FoundTile::Kind::foreign, std::string("its type is ") + GDALGetDataTypeName(band.GetRasterDataType()) +
                                              ", not " + GDALGetDataTypeName(type)};
    std::array<double, 6> geotransform{};
    if (dataset->GetGeoTransform(geotransform.data()) != CE_None)
        return {FoundTile::Kind::foreign, "it has no georeferencing"};
    // A millionth of a pixel, as merge allows: formats that store the
    // geotransform as text may change its last bits.
    const std::array<double, 6>& want = expected.geotransform;
    const double pixel = std::max(std::abs(want[1]), std::abs(want[5]));
    for (int i = 0; i < 6; ++i)
        if (std::abs(geotransform[i] - want[i]) > 1e-6 * pixel)
            return {FoundTile::Kind::foreign, "it lies elsewhere (another geotransform)"};
    // The last row is written last: a file cut short fails here.
    std::vector<double> row(static_cast<std::size_t>(width));
    CPLErrorReset();
    if (band.RasterIO(GF_Read, 0, height - 1, width, 1, row.data(), width, 1, GDT_Float64, 0, 0) != CE_None ||
        CPLGetLastErrorType() >= CE_Failure)
        return {FoundTile::Kind::broken, "its last row does not read (" + last_gdal_error() + ")"};
    return {FoundTile::Kind::complete, ""};
}

// Size and modification time: a tile set made from an older version of the
// input (same name, same grid) must not be resumed with the new one.
std::string identity_of(const std::string& path) {
    VSIStatBufL stat;
    if (VSIStatL(path.c_str(), &stat) != 0) return "";
    return std::to_string(static_cast<long long>(stat.st_size)) + " bytes, modified " +
           std::to_string(static_cast<long long>(stat.st_mtime));
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
    description.input_identity = identity_of(request.input);
    description.nir_input_name = request.nir_input.empty() ? "" : CPLGetFilename(request.nir_input.c_str());
    description.nir_input_identity = request.nir_input.empty() ? "" : identity_of(request.nir_input);
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
    struct TileTarget {
        Tile tile;
        OutputSpec output;
    };
    std::vector<TileTarget> targets;
    std::int64_t kept = 0;
    std::vector<std::string> broken;
    for (std::int64_t index = mine.first; index < mine.end; ++index) {
        TileTarget target{tiles.tile(index), whole.output};
        const Tile& tile = target.tile;
        const std::string name = tile_file_name(tile.row, tile.column, description.extension);
        target.output.path = CPLFormFilename(folder.c_str(), name.c_str(), nullptr);
        VSIStatBufL stat;
        if (request.resume && VSIStatL(target.output.path.c_str(), &stat) == 0 && !VSI_ISDIR(stat.st_mode)) {
            const FoundTile found = inspect_tile(target.output.path, window_grid(pair.grid, tile), target.output.type);
            if (found.kind == FoundTile::Kind::complete) {
                ++kept;
                continue;
            }
            if (found.kind == FoundTile::Kind::broken) {
                broken.push_back(name + ": " + found.why);
                target.output.overwrite = true;
            } else if (!target.output.overwrite) {
                throw Error(target.output.path + " is not tile " + std::to_string(tile.row) + "," +
                            std::to_string(tile.column) + " of this set: " + found.why +
                            " (pass --overwrite to replace it)");
            }
        }
        check_output(target.output);
        targets.push_back(target);
    }

    // Said even with -q when SLURM chose the share: the job log then shows
    // which tiles a task computed.
    if (!request.quiet || share_source == "SLURM_ARRAY_TASK_ID") {
        std::cout << (share_source.empty() ? "all tiles" : task_label(share) + " (" + share_source + ")") << ": ";
        if (mine.size() == 0) std::cout << "no tiles (more tasks than the " << tiles.tile_count() << " tiles)";
        else std::cout << "tiles " << mine.first << ".." << mine.end - 1 << " of " << tiles.tile_count();
        std::cout << " (" << tiles.columns() << "x" << tiles.rows() << ")";
        if (kept > 0) std::cout << ", " << kept << " already complete";
        std::cout << "\n";
    }
    for (const std::string& tile : broken) std::cout << "recomputing the unreadable tile " << tile << "\n";
    std::cout.flush();

    // A row of tiles at a time, on all threads, the input read in swaths as
    // wide as the row (tile_outputs.h), then each of its tiles moved into
    // place: a task stopped half-way keeps its finished rows for --resume.
    std::int64_t total_pixels = 0, done_pixels = 0;
    for (const TileTarget& target : targets) total_pixels += target.tile.pixel_count();
    const ProgressCallback bar = terminal_progress(request.quiet);
    EngineOptions engine = whole.engine;
    engine.num_threads = request.threads;
    // Each open output holds two descriptors (its file and its lock): a wide
    // row goes in parts that stay well inside the process's limit.
    rlimit files{};
    const std::size_t most_open =
        getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
            ? std::clamp<std::size_t>(static_cast<std::size_t>(files.rlim_cur) / 8, 1, 256)
            : 256;
    for (std::size_t first = 0; first < targets.size();) {
        std::size_t end = first;
        std::int64_t row_pixels = 0;
        while (end < targets.size() && end - first < most_open && targets[end].tile.row == targets[first].tile.row)
            row_pixels += targets[end++].tile.pixel_count();
        std::vector<std::unique_ptr<StagedOutput>> staged;
        std::vector<TileOutput> outputs;
        for (std::size_t i = first; i < end; ++i) {
            staged.push_back(std::make_unique<StagedOutput>(targets[i].output, window_grid(pair.grid, targets[i].tile),
                                                            whole.band_description));
            outputs.push_back({targets[i].tile, &staged.back()->band()});
        }
        const ProgressCallback row_progress = [&](double fraction) {
            return bar((static_cast<double>(done_pixels) + fraction * static_cast<double>(row_pixels)) /
                       static_cast<double>(total_pixels));
        };
        compute_tile_outputs(pair, outputs, output_nodata(whole.output), engine, row_progress);
        for (std::unique_ptr<StagedOutput>& output : staged) {
            // A conversion (COG) stops on a signal too; so does the next commit.
            if (interrupt_signal() != 0) throw Cancelled();
            output->commit(stop_on_interrupt);
            if (request.style) write_qgis_style(CPLResetExtension(output->target_path().c_str(), "qml"));
        }
        done_pixels += row_pixels;
        first = end;
    }
    if (bar && targets.empty()) bar(1.0);
    if (!request.quiet) std::cout << "wrote " << targets.size() << " NDVI tile(s) to " << folder << "\n";
    return 0;
}

}  // namespace tiledndvi::cli
