// Bad input through the real gdal_translate, as a batch script meets it: an
// NDVI: string or a VRT using the pixel functions on damaged files, wrong
// bands, mismatched grids, complex bands, malformed strings and arguments,
// and outputs GDAL cannot write. Each must end in a GDAL error naming the
// problem, a non-zero exit (not a signal) and no output file. Then the thread
// setting (GDAL_NUM_THREADS) must not change a byte of the result.
// test_connection_string.cpp and test_driver.cpp check the messages through
// the API; these rows check the programs' behaviour end to end.
#include <gtest/gtest.h>

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

namespace fs = std::filesystem;

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

class PluginBadInput : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        inputs_ = new ScratchDir;
        const std::string sample = test::sample_path();
        // gdal_translate in this process (GDALTranslate): a process each costs seconds in all.
        translate(sample, in("pixel.tif"), {"-q", "-b", "3", "-b", "4", "-ot", "Int16", "-outsize", "400%", "400%"});
        translate(in("pixel.tif"), in("band.tif"), {"-q", "-co", "INTERLEAVE=BAND"});
        translate(in("pixel.tif"), in("deflate.tif"), {"-q", "-co", "COMPRESS=DEFLATE", "-co", "TILED=YES"});
        for (const char* name : {"pixel", "band"}) {
            std::vector<unsigned char> bytes = test::file_bytes(in(std::string(name) + ".tif"));
            bytes.resize(bytes.size() * 3 / 5);  // the IFD (at the start) survives, later strips do not
            write_bytes(in(std::string("truncated_") + name + ".tif"), bytes);
        }
        std::vector<unsigned char> deflate = test::file_bytes(in("deflate.tif"));
        std::fill_n(deflate.begin() + deflate.size() / 2, 4096, 0xA5);
        write_bytes(in("corrupt_data.tif"), deflate);
        std::vector<unsigned char> header = test::file_bytes(in("pixel.tif"));
        std::fill_n(header.begin() + 8, 64, 0xFF);
        write_bytes(in("corrupt_ifd.tif"), header);
        write_text(in("notes.txt"), "not a raster\n");
        write_bytes(in("empty.tif"), {});
        translate(sample, in("cint16.tif"), {"-q", "-ot", "CInt16", "-b", "3", "-b", "4"});
        translate(sample, in("cfloat32.tif"), {"-q", "-ot", "CFloat32", "-b", "3", "-b", "4"});
        translate(sample, in("red.tif"), {"-q", "-b", "3"});
        translate(sample, in("nir_geotransform.tif"), {"-q", "-b", "4", "-a_ullr", "0", "352", "349", "0"});
        translate(sample, in("nir_crs.tif"), {"-q", "-b", "4", "-a_srs", "EPSG:4326"});
        translate(sample, in("nir_overlap.tif"), {"-q", "-b", "4", "-srcwin", "100", "50", "349", "352"});
        translate(sample, in("nir_size.tif"), {"-q", "-b", "4", "-outsize", "50%", "50%"});
    }
    static void TearDownTestSuite() {
        delete inputs_;
        inputs_ = nullptr;
    }
    static std::string in(const std::string& name) { return inputs_->file(name); }

    // gdal_translate `source` to `target` (in outputs_ by default) must fail
    // with `message` (on an "ERROR n:" line unless gdal_translate refuses its
    // own options), and leave outputs_ empty.
    void expect_refused(const std::string& source, const std::string& message, const std::string& options = "",
                        std::string target = "", bool error_line = true) {
        if (target.empty()) target = outputs_.file("out.tif");
        SCOPED_TRACE(source + " -> " + target);
        const CommandResult result = run_with_plugin("gdal_translate -q " + options + " " + shell_quote(source) + " " +
                                                     shell_quote(target));
        EXPECT_GT(result.exit_code, 0) << result.err;
        EXPECT_LT(result.exit_code, 128) << "killed by a signal: " << result.err;
        if (error_line) {
            EXPECT_NE(result.err.find("ERROR"), std::string::npos) << result.err;
        }
        EXPECT_NE(result.err.find(message), std::string::npos) << "expected '" << message << "' in: " << result.err;
        EXPECT_TRUE(outputs_.entries().empty()) << "left behind: " << outputs_.entries().front();
    }

    static ScratchDir* inputs_;
    ScratchDir outputs_;
};

