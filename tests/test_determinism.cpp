// The same bytes whatever the thread count and the tile layout, run after
// run: 20 rounds through the engine of every thread count 1..8 and every
// layout (in-process, fast), then a cross-check through the real program.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>

#include "test_support.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/tile_layout.h"
#include "tiledndvi/tiled_engine.h"

namespace {

using namespace tiledndvi;
using namespace tiledndvi::test;

constexpr int width = 1500, height = 1300;
constexpr double nodata = -32768;

// Red and NIR with NoData, the Int16 extremes, zero sums and ordinary values.
RasterSpec extreme_pair(int w = width, int h = height) {
    RasterSpec spec;
    spec.width = w;
    spec.height = h;
    spec.type = GDT_Int16;
    spec.bands.assign(2, std::vector<double>(static_cast<std::size_t>(w) * h));
    spec.nodata = {nodata, nodata};
    std::mt19937 random(20240611);
    std::uniform_int_distribution<int> any(-32768, 32767), small(-50, 3000), pick(0, 9);
    const double special[] = {-32768, -32767, 32767, 0, 1, -1};
    for (std::size_t i = 0; i < spec.bands[0].size(); ++i) {
        double& red = spec.bands[0][i];
        double& nir = spec.bands[1][i];
        switch (pick(random)) {
            case 0: red = special[random() % 6]; nir = special[random() % 6]; break;
            case 1: red = any(random); nir = -red; break;  // zero sum (or -32768: NoData)
            case 2: red = any(random); nir = any(random); break;
            default: red = small(random); nir = small(random); break;
        }
    }
    return spec;
}

std::uint64_t fnv1a(const std::vector<unsigned char>& bytes) {
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
    return hash;
}

struct Layout {
    const char* name;
    TileLayout layout;
};

const std::vector<Layout>& layouts() {
    static const std::vector<Layout> all = {
        {"auto", TileLayout::automatic()},     {"1x1", TileLayout::count(1, 1)},
        {"4x4", TileLayout::count(4, 4)},      {"7x3", TileLayout::count(7, 3)},
        {"333x77", TileLayout::size(333, 77)}, {"1499x13", TileLayout::size(1499, 13)},
        {"61x1300", TileLayout::size(61, 1300)},
    };
    return all;
}

class Determinism : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        scratch_ = new ScratchDir;
        write_raster(scratch_->file("strips.tif"), extreme_pair());
        RasterSpec tiled = extreme_pair();
        tiled.creation_options = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=128", "INTERLEAVE=BAND"};
        write_raster(scratch_->file("tiled.tif"), tiled);
        write_raster(scratch_->file("small.tif"), extreme_pair(600, 520));
    }
    static void TearDownTestSuite() {
        delete scratch_;
        scratch_ = nullptr;
    }
    static ScratchDir* scratch_;
};

ScratchDir* Determinism::scratch_ = nullptr;

// Runs the engine into a MEM band, as the CLI does into a file; returns the
// Float32 bytes.
std::vector<unsigned char> compute(const BandPair& pair, const TileLayout& layout, int threads,
                                   std::size_t window_bytes = default_window_bytes) {
    const int w = static_cast<int>(pair.grid.width), h = static_cast<int>(pair.grid.height);
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr output(memory->Create("", w, h, 1, GDT_Float32, nullptr));
    EngineOptions options;
    options.num_threads = threads;
    options.window_bytes = window_bytes;
    const TileGrid tiles = plan_tiles(layout, pair.grid, engine_bytes_per_pixel(pair, GDT_Float32), window_bytes);
    compute_tiles(pair, *output->GetRasterBand(1), std::nan(""), tiles, options, {});
    std::vector<unsigned char> bytes(static_cast<std::size_t>(w) * h * 4);
    EXPECT_EQ(output->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, bytes.data(), w, h, GDT_Float32, 0, 0), CE_None);
    return bytes;
}

