// The engine end to end: the sample scene against an independent reference,
// identical bytes whatever the threads and tiles, separate red/NIR files,
// georeferencing kept, cancel leaves nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "test_support.h"
#include "tiledndvi/error.h"
#include "tiledndvi/job.h"

namespace {

using namespace tiledndvi;
using namespace tiledndvi::test;

NormalizedDifferenceJob sample_job(const std::string& output) {
    NormalizedDifferenceJob job = ndvi_job(sample_path(), 3, sample_path(), 4);
    job.output.path = output;
    return job;
}

TEST(Engine, SampleMatchesDoubleReference) {
    ScratchDir dir;
    run_job(sample_job(dir.file("ndvi.tif")));
    const std::vector<double> red = read_band(sample_path(), 3);
    const std::vector<double> nir = read_band(sample_path(), 4);
    const std::vector<unsigned char> bytes = band_bytes(dir.file("ndvi.tif"));
    ASSERT_EQ(bytes.size(), red.size() * sizeof(float));
    std::size_t nodata = 0;
    for (std::size_t i = 0; i < red.size(); ++i) {
        float got;
        std::memcpy(&got, bytes.data() + i * sizeof(float), sizeof got);
        const float expected = reference_ndvi(red[i], nir[i]);
        if (std::isnan(expected)) {
            ++nodata;
            ASSERT_TRUE(std::isnan(got)) << "pixel " << i;
        } else {
            ASSERT_EQ(got, expected) << "pixel " << i;
        }
    }
    EXPECT_LT(nodata, red.size() / 100);  // the scene has hardly any zero sums
}

TEST(Engine, GeoreferencingAndNoDataWritten) {
    ScratchDir dir;
    run_job(sample_job(dir.file("ndvi.tif")));
    const RasterInfo in = raster_info(sample_path());
    const RasterInfo out = raster_info(dir.file("ndvi.tif"));
    EXPECT_EQ(out.width, in.width);
    EXPECT_EQ(out.height, in.height);
    EXPECT_EQ(out.bands, 1);
    EXPECT_EQ(out.type, GDT_Float32);
    EXPECT_EQ(out.geotransform, in.geotransform);
    EXPECT_EQ(out.crs_wkt, in.crs_wkt);
    EXPECT_TRUE(out.has_nodata);
    EXPECT_TRUE(std::isnan(out.nodata));
}

struct Layout {
    const char* name;
    TileLayout layout;
};

TEST(Engine, IdenticalBytesForAnyThreadsAndTiles) {
    ScratchDir dir;
    NormalizedDifferenceJob reference_job = sample_job(dir.file("reference.tif"));
    reference_job.engine.num_threads = 1;
    reference_job.layout = TileLayout::count(1, 1);
    run_job(reference_job);
    const std::vector<unsigned char> expected = band_bytes(dir.file("reference.tif"));

    const Layout layouts[] = {{"auto", TileLayout::automatic()},
                              {"4x4", TileLayout::count(4, 4)},
                              {"7x3", TileLayout::count(7, 3)},
                              {"64x64", TileLayout::size(64, 64)},
                              {"1000x1", TileLayout::size(1000, 1)},
                              {"33x350", TileLayout::size(33, 350)}};
    int run = 0;
    for (const Layout& layout : layouts)
        for (int threads : {1, 2, 3, 8}) {
            NormalizedDifferenceJob job = sample_job(dir.file("run" + std::to_string(run++) + ".tif"));
            job.layout = layout.layout;
            job.engine.num_threads = threads;
            job.engine.window_bytes = 64 * 1024;  // force several windows per tile
            run_job(job);
            EXPECT_EQ(band_bytes(job.output.path), expected) << layout.name << " threads " << threads;
        }
}

TEST(Engine, SeparateRedAndNirFiles) {
    ScratchDir dir;
    const RasterInfo info = raster_info(sample_path());
    RasterSpec red;
    red.width = info.width;
    red.height = info.height;
    red.type = GDT_UInt16;
    red.bands = {read_band(sample_path(), 3)};
    red.geotransform = info.geotransform;
    red.crs_wkt = info.crs_wkt;
    RasterSpec nir = red;
    nir.type = GDT_Int16;  // a different type on purpose
    nir.bands = {read_band(sample_path(), 4)};
    write_raster(dir.file("red.tif"), red);
    write_raster(dir.file("nir.tif"), nir);

    NormalizedDifferenceJob job = ndvi_job(dir.file("red.tif"), 1, dir.file("nir.tif"), 1);
    job.output.path = dir.file("two_files.tif");
    run_job(job);
    run_job(sample_job(dir.file("one_file.tif")));
    EXPECT_EQ(band_bytes(dir.file("two_files.tif")), band_bytes(dir.file("one_file.tif")));
}

TEST(Engine, NoDataAndZeroSumsFollowTheRule) {
    ScratchDir dir;
    RasterSpec spec;
    spec.width = 4;
    spec.height = 1;
    spec.type = GDT_Int16;
    // GeoTIFF keeps one NoData value for all bands: -9999 here.
    //            red:  nodata, 0 (sum 0), 10,    -5
    spec.bands = {{-9999, 0, 10, -5}, /* nir: */ {5, 0, -7777, 15}};
    spec.nodata = {-9999.0, -9999.0};
    write_raster(dir.file("in.tif"), spec);
    NormalizedDifferenceJob job = ndvi_job(dir.file("in.tif"), 1, dir.file("in.tif"), 2);
    job.output.path = dir.file("out.tif");
    job.output.nodata = -2.0;
    run_job(job);
    const std::vector<double> out = read_band(dir.file("out.tif"));
    EXPECT_EQ(out[0], -2.0);                                   // red is NoData
    EXPECT_EQ(out[1], -2.0);                                   // NIR + red == 0
    EXPECT_EQ(out[2], static_cast<float>(-7787.0 / -7767.0));  // no clamping: NDVI > 1 is kept
    EXPECT_EQ(out[3], static_cast<float>(20.0 / 10.0));
    EXPECT_EQ(raster_info(dir.file("out.tif")).nodata, -2.0);
}

TEST(Engine, Float64OutputIsTheDoubleResult) {
    ScratchDir dir;
    NormalizedDifferenceJob job = sample_job(dir.file("ndvi64.tif"));
    job.output.type = GDT_Float64;
    run_job(job);
    const std::vector<double> red = read_band(sample_path(), 3);
    const std::vector<double> nir = read_band(sample_path(), 4);
    const std::vector<double> out = read_band(dir.file("ndvi64.tif"));
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (nir[i] + red[i] == 0) {
            ASSERT_TRUE(std::isnan(out[i]));
        } else {
            ASSERT_EQ(out[i], (nir[i] - red[i]) / (nir[i] + red[i]));
        }
    }
}

