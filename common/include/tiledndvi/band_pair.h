// Opening and validating the two bands of a normalized difference, once, at the
// edge: after open_band_pair() the engine may assume both bands exist, share one
// grid and have a type the kernels handle.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <gdal_priv.h>

#include "tiledndvi/numeric_rule.h"
#include "tiledndvi/tile_grid.h"

namespace tiledndvi {

// One band of one raster, as the user named it.
struct BandSpec {
    std::string path;
    int band = 0;      // 1-based
    std::string role;  // "red", "NIR", "A", "B": used in error messages
};

// The pixel grid both bands share.
struct Grid {
    std::int64_t width = 0;
    std::int64_t height = 0;
    bool has_geotransform = false;
    std::array<double, 6> geotransform{};
    std::string crs_wkt;  // empty when the raster has no CRS
    int block_width = 0;  // of the first band (a), for aligning reads
    int block_height = 0;
};

struct BandPair {
    BandSpec a;  // minuend: NIR for NDVI
    BandSpec b;  // subtrahend: red for NDVI
    GDALDataType a_type = GDT_Unknown;
    GDALDataType b_type = GDT_Unknown;
    // The type both bands are read as: their own type when they agree, else a
    // type holding both exactly (see working_type_for()).
    GDALDataType working_type = GDT_Unknown;
    BandNoData a_nodata;
    BandNoData b_nodata;
    Grid grid;

    bool same_file() const { return a.path == b.path; }
};

// The type two bands are read as so one kernel sees them alike: equal types stay
// as they are; differing types are read as Float64, which holds every value of
// every supported type exactly.
GDALDataType working_type_for(GDALDataType a_type, GDALDataType b_type);

// Opens both rasters, checks the bands exist, have supported types and share one
// grid (size, geotransform, CRS). Throws Error naming the problem.
BandPair open_band_pair(const BandSpec& a, const BandSpec& b);

// Opens a raster read-only; each thread needs its own handle (GDAL datasets are
// not thread-safe). Throws Error naming the file.
GDALDatasetUniquePtr open_raster(const std::string& path);

// Number of bands of a raster (the CLI uses it to explain its band defaults).
int raster_band_count(const std::string& path);

// The grid of `window` (in `grid`'s pixels): same CRS, pixel size and blocks,
// origin moved to the window's top-left corner.
Grid window_grid(const Grid& grid, const Tile& window);

// Human-readable reason two grids differ, or "" when they match.
std::string describe_grid_difference(const Grid& first, const Grid& second);

}  // namespace tiledndvi
