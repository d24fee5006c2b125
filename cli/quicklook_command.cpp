// tiledndvi quicklook: a PNG picture of an NDVI raster on the YlGn ramp, NoData
// transparent, with a colour bar under the map, for a person without a GIS.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>

#include "arguments.h"
#include "colour_bar.h"
#include "command_options.h"
#include "commands.h"
#include "rgba_image.h"
#include "terminal.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/staged_files.h"
#include "tiledndvi/staged_output.h"
#include "ylgn_ramp.h"

namespace tiledndvi::cli {

namespace {

const char* const usage = R"(Usage: tiledndvi quicklook NDVI OUT.png [options]

Draws NDVI on the yellow-to-green ColorBrewer YlGn ramp (#ffffe5 at the low
end, #78c679 in the middle, #004529 at the high end, interpolated; values
beyond the range take the end colours), NoData (the band's NoData value, NaN,
infinities) transparent, with a colour bar under the map: the title NDVI, the
ramp, and labels for its minimum, middle and maximum.

The map is W x H pixels, its longer side --size and the raster's aspect ratio
kept. Under it is the colour bar strip, 40 x s pixels high with s = --size/320
clamped to 1..4 (s = 3 for 1024). The PNG (RGBA) is max(W, 160 x s) wide (wider
only for range labels over 7 characters; the map is then centred) and H + 40 x s
high: 1024 x 1144 for a square raster at the default size.

Options:
  --size PIXELS        longer side of the map (default 1024; 16 to 8192)
  --range -1,1|data|MIN,MAX
                       values at the ends of the ramp: -1 and 1 (default), the
                       band's exact minimum and maximum, or MIN and MAX
  --band N             band of NDVI to draw (default 1)
  --overwrite          replace OUT.png if it exists
  -q, --quiet          no progress bar and no summary line
  -h, --help           this help
)";

void parse_range(const std::string& text, QuicklookOptions& options) {
    if (text == "data") {
        options.data_range = true;
        return;
    }
    const std::size_t comma = text.find(',');
    if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos)
        throw UsageError("--range expects -1,1, data or MIN,MAX, not '" + text + "'");
    options.minimum = parse_number("--range", text.substr(0, comma));
    options.maximum = parse_number("--range", text.substr(comma + 1));
    if (!(std::isfinite(options.minimum) && std::isfinite(options.maximum) && options.minimum < options.maximum))
        throw UsageError("--range needs MIN < MAX, not '" + text + "'");
    options.data_range = false;
}

}  // namespace

