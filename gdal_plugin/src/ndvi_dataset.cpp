#include "ndvi_dataset.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <cpl_error.h>

#include "connection_string.h"
#include "threads.h"
#include "tiledndvi/error.h"
#include "tiledndvi/tile_grid.h"

namespace tiledndvi::gdal_plugin {

namespace {

constexpr GDALDataType output_type = GDT_Float32;
constexpr double output_nodata = std::numeric_limits<double>::quiet_NaN();

// Windows a request is cut into for the engine: full-width bands of about
// 64 Ki pixels, whatever the thread count, with boundaries on the input's block
// rows (no two threads decode one block). The engine allocates its buffers per
// call at the largest window's size: small windows keep them in reused heap
// memory; windows of a whole swath made it map fresh pages on every call, which
// cost more than the arithmetic.
std::vector<Tile> plan_windows(int x, int y, int width, int height, int block_height) {
    constexpr std::int64_t window_pixels = std::int64_t(1) << 16;
    std::int64_t step = std::max<std::int64_t>(1, window_pixels / std::max(1, width));
    if (block_height > 1) step = std::max<std::int64_t>(block_height, step / block_height * block_height);
    std::vector<Tile> windows;
    for (std::int64_t top = y; top < std::int64_t(y) + height;) {
        // Next boundary on an absolute multiple of `step` (block-aligned).
        const std::int64_t bottom = std::min<std::int64_t>(std::int64_t(y) + height, (top / step + 1) * step);
        windows.push_back(Tile{x, top, width, bottom - top, 0, static_cast<int>(windows.size())});
        top = bottom;
    }
    return windows;
}

// Requests of at least this many pixels are computed on all threads. Reading
// and computing costs about 5 ns a pixel, so below that a parallel region
// saves less than the few milliseconds libgomp then spins its idle threads.
constexpr std::int64_t driver_parallel_threshold_pixels = std::int64_t(1) << 20;

// The driver's block shape: the input's tiles when it is tiled, else full-width
// strips of about 128 Ki pixels (512 KiB) on the input's strip boundaries.
// Small enough that GDALDatasetCopyWholeRaster (gdal_translate) reads swaths of
// about 10 MB rather than one block row at a time, which it does for block rows
// of about 1 MB and more.
std::pair<int, int> block_shape(const Grid& grid) {
    constexpr std::int64_t block_target_pixels = std::int64_t(1) << 17;
    const int width = static_cast<int>(grid.width), height = static_cast<int>(grid.height);
    if (grid.block_width > 0 && grid.block_width < width && grid.block_height > 1)
        return {grid.block_width, std::min(grid.block_height, height)};
    int rows = static_cast<int>(std::max<std::int64_t>(1, block_target_pixels / std::max(1, width)));
    if (grid.block_height > 1) rows = std::max(grid.block_height, rows / grid.block_height * grid.block_height);
    return {width, std::min(rows, height)};
}

void report(const std::exception& error) { CPLError(CE_Failure, CPLE_AppDefined, "%s", error.what()); }

// Read-ahead holds at most one swath of this many Float32 pixels (64 MiB).
constexpr std::int64_t max_read_ahead_pixels = std::int64_t(16) << 20;

// Copies packed Float32 rows into a buffer of any type and spacing.
void copy_rows(const float* pixels, int width, int height, void* data, GDALDataType buffer_type, GSpacing pixel_space,
               GSpacing line_space) {
    const std::size_t row_bytes = static_cast<std::size_t>(width) * sizeof(float);
    const bool packed = buffer_type == output_type && pixel_space == static_cast<GSpacing>(sizeof(float));
    for (int row = 0; row < height; ++row) {
        const float* source = pixels + static_cast<std::size_t>(row) * width;
        unsigned char* target = static_cast<unsigned char*>(data) + row * line_space;
        if (packed)
            std::memcpy(target, source, row_bytes);
        else
            GDALCopyWords64(source, output_type, sizeof(float), target, buffer_type, static_cast<int>(pixel_space),
                            width);
    }
}

}  // namespace

NdviDataset::NdviDataset(const BandPair& pair) : pair_(pair) {
    nRasterXSize = static_cast<int>(pair_.grid.width);
    nRasterYSize = static_cast<int>(pair_.grid.height);
    eAccess = GA_ReadOnly;
    if (!pair_.grid.crs_wkt.empty() && srs_.importFromWkt(pair_.grid.crs_wkt.c_str()) == OGRERR_NONE) {
        srs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        has_srs_ = true;
    }
    const auto [block_width, block_height] = block_shape(pair_.grid);
    SetBand(1, new NdviRasterBand(this, block_width, block_height));
}

int NdviDataset::Identify(GDALOpenInfo* open_info) { return has_connection_prefix(open_info->pszFilename); }

GDALDataset* NdviDataset::Open(GDALOpenInfo* open_info) {
    if (!Identify(open_info) || (open_info->nOpenFlags & GDAL_OF_RASTER) == 0) return nullptr;
    if (open_info->eAccess == GA_Update) {
        CPLError(CE_Failure, CPLE_NotSupported, "the %s driver is read-only: %s cannot be opened for update",
                 driver_name, open_info->pszFilename);
        return nullptr;
    }
    ConnectionString connection;
    try {
        connection = parse_connection_string(open_info->pszFilename);
    } catch (const std::exception& error) {
        report(error);
        return nullptr;
    }
    try {
        // a = NIR (minuend), b = red, as the CLI's ndvi_job: validated (and
        // errors worded) in that order.
        const BandPair pair = open_band_pair({connection.nir_path, connection.nir_band, "NIR"},
                                       {connection.red_path, connection.red_band, "red"});
        auto dataset = new NdviDataset(pair);
        dataset->SetDescription(open_info->pszFilename);
        return dataset;
    } catch (const std::exception& error) {
        std::string message = error.what();
        if (!connection.bands_given && message.find("does not exist") != std::string::npos)
            message += std::string(" (the bands default to red=3,nir=4, or 1 and 1 with nir_file; name them: ") +
                       connection_syntax + ")";
        CPLError(CE_Failure, CPLE_OpenFailed, "%s", message.c_str());
        return nullptr;
    }
}

CPLErr NdviDataset::GetGeoTransform(double* geotransform) {
    std::copy(pair_.grid.geotransform.begin(), pair_.grid.geotransform.end(), geotransform);
    return pair_.grid.has_geotransform ? CE_None : CE_Failure;
}

const OGRSpatialReference* NdviDataset::GetSpatialRef() const { return has_srs_ ? &srs_ : nullptr; }

ReaderPool& NdviDataset::readers_for(bool full_width) {
    std::unique_ptr<ReaderPool>& pool = full_width ? direct_readers_ : cached_readers_;
    if (!pool) pool = std::make_unique<ReaderPool>(pair_, full_width);
    return *pool;
}

void NdviDataset::compute_now(int x, int y, int width, int height, void* data, GDALDataType buffer_type,
                              GSpacing pixel_space, GSpacing line_space, int threads,
                              const ProgressCallback& progress) {
    const std::vector<Tile> windows = plan_windows(x, y, width, height, pair_.grid.block_height);
    CPLDebug(driver_name, "rows %d-%d, columns %d-%d: %zu windows on up to %d threads", y, y + height - 1, x,
             x + width - 1, windows.size(), threads);
    // Windows are disjoint, so threads write disjoint parts of the buffer: no lock.
    const WindowSink copy_to_buffer = [&](const Tile& window, const void* pixels) {
        copy_rows(static_cast<const float*>(pixels), static_cast<int>(window.width), static_cast<int>(window.height),
                  static_cast<unsigned char*>(data) + (window.y - y) * line_space + (window.x - x) * pixel_space,
                  buffer_type, pixel_space, line_space);
    };
    compute_windows(pair_, windows, output_type, output_nodata, threads, copy_to_buffer, progress,
                    &readers_for(x == 0 && width == nRasterXSize));
}

CPLErr NdviDataset::compute(int x, int y, int width, int height, void* data, GDALDataType buffer_type,
                            GSpacing pixel_space, GSpacing line_space) {
    if (width <= 0 || height <= 0) return CE_None;
    const bool full_width = x == 0 && width == nRasterXSize;
    try {
        // The readers are the background thread's while it runs: always settle
        // it first, taking its rows when they are the ones asked for.
        if (read_ahead_) {
            std::string error;
            const ReadAhead::Outcome outcome =
                full_width ? read_ahead_->take(
                                 y, height,
                                 [&](const float* pixels) {
                                     copy_rows(pixels, width, height, data, buffer_type, pixel_space, line_space);
                                 },
                                 error)
                           : (read_ahead_->cancel(), ReadAhead::Outcome::none);
            if (outcome == ReadAhead::Outcome::failed) throw Error(error);
            if (outcome == ReadAhead::Outcome::served) {
                read_ahead_after(y, height);
                return CE_None;
            }
        }
        const bool large = static_cast<std::int64_t>(width) * height >= driver_parallel_threshold_pixels;
        compute_now(x, y, width, height, data, buffer_type, pixel_space, line_space, large ? plugin_thread_count() : 1,
                    {});
        if (full_width) read_ahead_after(y, height);
        return CE_None;
    } catch (const std::exception& error) {
        report(error);
        return CE_Failure;
    }
}

void NdviDataset::read_ahead_after(int y, int height) {
    const bool top_to_bottom = y == next_row_;
    next_row_ = y + height;
    const int next_height = std::min(height, nRasterYSize - next_row_);
    // Only when reading top to bottom (gdal_translate, gdalinfo -stats), and
    // within a memory bound: one swath of Float32 beside the caller's.
    if (!top_to_bottom || next_height <= 0 ||
        static_cast<std::int64_t>(nRasterXSize) * next_height > max_read_ahead_pixels)
        return;
    if (!read_ahead_) {
        readers_for(true);  // created here, on the caller's thread, before the background uses it
        read_ahead_ = std::make_unique<ReadAhead>(
            nRasterXSize, [this](int row, int rows, int threads, float* out, const std::function<bool()>& cancelled) {
                compute_now(0, row, nRasterXSize, rows, out, output_type, sizeof(float),
                            static_cast<GSpacing>(nRasterXSize) * sizeof(float), threads,
                            [&](double) { return !cancelled(); });
            });
    }
    // One core is left to the caller, who writes the previous swath meanwhile
    // (on 2 cores the read-ahead is then one thread: no OpenMP team spinning
    // against the writer).
    read_ahead_->start(next_row_, next_height, std::max(1, plugin_thread_count() - 1));
}

NdviRasterBand::NdviRasterBand(NdviDataset* dataset, int block_width, int block_height) {
    poDS = dataset;
    nBand = 1;
    nRasterXSize = dataset->GetRasterXSize();
    nRasterYSize = dataset->GetRasterYSize();
    eDataType = output_type;
    nBlockXSize = block_width;
    nBlockYSize = block_height;
    SetDescription("NDVI");
}

double NdviRasterBand::GetNoDataValue(int* success) {
    if (success != nullptr) *success = TRUE;
    return output_nodata;
}

CPLErr NdviRasterBand::IReadBlock(int block_x, int block_y, void* image) {
    const int x = block_x * nBlockXSize, y = block_y * nBlockYSize;
    const int width = std::min(nBlockXSize, nRasterXSize - x), height = std::min(nBlockYSize, nRasterYSize - y);
    const int size = GDALGetDataTypeSizeBytes(output_type);
    return static_cast<NdviDataset*>(poDS)->compute(x, y, width, height, image, output_type, size,
                                                    static_cast<GSpacing>(size) * nBlockXSize);
}

CPLErr NdviRasterBand::IRasterIO(GDALRWFlag rw_flag, int x, int y, int width, int height, void* data, int buffer_width,
                                 int buffer_height, GDALDataType buffer_type, GSpacing pixel_space, GSpacing line_space,
                                 GDALRasterIOExtraArg* extra) {
    if (rw_flag != GF_Read) {
        CPLError(CE_Failure, CPLE_NoWriteAccess, "the %s driver is read-only", driver_name);
        return CE_Failure;
    }
    // Resampled reads (overviews, previews) go through blocks and GDAL's resampling.
    if (buffer_width != width || buffer_height != height)
        return GDALRasterBand::IRasterIO(rw_flag, x, y, width, height, data, buffer_width, buffer_height, buffer_type,
                                         pixel_space, line_space, extra);
    return static_cast<NdviDataset*>(poDS)->compute(x, y, width, height, data, buffer_type, pixel_space, line_space);
}

void register_ndvi_driver() {
    auto* driver = new GDALDriver();
    driver->SetDescription(driver_name);
    driver->SetMetadataItem(GDAL_DCAP_RASTER, "YES");
    driver->SetMetadataItem(GDAL_DMD_LONGNAME, "NDVI of two bands, computed in parallel (tiledndvi)");
    driver->SetMetadataItem(GDAL_DMD_CONNECTION_PREFIX, connection_prefix);
    driver->SetMetadataItem(GDAL_DCAP_VIRTUALIO, "YES");
    driver->pfnIdentify = NdviDataset::Identify;
    driver->pfnOpen = NdviDataset::Open;
    GetGDALDriverManager()->RegisterDriver(driver);
}

}  // namespace tiledndvi::gdal_plugin