ScratchDir* PluginBadInput::inputs_ = nullptr;

// An ndvi VRT over bands 1 and 2 of `path` (Int16), with `arguments`.
std::string ndvi_vrt(const std::string& path, std::vector<std::pair<std::string, std::string>> arguments = {},
                     const std::string& transfer_type = "Int16") {
    VrtSpec spec;
    spec.width = 1396;
    spec.height = 1408;
    spec.sources = {{path, 1}, {path, 2}};
    spec.transfer_type = transfer_type;
    spec.arguments = std::move(arguments);
    return vrt_xml(spec);
}

TEST_F(PluginBadInput, NdviStringsOnBadFilesAndBands) {
    const std::string sample = test::sample_path();
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"NDVI:red=1,nir=2:" + in("missing.tif"), "input file does not exist: " + in("missing.tif")},
        {"NDVI:red=1,nir=2:" + in("notes.txt"), "cannot open " + in("notes.txt") + " as a raster"},
        {"NDVI:red=1,nir=2:" + in("empty.tif"), "cannot open " + in("empty.tif") + " as a raster"},
        // Damaged: errors during the copy, after the dataset opened fine.
        {"NDVI:red=1,nir=2:" + in("truncated_pixel.tif"), "failed to read " + in("truncated_pixel.tif")},
        {"NDVI:red=1,nir=2:" + in("truncated_band.tif"), "failed to read " + in("truncated_band.tif")},
        {"NDVI:red=1,nir=2:" + in("corrupt_data.tif"), "TIFFReadEncodedTile() failed"},
        {"NDVI:red=1,nir=2:" + in("corrupt_ifd.tif"), "Failed to read directory"},
        // Bands and types.
        {"NDVI:red=0,nir=4:" + sample, "red band must be a band number (1, 2, ...), not '0'"},
        {"NDVI:red=3,nir=-2:" + sample, "nir band must be a band number (1, 2, ...), not '-2'"},
        {"NDVI:red=3,nir=99:" + sample, "NIR band 99 does not exist: " + sample + " has 6 bands"},
        {"NDVI:red=1,nir=2:" + in("cint16.tif"), "has type CInt16, which is not supported"},
        {"NDVI:red=1,nir=2:" + in("cfloat32.tif"), "has type CFloat32, which is not supported"},
        // Grids.
        {"NDVI:nir_file=" + in("nir_size.tif") + ":" + in("red.tif"), "grids do not match: sizes differ"},
        {"NDVI:nir_file=" + in("nir_geotransform.tif") + ":" + in("red.tif"), "grids do not match: geotransforms"},
        {"NDVI:nir_file=" + in("nir_crs.tif") + ":" + in("red.tif"), "grids do not match: CRSs differ"},
        {"NDVI:nir_file=" + in("nir_overlap.tif") + ":" + in("red.tif"), "grids do not match: geotransforms"},
        // Malformed strings.
        {"NDVI:red=3;nir=4:" + sample, "red band must be a band number"},
        {"NDVI:red=3,nir=4,red=2:" + sample, "option 'red' is given twice"},
        {"NDVI:nir_file=\"" + sample + ":" + sample, "unterminated quote"},
        {"NDVI:red=3,nir=4:", "the path after the options is empty"},
    };
    for (const auto& [source, message] : rows) expect_refused(source, message);
}

