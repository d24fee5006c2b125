// The plugin driven by the real programs, as a user runs them: gdalinfo,
// gdal_translate and Debian's Python (/usr/bin/python3, the one with
// osgeo.gdal), with GDAL_DRIVER_PATH pointing at the build tree.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

namespace fs = std::filesystem;

class GdalTools : public ::testing::Test {
protected:
    void SetUp() override {
        run_cli_ndvi(test::sample_path(), reference_, 3, 4);
        expected_ = test::band_bytes(reference_);
        write_text(vrt_, vrt_xml(ndvi_vrt_for(test::sample_path(), 3, 4)));
    }
    ScratchDir scratch_;
    std::string reference_ = scratch_.file("cli.tif");
    std::string vrt_ = scratch_.file("ndvi.vrt");
    std::string ndvi_ = "NDVI:red=3,nir=4:" + test::sample_path();
    std::vector<unsigned char> expected_;
};

TEST_F(GdalTools, GdalinfoListsTheDriver) {
    const CommandResult result = run_with_plugin("gdalinfo --formats");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("TiledNDVI -raster-"), std::string::npos) << result.out;
    // And not without the plugin: the test is not fooled by an installed copy.
    const CommandResult without = test::run_command("GDAL_DRIVER_PATH=/nonexistent gdalinfo --formats");
    EXPECT_EQ(without.out.find("TiledNDVI"), std::string::npos);
}

TEST_F(GdalTools, GdalinfoDescribesAnNdviString) {
    const CommandResult result = run_with_plugin("gdalinfo " + shell_quote(ndvi_));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("Driver: TiledNDVI/"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Size is 349, 352"), std::string::npos);
    EXPECT_NE(result.out.find("SIRGAS 2000 / UTM zone 25S"), std::string::npos);
    EXPECT_NE(result.out.find("Type=Float32"), std::string::npos);
    EXPECT_NE(result.out.find("NoData Value=nan"), std::string::npos);
}

TEST_F(GdalTools, GdalTranslateOfAnNdviStringMatchesTheCli) {
    const std::string output = scratch_.file("translated.tif");
    const CommandResult result = run_with_plugin("gdal_translate -q " + shell_quote(ndvi_) + " " + shell_quote(output));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(describe_difference(test::band_bytes(output), expected_), "");
    const test::RasterInfo info = test::raster_info(output), cli = test::raster_info(reference_);
    EXPECT_EQ(info.geotransform, cli.geotransform);
    EXPECT_EQ(info.crs_wkt, cli.crs_wkt);
    EXPECT_TRUE(info.has_nodata && std::isnan(info.nodata));
}

TEST_F(GdalTools, GdalTranslateOfAVrtMatchesTheCli) {
    const std::string output = scratch_.file("translated.tif");
    const CommandResult result = run_with_plugin("gdal_translate -q " + shell_quote(vrt_) + " " + shell_quote(output));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(describe_difference(test::band_bytes(output), expected_), "");
}

std::string statistics(const std::string& gdalinfo_output) {
    std::string lines;
    std::size_t at = 0;
    while ((at = gdalinfo_output.find("STATISTICS_", at)) != std::string::npos) {
        const std::size_t end = gdalinfo_output.find('\n', at);
        lines += gdalinfo_output.substr(at, end - at) + "\n";
        at = end;
    }
    return lines;
}

TEST_F(GdalTools, GdalinfoStatsAgreeWithTheCliOutput) {
    // gdalinfo -stats reads block by block: thousands of small calls.
    const CommandResult cli = run_with_plugin("gdalinfo -stats " + shell_quote(reference_));
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    const std::string expected = statistics(cli.out);
    ASSERT_NE(expected.find("STATISTICS_MEAN="), std::string::npos) << cli.out;
    for (const std::string& name : {vrt_, ndvi_}) {
        SCOPED_TRACE(name);
        const CommandResult result = run_with_plugin("gdalinfo -stats " + shell_quote(name));
        ASSERT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(statistics(result.out), expected);
    }
    // A virtual NDVI: string has no file beside which to keep statistics.
    for (const auto& entry : fs::directory_iterator(fs::current_path()))
        EXPECT_EQ(entry.path().filename().string().rfind("NDVI:", 0), std::string::npos) << entry.path();
}

TEST_F(GdalTools, MalformedStringsFailWithTheExpectedForm) {
    const std::string output = scratch_.file("never.tif");
    const CommandResult result = run_with_plugin(
        "gdal_translate -q " + shell_quote("NDVI:red=three:" + test::sample_path()) + " " + shell_quote(output));
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("red band must be a band number (1, 2, ...), not 'three'"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("expected NDVI:red=<band>,nir=<band>"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(output));
}

// Debian's Python: several GDALAllRegister calls, then both ways in.
TEST_F(GdalTools, PythonBindingsReadTheDriverAndThePixelFunction) {
    const std::string driver_out = scratch_.file("python_driver.raw");
    const std::string vrt_out = scratch_.file("python_vrt.raw");
    write_text(scratch_.file("check.py"), R"PY(
import sys
from osgeo import gdal
gdal.UseExceptions()
count = gdal.GetDriverCount()
gdal.AllRegister()
gdal.AllRegister()
assert gdal.GetDriverCount() == count, "drivers registered twice"
assert gdal.GetDriverByName("TiledNDVI") is not None, "no TiledNDVI driver"
for name, target in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    dataset = gdal.Open(name)
    with open(target, "wb") as out:
        out.write(dataset.GetRasterBand(1).ReadRaster())
try:
    gdal.Open("NDVI:red=3:nir=4:" + sys.argv[5])
    print("malformed string accepted")
except RuntimeError as error:
    print("error:", error)
)PY");
    const CommandResult result =
        run_with_plugin("/usr/bin/python3 " + shell_quote(scratch_.file("check.py")) + " " + shell_quote(ndvi_) + " " +
                        shell_quote(driver_out) + " " + shell_quote(vrt_) + " " + shell_quote(vrt_out) + " " +
                        shell_quote(test::sample_path()));
    ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
    EXPECT_EQ(describe_difference(test::file_bytes(driver_out), expected_), "") << "NDVI: string";
    EXPECT_EQ(describe_difference(test::file_bytes(vrt_out), expected_), "") << "VRT";
    // "NDVI:red=3:" ends the options at the second colon: "nir=4:..." is the path.
    EXPECT_NE(result.out.find("error: cannot open nir=4:" + test::sample_path()), std::string::npos) << result.out;
}

}  // namespace
}  // namespace tiledndvi::plugin_test
