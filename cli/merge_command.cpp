// tiledndvi merge: mosaics tiles back into one raster (or a VRT), after checking
// that they share a CRS, a pixel size and one grid, and do not overlap.
#include <gdal_utils.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_spatialref.h>

#include "arguments.h"
#include "command_options.h"
#include "commands.h"
#include "raster_folder.h"
#include "shared_options.h"
#include "terminal.h"
#include "tile_set.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/raster_copy.h"
#include "tiledndvi/staged_files.h"
#include "tiledndvi/staged_output.h"

namespace tiledndvi::cli {

namespace {

const char* const usage = R"(Usage: tiledndvi merge OUTPUT TILE... [options]

Mosaics tiles into OUTPUT. A TILE may be a folder: all rasters in it, or when
it holds a tile set (written by 'tiledndvi ndvi INPUT FOLDER/ --tiles CxR',
perhaps by many tasks) every tile of the set, failing with the list of the
missing ones unless all are there. The tiles
must share CRS, pixel size, band count and types, sit on one grid (origins a
whole number of pixels apart) and not overlap; gaps are allowed (NoData) and
reported. With -of VRT the result is a virtual mosaic referring to the tiles.

Options:
  -of FORMAT           GDAL driver of OUTPUT (default GTiff; VRT for a virtual mosaic)
  -co NAME=VALUE       creation option, repeatable
  --overwrite          replace OUTPUT if it exists (only once the new one is complete)
  -q, --quiet          no progress bar
)";

struct TileInfo {
    std::string path;
    std::array<double, 6> geotransform{};
    std::string crs_wkt;
    int width = 0, height = 0, bands = 0;
    std::vector<GDALDataType> types;
    std::vector<std::string> nodata;  // per band, as -vrtnodata reads it; "" when unset
    std::int64_t column = 0, row = 0;  // of the top-left pixel on the common grid
};

TileInfo describe(const std::string& path) {
    GDALDatasetUniquePtr dataset = open_raster(path);
    TileInfo info;
    info.path = path;
    if (dataset->GetGeoTransform(info.geotransform.data()) != CE_None)
        throw Error(path + " has no geotransform: tiles must be georeferenced to be merged");
    if (info.geotransform[2] != 0 || info.geotransform[4] != 0)
        throw Error(path + " is rotated: only north-up tiles can be merged");
    if (const OGRSpatialReference* srs = dataset->GetSpatialRef()) {
        char* wkt = nullptr;
        srs->exportToWkt(&wkt);
        info.crs_wkt = wkt != nullptr ? wkt : "";
        CPLFree(wkt);
    }
    info.width = dataset->GetRasterXSize();
    info.height = dataset->GetRasterYSize();
    info.bands = dataset->GetRasterCount();
    for (int band = 1; band <= info.bands; ++band) {
        GDALRasterBand& raster_band = *dataset->GetRasterBand(band);
        info.types.push_back(raster_band.GetRasterDataType());
        int has_nodata = FALSE;
        const double nodata = raster_band.GetNoDataValue(&has_nodata);
        info.nodata.push_back(!has_nodata ? "" : std::isnan(nodata) ? "nan" : CPLSPrintf("%.17g", nodata));
    }
    return info;
}

// Throws an Error naming the first of `paths` whose pixels cannot all be read
// (a truncated or damaged tile). Used only once a mosaic read has failed.
void name_unreadable_tile(const std::vector<std::string>& paths) {
    for (const std::string& path : paths) {
        GDALDatasetUniquePtr tile = open_raster(path);
        const int width = tile->GetRasterXSize(), height = tile->GetRasterYSize(), rows = 64;
        std::vector<double> buffer(static_cast<std::size_t>(width) * rows);
        for (int band = 1; band <= tile->GetRasterCount(); ++band) {
            for (int y = 0; y < height; y += rows) {
                const int count = std::min(rows, height - y);
                CPLErrorReset();
                if (tile->GetRasterBand(band)->RasterIO(GF_Read, 0, y, width, count, buffer.data(), width, count,
                                                        GDT_Float64, 0, 0) != CE_None ||
                    CPLGetLastErrorType() >= CE_Failure)
                    throw Error("failed to read the tile " + path + ": " +
                                last_gdal_error("read error (is the file truncated?)"));
            }
        }
    }
}

bool same_crs(const std::string& a, const std::string& b) {
    if (a == b) return true;
    if (a.empty() || b.empty()) return false;
    OGRSpatialReference first, second;
    first.importFromWkt(a.c_str());
    second.importFromWkt(b.c_str());
    return first.IsSame(&second) != FALSE;
}

// Throws an Error listing the tiles of the tile set in `folder` that are not
// there yet (tasks that failed, or have not run).
void check_complete(const std::string& folder, const std::vector<std::string>& members) {
    std::vector<std::string> missing;
    VSIStatBufL stat;
    for (const std::string& member : members)
        if (VSIStatL(member.c_str(), &stat) != 0 || VSI_ISDIR(stat.st_mode)) missing.push_back(member);
    if (missing.empty()) return;
    std::string names;
    const std::size_t shown = 20;
    for (std::size_t i = 0; i < missing.size() && i < shown; ++i)
        names += std::string(i == 0 ? "" : ", ") + CPLGetFilename(missing[i].c_str());
    if (missing.size() > shown) names += ", ...";
    throw Error("the tile set " + folder + " is incomplete: " + std::to_string(missing.size()) + " of " +
                std::to_string(members.size()) + " tiles missing: " + names +
                " (rerun the tasks that own them; --resume keeps the finished tiles)");
}

std::string name_of(const TileInfo& tile) { return CPLGetFilename(tile.path.c_str()); }

// Places every tile on the first tile's grid; throws Error naming the first
// tile that does not fit. Returns the number of uncovered pixels (gaps).
std::int64_t check_one_grid(std::vector<TileInfo>& tiles) {
    const TileInfo& reference = tiles.front();
    const double pixel_x = reference.geotransform[1], pixel_y = reference.geotransform[5];
    // A millionth of a pixel: what text round-trips of a geotransform can change.
    const double tolerance = 1e-6;
    for (TileInfo& tile : tiles) {
        if (!same_crs(tile.crs_wkt, reference.crs_wkt))
            throw Error("tiles do not share one CRS: " + name_of(tile) + " differs from " + name_of(reference));
        if (std::fabs(tile.geotransform[1] - pixel_x) > tolerance * std::fabs(pixel_x) ||
            std::fabs(tile.geotransform[5] - pixel_y) > tolerance * std::fabs(pixel_y)) {
            std::ostringstream message;
            message << "tiles do not share one pixel size: " << name_of(tile) << " has " << tile.geotransform[1]
                    << " x " << -tile.geotransform[5] << ", " << name_of(reference) << " has " << pixel_x << " x "
                    << -pixel_y;
            throw Error(message.str());
        }
        if (tile.bands != reference.bands || tile.types != reference.types)
            throw Error("tiles do not share band count and types: " + name_of(tile) + " differs from " +
                        name_of(reference));
        const double column = (tile.geotransform[0] - reference.geotransform[0]) / pixel_x;
        const double row = (tile.geotransform[3] - reference.geotransform[3]) / pixel_y;
        if (std::fabs(column - std::round(column)) > tolerance || std::fabs(row - std::round(row)) > tolerance) {
            std::ostringstream message;
            message << "tiles do not fit one grid: " << name_of(tile) << " is offset by "
                    << column - std::floor(column) << " x " << row - std::floor(row) << " pixels from the grid of "
                    << name_of(reference);
            throw Error(message.str());
        }
        tile.column = static_cast<std::int64_t>(std::llround(column));
        tile.row = static_cast<std::int64_t>(std::llround(row));
    }
    // Overlaps: sort by row, then sweep (tiles are few; quadratic in a row band is fine).
    std::vector<const TileInfo*> order;
    for (const TileInfo& tile : tiles) order.push_back(&tile);
    std::sort(order.begin(), order.end(), [](const TileInfo* a, const TileInfo* b) { return a->row < b->row; });
    std::int64_t covered = 0, min_column = order[0]->column, min_row = order[0]->row;
    std::int64_t max_column = min_column, max_row = min_row;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const TileInfo& a = *order[i];
        covered += static_cast<std::int64_t>(a.width) * a.height;
        min_column = std::min(min_column, a.column);
        min_row = std::min(min_row, a.row);
        max_column = std::max(max_column, a.column + a.width);
        max_row = std::max(max_row, a.row + a.height);
        for (std::size_t j = i + 1; j < order.size() && order[j]->row < a.row + a.height; ++j) {
            const TileInfo& b = *order[j];
            if (b.column < a.column + a.width && a.column < b.column + b.width)
                throw Error("tiles overlap: " + name_of(a) + " and " + name_of(b));
        }
    }
    return (max_column - min_column) * (max_row - min_row) - covered;
}

}  // namespace

