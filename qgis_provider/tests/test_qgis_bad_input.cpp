// Bad input through the real qgis_process.bin (offscreen, a throwaway
// profile), as a batch script meets it: damaged files, wrong bands,
// mismatched grids, complex bands, absurd tiles and threads, invalid creation
// options, outputs that cannot be written. Each must fail with a message
// naming the problem, a non-zero exit (not a signal), and leave no output and
// no temporary file. test_algorithm.cpp checks the in-process messages of
// other cases (band 0, one tile count, missing folder, unknown extension...).
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "qgis_test_environment.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using tiledndvi::qgis_test::IsolatedQgis;
using tiledndvi::qgis_test::shell_quote;
using tiledndvi::test::CommandResult;

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

struct Row {
    const char* what;
    std::vector<std::string> parameters;  // NAME=VALUE; OUTPUT added when absent
    std::string message;
};

class QgisBadInput : public ::testing::Test {
protected:
    void SetUp() override {
        world_.link_plugin();
        world_.enable_plugin_in_settings();
        fs::create_directories(inputs_);
        fs::create_directories(outputs_);
        const std::string sample = tiledndvi::test::sample_path();
        using tiledndvi::qgis_test::extract_band;  // gdal_translate -b N, in this process
        extract_band(sample, 3, in("pixel.tif"), {"-b", "4", "-ot", "Int16", "-outsize", "400%", "400%"});
        std::vector<unsigned char> bytes = tiledndvi::test::file_bytes(in("pixel.tif"));
        bytes.resize(bytes.size() * 3 / 5);  // the IFD (at the start) survives, later strips do not
        write_bytes(in("truncated.tif"), bytes);
        extract_band(in("pixel.tif"), 1, in("deflate.tif"), {"-b", "2", "-co", "COMPRESS=DEFLATE", "-co", "TILED=YES"});
        std::vector<unsigned char> deflate = tiledndvi::test::file_bytes(in("deflate.tif"));
        std::fill_n(deflate.begin() + deflate.size() / 2, 4096, 0xA5);
        write_bytes(in("corrupt.tif"), deflate);
        std::vector<unsigned char> header = tiledndvi::test::file_bytes(in("pixel.tif"));
        std::fill_n(header.begin() + 8, 64, 0xFF);  // the first IFD entries
        write_bytes(in("corrupt_ifd.tif"), header);
        std::ofstream(in("notes.txt")) << "not a raster\n";
        extract_band(sample, 3, in("cint16.tif"), {"-b", "4", "-ot", "CInt16"});
        extract_band(sample, 3, in("red.tif"));
        extract_band(sample, 4, in("nir_crs.tif"), {"-a_srs", "EPSG:4326"});
        extract_band(sample, 4, in("nir_overlap.tif"), {"-srcwin", "100", "50", "349", "352"});
    }

    std::string in(const std::string& name) const { return inputs_ + "/" + name; }

    CommandResult run(const std::vector<std::string>& parameters) const {
        std::string line = shell_quote(QGIS_PROCESS_EXECUTABLE) + " run tiledndvi:ndvi --";
        for (const std::string& parameter : parameters) line += " " + shell_quote(parameter);
        return tiledndvi::test::run_command(line);
    }

    std::vector<std::string> outputs() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(outputs_)) names.push_back(entry.path().filename().string());
        return names;
    }

    void expect_refused(const Row& row) {
        SCOPED_TRACE(row.what);
        std::vector<std::string> parameters = row.parameters;
        const bool has_output = std::any_of(parameters.begin(), parameters.end(),
                                            [](const std::string& p) { return p.rfind("OUTPUT=", 0) == 0; });
        if (!has_output) parameters.push_back("OUTPUT=" + outputs_ + "/ndvi.tif");
        const CommandResult result = run(parameters);
        EXPECT_GT(result.exit_code, 0) << result.out << result.err;
        EXPECT_LT(result.exit_code, 128) << "killed by a signal: " << result.err;
        const std::string text = result.out + result.err;
        EXPECT_NE(text.find(row.message), std::string::npos) << "expected '" << row.message << "' in:\n" << text;
        const std::vector<std::string> left = outputs();
        EXPECT_TRUE(left.empty()) << "left behind: " << left.front();
    }

    IsolatedQgis world_;
    std::string inputs_ = world_.data_file("inputs");
    std::string outputs_ = world_.data_file("outputs");
};