TEST(Engine, CancelLeavesNoFile) {
    ScratchDir dir;
    for (double stop_at : {0.0, 0.5, 0.999}) {
        NormalizedDifferenceJob job = sample_job(dir.file("cancelled.tif"));
        job.engine.window_bytes = 16 * 1024;
        job.engine.num_threads = 2;
        bool asked_after_start = false;
        EXPECT_THROW(run_job(job,
                             [&](double fraction) {
                                 if (fraction > 0) asked_after_start = true;
                                 return fraction <= stop_at;
                             }),
                     Cancelled);
        EXPECT_TRUE(dir.entries().empty()) << "after stopping at " << stop_at;
    }
}

TEST(Engine, ProgressComesFromTheCallingThreadAndReachesOne) {
    ScratchDir dir;
    NormalizedDifferenceJob job = sample_job(dir.file("ndvi.tif"));
    job.engine.window_bytes = 16 * 1024;
    job.engine.num_threads = 2;
    const auto caller = std::this_thread::get_id();
    double last = -1;
    bool monotonic = true, same_thread = true;
    int calls = 0;
    run_job(job, [&](double fraction) {
        monotonic = monotonic && fraction >= last;
        same_thread = same_thread && std::this_thread::get_id() == caller;
        last = fraction;
        ++calls;
        return true;
    });
    EXPECT_TRUE(monotonic);
    EXPECT_TRUE(same_thread);
    EXPECT_GT(calls, 2);
    EXPECT_EQ(last, 1.0);
}

