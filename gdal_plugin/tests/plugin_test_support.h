// Helpers of the plugin tests: loading the plugin from the build tree, typed
// copies of the sample, VRTs using the pixel functions, reading rasters back,
// the CLI's result as the reference, and GDAL errors captured as text.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gdal_priv.h>

#include "test_support.h"

namespace tiledndvi::plugin_test {

using test::CommandResult;
using test::ScratchDir;

// Registers the plugin the way GDAL finds it: GDAL_DRIVER_PATH pointing at the
// build tree, then the driver manager's plugin scan. Idempotent.
void load_plugin();
std::string plugin_dir();

// Shell helpers: quoting, and a command line run with the plugin visible.
std::string shell_quote(const std::string& text);
CommandResult run_with_plugin(const std::string& command_line);

// gdal_translate through the API (GDALTranslate) with command-line style options.
void translate(const std::string& source, const std::string& target, const std::vector<std::string>& options);

// Sets the same NoData value on every band of an existing raster.
void set_nodata(const std::string& path, double nodata);

// A two-source VRT with a derived band.
struct VrtSpec {
    int width = 0;
    int height = 0;
    std::string function = "ndvi";
    std::string transfer_type;                                   // empty: no <SourceTransferType>
    std::vector<std::pair<std::string, int>> sources;            // (path, band)
    std::vector<std::pair<std::string, std::string>> arguments;  // PixelFunctionArguments
    std::optional<std::string> nodata = std::string("nan");      // <NoDataValue>
    std::string data_type = "Float32";
};
std::string vrt_xml(const VrtSpec& spec);
void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

// An ndvi VRT on bands `red`, `nir` of `path`, SourceTransferType the bands'
// type, red_nodata/nir_nodata from the bands' NoData.
VrtSpec ndvi_vrt_for(const std::string& path, int red, int nir);

// Band 1 of a raster (a file, an NDVI: string, VRT XML) as packed bytes of
// `type`. Fails the test (empty result) when GDAL fails.
struct ReadResult {
    bool ok = false;
    std::vector<unsigned char> bytes;
    std::string error;  // GDAL's last error message when !ok
};
ReadResult read_band_as(const std::string& name, GDALDataType type = GDT_Float32);

// The reference: `tiledndvi ndvi` on `input` into `output` (asserts success).
void run_cli_ndvi(const std::string& input, const std::string& output, int red, int nir,
                  const std::string& nir_input = "");

// Opening with GDAL's errors captured instead of printed.
struct OpenResult {
    GDALDatasetUniquePtr dataset;
    CPLErr error_type = CE_None;
    std::string error;
};
OpenResult open_quietly(const std::string& name, unsigned flags = GDAL_OF_RASTER | GDAL_OF_READONLY);

// "" when equal, else where the first difference is (bit-for-bit comparisons
// without printing megabytes).
std::string describe_difference(const std::vector<unsigned char>& actual, const std::vector<unsigned char>& expected,
                                int pixel_size = 4);

// Number of NaN Float32 pixels in packed bytes.
std::size_t count_nan(const std::vector<unsigned char>& float32_bytes);

}  // namespace tiledndvi::plugin_test
