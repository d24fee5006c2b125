// The plugin gives the CLI's bits for every input type, with and without
// NoData: the sample's red and NIR bands copied as each type (scaled over the
// type's range, so signed types get negative values and zero sums), then read
// through the driver, the `ndvi` and the `normalized_difference` pixel functions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cpl_conv.h>

#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

struct TypeRow {
    const char* type;
    std::vector<std::string> scale;  // gdal_translate -scale arguments (empty: values as they are)
    double lowest;                   // the type's extremes
    double highest;
};

const std::vector<TypeRow> type_rows = {
    {"Byte", {}, 0, 255},
    {"UInt16", {"-scale", "0", "255", "0", "65535"}, 0, 65535},
    {"Int16", {"-scale", "0", "255", "-32768", "32767"}, -32768, 32767},
    {"UInt32", {"-scale", "0", "255", "0", "4294967295"}, 0, 4294967295.0},
    {"Int32", {"-scale", "0", "255", "-2147483648", "2147483647"}, -2147483648.0, 2147483647},
    {"Float32", {"-scale", "0", "255", "-0.5", "1.7"}, -3.4028234663852886e38, 3.4028234663852886e38},
    {"Float64", {"-scale", "0", "255", "-1000000.25", "3000000.75"}, -1.7976931348623157e308, 1.7976931348623157e308},
};

// gtest prints parameters in failure messages and test listings.
void PrintTo(const TypeRow& row, std::ostream* out) { *out << row.type; }

class EveryInputType : public ::testing::TestWithParam<TypeRow> {};

// The red value at the centre: a NoData value that certainly occurs.
double centre_red_value(const std::string& path) {
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    double value = 0;
    EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Read, dataset->GetRasterXSize() / 2, dataset->GetRasterYSize() / 2,
                                                  1, 1, &value, 1, 1, GDT_Float64, 0, 0, nullptr),
              CE_None);
    return value;
}

TEST_P(EveryInputType, DriverAndPixelFunctionsMatchTheCli) {
    const TypeRow& row = GetParam();
    ScratchDir scratch;
    std::size_t nan_without_nodata = 0;
    for (const bool with_nodata : {false, true}) {
        SCOPED_TRACE(std::string(row.type) + (with_nodata ? " with NoData" : " without NoData"));
        const std::string copy = scratch.file(with_nodata ? "nodata.tif" : "plain.tif");
        std::vector<std::string> options = {"-q", "-b", "3", "-b", "4", "-ot", row.type};
        options.insert(options.end(), row.scale.begin(), row.scale.end());
        translate(test::sample_path(), copy, options);
        ASSERT_EQ(test::raster_info(copy).type, GDALGetDataTypeByName(row.type));
        if (with_nodata) set_nodata(copy, centre_red_value(copy));

        const std::string reference = scratch.file(with_nodata ? "cli_nodata.tif" : "cli_plain.tif");
        run_cli_ndvi(copy, reference, 1, 2);
        const std::vector<unsigned char> expected = test::band_bytes(reference);

        const ReadResult driver = read_band_as("NDVI:red=1,nir=2:" + copy);
        ASSERT_TRUE(driver.ok) << driver.error;
        EXPECT_EQ(describe_difference(driver.bytes, expected), "") << "NDVI: driver";

        const VrtSpec ndvi = ndvi_vrt_for(copy, 1, 2);
        const ReadResult vrt = read_band_as(vrt_xml(ndvi));
        ASSERT_TRUE(vrt.ok) << vrt.error;
        EXPECT_EQ(describe_difference(vrt.bytes, expected), "") << "ndvi pixel function";

        // normalized_difference(A = NIR, B = red) is the same number.
        VrtSpec difference = ndvi;
        difference.function = "normalized_difference";
        difference.sources = {{copy, 2}, {copy, 1}};
        difference.arguments.clear();
        for (const auto& [name, value] : ndvi.arguments)
            difference.arguments.emplace_back(name == "red_nodata" ? "b_nodata" : "a_nodata", value);
        const ReadResult general = read_band_as(vrt_xml(difference));
        ASSERT_TRUE(general.ok) << general.error;
        EXPECT_EQ(describe_difference(general.bytes, expected), "") << "normalized_difference pixel function";

        // NoData was exercised: it adds NoData pixels to those of zero sums.
        const std::size_t nan = count_nan(expected);
        if (with_nodata)
            EXPECT_GT(nan, nan_without_nodata);
        else
            nan_without_nodata = nan;
    }
}

