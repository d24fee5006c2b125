// Rasters past 2^31 pixels: the tiler's and the engine's windows in 64-bit
// arithmetic, and the real program on a 50000 x 50000 raster (a VRT placing
// the sample far from the origin), within the memory budget and correct to
// the bit.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>

#include "test_support.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"
#include "tiledndvi/tile_layout.h"
#include "tiledndvi/tiled_engine.h"

namespace {

using namespace tiledndvi;
using namespace tiledndvi::test;

constexpr std::int64_t two_to_31 = std::int64_t(1) << 31;
constexpr int canvas_size = 50000;
constexpr int placed_at = 49500;  // the sample's top-left pixel on the canvas
constexpr int sample_width = 349, sample_height = 352;

Grid grid_of_size(std::int64_t width, std::int64_t height, int block_width, int block_height) {
    Grid grid;
    grid.width = width;
    grid.height = height;
    grid.block_width = block_width;
    grid.block_height = block_height;
    return grid;
}

// Every pixel of the raster in exactly one of `windows`, each within bounds.
void expect_exact_cover(const std::vector<Tile>& windows, std::int64_t width, std::int64_t height) {
    std::int64_t pixels = 0;
    for (const Tile& window : windows) {
        ASSERT_GE(window.x, 0);
        ASSERT_GE(window.y, 0);
        ASSERT_GT(window.width, 0);
        ASSERT_GT(window.height, 0);
        ASSERT_LE(window.x + window.width, width);
        ASSERT_LE(window.y + window.height, height);
        pixels += window.pixel_count();
    }
    EXPECT_EQ(pixels, width * height);
}

TEST(Scale, TileGridsPastTwoToThe31Pixels) {
    // 50000 x 50000 = 2.5e9 pixels: one tile alone overflows a 32-bit int.
    const TileGrid whole = TileGrid::by_count(canvas_size, canvas_size, 1, 1);
    EXPECT_EQ(whole.tile(0).pixel_count(), std::int64_t(2500000000));
    EXPECT_GT(whole.tile(0).pixel_count(), two_to_31);

    const TileGrid by_size = TileGrid::by_size(canvas_size, canvas_size, 512, 512);
    EXPECT_EQ(by_size.columns(), 98);
    EXPECT_EQ(by_size.tile_count(), 9604);
    const Tile last = by_size.tile(by_size.tile_count() - 1);
    EXPECT_EQ(last.x, 97 * 512);
    EXPECT_EQ(last.y, 97 * 512);
    EXPECT_EQ(last.width, canvas_size - 97 * 512);
    // Its first pixel's linear offset is past 2^31.
    EXPECT_GT(last.y * canvas_size + last.x, two_to_31);
    expect_exact_cover(by_size.tiles(), canvas_size, canvas_size);

    // 100000 x 30000 = 3e9 pixels, 7 x 3 tiles with remainders.
    const TileGrid wide = TileGrid::by_count(100000, 30000, 7, 3);
    const Tile corner = wide.tile(6, 2);
    EXPECT_EQ(corner.x, 6 * (100000 / 7));
    EXPECT_EQ(corner.width, 100000 - 6 * (100000 / 7));
    EXPECT_EQ(corner.y, 20000);
    EXPECT_EQ(corner.pixel_count(), std::int64_t(14290) * 10000);
    expect_exact_cover(wide.tiles(), 100000, 30000);

    // The widest raster GDAL allows, one row per tile: tile counts in 64 bits.
    const TileGrid rows = TileGrid::by_size(INT_MAX, 3, INT_MAX, 1);
    EXPECT_EQ(rows.tile_count(), 3);
    EXPECT_EQ(rows.tile(2).pixel_count(), std::int64_t(INT_MAX));
}

TEST(Scale, EngineWindowsPastTwoToThe31Pixels) {
    // Automatic tiles on a 50000 x 50000 raster of 128 x 128 blocks (a VRT),
    // Int16 in, Float32 out: 8 bytes a pixel, windows within the 4 MiB budget.
    const Grid grid = grid_of_size(canvas_size, canvas_size, 128, 128);
    const std::size_t bytes_per_pixel = 8;
    const TileGrid tiles = plan_tiles(TileLayout::automatic(), grid, bytes_per_pixel);
    std::vector<Tile> windows;
    for (const Tile& tile : tiles.tiles()) {
        const std::vector<Tile> parts = split_into_windows(tile, grid, bytes_per_pixel);
        windows.insert(windows.end(), parts.begin(), parts.end());
    }
    expect_exact_cover(windows, canvas_size, canvas_size);
    for (const Tile& window : windows)
        ASSERT_LE(static_cast<std::size_t>(window.pixel_count()) * bytes_per_pixel, default_window_bytes);
    EXPECT_EQ(windows.back().x + windows.back().width, canvas_size);
    EXPECT_EQ(windows.back().y + windows.back().height, canvas_size);

    // One huge requested tile (3e9 pixels, strips of 1 row) is cut the same way.
    const Grid wide = grid_of_size(100000, 30000, 100000, 1);
    const TileGrid one = plan_tiles(TileLayout::count(1, 1), wide, bytes_per_pixel);
    ASSERT_EQ(one.tile_count(), 1);
    const std::vector<Tile> strips = split_into_windows(one.tile(0), wide, bytes_per_pixel);
    expect_exact_cover(strips, 100000, 30000);
    EXPECT_EQ(strips.size(), 30000u / 5);  // 5 rows of 100000 pixels fit 4 MiB at 8 bytes a pixel

    // Requested layouts: sensible ones pass, millions of tiles are refused.
    EXPECT_EQ(plan_tiles(TileLayout::size(512, 512), grid, bytes_per_pixel).tile_count(), 9604);
    EXPECT_EQ(plan_tiles(TileLayout::size(100, 100), grid, bytes_per_pixel).tile_count(), 250000);
    EXPECT_THROW(plan_tiles(TileLayout::size(1, 1), grid, bytes_per_pixel), Error);
    EXPECT_THROW(plan_tiles(TileLayout::count(1000, 1000), grid, bytes_per_pixel), Error);
}

// A 50000 x 50000 Int16 VRT: the sample's bands 3 and 4 placed at
// (placed_at, placed_at), nothing (0, hence NoData: 0 + 0) elsewhere.
std::string write_canvas(const ScratchDir& dir) {
    std::string xml = "<VRTDataset rasterXSize=\"" + std::to_string(canvas_size) + "\" rasterYSize=\"" +
                      std::to_string(canvas_size) + "\">\n  <GeoTransform>0, 30, 0, 1500000, 0, -30</GeoTransform>\n";
    for (int band : {1, 2}) {
        xml += "  <VRTRasterBand dataType=\"Int16\" band=\"" + std::to_string(band) +
               "\"><SimpleSource><SourceFilename relativeToVRT=\"0\">" + sample_path() +
               "</SourceFilename><SourceBand>" + std::to_string(band + 2) +
               "</SourceBand><SrcRect xOff=\"0\" yOff=\"0\" xSize=\"349\" ySize=\"352\"/><DstRect xOff=\"" +
               std::to_string(placed_at) + "\" yOff=\"" + std::to_string(placed_at) +
               "\" xSize=\"349\" ySize=\"352\"/></SimpleSource></VRTRasterBand>\n";
    }
    const std::string path = dir.file("canvas.vrt");
    std::ofstream(path) << xml << "</VRTDataset>\n";
    return path;
}

// NDVI of the whole sample (bands 3, 4), row-major 349 x 352.
std::vector<float> sample_ndvi() {
    const std::vector<double> red = read_band(sample_path(), 3), nir = read_band(sample_path(), 4);
    std::vector<float> ndvi(red.size());
    for (std::size_t i = 0; i < red.size(); ++i) ndvi[i] = reference_ndvi(red[i], nir[i]);
    return ndvi;
}

bool same_float(float actual, float expected) {
    return std::isnan(expected) ? std::isnan(actual) : actual == expected;
}

TEST(Scale, EngineComputesWindowsFarFromTheOrigin) {
    ScratchDir dir;
    const std::string canvas = write_canvas(dir);
    const BandPair pair = open_band_pair({canvas, 2, "NIR"}, {canvas, 1, "red"});
    ASSERT_EQ(pair.grid.width * pair.grid.height, std::int64_t(2500000000));
    // The placed region and a frame around it, cut into odd windows.
    const std::int64_t x0 = placed_at - 3, y0 = placed_at - 5, width = sample_width + 7, height = sample_height + 9;
    std::vector<Tile> windows;
    for (std::int64_t y = y0; y < y0 + height; y += 37)
        for (std::int64_t x = x0; x < x0 + width; x += 101)
            windows.push_back(Tile{x, y, std::min<std::int64_t>(101, x0 + width - x),
                                   std::min<std::int64_t>(37, y0 + height - y), 0, 0});
    std::vector<float> result(static_cast<std::size_t>(width * height), 7.0f);
    std::mutex mutex;
    compute_windows(pair, windows, GDT_Float32, std::nan(""), 2, [&](const Tile& window, const void* pixels) {
        std::lock_guard<std::mutex> lock(mutex);
        const float* values = static_cast<const float*>(pixels);
        for (std::int64_t row = 0; row < window.height; ++row)
            std::copy_n(values + row * window.width, window.width,
                        result.begin() + (window.y - y0 + row) * width + (window.x - x0));
    });
    const std::vector<float> expected = sample_ndvi();
    for (std::int64_t y = 0; y < height; ++y) {
        for (std::int64_t x = 0; x < width; ++x) {
            const std::int64_t sx = x0 + x - placed_at, sy = y0 + y - placed_at;
            const bool inside = sx >= 0 && sy >= 0 && sx < sample_width && sy < sample_height;
            const float want = inside ? expected[sy * sample_width + sx] : NAN;
            ASSERT_TRUE(same_float(result[y * width + x], want)) << "at canvas pixel " << x0 + x << ", " << y0 + y;
        }
    }
}

struct ChildRun {
    int exit_code = -1;
    double seconds = 0;
    long max_rss_kib = 0;
    std::string err;
};

// Runs `args` as a child process and measures it (wait4: its own peak RSS).
ChildRun run_measured(const std::vector<std::string>& args, const std::string& stderr_path) {
    ChildRun run;
    const auto start = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child == 0) {
        if (freopen(stderr_path.c_str(), "w", stderr) == nullptr) _exit(126);
        std::vector<char*> argv;
        for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    if (child < 0 || wait4(child, &status, 0, &usage) != child) return run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.max_rss_kib = usage.ru_maxrss;
    std::ifstream in(stderr_path);
    run.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return run;
}

TEST(Scale, CliWritesA50000x50000RasterInBudget) {
    ScratchDir dir;
    const std::string canvas = write_canvas(dir);
    const std::string output = dir.file("ndvi.tif");
    const ChildRun run = run_measured({TILEDNDVI_CLI, "ndvi", canvas, output, "--red", "1", "--nir", "2", "-q", "-co",
                                       "SPARSE_OK=TRUE", "-co", "TILED=YES"},
                                      dir.file("stderr.txt"));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::printf("[ measured ] 50000x50000 Int16 VRT -> sparse tiled GTiff: %.1f s, peak RSS %.1f MiB\n", run.seconds,
                run.max_rss_kib / 1024.0);
    EXPECT_LT(run.max_rss_kib, 100 * 1024) << "peak memory over the 100 MiB budget";
    EXPECT_LT(run.seconds, 60.0);

    // Sparse: only the blocks touching the placed region hold data.
    struct stat info {};
    ASSERT_EQ(stat(output.c_str(), &info), 0);
    EXPECT_LT(static_cast<std::int64_t>(info.st_blocks) * 512, std::int64_t(8) << 20) << "disk usage";

    GDALDatasetUniquePtr dataset(GDALDataset::Open(output.c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(dataset);
    GDALRasterBand* band = dataset->GetRasterBand(1);
    ASSERT_EQ(band->GetXSize(), canvas_size);
    ASSERT_EQ(band->GetYSize(), canvas_size);
    int has_nodata = 0;
    EXPECT_TRUE(std::isnan(band->GetNoDataValue(&has_nodata)));
    EXPECT_TRUE(has_nodata);
    int block_width = 0, block_height = 0;
    band->GetBlockSize(&block_width, &block_height);
    ASSERT_EQ(block_width, 256);
    // Every block not written reads as NoData (GDAL's sparse files); exactly
    // those meeting the placed region were written.
    const auto touches = [](int block, int size, int start, int length) {
        return block * size < start + length && start < (block + 1) * size;
    };
    int written = 0;
    const int blocks = (canvas_size + block_width - 1) / block_width;
    for (int by = 0; by < blocks; ++by) {
        for (int bx = 0; bx < blocks; ++bx) {
            const std::string key = "BLOCK_OFFSET_" + std::to_string(bx) + "_" + std::to_string(by);
            const bool present = band->GetMetadataItem(key.c_str(), "TIFF") != nullptr;
            const bool expected = touches(bx, block_width, placed_at, sample_width) &&
                                  touches(by, block_height, placed_at, sample_height);
            ASSERT_EQ(present, expected) << "block " << bx << ", " << by;
            written += present;
        }
    }
    EXPECT_EQ(written, 4);

    // Those blocks in full: the sample's NDVI where it was placed, NoData around.
    const int x0 = placed_at / block_width * block_width, width = 2 * block_width;
    const int y0 = placed_at / block_height * block_height, height = 2 * block_height;
    std::vector<float> values(static_cast<std::size_t>(width) * height);
    ASSERT_EQ(band->RasterIO(GF_Read, x0, y0, width, height, values.data(), width, height, GDT_Float32, 0, 0),
              CE_None);
    const std::vector<float> expected = sample_ndvi();
    std::size_t inside = 0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const int sx = x0 + x - placed_at, sy = y0 + y - placed_at;
            const bool in_sample = sx >= 0 && sy >= 0 && sx < sample_width && sy < sample_height;
            inside += in_sample;
            const float want = in_sample ? expected[static_cast<std::size_t>(sy) * sample_width + sx] : NAN;
            ASSERT_TRUE(same_float(values[static_cast<std::size_t>(y) * width + x], want))
                << "at " << x0 + x << ", " << y0 + y;
        }
    }
    EXPECT_EQ(inside, expected.size());
}

}  // namespace
