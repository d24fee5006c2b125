// The `NDVI:` driver: a read-only, virtual single-band Float32 dataset whose
// pixels are the NDVI of two bands, computed on demand by the core's tiled
// engine (windows on OpenMP threads, one pair of GDAL handles per thread kept
// across calls).
#pragma once

#include <cstdint>
#include <memory>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "read_ahead.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/tiled_engine.h"

namespace tiledndvi::gdal_plugin {

constexpr const char* driver_name = "TiledNDVI";

class NdviDataset final : public GDALDataset {
public:
    static int Identify(GDALOpenInfo* open_info);
    static GDALDataset* Open(GDALOpenInfo* open_info);

    CPLErr GetGeoTransform(double* geotransform) override;
    const OGRSpatialReference* GetSpatialRef() const override;

    // Computes the window (x, y, width, height) at full resolution into a
    // caller's buffer of any type and spacing. Reports failures with CPLError.
    CPLErr compute(int x, int y, int width, int height, void* data, GDALDataType buffer_type, GSpacing pixel_space,
                   GSpacing line_space);

private:
    explicit NdviDataset(const BandPair& pair);

    ReaderPool& readers_for(bool full_width);
    // Computes full-resolution rows into a packed Float32 buffer or any
    // caller's buffer; throws Error.
    void compute_now(int x, int y, int width, int height, void* data, GDALDataType buffer_type, GSpacing pixel_space,
                     GSpacing line_space, int threads, const ProgressCallback& progress);
    // After a full-width request: when reads go top to bottom, starts the next swath.
    void read_ahead_after(int y, int height);

    BandPair pair_;  // outlives the reader pools, which refer to it
    // Per-thread handles kept across calls. Full-width requests read
    // uncompressed GeoTIFFs directly (bypassing the block cache); narrower ones
    // through the cache, as direct reads would decode whole strips per window.
    std::unique_ptr<ReaderPool> direct_readers_;
    std::unique_ptr<ReaderPool> cached_readers_;
    int next_row_ = 0;                       // where the next full-width request starts when reading top to bottom
    std::unique_ptr<ReadAhead> read_ahead_;  // after the pools: destroyed, its thread stopped, before them
    OGRSpatialReference srs_;
    bool has_srs_ = false;
};

class NdviRasterBand final : public GDALRasterBand {
public:
    NdviRasterBand(NdviDataset* dataset, int block_width, int block_height);

    double GetNoDataValue(int* success = nullptr) override;

protected:
    CPLErr IReadBlock(int block_x, int block_y, void* image) override;
    CPLErr IRasterIO(GDALRWFlag rw_flag, int x, int y, int width, int height, void* data, int buffer_width,
                     int buffer_height, GDALDataType buffer_type, GSpacing pixel_space, GSpacing line_space,
                     GDALRasterIOExtraArg* extra) override;
};

// Registers the driver (the caller has checked it is not registered yet).
void register_ndvi_driver();

}  // namespace tiledndvi::gdal_plugin