QuicklookOptions parse_quicklook_arguments(const std::vector<std::string>& argv) {
    QuicklookOptions options;
    std::vector<std::string> positional;
    Arguments args(argv);
    while (!args.done()) {
        const std::string arg = args.take();
        if (arg == "--size") {
            options.size = static_cast<int>(parse_integer(arg, args.value_of(arg), 16, 8192));
        } else if (arg == "--range") {
            parse_range(args.value_of(arg), options);
        } else if (arg == "--band") {
            options.band = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, 65535));
        } else if (arg == "--overwrite") {
            options.overwrite = true;
        } else if (arg == "-q" || arg == "--quiet") {
            options.quiet = true;
        } else if (is_option(arg)) {
            throw UsageError("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2)
        throw UsageError("expected NDVI and OUT.png, got " + std::to_string(positional.size()) + " file name(s)");
    options.input = positional[0];
    options.output = positional[1];
    if (!EQUAL(CPLGetExtension(options.output.c_str()), "png"))
        throw UsageError("the picture is a PNG: OUT.png must end in .png, not '" + options.output + "'");
    return options;
}

namespace {

// GDAL progress into a share [start, start + span] of the command's callback,
// remembering whether the callback asked to stop.
struct ProgressShare {
    const ProgressCallback& callback;
    double start;
    double span;
    bool stopped = false;
};

int CPL_STDCALL report_share(double fraction, const char*, void* data) {
    auto* share = static_cast<ProgressShare*>(data);
    if (!share->callback(share->start + share->span * fraction)) share->stopped = true;
    return share->stopped ? FALSE : TRUE;
}

struct MapSize {
    int width = 0;
    int height = 0;
};

// The longer side gets `size`, the other keeps the aspect ratio (at least 1).
MapSize map_size(int raster_width, int raster_height, int size) {
    const auto shorter = [size](int side, int longer) {
        return std::max(1, static_cast<int>(std::lround(static_cast<double>(size) * side / longer)));
    };
    if (raster_width >= raster_height) return {size, shorter(raster_height, raster_width)};
    return {shorter(raster_width, raster_height), size};
}

// Which read values are NoData: NaN or infinite (as in the numeric rule), or
// equal to the band's NoData value compared in the band's own type (a Float32
// band's NoData 0.1 means the float nearest 0.1).
class NoDataTest {
public:
    explicit NoDataTest(GDALRasterBand& band) {
        int has = FALSE;
        nodata_ = band.GetNoDataValue(&has);
        has_nodata_ = has != FALSE && !std::isnan(nodata_);
        as_float_ = band.GetRasterDataType() == GDT_Float32;
    }
    bool operator()(double value) const {
        if (!std::isfinite(value)) return true;
        if (!has_nodata_) return false;
        return as_float_ ? static_cast<float>(value) == static_cast<float>(nodata_) : value == nodata_;
    }

private:
    double nodata_ = 0;
    bool has_nodata_ = false;
    bool as_float_ = false;
};

// The band's exact minimum and maximum, NoData and NaN left out.
void compute_data_range(GDALRasterBand& band, const std::string& input, QuicklookOptions& options) {
    QuietGdalErrors quiet;
    double range[2] = {0, 0};
    if (band.ComputeRasterMinMax(FALSE, range) != CE_None)
        throw Error("--range data: no valid pixels in band " + std::to_string(options.band) + " of " + input);
    options.minimum = range[0];
    options.maximum = range[1];
}

// The map at `size` through RasterIO. Shrinking uses GDAL's average: every map
// pixel summarises all the pixels it covers, where nearest would pick one in
// 50 (a 7000-pixel scene at 1024) and show noise. GDAL's average skips the
// band's NoData value (and NaN when NoData is NaN, the engine's default), so a
// window is NoData only when all of it is, and a window of one known value
// keeps exactly that value. (With a numeric NoData GDAL lets a NaN spoil its
// window, which then shows transparent: a NoData stays NoData either way.)
// Enlarging or keeping the size uses nearest: every map pixel is one raster
// pixel, edges stay sharp.
std::vector<double> read_map(GDALRasterBand& band, const std::string& input, const MapSize& map,
                             const ProgressCallback& progress) {
    std::vector<double> values(static_cast<std::size_t>(map.width) * map.height);
    const int width = band.GetXSize(), height = band.GetYSize();
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = map.width < width || map.height < height ? GRIORA_Average : GRIORA_NearestNeighbour;
    ProgressShare share{progress, 0.0, 0.5};
    extra.pfnProgress = report_share;
    extra.pProgressData = &share;
    QuietGdalErrors quiet;
    const CPLErr status = band.RasterIO(GF_Read, 0, 0, width, height, values.data(), map.width, map.height,
                                        GDT_Float64, 0, 0, &extra);
    if (share.stopped) throw Cancelled();
    if (status != CE_None) throw Error("cannot read " + input + ": " + last_gdal_error());
    return values;
}

// Creates the (empty) staged file now, so a directory that only looks writable
// (/proc for root: access() says yes) is refused before any work.
void claim_staged_file(const std::string& staged, const std::string& target) {
    VSILFILE* file = VSIFOpenL(staged.c_str(), "wb");
    if (file == nullptr || VSIFCloseL(file) != 0)
        throw Error("output directory is not writable: " + directory_of(target) + " (" + VSIStrerror(errno) + ")");
}

// The RGBA picture through GDAL's PNG driver (CreateCopy from a MEM dataset)
// at `path`, the staged name of `target` (which the messages name).
void write_png(const RgbaImage& image, const std::string& path, const std::string& target,
               const ProgressCallback& progress) {
    QuietGdalErrors quiet;
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    if (memory == nullptr || png == nullptr) throw Error("this GDAL has no MEM or PNG driver");
    GDALDatasetUniquePtr canvas(memory->Create("", image.width, image.height, 4, GDT_Byte, nullptr));
    if (!canvas) throw Error("cannot allocate the picture: " + last_gdal_error());
    int bands[4] = {1, 2, 3, 4};
    if (canvas->RasterIO(GF_Write, 0, 0, image.width, image.height, const_cast<std::uint8_t*>(image.pixels.data()),
                         image.width, image.height, GDT_Byte, 4, bands, 4, std::int64_t(4) * image.width, 1,
                         nullptr) != CE_None)
        throw Error("cannot draw the picture: " + last_gdal_error());
    const GDALColorInterp colours[4] = {GCI_RedBand, GCI_GreenBand, GCI_BlueBand, GCI_AlphaBand};
    for (int band = 1; band <= 4; ++band) canvas->GetRasterBand(band)->SetColorInterpretation(colours[band - 1]);

    ProgressShare share{progress, 0.5, 0.5};  // a large PNG takes as long to deflate as to read
    GDALDatasetUniquePtr written(png->CreateCopy(path.c_str(), canvas.get(), FALSE, nullptr, report_share, &share));
    if (share.stopped) throw Cancelled();
    if (!written) throw Error("cannot write " + target + ": " + last_gdal_error());
    close_checked(written, target);
}

}  // namespace

int quicklook_command(const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        }
    QuicklookOptions options = parse_quicklook_arguments(args);

    GDALDatasetUniquePtr dataset = open_raster(options.input);
    const int band_count = dataset->GetRasterCount();
    if (options.band > band_count)
        throw Error("band " + std::to_string(options.band) + " does not exist: " + options.input + " has " +
                    std::to_string(band_count) + (band_count == 1 ? " band" : " bands"));
    GDALRasterBand& band = *dataset->GetRasterBand(options.band);
    if (GDALDataTypeIsComplex(band.GetRasterDataType()))
        throw Error("band " + std::to_string(options.band) + " of " + options.input + " is complex (" +
                    GDALGetDataTypeName(band.GetRasterDataType()) + "); quicklook draws real values");
    StagedFiles files(options.output, options.overwrite);  // refuses a bad target before any work
    const std::string staged = files.staged_path();
    claim_staged_file(staged, files.target());
    if (options.data_range) compute_data_range(band, options.input, options);

    const ProgressCallback progress = terminal_progress(options.quiet);
    const MapSize map = map_size(band.GetXSize(), band.GetYSize(), options.size);
    const std::vector<double> values = read_map(band, options.input, map, progress);

    const int scale = colour_bar_scale(options.size);
    RgbaImage image(std::max(map.width, colour_bar_min_width(options.minimum, options.maximum, scale)),
                    map.height + colour_bar_height(scale));
    const int left = (image.width - map.width) / 2;
    const NoDataTest is_nodata(band);
    const double span = options.maximum - options.minimum;  // 0 only for a constant raster with --range data
    for (int y = 0; y < map.height; ++y)
        for (int x = 0; x < map.width; ++x) {
            const double value = values[static_cast<std::size_t>(y) * map.width + x];
            if (is_nodata(value)) continue;  // stays transparent
            image.set(left + x, y, ylgn_colour(span > 0 ? (value - options.minimum) / span : 0.5));
        }
    draw_colour_bar(image, map.height, options.minimum, options.maximum, scale);

    write_png(image, staged, files.target(), progress);
    files.commit(staged);
    progress(1.0);
    if (!options.quiet)
        std::cout << "wrote " << options.output << ": " << image.width << " x " << image.height << " pixels, map "
                  << map.width << " x " << map.height << " and colour bar, NDVI " << options.minimum << " .. "
                  << options.maximum << "\n";
    return 0;
}

}  // namespace tiledndvi::cli