TEST_F(QgisBadInput, EveryRowFailsWithAMessageAndNoFile) {
    const std::string sample = tiledndvi::test::sample_path();
    const std::vector<Row> rows = {
        {"missing file", {"INPUT=" + in("missing.tif")},
         "Could not load source layer for INPUT: " + in("missing.tif") + " not found"},
        {"not a raster", {"INPUT=" + in("notes.txt")}, "INPUT: cannot open " + in("notes.txt") + " as a raster"},
        {"damaged header", {"INPUT=" + in("corrupt_ifd.tif")}, "INPUT: cannot open " + in("corrupt_ifd.tif")},
        {"truncated mid-data", {"INPUT=" + in("truncated.tif"), "RED_BAND=1", "NIR_BAND=2"},
         "failed to read " + in("truncated.tif")},
        {"corrupted tile data", {"INPUT=" + in("corrupt.tif"), "RED_BAND=1", "NIR_BAND=2"},
         "TIFFReadEncodedTile() failed"},
        {"negative band", {"INPUT=" + sample, "RED_BAND=-1"}, "RED_BAND must be a band number, 1 or more, not '-1'"},
        {"band out of range", {"INPUT=" + sample, "NIR_BAND=99"}, "NIR band 99 does not exist"},
        {"complex bands", {"INPUT=" + in("cint16.tif"), "RED_BAND=1", "NIR_BAND=2"},
         "has type CInt16, which is not supported"},
        {"CRSs differ", {"INPUT=" + in("red.tif"), "NIR_INPUT=" + in("nir_crs.tif")}, "CRSs differ"},
        {"partial overlap", {"INPUT=" + in("red.tif"), "NIR_INPUT=" + in("nir_overlap.tif")},
         "grids do not match: geotransforms differ"},
        {"huge thread count", {"INPUT=" + sample, "THREADS=100000"}, "Incorrect parameter value for THREADS"},
        {"negative tile count", {"INPUT=" + sample, "TILE_COLUMNS=-1", "TILE_ROWS=-1"},
         "Incorrect parameter value for TILE_COLUMNS"},
        {"a million tiles",
         {"INPUT=" + in("pixel.tif"), "RED_BAND=1", "NIR_BAND=2", "TILE_COLUMNS=1000", "TILE_ROWS=1000"},
         "the tile layout makes 1000000 tiles"},
        {"invalid creation option", {"INPUT=" + sample, "CREATION_OPTIONS=NOSUCHOPTION=1"},
         "does not support creation option NOSUCHOPTION"},
        {"output under a file", {"INPUT=" + sample, "OUTPUT=/etc/passwd/x.tif"}, "/etc/passwd"},
    };
    for (const Row& row : rows) expect_refused(row);
}

TEST_F(QgisBadInput, ReadOnlyOutputFolder) {
    const std::string mount_point = outputs_ + "/readonly";
    fs::create_directory(mount_point);
    if (mount("tiledndvi-test", mount_point.c_str(), "tmpfs", MS_RDONLY, "size=1m") != 0)
        GTEST_SKIP() << "cannot mount a read-only tmpfs here (" << std::strerror(errno) << ")";
    const CommandResult result =
        run({"INPUT=" + tiledndvi::test::sample_path(), "OUTPUT=" + mount_point + "/ndvi.tif"});
    const bool left = !fs::is_empty(mount_point);
    umount(mount_point.c_str());
    fs::remove(mount_point);
    EXPECT_GT(result.exit_code, 0);
    EXPECT_LT(result.exit_code, 128);
    EXPECT_NE((result.out + result.err).find("output directory is not writable: " + mount_point), std::string::npos)
        << result.out << result.err;
    EXPECT_FALSE(left);
}

}  // namespace
