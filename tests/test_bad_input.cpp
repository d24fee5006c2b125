// Bad input to the real tiledndvi program, one table: each row must end in one
// error line naming the problem, a non-zero exit (not a signal), and nothing
// written: no output, no temporary. Cases test_cli.cpp already has (missing
// file, a text file, red band 7, missing folder, /proc, unknown format,
// COMPRESS=NOPE, --tiles 0x4, --threads 0 and 99999...) are not repeated.
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <cpl_string.h>
#include <gdal_utils.h>

#include "test_support.h"
#include "tiledndvi/error.h"
#include "tiledndvi/job.h"
#include "tiledndvi/parallel_work.h"

namespace {

using namespace tiledndvi::test;
namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// gdal_translate in this process (a process per input would cost seconds).
void gdal_translate(const std::string& source, const std::string& target, const std::vector<std::string>& options) {
    CPLStringList argv;
    for (const std::string& option : options) argv.AddString(option.c_str());
    GDALTranslateOptions* translate_options = GDALTranslateOptionsNew(argv.List(), nullptr);
    GDALDatasetUniquePtr input(GDALDataset::Open(source.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(input) << source;
    GDALDatasetUniquePtr output(GDALDataset::FromHandle(
        GDALTranslate(target.c_str(), GDALDataset::ToHandle(input.get()), translate_options, nullptr)));
    GDALTranslateOptionsFree(translate_options);
    ASSERT_TRUE(output) << target;
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// A `size` x `size` two-band Int16 VRT: the sample's red and NIR placed at
// (`offset`, `offset`), nothing elsewhere. Only text on disk.
std::string canvas_vrt(const std::string& source, int size = 50000, int offset = 49500) {
    const std::string side = std::to_string(size), at = std::to_string(offset);
    std::string xml = "<VRTDataset rasterXSize=\"" + side + "\" rasterYSize=\"" + side + "\">\n"
                      "  <GeoTransform>0, 30, 0, 1500000, 0, -30</GeoTransform>\n";
    for (int band : {1, 2}) {
        xml += "  <VRTRasterBand dataType=\"Int16\" band=\"" + std::to_string(band) +
               "\"><SimpleSource><SourceFilename relativeToVRT=\"0\">" + source +
               "</SourceFilename><SourceBand>" + std::to_string(band + 2) +
               "</SourceBand><SrcRect xOff=\"0\" yOff=\"0\" xSize=\"349\" ySize=\"352\"/>"
               "<DstRect xOff=\"" + at + "\" yOff=\"" + at +
               "\" xSize=\"349\" ySize=\"352\"/></SimpleSource></VRTRasterBand>\n";
    }
    return xml + "</VRTDataset>\n";
}

// The inputs every row may use, made once: bad files of every kind.
class BadInput : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        inputs_ = new ScratchDir;
        const std::string sample = sample_path();
        // Red and NIR as Int16, 4x the sample (1396 x 1408: a few hundred strips),
        // pixel-interleaved (read in one call) and band-interleaved (two calls).
        gdal_translate(sample, in("pixel.tif"), {"-b", "3", "-b", "4", "-ot", "Int16", "-outsize", "400%", "400%"});
        gdal_translate(in("pixel.tif"), in("band.tif"), {"-co", "INTERLEAVE=BAND"});
        gdal_translate(in("pixel.tif"), in("deflate.tif"), {"-co", "COMPRESS=DEFLATE", "-co", "TILED=YES"});
        // Truncated: the IFD (at the start, as GDAL writes copies) survives, the
        // strips after the cut do not; the error surfaces mid-run.
        for (const char* name : {"pixel", "band"}) {
            std::vector<unsigned char> bytes = file_bytes(in(std::string(name) + ".tif"));
            bytes.resize(bytes.size() * 3 / 5);
            write_bytes(in(std::string("truncated_") + name + ".tif"), bytes);
        }
        // Corrupted: compressed tile data overwritten in the middle (uncompressed
        // data overwritten is just other values: nothing can tell), and the IFD.
        std::vector<unsigned char> deflate = file_bytes(in("deflate.tif"));
        std::fill_n(deflate.begin() + deflate.size() / 2, 4096, 0xA5);
        write_bytes(in("corrupt_data.tif"), deflate);
        std::vector<unsigned char> header = file_bytes(in("pixel.tif"));
        std::fill_n(header.begin() + 8, 64, 0xFF);  // the first IFD entries
        write_bytes(in("corrupt_ifd.tif"), header);
        std::vector<unsigned char> cut = file_bytes(in("pixel.tif"));
        cut.resize(100);  // inside the IFD
        write_bytes(in("cut_header.tif"), cut);
        write_bytes(in("empty.tif"), {});
        std::ofstream(in("points.geojson"))
            << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},)"
            << R"("geometry":{"type":"Point","coordinates":[1,2]}}]})";
        // Complex bands.
        gdal_translate(sample, in("cint16.tif"), {"-ot", "CInt16", "-b", "3", "-b", "4"});
        gdal_translate(sample, in("cfloat32.tif"), {"-ot", "CFloat32", "-b", "3", "-b", "4"});
        // Red, and NIR on grids that differ from it in one way each.
        gdal_translate(sample, in("red.tif"), {"-b", "3"});
        gdal_translate(sample, in("nir_geotransform.tif"), {"-b", "4", "-a_ullr", "0", "352", "349", "0"});
        gdal_translate(sample, in("nir_crs.tif"), {"-b", "4", "-a_srs", "EPSG:4326"});
        gdal_translate(sample, in("nir_overlap.tif"), {"-b", "4", "-srcwin", "100", "50", "349", "352"});  // partly out
        gdal_translate(sample, in("nir_no_geo.vrt"), {"-b", "4", "-of", "VRT"});
        std::string no_geo = read_text(in("nir_no_geo.vrt"));
        const std::size_t start = no_geo.find("  <SRS"), end = no_geo.find("</GeoTransform>");
        no_geo.erase(start, end + std::string("</GeoTransform>\n").size() - start);
        std::ofstream(in("nir_no_geo.vrt"), std::ios::trunc) << no_geo;
        // A VRT whose source file is gone: it opens, reading fails.
        std::ofstream(in("canvas.vrt")) << canvas_vrt(sample);
        std::ofstream(in("missing_source.vrt")) << canvas_vrt(in("gone.tif"), 349, 0);
    }
    static void TearDownTestSuite() {
        delete inputs_;
        inputs_ = nullptr;
    }
    static std::string in(const std::string& name) { return inputs_->file(name); }
    static std::string read_text(const std::string& path) {
        std::ifstream file(path);
        return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    }

