#include "shared_options.h"

#include <limits>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"
#include "tiledndvi/staged_output.h"

namespace tiledndvi::cli {

namespace {
constexpr std::int64_t max_threads = 1024;
constexpr std::int64_t max_tile_axis = std::numeric_limits<int>::max();
}  // namespace

bool take_shared_option(const std::string& arg, Arguments& args, SharedOptions& options) {
    const auto set_layout = [&](TileLayout layout) {
        if (options.layout_given) throw UsageError("give either --tiles or --tile-size, not both");
        options.layout = layout;
        options.layout_given = true;
    };
    if (arg == "-of") {
        options.format = args.value_of(arg);
    } else if (arg == "-co") {
        options.creation_options.push_back(args.value_of(arg));
    } else if (arg == "--tiles") {
        const auto [columns, rows] = parse_pair(arg, args.value_of(arg), max_tile_axis);
        set_layout(TileLayout::count(static_cast<int>(columns), static_cast<int>(rows)));
    } else if (arg == "--tile-size") {
        const auto [width, height] = parse_pair(arg, args.value_of(arg), max_tile_axis);
        set_layout(TileLayout::size(width, height));
    } else if (arg == "--threads") {
        options.threads = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, max_threads));
    } else if (arg == "--overwrite") {
        options.overwrite = true;
    } else if (arg == "-q" || arg == "--quiet") {
        options.quiet = true;
    } else {
        return false;
    }
    return true;
}

BandChoice choose_bands(const std::string& raster, int red_given, int nir_given, bool separate_nir) {
    BandChoice bands;
    bands.red = red_given > 0 ? red_given : (separate_nir ? 1 : 3);
    bands.nir = nir_given > 0 ? nir_given : (separate_nir ? 1 : 4);
    if (separate_nir || (red_given > 0 && nir_given > 0)) return bands;
    const int count = raster_band_count(raster);
    if ((red_given <= 0 && bands.red > count) || (nir_given <= 0 && bands.nir > count))
        throw Error(raster + " has " + std::to_string(count) + (count == 1 ? " band" : " bands") +
                    "; the default bands (red 3, NIR 4, the Landsat 4-7 layout) do not fit: pass --red N and "
                    "--nir N, or --nir-input FILE");
    return bands;
}

std::string extension_for_format(const std::string& format) {
    GDALDriver* driver = find_driver(format);
    const char* extension = driver != nullptr ? driver->GetMetadataItem(GDAL_DMD_EXTENSION) : nullptr;
    if ((extension == nullptr || *extension == '\0') && driver != nullptr)
        extension = driver->GetMetadataItem(GDAL_DMD_EXTENSIONS);  // COG: "tif tiff" only
    if (extension == nullptr || *extension == '\0') return "";
    std::string first = extension;
    first = first.substr(0, first.find(' '));  // "tif tiff" -> "tif"
    return "." + first;
}

}  // namespace tiledndvi::cli
