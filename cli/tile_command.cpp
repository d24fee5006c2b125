// tiledndvi tile: cuts a raster into georeferenced tile files named by their row
// and column, tile_<row>_<col>.<ext>, every pixel in exactly one tile.
#include <gdal_utils.h>

#include <functional>
#include <iostream>
#include <memory>
#include <set>

#include <cpl_conv.h>
#include <cpl_string.h>

#include "arguments.h"
#include "command_options.h"
#include "commands.h"
#include "raster_folder.h"
#include "shared_options.h"
#include "staged_set.h"
#include "terminal.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/parallel_work.h"
#include "tiledndvi/raster_copy.h"
#include "tiledndvi/staged_files.h"
#include "tiledndvi/staged_output.h"
#include "tiledndvi/tile_grid.h"
#include "written_files.h"

namespace tiledndvi::cli {

namespace {

const char* const usage = R"(Usage: tiledndvi tile INPUT OUTDIR (--tiles CxR | --tile-size WxH) [options]

Cuts INPUT into georeferenced tiles OUTDIR/tile_<row>_<col>.tif (0-based row
and column), every pixel in exactly one tile: with --tiles the last column and
row take the remainder, with --tile-size the last ones are smaller.

Options:
  --tiles CxR          C columns x R rows of tiles
  --tile-size WxH      tiles of W x H pixels
  -b N                 keep band N (repeatable; default all bands)
  -of FORMAT           GDAL driver of the tiles (default GTiff)
  -co NAME=VALUE       creation option, repeatable
  --threads N          tiles written at once (default: all cores)
  --overwrite          replace existing tiles (and remove tile files of an
                       earlier, different layout)
  -q, --quiet          no progress bar
)";

}  // namespace

