// Helpers shared by the tests: scratch folders, synthetic rasters, reading
// rasters back, and running the real tiledndvi program.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gdal_priv.h>

namespace tiledndvi::test {

// A fresh directory removed (with its contents) at destruction.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::vector<std::string> entries() const;  // names, hidden ones included

private:
    std::string path_;
};

// A raster to write: band values given as doubles, converted to `type`.
struct RasterSpec {
    int width = 0;
    int height = 0;
    GDALDataType type = GDT_Int16;
    std::vector<std::vector<double>> bands;          // bands[b][y * width + x]
    std::vector<std::optional<double>> nodata;       // per band, may be shorter
    std::array<double, 6> geotransform = {500000, 30, 0, 9000000, 0, -30};
    int epsg = 32725;                                // 0: no CRS (unless crs_wkt)
    std::string crs_wkt;                             // wins over epsg when set
    std::vector<std::string> creation_options;
};

void write_raster(const std::string& path, const RasterSpec& spec);

// All pixels of one band as doubles.
std::vector<double> read_band(const std::string& path, int band = 1);

struct RasterInfo {
    int width = 0, height = 0, bands = 0;
    GDALDataType type = GDT_Unknown;
    std::array<double, 6> geotransform{};
    std::string crs_wkt;
    bool has_nodata = false;
    double nodata = 0;
};
RasterInfo raster_info(const std::string& path);

// File bytes, for bit-for-bit comparisons.
std::vector<unsigned char> file_bytes(const std::string& path);

// The pixel data of band 1 as raw bytes (layout-independent comparison).
std::vector<unsigned char> band_bytes(const std::string& path, int band = 1);

// The reference NDVI of one pixel: the double formula rounded to float, NaN for NoData.
float reference_ndvi(double red, double nir, std::optional<double> red_nodata = {},
                     std::optional<double> nir_nodata = {});

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};
// Runs the real tiledndvi with `args` (shell-quoted here).
CommandResult run_cli(const std::vector<std::string>& args);
// Runs any shell command line.
CommandResult run_command(const std::string& command_line);

std::string sample_path();

}  // namespace tiledndvi::test