TEST_F(PluginBadInput, PixelFunctionVrtsOnBadFilesAndArguments) {
    const std::vector<std::pair<std::string, std::string>> rows = {
        {ndvi_vrt(in("truncated_pixel.tif")), "IReadBlock failed"},
        {ndvi_vrt(in("corrupt_data.tif")), "TIFFReadEncodedTile() failed"},
        {ndvi_vrt(in("missing.tif")), "missing.tif"},
        {ndvi_vrt(in("pixel.tif"), {{"red_nodata", "abc"}}), "ndvi: argument red_nodata must be a number, not 'abc'"},
        {ndvi_vrt(in("pixel.tif"), {{"nir_nodata", ""}}), "ndvi: argument nir_nodata must be a number"},
        {ndvi_vrt(in("pixel.tif"), {{"threads", "4"}}), "ndvi: unknown pixel function argument 'threads'"},
        {ndvi_vrt(in("cint16.tif"), {}, "CInt16"), "ndvi: sources of type CInt16 are not supported"},
    };
    int number = 0;
    for (const auto& [xml, message] : rows) {
        const std::string vrt = inputs_->file("case" + std::to_string(number++) + ".vrt");
        write_text(vrt, xml);
        expect_refused(vrt, message);
    }
}

TEST_F(PluginBadInput, OutputsGdalCannotWrite) {
    const std::string source = "NDVI:red=3,nir=4:" + test::sample_path();
    expect_refused(source, "Output driver `NoSuch' not recognised", "-of NoSuch", "", false);
    expect_refused(source, "CEOS driver has no creation capabilities", "-of CEOS");
    expect_refused(source, "/etc/passwd/x.tif", "", "/etc/passwd/x.tif");
    const std::string mount_point = outputs_.file("readonly");
    fs::create_directory(mount_point);
    if (mount("tiledndvi-test", mount_point.c_str(), "tmpfs", MS_RDONLY, "size=1m") != 0)
        GTEST_SKIP() << "cannot mount a read-only tmpfs here (" << std::strerror(errno) << ")";
    const CommandResult result =
        run_with_plugin("gdal_translate -q " + shell_quote(source) + " " + shell_quote(mount_point + "/x.tif"));
    const bool left = !fs::is_empty(mount_point);
    umount(mount_point.c_str());
    fs::remove(mount_point);
    EXPECT_GT(result.exit_code, 0);
    EXPECT_LT(result.exit_code, 128);
    EXPECT_NE(result.err.find("Read-only file system"), std::string::npos) << result.err;
    EXPECT_FALSE(left);
}

// GDAL_NUM_THREADS is the plugin's thread setting (gdal_plugin/README.md):
// 1, 2, 8, ALL_CPUS, and values it caps (100000 -> 1024) or ignores (0, abc
// -> 1) all give the same file, byte for byte, from an NDVI: string and a VRT.
TEST_F(PluginBadInput, ThreadSettingNeverChangesAByte) {
    const std::string vrt = in("threads.vrt");
    write_text(vrt, ndvi_vrt(in("pixel.tif")));
    for (const std::string& source : {"NDVI:red=1,nir=2:" + in("pixel.tif"), vrt}) {
        SCOPED_TRACE(source);
        std::vector<unsigned char> first;
        for (const char* threads : {"1", "2", "8", "ALL_CPUS", "100000", "0", "abc"}) {
            const std::string output = outputs_.file(std::string("t_") + threads + ".tif");
            const CommandResult result = run_with_plugin(std::string("GDAL_NUM_THREADS=") + threads +
                                                         " gdal_translate -q " + shell_quote(source) + " " +
                                                         shell_quote(output));
            ASSERT_EQ(result.exit_code, 0) << threads << ": " << result.err;
            const std::vector<unsigned char> bytes = test::file_bytes(output);
            if (first.empty()) first = bytes;
            EXPECT_TRUE(bytes == first) << "GDAL_NUM_THREADS=" << threads << " wrote other bytes";
            fs::remove(output);
        }
        EXPECT_GT(first.size(), 1396u * 1408u * 4u);
    }
}

}  // namespace
}  // namespace tiledndvi::plugin_test
