#include "plugin_test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_utils.h>

namespace tiledndvi::plugin_test {

std::string plugin_dir() { return TILEDNDVI_PLUGIN_DIR; }

void load_plugin() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetConfigOption("GDAL_DRIVER_PATH", TILEDNDVI_PLUGIN_DIR);
        GetGDALDriverManager()->AutoLoadDrivers();
    });
}

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

CommandResult run_with_plugin(const std::string& command_line) {
    return test::run_command("GDAL_DRIVER_PATH=" + shell_quote(plugin_dir()) + " " + command_line);
}

void translate(const std::string& source, const std::string& target, const std::vector<std::string>& options) {
    load_plugin();
    CPLStringList argv;
    for (const auto& option : options) argv.AddString(option.c_str());
    GDALTranslateOptions* parsed = GDALTranslateOptionsNew(argv.List(), nullptr);
    if (parsed == nullptr) throw std::runtime_error("bad gdal_translate options");
    GDALDatasetUniquePtr input(GDALDataset::Open(source.c_str(), GDAL_OF_RASTER));
    if (!input) {
        GDALTranslateOptionsFree(parsed);
        throw std::runtime_error("cannot open " + source);
    }
    int usage_error = FALSE;
    GDALDatasetH output = GDALTranslate(target.c_str(), GDALDataset::ToHandle(input.get()), parsed, &usage_error);
    GDALTranslateOptionsFree(parsed);
    if (output == nullptr) throw std::runtime_error("gdal_translate to " + target + " failed");
    GDALClose(output);
}

void set_nodata(const std::string& path, double nodata) {
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    if (!dataset) throw std::runtime_error("cannot update " + path);
    for (int b = 1; b <= dataset->GetRasterCount(); ++b) dataset->GetRasterBand(b)->SetNoDataValue(nodata);
}

namespace {
std::string xml_escape(const std::string& text) {
    char* escaped = CPLEscapeString(text.c_str(), -1, CPLES_XML);
    std::string result(escaped);
    CPLFree(escaped);
    return result;
}
}  // namespace

std::string vrt_xml(const VrtSpec& spec) {
    std::ostringstream xml;
    xml << "<VRTDataset rasterXSize=\"" << spec.width << "\" rasterYSize=\"" << spec.height << "\">"
        << "<VRTRasterBand dataType=\"" << spec.data_type << "\" band=\"1\" subClass=\"VRTDerivedRasterBand\">";
    if (spec.nodata) xml << "<NoDataValue>" << *spec.nodata << "</NoDataValue>";
    xml << "<PixelFunctionType>" << spec.function << "</PixelFunctionType>";
    if (!spec.arguments.empty()) {
        xml << "<PixelFunctionArguments";
        for (const auto& [name, value] : spec.arguments) xml << " " << name << "=\"" << xml_escape(value) << "\"";
        xml << "/>";
    }
    if (!spec.transfer_type.empty()) xml << "<SourceTransferType>" << spec.transfer_type << "</SourceTransferType>";
    for (const auto& [path, band] : spec.sources)
        xml << "<SimpleSource><SourceFilename relativeToVRT=\"0\">" << xml_escape(path)
            << "</SourceFilename><SourceBand>" << band << "</SourceBand></SimpleSource>";
    xml << "</VRTRasterBand></VRTDataset>";
    return xml.str();
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

VrtSpec ndvi_vrt_for(const std::string& path, int red, int nir) {
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!dataset) throw std::runtime_error("cannot open " + path);
    VrtSpec spec;
    spec.width = dataset->GetRasterXSize();
    spec.height = dataset->GetRasterYSize();
    GDALRasterBand* red_band = dataset->GetRasterBand(red);
    GDALRasterBand* nir_band = dataset->GetRasterBand(nir);
    const GDALDataType red_type = red_band->GetRasterDataType(), nir_type = nir_band->GetRasterDataType();
    spec.transfer_type = GDALGetDataTypeName(red_type == nir_type ? red_type : GDT_Float64);
    spec.sources = {{path, red}, {path, nir}};
    int has = FALSE;
    double value = red_band->GetNoDataValue(&has);
    if (has) spec.arguments.emplace_back("red_nodata", CPLSPrintf("%.17g", value));
    value = nir_band->GetNoDataValue(&has);
    if (has) spec.arguments.emplace_back("nir_nodata", CPLSPrintf("%.17g", value));
    return spec;
}

OpenResult open_quietly(const std::string& name, unsigned flags) {
    load_plugin();
    OpenResult result;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    result.dataset.reset(GDALDataset::Open(name.c_str(), flags));
    result.error_type = CPLGetLastErrorType();
    result.error = CPLGetLastErrorMsg();
    CPLPopErrorHandler();
    return result;
}

ReadResult read_band_as(const std::string& name, GDALDataType type) {
    ReadResult result;
    OpenResult opened = open_quietly(name);
    if (!opened.dataset) {
        result.error = opened.error;
        return result;
    }
    GDALDataset& dataset = *opened.dataset;
    const int w = dataset.GetRasterXSize(), h = dataset.GetRasterYSize();
    result.bytes.resize(static_cast<std::size_t>(w) * h * GDALGetDataTypeSizeBytes(type));
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    const CPLErr status =
        dataset.GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, result.bytes.data(), w, h, type, 0, 0, nullptr);
    result.error = CPLGetLastErrorMsg();
    CPLPopErrorHandler();
    result.ok = status == CE_None;
    return result;
}

void run_cli_ndvi(const std::string& input, const std::string& output, int red, int nir, const std::string& nir_input) {
    std::vector<std::string> args = {
        "ndvi", input, output, "--red", std::to_string(red), "--nir", std::to_string(nir), "--overwrite", "-q"};
    if (!nir_input.empty()) {
        args.push_back("--nir-input");
        args.push_back(nir_input);
    }
    const CommandResult result = test::run_cli(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
}

std::string describe_difference(const std::vector<unsigned char>& actual, const std::vector<unsigned char>& expected,
                                int pixel_size) {
    if (actual.size() != expected.size())
        return "sizes differ: " + std::to_string(actual.size()) + " vs " + std::to_string(expected.size()) + " bytes";
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (actual[i] != expected[i]) {
            const std::size_t pixel = i / pixel_size;
            std::string text = "first difference at pixel " + std::to_string(pixel);
            if (pixel_size == 4) {
                float a, e;
                std::memcpy(&a, actual.data() + pixel * 4, 4);
                std::memcpy(&e, expected.data() + pixel * 4, 4);
                text += CPLSPrintf(": %.9g vs %.9g", a, e);
            }
            return text;
        }
    }
    return "";
}

std::size_t count_nan(const std::vector<unsigned char>& float32_bytes) {
    std::size_t count = 0;
    for (std::size_t i = 0; i + 4 <= float32_bytes.size(); i += 4) {
        float value;
        std::memcpy(&value, float32_bytes.data() + i, 4);
        count += std::isnan(value) ? 1 : 0;
    }
    return count;
}

}  // namespace tiledndvi::plugin_test