// Extremes of each type, NoData in either band, zero sums, NaN and infinities,
// on a synthetic raster: driver and pixel function against the CLI.
TEST_P(EveryInputType, ExtremesMatchTheCli) {
    const TypeRow& row = GetParam();
    const GDALDataType type = GDALGetDataTypeByName(row.type);
    const bool is_float = type == GDT_Float32 || type == GDT_Float64;
    const bool is_signed = row.lowest < 0;
    const double lowest = row.lowest, highest = row.highest;
    const double nodata = is_signed ? -7 : 7;
    std::vector<std::pair<double, double>> pairs = {
        // (red, NIR)
        {0, 0},       {highest, highest}, {highest, 0}, {0, highest}, {1, highest}, {highest - 1, highest},
        {nodata, 10}, {10, nodata},       {3, 5},       {5, 3},       {1, 2}};
    if (is_signed) {
        pairs.insert(pairs.end(), {{lowest, highest}, {lowest, lowest}, {-5, 5}, {lowest, 0}, {-3, -1}, {-1, 200}});
    }
    if (is_float) {
        const double nan = std::nan(""), inf = HUGE_VAL;
        pairs.insert(pairs.end(), {{nan, 1}, {1, nan}, {inf, 1}, {1, -inf}, {0.1, 0.3}, {1e-30, 3e-30}});
    }
    test::RasterSpec spec;
    spec.width = static_cast<int>(pairs.size());
    spec.height = 2;
    spec.type = type;
    spec.bands.assign(2, std::vector<double>());
    for (int y = 0; y < spec.height; ++y) {
        for (const auto& [red, nir] : pairs) {
            // The second row swaps the bands.
            spec.bands[0].push_back(y == 0 ? red : nir);
            spec.bands[1].push_back(y == 0 ? nir : red);
        }
    }
    spec.nodata = {nodata, nodata};
    ScratchDir scratch;
    const std::string input = scratch.file("extremes.tif");
    test::write_raster(input, spec);
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(input, reference, 1, 2);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    // The reference itself follows the rule: NoData pairs give NaN.
    EXPECT_GE(count_nan(expected), 4u);

    const ReadResult driver = read_band_as("NDVI:red=1,nir=2:" + input);
    ASSERT_TRUE(driver.ok) << driver.error;
    EXPECT_EQ(describe_difference(driver.bytes, expected), "") << "NDVI: driver";

    // The driver reads red-before-NIR pixel-interleaved files in file order and
    // restores the sign; NIR first, or band-interleaved, it reads as the CLI
    // does. Every layout gives the same bits.
    test::RasterSpec reversed = spec;
    std::swap(reversed.bands[0], reversed.bands[1]);
    const std::string reversed_input = scratch.file("reversed.tif");
    test::write_raster(reversed_input, reversed);
    const ReadResult nir_first = read_band_as("NDVI:red=2,nir=1:" + reversed_input);
    ASSERT_TRUE(nir_first.ok) << nir_first.error;
    EXPECT_EQ(describe_difference(nir_first.bytes, expected), "") << "NIR band first in the file";
    test::RasterSpec by_band = spec;
    by_band.creation_options = {"INTERLEAVE=BAND"};
    const std::string by_band_input = scratch.file("by_band.tif");
    test::write_raster(by_band_input, by_band);
    const ReadResult band_interleaved = read_band_as("NDVI:red=1,nir=2:" + by_band_input);
    ASSERT_TRUE(band_interleaved.ok) << band_interleaved.error;
    EXPECT_EQ(describe_difference(band_interleaved.bytes, expected), "") << "band-interleaved file";

    const ReadResult vrt = read_band_as(vrt_xml(ndvi_vrt_for(input, 1, 2)));
    ASSERT_TRUE(vrt.ok) << vrt.error;
    EXPECT_EQ(describe_difference(vrt.bytes, expected), "") << "ndvi pixel function";
}

INSTANTIATE_TEST_SUITE_P(Types, EveryInputType, ::testing::ValuesIn(type_rows),
                         [](const ::testing::TestParamInfo<TypeRow>& info) { return std::string(info.param.type); });

}  // namespace
}  // namespace tiledndvi::plugin_test
