#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <cpl_string.h>
#include <ogr_spatialref.h>

namespace tiledndvi::test {

namespace fs = std::filesystem;

namespace {
// Every test binary reads rasters through GDAL: register its drivers once.
const bool drivers_registered = [] {
    GDALAllRegister();
    return true;
}();
}  // namespace

ScratchDir::ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/tiledndvi-test-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buffer.data();
}

ScratchDir::~ScratchDir() {
    std::error_code ignored;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path_, ignored);
}

std::vector<std::string> ScratchDir::entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) names.push_back(entry.path().filename().string());
    return names;
}

void write_raster(const std::string& path, const RasterSpec& spec) {
    if (GDALGetDriverCount() == 0) GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList options;
    for (const auto& option : spec.creation_options) options.AddString(option.c_str());
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), spec.width, spec.height,
                                                static_cast<int>(spec.bands.size()), spec.type, options.List()));
    if (!dataset) throw std::runtime_error("cannot create " + path);
    dataset->SetGeoTransform(const_cast<double*>(spec.geotransform.data()));
    if (!spec.crs_wkt.empty()) {
        OGRSpatialReference srs;
        srs.importFromWkt(spec.crs_wkt.c_str());
        dataset->SetSpatialRef(&srs);
    } else if (spec.epsg != 0) {
        OGRSpatialReference srs;
        srs.importFromEPSG(spec.epsg);
        dataset->SetSpatialRef(&srs);
    }
    for (std::size_t b = 0; b < spec.bands.size(); ++b) {
        GDALRasterBand* band = dataset->GetRasterBand(static_cast<int>(b) + 1);
        if (b < spec.nodata.size() && spec.nodata[b]) band->SetNoDataValue(*spec.nodata[b]);
        std::vector<double> values = spec.bands[b];
        if (band->RasterIO(GF_Write, 0, 0, spec.width, spec.height, values.data(), spec.width, spec.height,
                           GDT_Float64, 0, 0) != CE_None)
            throw std::runtime_error("cannot write " + path);
    }
}

std::vector<double> read_band(const std::string& path, int band) {
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!dataset) throw std::runtime_error("cannot open " + path);
    const int w = dataset->GetRasterXSize(), h = dataset->GetRasterYSize();
    std::vector<double> values(static_cast<std::size_t>(w) * h);
    if (dataset->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, w, h, values.data(), w, h, GDT_Float64, 0, 0) !=
        CE_None)
        throw std::runtime_error("cannot read " + path);
    return values;
}

RasterInfo raster_info(const std::string& path) {
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!dataset) throw std::runtime_error("cannot open " + path);
    RasterInfo info;
    info.width = dataset->GetRasterXSize();
    info.height = dataset->GetRasterYSize();
    info.bands = dataset->GetRasterCount();
    info.type = dataset->GetRasterBand(1)->GetRasterDataType();
    dataset->GetGeoTransform(info.geotransform.data());
    if (const OGRSpatialReference* srs = dataset->GetSpatialRef()) {
        char* wkt = nullptr;
        srs->exportToWkt(&wkt);
        info.crs_wkt = wkt != nullptr ? wkt : "";
        CPLFree(wkt);
    }
    int has = 0;
    info.nodata = dataset->GetRasterBand(1)->GetNoDataValue(&has);
    info.has_nodata = has != 0;
    return info;
}

std::vector<unsigned char> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<unsigned char> band_bytes(const std::string& path, int band) {
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!dataset) throw std::runtime_error("cannot open " + path);
    GDALRasterBand* b = dataset->GetRasterBand(band);
    const int w = dataset->GetRasterXSize(), h = dataset->GetRasterYSize();
    const GDALDataType type = b->GetRasterDataType();
    std::vector<unsigned char> bytes(static_cast<std::size_t>(w) * h * GDALGetDataTypeSizeBytes(type));
    if (b->RasterIO(GF_Read, 0, 0, w, h, bytes.data(), w, h, type, 0, 0) != CE_None)
        throw std::runtime_error("cannot read " + path);
    return bytes;
}

float reference_ndvi(double red, double nir, std::optional<double> red_nodata, std::optional<double> nir_nodata) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    if (!std::isfinite(red) || !std::isfinite(nir)) return nan;
    if ((red_nodata && red == *red_nodata) || (nir_nodata && nir == *nir_nodata)) return nan;
    if (nir + red == 0.0) return nan;
    return static_cast<float>((nir - red) / (nir + red));
}

namespace {
std::string shell_quote(const std::string& arg) {
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

CommandResult run_command(const std::string& command_line) {
    ScratchDir capture;
    const std::string out = capture.file("out"), err = capture.file("err");
    const int status = std::system((command_line + " >" + out + " 2>" + err).c_str());
    CommandResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(out);
    result.err = slurp(err);
    return result;
}

CommandResult run_cli(const std::vector<std::string>& args) {
    std::string line = shell_quote(TILEDNDVI_CLI);
    for (const auto& arg : args) line += " " + shell_quote(arg);
    return run_command(line);
}

std::string sample_path() { return TILEDNDVI_SAMPLE; }

}  // namespace tiledndvi::test