TEST(Engine, ExistingOutputIsKeptWithoutOverwriteAndReplacedWithIt) {
    ScratchDir dir;
    const std::string target = dir.file("ndvi.tif");
    FILE* f = std::fopen(target.c_str(), "w");
    std::fputs("precious", f);
    std::fclose(f);
    EXPECT_THROW(run_job(sample_job(target)), Error);
    EXPECT_EQ(file_bytes(target), std::vector<unsigned char>({'p', 'r', 'e', 'c', 'i', 'o', 'u', 's'}));

    NormalizedDifferenceJob job = sample_job(target);
    job.output.overwrite = true;
    run_job(job);
    EXPECT_EQ(raster_info(target).width, 349);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"ndvi.tif"});
}

TEST(Engine, CogOutput) {
    ScratchDir dir;
    NormalizedDifferenceJob job = sample_job(dir.file("ndvi_cog.tif"));
    job.output.format = "COG";
    job.output.creation_options = {"COMPRESS=DEFLATE"};
    run_job(job);
    run_job(sample_job(dir.file("ndvi.tif")));
    EXPECT_EQ(band_bytes(dir.file("ndvi_cog.tif")), band_bytes(dir.file("ndvi.tif")));
    GDALDatasetUniquePtr cog(GDALDataset::Open(dir.file("ndvi_cog.tif").c_str(), GDAL_OF_RASTER));
    ASSERT_TRUE(cog);
    EXPECT_STREQ(cog->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
    EXPECT_EQ(dir.entries().size(), 2u);  // no staging file left
}

// One tile of a tile set: the engine reads only that window, and its output is
// exactly that part of the whole raster's, georeferenced to its corner.
TEST(Engine, WindowGivesThatPartOfTheWholeResult) {
    ScratchDir dir;
    run_job(sample_job(dir.file("whole.tif")));
    const RasterInfo whole = raster_info(dir.file("whole.tif"));
    const std::vector<unsigned char> whole_bytes = band_bytes(dir.file("whole.tif"));
    Tile window;
    window.x = 87;
    window.y = 100;
    window.width = 150;
    window.height = 37;
    for (const int threads : {1, 2}) {
        NormalizedDifferenceJob job = sample_job(dir.file("window.tif"));
        job.window = window;
        job.engine.num_threads = threads;
        job.layout = TileLayout::count(2, 3);
        job.output.overwrite = true;
        run_job(job);
        const RasterInfo part = raster_info(dir.file("window.tif"));
        ASSERT_EQ(part.width, window.width);
        ASSERT_EQ(part.height, window.height);
        EXPECT_DOUBLE_EQ(part.geotransform[0], whole.geotransform[0] + window.x * whole.geotransform[1]);
        EXPECT_DOUBLE_EQ(part.geotransform[3], whole.geotransform[3] + window.y * whole.geotransform[5]);
        EXPECT_EQ(part.geotransform[1], whole.geotransform[1]);
        EXPECT_EQ(part.crs_wkt, whole.crs_wkt);
        const std::vector<unsigned char> bytes = band_bytes(dir.file("window.tif"));
        ASSERT_EQ(bytes.size(), static_cast<std::size_t>(window.width * window.height) * sizeof(float));
        for (std::int64_t row = 0; row < window.height; ++row) {
            const std::size_t from = static_cast<std::size_t>(((window.y + row) * whole.width + window.x) * 4);
            ASSERT_EQ(0, std::memcmp(bytes.data() + row * window.width * 4, whole_bytes.data() + from,
                                     static_cast<std::size_t>(window.width) * 4))
                << "row " << row << ", " << threads << " thread(s)";
        }
    }
}

TEST(Engine, WindowOutsideTheInputIsRefused) {
    ScratchDir dir;
    NormalizedDifferenceJob job = sample_job(dir.file("window.tif"));
    job.window = Tile{300, 0, 50, 10, 0, 0};  // 349 pixels wide: one column too far
    EXPECT_THROW(run_job(job), Error);
    EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
