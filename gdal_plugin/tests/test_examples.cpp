// The files in examples/ do what they say: the VRTs give the CLI's numbers, the
// shell and Python batch scripts compute NDVI for a folder of scenes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

namespace fs = std::filesystem;

std::string example(const std::string& name) { return std::string(TILEDNDVI_SOURCE_DIR) + "/examples/" + name; }

TEST(Examples, Landsat7NdviVrtMatchesTheCli) {
    ScratchDir scratch;
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(test::sample_path(), reference, 3, 4);
    const ReadResult read = read_band_as(example("landsat7_ndvi.vrt"));
    ASSERT_TRUE(read.ok) << read.error;
    EXPECT_EQ(describe_difference(read.bytes, test::band_bytes(reference)), "");
    const test::RasterInfo info = test::raster_info(example("landsat7_ndvi.vrt"));
    EXPECT_EQ(info.geotransform, test::raster_info(test::sample_path()).geotransform);
}

TEST(Examples, Landsat7NdwiVrtMatchesTheCli) {
    // NDWI = (green - NIR) / (green + NIR) with 0 NoData in both: the CLI's NDVI
    // with green as "NIR" and NIR as "red".
    ScratchDir scratch;
    const std::string input = scratch.file("green_nir.tif");
    translate(test::sample_path(), input, {"-q", "-b", "2", "-b", "4", "-a_nodata", "0"});
    const std::string reference = scratch.file("cli.tif");
    const CommandResult cli =
        test::run_cli({"ndvi", input, reference, "--nir", "1", "--red", "2", "--dst-nodata", "-9999", "-q"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    const ReadResult read = read_band_as(example("landsat7_ndwi.vrt"));
    ASSERT_TRUE(read.ok) << read.error;
    EXPECT_EQ(describe_difference(read.bytes, test::band_bytes(reference)), "");
}

class BatchScripts : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(input_);
        // Two scenes, one with a comma and a colon in its name.
        for (const char* name : {"scene_a.tif", "scene, b:2.TIF"})
            fs::copy_file(test::sample_path(), fs::path(input_) / name);
        run_cli_ndvi(test::sample_path(), reference_, 3, 4);
    }

    void expect_outputs(const std::string& folder) {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        EXPECT_EQ(names, (std::vector<std::string>{"scene, b:2_ndvi.tif", "scene_a_ndvi.tif"}));
        const std::vector<unsigned char> expected = test::band_bytes(reference_);
        for (const std::string& name : names) {
            SCOPED_TRACE(name);
            EXPECT_EQ(describe_difference(test::band_bytes(folder + "/" + name), expected), "");
        }
    }

    ScratchDir scratch_;
    std::string input_ = scratch_.file("scenes");
    std::string reference_ = scratch_.file("cli.tif");
};

TEST_F(BatchScripts, ShellScript) {
    const std::string output = scratch_.file("shell_out");
    const CommandResult result = run_with_plugin("bash " + shell_quote(example("ndvi_folder.sh")) + " " +
                                                 shell_quote(input_) + " " + shell_quote(output));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_outputs(output);
}

TEST_F(BatchScripts, ShellScriptExplainsAMissingPlugin) {
    const CommandResult result =
        test::run_command("GDAL_DRIVER_PATH=/nonexistent bash " + shell_quote(example("ndvi_folder.sh")) + " " +
                          shell_quote(input_) + " " + shell_quote(scratch_.file("out")));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("GDAL does not know the TiledNDVI driver"), std::string::npos) << result.err;
}

TEST_F(BatchScripts, PythonScriptWithTheDriverAndWithVrts) {
    for (const char* method : {"driver", "vrt"}) {
        SCOPED_TRACE(method);
        const std::string output = scratch_.file(std::string("python_") + method);
        const CommandResult result =
            run_with_plugin("/usr/bin/python3 " + shell_quote(example("ndvi_folder.py")) + " " + shell_quote(input_) +
                            " " + shell_quote(output) + " --method " + method);
        ASSERT_EQ(result.exit_code, 0) << result.err;
        expect_outputs(output);
    }
}

}  // namespace
}  // namespace tiledndvi::plugin_test