MergeOptions parse_merge_arguments(const std::vector<std::string>& argv) {
    MergeOptions merge;
    std::vector<std::string> positional;
    Arguments args(argv);
    while (!args.done()) {
        const std::string arg = args.take();
        if (take_shared_option(arg, args, merge.shared)) continue;
        if (is_option(arg)) throw UsageError("unknown option " + arg);
        positional.push_back(arg);
    }
    if (merge.shared.layout_given) throw UsageError("merge takes no tile layout");
    if (positional.size() < 2) throw UsageError("expected OUTPUT and at least one TILE");
    merge.output = positional.front();
    merge.tiles.assign(positional.begin() + 1, positional.end());
    return merge;
}

int merge_command(const std::vector<std::string>& argv) {
    for (const std::string& arg : argv)
        if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        }
    const MergeOptions merge = parse_merge_arguments(argv);
    const SharedOptions& options = merge.shared;
    const std::string& output = merge.output;

    std::vector<std::string> paths;
    for (const std::string& tile : merge.tiles) {
        if (is_directory(tile)) {
            if (const std::optional<std::vector<std::string>> members = tile_set_members(tile)) {
                check_complete(tile, *members);
                paths.insert(paths.end(), members->begin(), members->end());
                continue;
            }
            const std::vector<std::string> found = rasters_in_folder(tile);
            if (found.empty()) throw Error("no raster tiles in folder " + tile);
            paths.insert(paths.end(), found.begin(), found.end());
        } else {
            paths.push_back(tile);
        }
    }
    std::vector<TileInfo> tiles;
    for (const std::string& path : paths) tiles.push_back(describe(path));
    const std::int64_t gaps = check_one_grid(tiles);

    const bool virtual_mosaic = EQUAL(options.format.c_str(), "VRT");
    if (!virtual_mosaic) check_output_format(options.format, tiles.front().types.front(), options.creation_options);
    VSIStatBufL stat;
    if (!options.overwrite && VSIStatL(output.c_str(), &stat) == 0)
        throw Error("output already exists: " + output + " (pass --overwrite to replace it)");
    StagedFiles staged(output, options.overwrite);
    const std::string path = staged.staged_path();

    QuietGdalErrors quiet;
    CPLStringList paths_list;
    for (const std::string& tile : paths) paths_list.AddString(tile.c_str());
    // The mosaic itself is GDAL's: a VRT over the tiles, then (unless VRT is
    // what was asked) a streaming copy into the output format.
    int usage_error = FALSE;
    // "highest" takes one tile's own pixel size, where "average" could change
    // its last bits (all tiles share it, as checked above).
    CPLStringList build_argv;
    build_argv.AddString("-resolution");
    build_argv.AddString("highest");
    // The tiles do not overlap (checked above), so when they share their
    // NoData values the VRT can copy them as they are (simple sources) rather
    // than test every pixel against NoData (complex sources, several times
    // slower); the mosaic's bands keep that NoData.
    const bool same_nodata = std::all_of(tiles.begin(), tiles.end(),
                                         [&](const TileInfo& tile) { return tile.nodata == tiles.front().nodata; });
    const std::vector<std::string>& nodata = tiles.front().nodata;
    const bool all_set = std::none_of(nodata.begin(), nodata.end(), [](const std::string& v) { return v.empty(); });
    const bool none_set = std::all_of(nodata.begin(), nodata.end(), [](const std::string& v) { return v.empty(); });
    if (same_nodata && (all_set || none_set)) {
        build_argv.AddString("-srcnodata");
        build_argv.AddString("None");
        if (all_set) {
            std::string values;
            for (const std::string& value : nodata) values += (values.empty() ? "" : " ") + value;
            build_argv.AddString("-vrtnodata");
            build_argv.AddString(values.c_str());
        }
    }
    GDALBuildVRTOptions* build_options = GDALBuildVRTOptionsNew(build_argv.List(), nullptr);
    GDALDatasetUniquePtr mosaic(GDALDataset::FromHandle(GDALBuildVRT(virtual_mosaic ? path.c_str() : "",
                                                                     paths_list.size(), nullptr, paths_list.List(),
                                                                     build_options, &usage_error)));
    GDALBuildVRTOptionsFree(build_options);
    if (!mosaic) throw Error("cannot build the mosaic: " + last_gdal_error());
    GDALDriver& driver = *find_driver(options.format);
    Tile whole;
    whole.width = mosaic->GetRasterXSize();
    whole.height = mosaic->GetRasterYSize();
    GDALDatasetUniquePtr created = virtual_mosaic ? nullptr
                                                  : create_like(driver, path, *mosaic, whole, {}, options.creation_options);
    if (virtual_mosaic) {
        close_checked(mosaic, output);
    } else if (created) {
        // Rows as wide as the mosaic, each tile read once (see raster_copy.h).
        try {
            copy_rows(*mosaic, {}, 0, whole.height, {{created.get(), 0, 0}}, terminal_progress(options.quiet));
        } catch (const Cancelled&) {
            throw;
        } catch (const Error&) {
            name_unreadable_tile(paths);  // the mosaic's own error cannot say which tile
            throw;
        }
        close_checked(created, output);
    } else {
        CPLStringList translate_argv;
        translate_argv.AddString("-of");
        translate_argv.AddString(options.format.c_str());
        for (const std::string& option : options.creation_options) {
            translate_argv.AddString("-co");
            translate_argv.AddString(option.c_str());
        }
        GDALTranslateOptions* translate = GDALTranslateOptionsNew(translate_argv.List(), nullptr);
        ProgressCallback progress = terminal_progress(options.quiet);
        GDALTranslateOptionsSetProgress(
            translate,
            [](double fraction, const char*, void* user) {
                return (*static_cast<ProgressCallback*>(user))(fraction) ? TRUE : FALSE;
            },
            &progress);
        GDALDatasetUniquePtr merged(GDALDataset::FromHandle(
            GDALTranslate(path.c_str(), GDALDataset::ToHandle(mosaic.get()), translate, &usage_error)));
        GDALTranslateOptionsFree(translate);
        if (!merged) {
            if (CPLGetLastErrorNo() == CPLE_UserInterrupt) throw Cancelled();
            throw Error("cannot write " + output + ": " + last_gdal_error());
        }
        close_checked(merged, output);
    }
    staged.commit(path);
    if (gaps > 0)
        std::cerr << "tiledndvi: warning: the tiles leave " << gaps << " pixels of the mosaic uncovered (NoData)\n";
    if (!options.quiet)
        std::cout << "merged " << tiles.size() << " tiles into " << output << (virtual_mosaic ? " (VRT)" : "") << "\n";
    return 0;
}

}  // namespace tiledndvi::cli
