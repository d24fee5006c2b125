// raster_copy: create_like carries the description of a window, copy_rows
// moves every pixel of it into one or several targets.
#include <gtest/gtest.h>

#include <cmath>

#include "test_support.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"
#include "tiledndvi/raster_copy.h"

namespace tiledndvi {
namespace {

using test::RasterSpec;
using test::ScratchDir;

RasterSpec numbered(int width, int height, int bands, GDALDataType type) {
    RasterSpec spec;
    spec.width = width;
    spec.height = height;
    spec.type = type;
    for (int b = 0; b < bands; ++b) {
        std::vector<double> values(static_cast<std::size_t>(width) * height);
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>((i * 7 + b * 1000) % 30000);
        spec.bands.push_back(values);
    }
    return spec;
}

Tile window(std::int64_t x, std::int64_t y, std::int64_t width, std::int64_t height) {
    Tile tile;
    tile.x = x;
    tile.y = y;
    tile.width = width;
    tile.height = height;
    return tile;
}

std::vector<double> band_window(const std::vector<double>& band, int width, const Tile& part) {
    std::vector<double> values;
    for (std::int64_t y = part.y; y < part.y + part.height; ++y)
        for (std::int64_t x = part.x; x < part.x + part.width; ++x) values.push_back(band[y * width + x]);
    return values;
}

GDALDriver& gtiff() { return *GetGDALDriverManager()->GetDriverByName("GTiff"); }

TEST(RasterCopy, CreateLikeMovesTheOriginAndKeepsTheDescription) {
    GDALAllRegister();
    ScratchDir dir;
    RasterSpec spec = numbered(40, 30, 2, GDT_UInt16);
    spec.nodata = {std::optional<double>(7.0), std::optional<double>(65535.0)};
    test::write_raster(dir.file("in.tif"), spec);
    {
        GDALDatasetUniquePtr source(GDALDataset::Open(dir.file("in.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        ASSERT_TRUE(source);
        source->GetRasterBand(2)->SetDescription("NIR");
        source->GetRasterBand(2)->SetColorInterpretation(GCI_BlueBand);
    }
    GDALDatasetUniquePtr source = open_raster(dir.file("in.tif"));
    GDALDatasetUniquePtr copy =
        create_like(gtiff(), dir.file("out.tif"), *source, window(10, 5, 20, 12), {2}, {"TILED=YES"});
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->GetRasterCount(), 1);
    EXPECT_EQ(copy->GetRasterXSize(), 20);
    EXPECT_EQ(copy->GetRasterYSize(), 12);
    EXPECT_EQ(copy->GetRasterBand(1)->GetRasterDataType(), GDT_UInt16);
    int has_nodata = FALSE;
    EXPECT_EQ(copy->GetRasterBand(1)->GetNoDataValue(&has_nodata), 65535.0);
    EXPECT_TRUE(has_nodata);
    EXPECT_STREQ(copy->GetRasterBand(1)->GetDescription(), "NIR");
    EXPECT_EQ(copy->GetRasterBand(1)->GetColorInterpretation(), GCI_BlueBand);
    std::array<double, 6> transform{};
    ASSERT_EQ(copy->GetGeoTransform(transform.data()), CE_None);
    EXPECT_EQ(transform[0], spec.geotransform[0] + 10 * spec.geotransform[1]);
    EXPECT_EQ(transform[3], spec.geotransform[3] + 5 * spec.geotransform[5]);
    ASSERT_NE(copy->GetSpatialRef(), nullptr);
    EXPECT_TRUE(copy->GetSpatialRef()->IsSame(source->GetSpatialRef()));
    int block_width = 0, block_height = 0;
    copy->GetRasterBand(1)->GetBlockSize(&block_width, &block_height);
    EXPECT_EQ(block_width, 256);  // the creation option reached the driver
}

TEST(RasterCopy, CreateLikeDeclinesCreateCopyOnlyFormats) {
    ScratchDir dir;
    test::write_raster(dir.file("in.tif"), numbered(8, 8, 1, GDT_Byte));
    GDALDatasetUniquePtr source = open_raster(dir.file("in.tif"));
    GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
    ASSERT_NE(cog, nullptr);
    EXPECT_FALSE(create_like(*cog, dir.file("out.tif"), *source, window(0, 0, 8, 8), {}, {}));
}

// Several targets side by side from one pass, in swaths far smaller than the
// rows copied, multi-band (dataset writes) and single-band (block writes).
TEST(RasterCopy, CopyRowsFillsEveryTargetExactly) {
    ScratchDir dir;
    const int width = 101, height = 77;
    for (int bands : {1, 3}) {
        const RasterSpec spec = numbered(width, height, bands, GDT_Int16);
        test::write_raster(dir.file("in.tif"), spec);
        GDALDatasetUniquePtr source = open_for_copy(dir.file("in.tif"));
        const std::vector<Tile> parts = {window(0, 10, 33, 50), window(33, 10, 40, 50), window(73, 10, 28, 50)};
        std::vector<GDALDatasetUniquePtr> outputs;
        std::vector<CopyTarget> targets;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            outputs.push_back(create_like(gtiff(), dir.file("part" + std::to_string(i) + ".tif"), *source, parts[i],
                                          {}, {}));
            targets.push_back({outputs.back().get(), parts[i].x, 0});
        }
        int calls = 0;
        copy_rows(*source, {}, 10, 50, targets, [&](double) { return ++calls > 0; }, 1000);
        EXPECT_GT(calls, 5);  // many swaths, progress after each
        outputs.clear();      // closes and flushes
        for (std::size_t i = 0; i < parts.size(); ++i)
            for (int b = 0; b < bands; ++b)
                EXPECT_EQ(test::read_band(dir.file("part" + std::to_string(i) + ".tif"), b + 1),
                          band_window(spec.bands[b], width, parts[i]))
                    << "part " << i << " band " << b + 1 << " of " << bands;
    }
}

TEST(RasterCopy, CopyRowsStopsWhenProgressSaysSo) {
    ScratchDir dir;
    test::write_raster(dir.file("in.tif"), numbered(50, 50, 1, GDT_Byte));
    GDALDatasetUniquePtr source = open_for_copy(dir.file("in.tif"));
    GDALDatasetUniquePtr out = create_like(gtiff(), dir.file("out.tif"), *source, window(0, 0, 50, 50), {}, {});
    int calls = 0;
    EXPECT_THROW(copy_rows(*source, {}, 0, 50, {{out.get(), 0, 0}}, [&](double) { return ++calls < 2; }, 100),
                 Cancelled);
    EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace tiledndvi