TileOptions parse_tile_arguments(const std::vector<std::string>& argv) {
    TileOptions options;
    std::vector<std::string> positional;
    Arguments args(argv);
    while (!args.done()) {
        const std::string arg = args.take();
        if (take_shared_option(arg, args, options.shared)) continue;
        if (arg == "-b") {
            options.bands.push_back(static_cast<int>(parse_integer(arg, args.value_of(arg), 1, 65535)));
        } else if (is_option(arg)) {
            throw UsageError("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2)
        throw UsageError("expected INPUT and OUTDIR, got " + std::to_string(positional.size()) + " name(s)");
    if (!options.shared.layout_given) throw UsageError("give the tile layout: --tiles CxR or --tile-size WxH");
    options.input = positional[0];
    options.folder = positional[1];
    return options;
}

namespace {

std::string tile_name(const Tile& tile, const std::string& extension) {
    return "tile_" + std::to_string(tile.row) + "_" + std::to_string(tile.column) + extension;
}

// gdal_translate -srcwin for one tile, to `path`.
void write_tile(GDALDataset& source, const Tile& tile, const TileOptions& options, const std::string& path) {
    CPLStringList argv;
    argv.AddString("-of");
    argv.AddString(options.shared.format.c_str());
    argv.AddString("-srcwin");
    for (std::int64_t value : {tile.x, tile.y, tile.width, tile.height}) argv.AddString(std::to_string(value).c_str());
    for (int band : options.bands) {
        argv.AddString("-b");
        argv.AddString(std::to_string(band).c_str());
    }
    for (const std::string& option : options.shared.creation_options) {
        argv.AddString("-co");
        argv.AddString(option.c_str());
    }
    GDALTranslateOptions* translate = GDALTranslateOptionsNew(argv.List(), nullptr);
    if (translate == nullptr) throw Error("invalid tile options: " + last_gdal_error());
    int usage_error = FALSE;
    GDALDatasetUniquePtr written(
        GDALDataset::FromHandle(GDALTranslate(path.c_str(), GDALDataset::ToHandle(&source), translate, &usage_error)));
    GDALTranslateOptionsFree(translate);
    if (!written) throw Error("cannot write " + path + ": " + last_gdal_error());
    close_checked(written, path);
}

// The tiles of one row of `grid`, written together from one pass over their
// rows of `source`, each under its staged name in `staged`.
void write_tile_row(GDALDataset& source, const TileGrid& grid, int row, const TileOptions& options,
                    const std::function<std::string(const Tile&)>& target_of, GDALDriver& driver,
                    StagedSet& staged) {
    std::vector<std::string> names;
    std::vector<GDALDatasetUniquePtr> datasets;
    std::vector<CopyTarget> targets;
    for (int column = 0; column < grid.columns(); ++column) {
        const Tile tile = grid.tile(column, row);
        names.push_back(target_of(tile));
        datasets.push_back(create_like(driver, staged.stage(names.back(), options.shared.overwrite), source, tile,
                                       options.bands, options.shared.creation_options));
        targets.push_back({datasets.back().get(), tile.x, 0});
    }
    const Tile first = grid.tile(0, row);
    copy_rows(source, options.bands, first.y, first.height, targets,
              [](double) { return interrupt_signal() == 0; });
    for (std::size_t i = 0; i < datasets.size(); ++i) close_checked(datasets[i], names[i]);
}

}  // namespace

int tile_command(const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        }
    const TileOptions options = parse_tile_arguments(args);

    GDALDatasetUniquePtr probe = open_raster(options.input);
    const int band_count = probe->GetRasterCount();
    for (int band : options.bands)
        if (band > band_count)
            throw Error("band " + std::to_string(band) + " does not exist: " + options.input + " has " +
                        std::to_string(band_count) + (band_count == 1 ? " band" : " bands"));
    const int first_band = options.bands.empty() ? 1 : options.bands.front();
    check_output_format(options.shared.format, probe->GetRasterBand(first_band)->GetRasterDataType(),
                        options.shared.creation_options);
    Grid raster;
    raster.width = probe->GetRasterXSize();
    raster.height = probe->GetRasterYSize();
    const TileGrid grid = plan_tiles(options.shared.layout, raster, 1);
    probe.reset();

    WrittenFiles written;
    if (!is_directory(options.folder)) written.add_folder(options.folder);
    make_output_folder(options.folder);
    const std::string extension = extension_for_format(options.shared.format);
    const std::vector<std::string> existing = files_matching(options.folder, "tile_", extension);
    if (!existing.empty() && !options.shared.overwrite)
        throw Error(options.folder + " already holds tiles (" + CPLGetFilename(existing.front().c_str()) +
                    "...): pass --overwrite to replace them");

    const std::vector<Tile> tiles = grid.tiles();
    const auto target_of = [&](const Tile& tile) {
        return std::string(CPLFormFilename(options.folder.c_str(), tile_name(tile, extension).c_str(), nullptr));
    };
    // Every tile is staged; all move into place once all are written.
    StagedSet staged;
    GDALDriver& driver = *find_driver(options.shared.format);
    if (driver.GetMetadataItem(GDAL_DCAP_CREATE) != nullptr) {
        // A row of tiles at a time: its rows are read once, as wide as the
        // input, and each tile written its part (see raster_copy.h).
        std::vector<GDALDatasetUniquePtr> sources(parallel_thread_count(grid.rows(), options.shared.threads));
        run_in_parallel(
            grid.rows(), options.shared.threads,
            [&](std::size_t row, int thread) {
                if (!sources[thread]) sources[thread] = open_for_copy(options.input);  // one handle per thread
                write_tile_row(*sources[thread], grid, static_cast<int>(row), options, target_of, driver, staged);
            },
            terminal_progress(options.shared.quiet));
    } else {
        std::vector<GDALDatasetUniquePtr> sources(parallel_thread_count(tiles.size(), options.shared.threads));
        run_in_parallel(
            tiles.size(), options.shared.threads,
            [&](std::size_t item, int thread) {
                if (!sources[thread]) sources[thread] = open_raster(options.input);  // one handle per thread
                write_tile(*sources[thread], tiles[item], options,
                           staged.stage(target_of(tiles[item]), options.shared.overwrite));
            },
            terminal_progress(options.shared.quiet),
            [&](std::size_t item) { return static_cast<double>(tiles[item].pixel_count()); });
    }

    staged.commit(written);

    // A different earlier layout must not leave tiles that do not belong.
    const std::vector<std::string> mine = written.paths();
    const std::set<std::string> new_tiles(mine.begin(), mine.end());
    for (const std::string& old : existing)
        if (new_tiles.count(old) == 0) VSIUnlink(old.c_str());
    written.keep();
    if (!options.shared.quiet)
        std::cout << "wrote " << tiles.size() << " tiles (" << grid.columns() << "x" << grid.rows() << ", "
                  << grid.tile_width() << "x" << grid.tile_height() << " pixels, edges with the remainder) to "
                  << options.folder << "\n";
    return 0;
}

}  // namespace tiledndvi::cli