    // Runs `args`, asserts the error contract, and that `outputs` stayed empty.
    void expect_refused(const std::vector<std::string>& args, const std::string& message) {
        SCOPED_TRACE(args.size() > 2 ? args[1] + " ... " + args.back() : args.back());
        const CommandResult result = run_cli(args);
        EXPECT_GT(result.exit_code, 0) << result.err;
        EXPECT_LT(result.exit_code, 128) << "killed by a signal: " << result.err;
        EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
        const std::string first_line = result.err.substr(0, result.err.find('\n'));
        EXPECT_TRUE(contains(first_line, message)) << "expected '" << message << "' in: " << result.err;
        // Runtime errors are one line; misuse (exit 2) adds the "Try --help" hint.
        const std::string rest = result.err.substr(std::min(result.err.size(), first_line.size() + 1));
        if (result.exit_code == 2) EXPECT_EQ(rest.rfind("Try 'tiledndvi", 0), 0u) << result.err;
        else EXPECT_EQ(rest, "") << result.err;
        EXPECT_FALSE(contains(result.err, "ERROR ")) << "GDAL's own message leaked: " << result.err;
        EXPECT_TRUE(outputs_.entries().empty()) << "left behind: " << outputs_.entries().front();
    }

    static ScratchDir* inputs_;
    ScratchDir outputs_;
    std::string out_ = outputs_.file("out.tif");
};

ScratchDir* BadInput::inputs_ = nullptr;

struct Row {
    std::vector<std::string> args;  // after "ndvi INPUT OUTPUT"
    std::string input;              // a file of inputs_ (or a full path)
    std::string message;
};

TEST_F(BadInput, DamagedFilesAreErrorsNeverZeroFilledPixels) {
    const std::vector<Row> rows = {
        // Truncated mid-data: the read error surfaces after work has started,
        // through every read path (one call for both bands, one per band,
        // direct I/O for full-width strips, the block cache for tiles).
        {{"--red", "1", "--nir", "2"}, "truncated_pixel.tif", "failed to read"},
        {{"--red", "1", "--nir", "2", "--threads", "1"}, "truncated_pixel.tif", "is the file truncated?"},
        {{"--red", "1", "--nir", "2", "--tile-size", "100x100"}, "truncated_pixel.tif", "IReadBlock failed"},
        {{"--red", "1", "--nir", "2", "--threads", "2"}, "truncated_band.tif", "failed to read"},
        {{"--red", "1", "--nir", "2", "--tiles", "3x5"}, "truncated_band.tif", "IReadBlock failed"},
        {{"--red", "1", "--nir", "2"}, "corrupt_data.tif", "TIFFReadEncodedTile() failed"},
        {{"--red", "1", "--nir", "2"}, "corrupt_ifd.tif", "Failed to read directory"},
        {{"--red", "1", "--nir", "2"}, "cut_header.tif", "cannot open"},
        {{"--red", "1", "--nir", "2"}, "missing_source.vrt", "gone.tif: No such file or directory"},
        {{}, "empty.tif", "cannot open " + in("empty.tif") + " as a raster"},
        {{}, "points.geojson", "cannot open " + in("points.geojson") + " as a raster"},
    };
    for (const Row& row : rows) {
        std::vector<std::string> args = {"ndvi", in(row.input), out_, "-q"};
        args.insert(args.end(), row.args.begin(), row.args.end());
        expect_refused(args, row.message);
    }
}

