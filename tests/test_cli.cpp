// The real tiledndvi program on real files: results, messages, exit codes, and
// nothing left behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>

#include "test_support.h"

namespace {

using namespace tiledndvi::test;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The message must be one line on stderr, prefixed like every error of the tool.
void expect_one_line_error(const CommandResult& result, const std::string& message) {
    EXPECT_NE(result.exit_code, 0);
    EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
    EXPECT_TRUE(contains(result.err, message)) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST(Cli, NdviOnTheSample) {
    ScratchDir dir;
    const CommandResult result = run_cli({"ndvi", sample_path(), dir.file("ndvi.tif")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(contains(result.out, "0...10...20...30...40...50...60...70...80...90...100 - done.")) << result.out;
    EXPECT_EQ(result.err, "");
    const std::vector<double> red = read_band(sample_path(), 3), nir = read_band(sample_path(), 4);
    const std::vector<double> ndvi = read_band(dir.file("ndvi.tif"));
    for (std::size_t i = 0; i < ndvi.size(); ++i) {
        const float expected = reference_ndvi(red[i], nir[i]);
        if (std::isnan(expected)) ASSERT_TRUE(std::isnan(ndvi[i]));
        else ASSERT_EQ(static_cast<float>(ndvi[i]), expected);
    }
}

TEST(Cli, QuietThreadsTilesAndFormatOptions) {
    ScratchDir dir;
    ASSERT_EQ(run_cli({"ndvi", sample_path(), dir.file("a.tif"), "-q", "--threads", "1", "--tiles", "4x4"}).exit_code, 0);
    const CommandResult cog = run_cli({"ndvi", sample_path(), dir.file("b.tif"), "-q", "--threads", "2",
                                       "--tile-size", "100x50", "-of", "COG", "-co", "COMPRESS=DEFLATE"});
    ASSERT_EQ(cog.exit_code, 0) << cog.err;
    EXPECT_EQ(cog.out, "");
    EXPECT_EQ(band_bytes(dir.file("a.tif")), band_bytes(dir.file("b.tif")));
    ASSERT_EQ(run_cli({"ndvi", sample_path(), dir.file("c.tif"), "-q", "-ot", "Float64", "--dst-nodata", "-9999"})
                  .exit_code,
              0);
    const RasterInfo info = raster_info(dir.file("c.tif"));
    EXPECT_EQ(info.type, GDT_Float64);
    EXPECT_EQ(info.nodata, -9999.0);
}

// Drivers name their side-cars by replacing the extension (ENVI: NAME.hdr).
// Staged under a temporary name, a target with no extension must still get
// its header, and every side-car must follow it into place.
TEST(Cli, SideCarsFollowTheOutputWithOrWithoutAnExtension) {
    ScratchDir dir;
    ASSERT_EQ(run_cli({"ndvi", sample_path(), dir.file("reference.tif"), "-q"}).exit_code, 0);
    for (const std::string name : {"plain", "with.bin"}) {
        SCOPED_TRACE(name);
        const CommandResult result = run_cli({"ndvi", sample_path(), dir.file(name), "-of", "ENVI", "-q"});
        ASSERT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(band_bytes(dir.file(name)), band_bytes(dir.file("reference.tif")));
        // ENVI keeps the georeferencing as text: equal to a millionth of a pixel.
        const auto got = raster_info(dir.file(name)).geotransform;
        const auto want = raster_info(dir.file("reference.tif")).geotransform;
        for (int i = 0; i < 6; ++i) EXPECT_NEAR(got[i], want[i], 28.5e-6) << "geotransform[" << i << "]";
    }
    std::vector<std::string> names = dir.entries();
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"plain", "plain.aux.xml", "plain.hdr", "reference.tif", "with.bin",
                                               "with.bin.aux.xml", "with.hdr"}));
}

// A driver whose file list omits a side-car it writes (BT: the .prj) leaves
// no hidden staging file behind once the output is in place.
TEST(Cli, NoStagingFileLeftByADriverWithUnlistedSideCars) {
    ScratchDir dir;
    const CommandResult result = run_cli({"ndvi", sample_path(), dir.file("ndvi.bt"), "-of", "BT", "-q"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const std::string& name : dir.entries()) EXPECT_NE(name[0], '.') << "left behind: " << name;
    EXPECT_EQ(raster_info(dir.file("ndvi.bt")).width, 349);
}

TEST(Cli, HelpAndVersion) {
    const CommandResult help = run_cli({"ndvi", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(contains(help.out, "--nir-input FILE"));
    const CommandResult version = run_cli({"--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_TRUE(contains(version.out, "tiledndvi ")) << version.out;
    EXPECT_TRUE(contains(version.out, "GDAL 3")) << version.out;
}

TEST(Cli, BadInputGetsOneLineAndNoFile) {
    ScratchDir dir;
    const std::string out = dir.file("out.tif");
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::string text = dir.file("notes.txt");
    std::ofstream(text) << "hello\n";
    RasterSpec one_band;
    one_band.width = 3;
    one_band.height = 2;
    one_band.bands = {std::vector<double>(6, 1.0)};
    write_raster(dir.file("one_band.tif"), one_band);
    RasterSpec other_grid = one_band;
    other_grid.width = 4;
    other_grid.bands = {std::vector<double>(8, 1.0)};
    write_raster(dir.file("other_grid.tif"), other_grid);

    const std::vector<Case> cases = {
        {{"ndvi", dir.file("missing.tif"), out}, "input file does not exist: " + dir.file("missing.tif")},
        {{"ndvi", text, out}, "cannot open " + text + " as a raster"},
        {{"ndvi", sample_path(), out, "--red", "7"}, "red band 7 does not exist: " + sample_path() + " has 6 bands"},
        {{"ndvi", dir.file("one_band.tif"), out}, "has 1 band; the default bands"},
        {{"ndvi", dir.file("one_band.tif"), out, "--nir-input", dir.file("other_grid.tif")},
         "grids do not match: sizes differ (3x2 vs 4x2)"},
        {{"ndvi", sample_path(), dir.file("no/such/dir/out.tif")}, "output directory does not exist"},
        {{"ndvi", sample_path(), "/proc/out.tif"}, "/proc"},
        {{"ndvi", sample_path(), out, "-of", "NoSuch"}, "unknown output format 'NoSuch'"},
        {{"ndvi", sample_path(), out, "-co", "COMPRESS=NOPE"}, "invalid creation option"},
        {{"ndvi", sample_path(), out, "--tiles", "0x4"}, "--tiles must be between 1 and"},
        {{"ndvi", sample_path(), out, "--tiles", "400x4"}, "more tiles than pixels"},
        {{"ndvi", sample_path(), out, "--tile-size", "abc"}, "--tile-size expects two numbers like 4x4"},
        {{"ndvi", sample_path(), out, "--threads", "0"}, "--threads must be between 1 and 1024"},
        {{"ndvi", sample_path(), out, "--threads", "99999"}, "--threads must be between 1 and 1024"},
        {{"ndvi", sample_path(), out, "-ot", "Int16"}, "-ot must be Float32 or Float64"},
        {{"ndvi", sample_path(), out, "--bogus"}, "unknown option --bogus"},
        {{"ndvi", sample_path()}, "expected INPUT and OUTPUT"},
        {{"frobnicate"}, "unknown command 'frobnicate'"},
    };
    for (const Case& c : cases) {
        const CommandResult result = run_cli(c.args);
        EXPECT_NE(result.exit_code, 0) << c.message;
        EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
        EXPECT_TRUE(contains(result.err, c.message)) << "expected '" << c.message << "' in: " << result.err;
        EXPECT_FALSE(contains(result.err, "ERROR ")) << "GDAL's own message leaked: " << result.err;
    }
    // Only the files the test made itself: no output, no staging file.
    std::vector<std::string> left = dir.entries();
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{"notes.txt", "one_band.tif", "other_grid.tif"}));
}

TEST(Cli, RuntimeErrorsAreOneLine) {
    ScratchDir dir;
    expect_one_line_error(run_cli({"ndvi", sample_path(), dir.file("out.tif"), "--red", "9"}),
                          "red band 9 does not exist");
}

TEST(Cli, ExistingOutputNeedsOverwrite) {
    ScratchDir dir;
    const std::string out = dir.file("ndvi.tif");
    std::ofstream(out) << "keep me";
    const CommandResult refused = run_cli({"ndvi", sample_path(), out, "-q"});
    expect_one_line_error(refused, "output already exists: " + out + " (pass --overwrite to replace it)");
    EXPECT_EQ(file_bytes(out), std::vector<unsigned char>({'k', 'e', 'e', 'p', ' ', 'm', 'e'}));
    const CommandResult replaced = run_cli({"ndvi", sample_path(), out, "-q", "--overwrite"});
    EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
    EXPECT_EQ(raster_info(out).width, 349);
}

TEST(Cli, InterruptLeavesNothing) {
    ScratchDir dir;
    // A larger input so the run is still going when the signal arrives.
    const CommandResult made = run_command("gdal_translate -q -b 3 -b 4 -outsize 2000% 2000% -r nearest '" +
                                           sample_path() + "' '" + dir.file("big.tif") + "'");
    ASSERT_EQ(made.exit_code, 0) << made.err;
    for (const char* signal_name : {"INT", "TERM"}) {
        const std::string command = "'" + std::string(TILEDNDVI_CLI) + "' ndvi '" + dir.file("big.tif") + "' '" +
                                    dir.file("ndvi.tif") + "' --red 1 --nir 2 --threads 1 & pid=$!; "
                                    // Signal once the temporary output exists: mid-run, however fast.
                                    "for i in $(seq 1000); do ls -a '" + dir.path() +
                                    "' | grep -q tiledndvi-tmp && break; sleep 0.002; done; "
                                    "kill -" + signal_name + " $pid; wait $pid";
        const std::string grouped = "{ " + command + "; }";
        const CommandResult result = run_command(grouped);
        const int expected = std::string(signal_name) == "INT" ? 128 + SIGINT : 128 + SIGTERM;
        if (result.exit_code == 0) {
            // Finished before the signal: a machine this fast cannot test this.
            ADD_FAILURE() << "the run finished before SIG" << signal_name << " arrived";
            continue;
        }
        EXPECT_EQ(result.exit_code, expected) << result.err;
        EXPECT_TRUE(contains(result.err, "interrupted")) << result.err;
        std::vector<std::string> left = dir.entries();
        EXPECT_EQ(left, std::vector<std::string>{"big.tif"});
    }
}

}  // namespace