// The scalar formula, pixel by pixel, as Float32 bytes.
std::vector<unsigned char> reference_bytes(const std::string& path) {
    const std::vector<double> red = read_band(path, 1), nir = read_band(path, 2);
    std::vector<float> expected(red.size());
    for (std::size_t i = 0; i < red.size(); ++i) expected[i] = reference_ndvi(red[i], nir[i], nodata, nodata);
    std::vector<unsigned char> bytes(expected.size() * 4);
    std::memcpy(bytes.data(), expected.data(), bytes.size());
    return bytes;
}

TEST_F(Determinism, EveryThreadCountAndLayoutGivesTheFormulasBytes) {
    for (const char* input : {"strips.tif", "tiled.tif"}) {
        SCOPED_TRACE(input);
        const std::string path = scratch_->file(input);
        const BandPair pair = open_band_pair({path, 2, "NIR"}, {path, 1, "red"});
        const std::uint64_t reference = fnv1a(reference_bytes(path));
        for (const Layout& layout : layouts())
            for (int threads = 1; threads <= 8; ++threads)
                ASSERT_EQ(fnv1a(compute(pair, layout.layout, threads)), reference)
                    << "layout " << layout.name << ", " << threads << " threads";
    }
}

// 20 rounds of every layout on every thread count 1..8 (1120 runs): a
// 600 x 520 raster and 64 KiB windows, so even the automatic layout has 40
// windows for the threads to race over.
TEST_F(Determinism, TwentyRoundsGiveTheSameBytes) {
    const std::string path = scratch_->file("small.tif");
    const BandPair pair = open_band_pair({path, 2, "NIR"}, {path, 1, "red"});
    const std::size_t window_bytes = 64 << 10;
    const std::uint64_t reference = fnv1a(reference_bytes(path));
    int runs = 0;
    for (int round = 0; round < 20; ++round) {
        for (const Layout& layout : layouts()) {
            // 61x1300 and 1499x13 are sized for the large raster: clipped here.
            for (int threads = 1; threads <= 8; ++threads) {
                ASSERT_EQ(fnv1a(compute(pair, layout.layout, threads, window_bytes)), reference)
                    << "round " << round << ", layout " << layout.name << ", " << threads << " threads";
                ++runs;
            }
        }
    }
    EXPECT_EQ(runs, 20 * 7 * 8);
}

// The real program: a few thread counts and layouts, one run each: the same
// pixels and the same file, byte for byte (GeoTIFF stores strips in the order
// they are written, so the engine writes them in window order).
TEST_F(Determinism, CliWritesTheSameFileForThreadsAndLayouts) {
    const std::string input = scratch_->file("strips.tif");
    const std::vector<unsigned char> expected = reference_bytes(input);
    ScratchDir outputs;
    std::vector<unsigned char> first_file;
    int compared = 0;
    for (const std::vector<std::string>& layout :
         std::vector<std::vector<std::string>>{{}, {"--tiles", "4x4"}, {"--tiles", "7x3"}, {"--tile-size", "333x77"}}) {
        for (const char* threads : {"1", "2", "8"}) {
            SCOPED_TRACE(std::string(threads) + " threads, " + (layout.empty() ? "auto" : layout[1]));
            const std::string output = outputs.file("ndvi.tif");
            std::vector<std::string> args = {"ndvi", input, output, "-q", "--red", "1", "--nir", "2", "--overwrite",
                                             "--threads", threads};
            args.insert(args.end(), layout.begin(), layout.end());
            const CommandResult result = run_cli(args);
            ASSERT_EQ(result.exit_code, 0) << result.err;
            EXPECT_EQ(fnv1a(band_bytes(output)), fnv1a(expected));
            const std::vector<unsigned char> bytes = file_bytes(output);
            if (first_file.empty()) first_file = bytes;
            EXPECT_EQ(fnv1a(bytes), fnv1a(first_file)) << "whole file";
            ++compared;
        }
    }
    EXPECT_EQ(compared, 12);
}

}  // namespace