// Every command reading pixels stops on the read error, leaving nothing.
TEST_F(BadInput, EveryCommandStopsOnATruncatedFile) {
    const std::string truncated = in("truncated_pixel.tif");
    ScratchDir folder;  // a folder of tiles, one of them truncated
    fs::copy_file(truncated, folder.file("tile_0_0.tif"));
    const std::vector<std::pair<std::vector<std::string>, std::string>> rows = {
        {{"tile", truncated, outputs_.file("tiles"), "--tiles", "2x2", "-q"}, "failed to read " + truncated},
        {{"ndvi", folder.path(), outputs_.file("ndvi"), "--red", "1", "--nir", "2", "-q"},
         "failed to read " + folder.file("tile_0_0.tif")},
        {{"merge", out_, truncated, "-q"}, "failed to read the tile " + truncated},
        {{"quicklook", truncated, outputs_.file("ndvi.png"), "-q"}, "cannot read " + truncated},
        {{"bench", truncated, "--red", "1", "--nir", "2", "--repeat", "1"}, "failed to read " + truncated},
    };
    for (const auto& [args, message] : rows) expect_refused(args, message);
}

TEST_F(BadInput, BandsGridsAndTypes) {
    const std::string sample = sample_path();
    const std::vector<Row> rows = {
        {{"--red", "0"}, sample, "--red must be between 1 and 65535, not 0"},
        {{"--red", "-1"}, sample, "--red must be between 1 and 65535, not -1"},
        {{"--nir", "70000"}, sample, "--nir must be between 1 and 65535, not 70000"},
        {{"--nir", "99999999999999999999"}, sample, "--nir expects a whole number"},
        {{"--nir", "7"}, sample, "NIR band 7 does not exist: " + sample + " has 6 bands"},
        {{"--nir-input", in("red.tif"), "--nir", "2"}, "red.tif", "NIR band 2 does not exist"},
        {{"--nir-input", in("nir_geotransform.tif")}, "red.tif", "grids do not match: geotransforms differ"},
        {{"--nir-input", in("nir_crs.tif")}, "red.tif", "grids do not match: CRSs differ"},
        {{"--nir-input", in("nir_overlap.tif")}, "red.tif", "grids do not match: geotransforms differ"},
        {{"--nir-input", in("nir_no_geo.vrt")}, "red.tif", "grids do not match: only one of them is georeferenced"},
        {{"--red", "1", "--nir", "2"}, "cint16.tif", "has type CInt16, which is not supported"},
        {{"--red", "1", "--nir", "2"}, "cfloat32.tif", "has type CFloat32, which is not supported"},
    };
    for (const Row& row : rows) {
        std::vector<std::string> args = {"ndvi", row.input == sample ? sample : in(row.input), out_, "-q"};
        args.insert(args.end(), row.args.begin(), row.args.end());
        expect_refused(args, row.message);
    }
}

