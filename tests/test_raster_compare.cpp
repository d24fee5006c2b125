// first_difference(): what bench relies on to fail loudly when outputs differ.
#include <gtest/gtest.h>

#include "test_support.h"
#include "tiledndvi/raster_compare.h"

namespace {

using namespace tiledndvi::test;

TEST(RasterCompare, FindsTheFirstDifferingPixel) {
    ScratchDir dir;
    RasterSpec spec;
    spec.width = 5;
    spec.height = 3;
    spec.type = GDT_Float32;
    spec.bands = {std::vector<double>(15, 0.5)};
    write_raster(dir.file("a.tif"), spec);
    write_raster(dir.file("same.tif"), spec);
    spec.bands[0][2 * 5 + 3] = 0.25;
    write_raster(dir.file("b.tif"), spec);
    EXPECT_EQ(tiledndvi::first_difference(dir.file("a.tif"), dir.file("same.tif")), "");
    EXPECT_EQ(tiledndvi::first_difference(dir.file("a.tif"), dir.file("b.tif")), "band 1 differs at pixel (3, 2)");
    spec.width = 4;
    spec.bands = {std::vector<double>(12, 0.5)};
    write_raster(dir.file("small.tif"), spec);
    EXPECT_EQ(tiledndvi::first_difference(dir.file("a.tif"), dir.file("small.tif")), "sizes differ (5x3 vs 4x3)");
}

TEST(RasterCompare, NanPayloadsCount) {
    // Bit-for-bit means NaN == NaN only when the bits agree.
    ScratchDir dir;
    RasterSpec spec;
    spec.width = 2;
    spec.height = 1;
    spec.type = GDT_Float32;
    spec.bands = {{std::nan(""), 1.0}};
    write_raster(dir.file("a.tif"), spec);
    write_raster(dir.file("b.tif"), spec);
    EXPECT_EQ(tiledndvi::first_difference(dir.file("a.tif"), dir.file("b.tif")), "");
}

}  // namespace
