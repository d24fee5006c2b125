// The tutorial's workflow with the real program: tile, NDVI per tile, merge,
// bench; each step checked bit for bit against the whole-image result.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "test_support.h"

namespace {

using namespace tiledndvi::test;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void expect_success(const CommandResult& result) {
    ASSERT_EQ(result.exit_code, 0) << result.err;
}

void expect_one_line_error(const CommandResult& result, const std::string& message) {
    EXPECT_NE(result.exit_code, 0);
    EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
    EXPECT_TRUE(contains(result.err, message)) << "expected '" << message << "' in: " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

std::vector<std::string> sorted_entries(const ScratchDir& dir, const std::string& sub = "") {
    std::vector<std::string> names;
    if (sub.empty()) {
        names = dir.entries();
    } else {
        for (const auto& entry : std::filesystem::directory_iterator(dir.file(sub)))
            names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Tile layouts, including sizes that do not divide the 349 x 352 sample evenly.
const std::vector<std::vector<std::string>> layouts = {
    {"--tiles", "4x4"}, {"--tiles", "3x5"}, {"--tiles", "7x2"}, {"--tiles", "1x1"}, {"--tile-size", "100x37"}};

TEST(TilesWorkflow, TileThenMergeGivesTheInputBack) {
    for (const auto& layout : layouts) {
        ScratchDir dir;
        std::vector<std::string> tile_args = {"tile", sample_path(), dir.file("tiles"), "-q"};
        tile_args.insert(tile_args.end(), layout.begin(), layout.end());
        expect_success(run_cli(tile_args));
        expect_success(run_cli({"merge", dir.file("merged.tif"), dir.file("tiles"), "-q"}));
        const RasterInfo in = raster_info(sample_path()), out = raster_info(dir.file("merged.tif"));
        EXPECT_EQ(out.width, in.width) << layout[1];
        EXPECT_EQ(out.height, in.height) << layout[1];
        EXPECT_EQ(out.bands, in.bands);
        EXPECT_EQ(out.geotransform, in.geotransform) << layout[1];  // exact, not approximately
        EXPECT_EQ(out.crs_wkt, in.crs_wkt);
        for (int band = 1; band <= in.bands; ++band)
            EXPECT_EQ(band_bytes(dir.file("merged.tif"), band), band_bytes(sample_path(), band)) << layout[1];
    }
}

TEST(TilesWorkflow, TilesAreNamedByRowAndColumnAndGeoreferenced) {
    ScratchDir dir;
    expect_success(run_cli({"tile", sample_path(), dir.file("tiles"), "--tiles", "3x2", "-q"}));
    EXPECT_EQ(sorted_entries(dir, "tiles"), (std::vector<std::string>{"tile_0_0.tif", "tile_0_1.tif", "tile_0_2.tif",
                                                                      "tile_1_0.tif", "tile_1_1.tif", "tile_1_2.tif"}));
    const RasterInfo in = raster_info(sample_path());
    const RasterInfo last = raster_info(dir.file("tiles/tile_1_2.tif"));
    EXPECT_EQ(last.width, 349 - 2 * (349 / 3));  // the remainder is kept in the last column
    EXPECT_EQ(last.height, 352 - 352 / 2);
    EXPECT_DOUBLE_EQ(last.geotransform[0], in.geotransform[0] + 2 * (349 / 3) * in.geotransform[1]);
    EXPECT_DOUBLE_EQ(last.geotransform[3], in.geotransform[3] + (352 / 2) * in.geotransform[5]);
    EXPECT_EQ(last.crs_wkt, in.crs_wkt);
}

TEST(TilesWorkflow, NdviPerTileThenMergeEqualsWholeImageNdvi) {
    for (const auto& layout : layouts) {
        ScratchDir dir;
        std::vector<std::string> tile_args = {"tile", sample_path(), dir.file("tiles"), "-q"};
        tile_args.insert(tile_args.end(), layout.begin(), layout.end());
        expect_success(run_cli(tile_args));
        expect_success(run_cli({"ndvi", dir.file("tiles"), dir.file("ndvi_tiles"), "-q"}));
        const std::vector<std::string> outputs = sorted_entries(dir, "ndvi_tiles");
        ASSERT_FALSE(outputs.empty());
        for (const std::string& name : outputs) EXPECT_EQ(name.rfind("NDVI_tile_", 0), 0u) << name;
        EXPECT_EQ(outputs.size(), sorted_entries(dir, "tiles").size());
        expect_success(run_cli({"merge", dir.file("merged.tif"), dir.file("ndvi_tiles"), "-q"}));
        expect_success(run_cli({"ndvi", sample_path(), dir.file("whole.tif"), "-q"}));
        EXPECT_EQ(band_bytes(dir.file("merged.tif")), band_bytes(dir.file("whole.tif"))) << layout[1];
        EXPECT_EQ(raster_info(dir.file("merged.tif")).geotransform, raster_info(dir.file("whole.tif")).geotransform);
    }
}

TEST(TilesWorkflow, VrtMergeRefersToTheTiles) {
    ScratchDir dir;
    expect_success(run_cli({"tile", sample_path(), dir.file("tiles"), "--tiles", "2x2", "-q"}));
    expect_success(run_cli({"merge", dir.file("mosaic.vrt"), dir.file("tiles"), "-of", "VRT", "-q"}));
    std::ifstream vrt(dir.file("mosaic.vrt"));
    const std::string text{std::istreambuf_iterator<char>(vrt), std::istreambuf_iterator<char>()};
    EXPECT_TRUE(contains(text, "tile_1_1.tif"));
    EXPECT_EQ(band_bytes(dir.file("mosaic.vrt"), 4), band_bytes(sample_path(), 4));
}

TEST(TilesWorkflow, BenchReportsTwoTimesAndASpeedUp) {
    const CommandResult result = run_cli({"bench", sample_path(), "--tiles", "4x4", "--repeat", "2", "--threads", "2"});
    expect_success(result);
    EXPECT_TRUE(contains(result.out, "serial   (1 thread):")) << result.out;
    EXPECT_TRUE(contains(result.out, "parallel (2 threads):")) << result.out;
    const std::regex json(R"(\{"input": ".*", "layout": "4x4 tiles", "threads": 2, "repeat": 2, )"
                          R"("serial_seconds": ([0-9.]+), "parallel_seconds": ([0-9.]+), )"
                          R"("speedup": ([0-9.]+), "identical": true\})");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(result.out, match, json)) << result.out;
    const double serial = std::stod(match[1]), parallel = std::stod(match[2]), speedup = std::stod(match[3]);
    EXPECT_GT(serial, 0);
    EXPECT_GT(parallel, 0);
    EXPECT_NEAR(speedup, serial / parallel, 1e-3 * speedup);
}

TEST(TilesWorkflow, BenchOnAFolderOfTiles) {
    ScratchDir dir;
    expect_success(run_cli({"tile", sample_path(), dir.file("tiles"), "--tiles", "2x2", "-q"}));
    const CommandResult result = run_cli({"bench", dir.file("tiles"), "--repeat", "1"});
    expect_success(result);
    EXPECT_TRUE(contains(result.out, "\"layout\": \"4 tile files\"")) << result.out;
    EXPECT_EQ(sorted_entries(dir), std::vector<std::string>{"tiles"});  // its outputs went to a temporary folder
}

// Writes a 4 x 4 Int16 two-band tile at pixel offset (column, row) of a 30 m grid.
void write_tile(const std::string& path, double column, double row, int epsg = 32725, double pixel = 30) {
    RasterSpec spec;
    spec.width = 4;
    spec.height = 4;
    spec.bands = {std::vector<double>(16, 10.0), std::vector<double>(16, 30.0)};
    spec.geotransform = {500000 + column * pixel, pixel, 0, 9000000 - row * pixel, 0, -pixel};
    spec.epsg = epsg;
    write_raster(path, spec);
}

TEST(TilesWorkflow, MergeRefusesTilesThatDoNotFitOneGrid) {
    struct Case {
        const char* name;
        double column, row;
        int epsg;
        double pixel;
        const char* message;
    };
    const Case cases[] = {
        {"crs", 4, 0, 32724, 30, "tiles do not share one CRS"},
        {"pixel", 4, 0, 32725, 20, "tiles do not share one pixel size"},
        {"offset", 4.5, 0, 32725, 30, "tiles do not fit one grid"},
        {"overlap", 2, 0, 32725, 30, "tiles overlap"},
    };
    for (const Case& c : cases) {
        ScratchDir dir;
        write_tile(dir.file("a.tif"), 0, 0);
        write_tile(dir.file("b.tif"), c.column, c.row, c.epsg, c.pixel);
        expect_one_line_error(run_cli({"merge", dir.file("out.tif"), dir.file("a.tif"), dir.file("b.tif"), "-q"}),
                              c.message);
        EXPECT_EQ(sorted_entries(dir), (std::vector<std::string>{"a.tif", "b.tif"})) << c.name;
    }
}

TEST(TilesWorkflow, MergeWarnsAboutGaps) {
    ScratchDir dir;
    write_tile(dir.file("a.tif"), 0, 0);
    write_tile(dir.file("b.tif"), 8, 0);  // a 4-pixel-wide hole between them
    const CommandResult result = run_cli({"merge", dir.file("out.tif"), dir.file("a.tif"), dir.file("b.tif"), "-q"});
    expect_success(result);
    EXPECT_TRUE(contains(result.err, "warning: the tiles leave 16 pixels")) << result.err;
    EXPECT_EQ(raster_info(dir.file("out.tif")).width, 12);
}

TEST(TilesWorkflow, EmptyFoldersAreErrors) {
    ScratchDir dir;
    std::filesystem::create_directory(dir.file("empty"));
    expect_one_line_error(run_cli({"merge", dir.file("out.tif"), dir.file("empty")}), "no raster tiles in folder");
    expect_one_line_error(run_cli({"ndvi", dir.file("empty"), dir.file("out")}), "no raster tiles in folder");
    EXPECT_EQ(sorted_entries(dir), std::vector<std::string>{"empty"});
}

TEST(TilesWorkflow, AFailingTileLeavesNoNdviFiles) {
    ScratchDir dir;
    expect_success(run_cli({"tile", sample_path(), dir.file("tiles"), "--tiles", "3x3", "-q", "-b", "3", "-b", "4"}));
    // One tile with a single band: its NIR band 2 does not exist.
    RasterSpec odd;
    odd.width = 2;
    odd.height = 2;
    odd.bands = {std::vector<double>(4, 1.0)};
    write_raster(dir.file("tiles/tile_9_9.tif"), odd);
    const CommandResult result =
        run_cli({"ndvi", dir.file("tiles"), dir.file("ndvi"), "--red", "1", "--nir", "2", "--threads", "1", "-q"});
    expect_one_line_error(result, "NIR band 2 does not exist: " + dir.file("tiles/tile_9_9.tif"));
    EXPECT_FALSE(std::filesystem::exists(dir.file("ndvi")));  // the folder it created goes too
}

TEST(TilesWorkflow, ExistingTilesNeedOverwriteAndStaleOnesGo) {
    ScratchDir dir;
    expect_success(run_cli({"tile", sample_path(), dir.file("tiles"), "--tiles", "3x3", "-q"}));
    const std::vector<unsigned char> before = file_bytes(dir.file("tiles/tile_0_0.tif"));
    expect_one_line_error(run_cli({"tile", sample_path(), dir.file("tiles"), "--tiles", "2x2", "-q"}),
                          "already holds tiles");
    EXPECT_EQ(file_bytes(dir.file("tiles/tile_0_0.tif")), before);
    expect_success(run_cli({"tile", sample_path(), dir.file("tiles"), "--tiles", "2x2", "-q", "--overwrite"}));
    EXPECT_EQ(sorted_entries(dir, "tiles"),
              (std::vector<std::string>{"tile_0_0.tif", "tile_0_1.tif", "tile_1_0.tif", "tile_1_1.tif"}));
}

TEST(TilesWorkflow, ExistingMergeOutputIsKept) {
    ScratchDir dir;
    write_tile(dir.file("a.tif"), 0, 0);
    std::ofstream(dir.file("out.tif")) << "mine";
    expect_one_line_error(run_cli({"merge", dir.file("out.tif"), dir.file("a.tif")}), "output already exists");
    EXPECT_EQ(file_bytes(dir.file("out.tif")), std::vector<unsigned char>({'m', 'i', 'n', 'e'}));
}

}  // namespace