TEST_F(BadInput, FormatsOptionsTilesAndThreads) {
    const std::string sample = sample_path();
    const std::vector<Row> rows = {
        {{"-of", "CEOS"}, sample, "format CEOS cannot create files (it is read-only in GDAL)"},
        {{"-of", "MEM"}, sample, "format MEM cannot hold computed pixels"},
        {{"-of", "VRT"}, sample, "format VRT cannot hold computed pixels"},
        {{"-of", "ESRI Shapefile"}, sample, "format ESRI Shapefile is not a raster format"},
        {{"-of", "PNG"}, sample, "format PNG cannot write Float32 rasters"},
        {{"-co", "NOSUCHOPTION=1"}, sample, "does not support creation option NOSUCHOPTION"},
        {{"-co", "BLOCKXSIZE=abc"}, sample, "'abc' is an unexpected value for BLOCKXSIZE"},
        {{"-co", "=YES"}, sample, "creation option '=YES' is not of the form NAME=VALUE"},
        {{"-co", "COMPRESS"}, sample, "creation option 'COMPRESS' is not of the form NAME=VALUE"},
        // Valid alone, refused by libtiff only when the file is created.
        {{"-co", "TILED=YES", "-co", "BLOCKXSIZE=7"}, sample, "cannot create " + out_},
        {{"--tiles", "0x0"}, sample, "--tiles must be between 1 and"},
        {{"--tiles", "-1x4"}, sample, "--tiles must be between 1 and"},
        {{"--tiles", "4"}, sample, "--tiles expects two numbers like 4x4"},
        {{"--tile-size", "0x10"}, sample, "--tile-size must be between 1 and"},
        {{"--tile-size", "-5x-5"}, sample, "--tile-size must be between 1 and"},
        {{"--tile-size", "99999999999x1"}, sample, "--tile-size must be between 1 and 2147483647, not 99999999999"},
        {{"--tiles", "4x4", "--tile-size", "8x8"}, sample, "give either --tiles or --tile-size, not both"},
        {{"--tiles", "2147483647x1"}, sample, "more tiles than pixels"},
        // Allowed sizes whose tile count would cost more memory than the pixels.
        {{"--red", "1", "--nir", "2", "--tiles", "1000x1000"}, "pixel.tif", "the tile layout makes 1000000 tiles"},
        {{"--red", "1", "--nir", "2", "--tile-size", "1x1"}, "canvas.vrt",
         "the tile layout makes 2500000000 tiles (50000x50000) of a 50000x50000 raster; at most 262144"},
        {{"--threads", "-3"}, sample, "--threads must be between 1 and 1024, not -3"},
        {{"--threads", "100000"}, sample, "--threads must be between 1 and 1024, not 100000"},
        {{"--threads", "abc"}, sample, "--threads expects a whole number, not 'abc'"},
        {{"--threads"}, sample, "--threads needs a value"},
    };
    for (const Row& row : rows) {
        std::vector<std::string> args = {"ndvi", row.input == sample ? sample : in(row.input), out_, "-q"};
        args.insert(args.end(), row.args.begin(), row.args.end());
        expect_refused(args, row.message);
    }
}

TEST_F(BadInput, OutputPathsThatCannotBeWritten) {
    const std::string sample = sample_path();
    expect_refused({"ndvi", sample, "/etc/passwd/x.tif", "-q"}, "output directory is a file, not a directory: /etc/passwd");
    // A folder without a tile layout: neither one file nor a tile set.
    expect_refused({"ndvi", sample, outputs_.path(), "-q"},
                   "OUTPUT " + outputs_.path() + " is a folder: give the tile set's layout");

    // A read-only file system: root ignores permission bits, not this.
    const std::string mount_point = outputs_.file("readonly");
    fs::create_directory(mount_point);
    if (mount("tiledndvi-test", mount_point.c_str(), "tmpfs", MS_RDONLY, "size=1m") != 0)
        GTEST_SKIP() << "cannot mount a read-only tmpfs here (" << std::strerror(errno)
                     << "); the read-only folder case needs root and mount rights";
    const CommandResult result = run_cli({"ndvi", sample, mount_point + "/out.tif", "-q"});
    const std::vector<std::string> left = [&] {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(mount_point)) names.push_back(entry.path().string());
        return names;
    }();
    umount(mount_point.c_str());
    fs::remove(mount_point);
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_EQ(result.err, "tiledndvi: error: output directory is not writable: " + mount_point + "\n");
    EXPECT_TRUE(left.empty());
}

// The engine's own callers (QGIS, scripts) get the same limits as the CLI.
TEST_F(BadInput, EngineRefusesHugeOrNegativeThreadCounts) {
    for (const int threads : {100000, 1025, -1}) {
        SCOPED_TRACE(threads);
        tiledndvi::NormalizedDifferenceJob job = tiledndvi::ndvi_job(sample_path(), 3, sample_path(), 4);
        job.output.path = out_;
        job.engine.num_threads = threads;
        try {
            tiledndvi::run_job(job);
            ADD_FAILURE() << "accepted " << threads << " threads";
        } catch (const tiledndvi::Error& error) {
            EXPECT_EQ(std::string(error.what()),
                      "thread count must be between 0 (all cores) and 1024, not " + std::to_string(threads));
        }
        EXPECT_TRUE(outputs_.entries().empty());
    }
    EXPECT_EQ(tiledndvi::resolve_thread_count(1024), 1024);
    EXPECT_GE(tiledndvi::resolve_thread_count(0), 1);
}

}  // namespace
