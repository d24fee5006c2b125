#include "tiledndvi/band_pair.h"

#include <cmath>
#include <sstream>

#include <cpl_vsi.h>
#include <ogr_spatialref.h>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/kernels.h"

namespace tiledndvi {

namespace {

std::string plural(int n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string size_text(std::int64_t width, std::int64_t height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

struct OpenedBand {
    GDALDatasetUniquePtr dataset;
    GDALRasterBand* band = nullptr;
};

OpenedBand open_band(const BandSpec& spec) {
    OpenedBand opened;
    opened.dataset = open_raster(spec.path);
    const int band_count = opened.dataset->GetRasterCount();
    if (spec.band < 1 || spec.band > band_count)
        throw Error(spec.role + " band " + std::to_string(spec.band) + " does not exist: " + spec.path + " has " +
                    plural(band_count, "band"));
    opened.band = opened.dataset->GetRasterBand(spec.band);
    const GDALDataType type = opened.band->GetRasterDataType();
    if (!is_supported_input_type(type))
        throw Error(spec.role + " band " + std::to_string(spec.band) + " of " + spec.path + " has type " +
                    GDALGetDataTypeName(type) +
                    ", which is not supported (Byte, UInt16, Int16, UInt32, Int32, Float32, Float64)");
    return opened;
}

Grid grid_of(GDALDataset& dataset, GDALRasterBand& band) {
    Grid grid;
    grid.width = dataset.GetRasterXSize();
    grid.height = dataset.GetRasterYSize();
    grid.has_geotransform = dataset.GetGeoTransform(grid.geotransform.data()) == CE_None;
    if (!grid.has_geotransform) grid.geotransform = {0, 1, 0, 0, 0, 1};
    if (const OGRSpatialReference* srs = dataset.GetSpatialRef()) {
        char* wkt = nullptr;
        const char* const options[] = {"FORMAT=WKT2_2018", nullptr};
        if (srs->exportToWkt(&wkt, options) == OGRERR_NONE && wkt != nullptr) grid.crs_wkt = wkt;
        CPLFree(wkt);
    }
    band.GetBlockSize(&grid.block_width, &grid.block_height);
    return grid;
}

BandNoData nodata_of(GDALRasterBand& band) {
    BandNoData nodata;
    int has = FALSE;
    const double value = band.GetNoDataValue(&has);
    nodata.has_value = has != FALSE;
    nodata.value = value;
    return nodata;
}

bool same_crs(const std::string& first, const std::string& second) {
    if (first == second) return true;
    if (first.empty() || second.empty()) return false;
    OGRSpatialReference a, b;
    if (a.importFromWkt(first.c_str()) != OGRERR_NONE || b.importFromWkt(second.c_str()) != OGRERR_NONE)
        return false;
    a.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    b.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return a.IsSame(&b) != FALSE;
}

std::string crs_name(const std::string& wkt) {
    if (wkt.empty()) return "none";
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return "unreadable";
    const char* name = srs.GetName();
    return name != nullptr ? name : "unnamed";
}

}  // namespace

GDALDataType working_type_for(GDALDataType a_type, GDALDataType b_type) {
    return a_type == b_type ? a_type : GDT_Float64;
}

GDALDatasetUniquePtr open_raster(const std::string& path) {
    if (GDALGetDriverCount() == 0) GDALAllRegister();
    VSIStatBufL stat;
    if (VSIStatExL(path.c_str(), &stat, VSI_STAT_EXISTS_FLAG) != 0 && path.rfind("/vsi", 0) != 0 &&
        path.find(':') == std::string::npos)
        throw Error("input file does not exist: " + path);
    QuietGdalErrors quiet;
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!dataset) {
        if (VSIStatExL(path.c_str(), &stat, VSI_STAT_NATURE_FLAG) == 0 && VSI_ISDIR(stat.st_mode))
            throw Error("cannot open " + path + ": it is a directory, not a raster");
        throw Error("cannot open " + path + " as a raster: " + last_gdal_error("format not recognised"));
    }
    if (dataset->GetRasterCount() < 1) throw Error("cannot open " + path + " as a raster: it has no bands");
    return dataset;
}

int raster_band_count(const std::string& path) { return open_raster(path)->GetRasterCount(); }

std::string describe_grid_difference(const Grid& first, const Grid& second) {
    if (first.width != second.width || first.height != second.height)
        return "sizes differ (" + size_text(first.width, first.height) + " vs " +
               size_text(second.width, second.height) + ")";
    if (first.has_geotransform != second.has_geotransform) return "only one of them is georeferenced";
    // A tolerance of a millionth of a pixel absorbs text round-trips of the
    // geotransform, nothing a user could see.
    const double pixel = std::max(std::fabs(first.geotransform[1]), std::fabs(first.geotransform[5]));
    const double tolerance = 1e-6 * (pixel > 0 ? pixel : 1.0);
    for (int i = 0; i < 6; ++i) {
        if (std::fabs(first.geotransform[i] - second.geotransform[i]) > tolerance) {
            std::ostringstream text;
            text.precision(17);
            text << "geotransforms differ (";
            for (int j = 0; j < 6; ++j) text << (j ? "," : "") << first.geotransform[j];
            text << " vs ";
            for (int j = 0; j < 6; ++j) text << (j ? "," : "") << second.geotransform[j];
            text << ")";
            return text.str();
        }
    }
    if (!same_crs(first.crs_wkt, second.crs_wkt))
        return "CRSs differ (" + crs_name(first.crs_wkt) + " vs " + crs_name(second.crs_wkt) + ")";
    return "";
}

BandPair open_band_pair(const BandSpec& a, const BandSpec& b) {
    BandPair pair;
    pair.a = a;
    pair.b = b;
    OpenedBand opened_a = open_band(a);
    OpenedBand opened_b = open_band(b);
    pair.a_type = opened_a.band->GetRasterDataType();
    pair.b_type = opened_b.band->GetRasterDataType();
    pair.working_type = working_type_for(pair.a_type, pair.b_type);
    // Matched in each band's own type, whatever type the kernel reads it as.
    pair.a_nodata = nodata_as_stored(nodata_of(*opened_a.band), pair.a_type);
    pair.b_nodata = nodata_as_stored(nodata_of(*opened_b.band), pair.b_type);
    pair.grid = grid_of(*opened_a.dataset, *opened_a.band);
    if (!pair.same_file()) {
        const Grid grid_b = grid_of(*opened_b.dataset, *opened_b.band);
        // b first: for NDVI that is red, the main input the user named first.
        const std::string difference = describe_grid_difference(grid_b, pair.grid);
        if (!difference.empty())
            throw Error(b.role + " (" + b.path + ") and " + a.role + " (" + a.path + ") grids do not match: " +
                        difference);
    }
    return pair;
}

Grid window_grid(const Grid& grid, const Tile& window) {
    Grid result = grid;
    result.width = window.width;
    result.height = window.height;
    // As create_like() moves it, to the last bit: tiles cut either way line up.
    std::array<double, 6>& g = result.geotransform;
    g[0] += window.x * g[1] + window.y * g[2];
    g[3] += window.x * g[4] + window.y * g[5];
    return result;
}

}  // namespace tiledndvi
