// The NDVI: driver through the GDAL API: the dataset it presents, paths with
// colons, commas and quotes, the two-file form, every way GDAL reads it (large
// windows, blocks, resampled, any buffer type), thread counts, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <ogr_spatialref.h>

#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

namespace fs = std::filesystem;

const std::string sample_ndvi = "NDVI:red=3,nir=4:";

class NdviDriver : public ::testing::Test {
protected:
    void SetUp() override {
        load_plugin();
        run_cli_ndvi(test::sample_path(), reference_, 3, 4);
        expected_ = test::band_bytes(reference_);
    }
    ScratchDir scratch_;
    std::string reference_ = scratch_.file("cli.tif");
    std::vector<unsigned char> expected_;
};

TEST_F(NdviDriver, PresentsAGeoreferencedFloat32BandWithNanNoData) {
    OpenResult opened = open_quietly(sample_ndvi + test::sample_path());
    ASSERT_TRUE(opened.dataset) << opened.error;
    GDALDataset& ndvi = *opened.dataset;
    const test::RasterInfo sample = test::raster_info(test::sample_path());
    EXPECT_EQ(ndvi.GetRasterXSize(), sample.width);
    EXPECT_EQ(ndvi.GetRasterYSize(), sample.height);
    ASSERT_EQ(ndvi.GetRasterCount(), 1);
    EXPECT_STREQ(ndvi.GetDriver()->GetDescription(), "TiledNDVI");
    double geotransform[6];
    ASSERT_EQ(ndvi.GetGeoTransform(geotransform), CE_None);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(geotransform[i], sample.geotransform[i]);
    ASSERT_NE(ndvi.GetSpatialRef(), nullptr);
    OGRSpatialReference expected_srs;
    expected_srs.importFromWkt(sample.crs_wkt.c_str());
    EXPECT_TRUE(ndvi.GetSpatialRef()->IsSame(&expected_srs));
    GDALRasterBand* band = ndvi.GetRasterBand(1);
    EXPECT_EQ(band->GetRasterDataType(), GDT_Float32);
    EXPECT_STREQ(band->GetDescription(), "NDVI");
    int has_nodata = FALSE;
    EXPECT_TRUE(std::isnan(band->GetNoDataValue(&has_nodata)));
    EXPECT_TRUE(has_nodata);
    EXPECT_EQ(ndvi.GetAccess(), GA_ReadOnly);
}

TEST_F(NdviDriver, WholeReadsMatchTheCli) {
    const ReadResult read = read_band_as(sample_ndvi + test::sample_path());
    ASSERT_TRUE(read.ok) << read.error;
    EXPECT_EQ(describe_difference(read.bytes, expected_), "");
}

TEST_F(NdviDriver, BlockAndResampledReadsMatchTheCli) {
    OpenResult opened = open_quietly(sample_ndvi + test::sample_path());
    ASSERT_TRUE(opened.dataset) << opened.error;
    GDALRasterBand* band = opened.dataset->GetRasterBand(1);
    const int w = band->GetXSize(), h = band->GetYSize();
    int block_w = 0, block_h = 0;
    band->GetBlockSize(&block_w, &block_h);
    std::vector<float> block(static_cast<std::size_t>(block_w) * block_h);
    std::vector<unsigned char> values(expected_.size());
    for (int by = 0; by * block_h < h; ++by) {
        for (int bx = 0; bx * block_w < w; ++bx) {
            ASSERT_EQ(band->ReadBlock(bx, by, block.data()), CE_None);
            for (int y = by * block_h; y < std::min(h, (by + 1) * block_h); ++y)
                for (int x = bx * block_w; x < std::min(w, (bx + 1) * block_w); ++x)
                    std::memcpy(values.data() + (static_cast<std::size_t>(y) * w + x) * 4,
                                &block[static_cast<std::size_t>(y - by * block_h) * block_w + (x - bx * block_w)], 4);
        }
    }
    EXPECT_EQ(describe_difference(values, expected_), "") << "ReadBlock";

    // A half-size read (previews, overviews) resamples like GDAL does any band.
    GDALDatasetUniquePtr cli(GDALDataset::Open(reference_.c_str(), GDAL_OF_RASTER));
    std::vector<float> ours(static_cast<std::size_t>(w / 2) * (h / 2)), theirs(ours.size());
    ASSERT_EQ(band->RasterIO(GF_Read, 0, 0, w, h, ours.data(), w / 2, h / 2, GDT_Float32, 0, 0, nullptr), CE_None);
    ASSERT_EQ(
        cli->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, theirs.data(), w / 2, h / 2, GDT_Float32, 0, 0, nullptr),
        CE_None);
    EXPECT_EQ(std::memcmp(ours.data(), theirs.data(), ours.size() * 4), 0) << "half-size read";
}

TEST_F(NdviDriver, AnyBufferTypeAndSpacing) {
    OpenResult opened = open_quietly(sample_ndvi + test::sample_path());
    ASSERT_TRUE(opened.dataset) << opened.error;
    GDALRasterBand* band = opened.dataset->GetRasterBand(1);
    const int w = band->GetXSize(), h = band->GetYSize();
    const std::size_t count = static_cast<std::size_t>(w) * h;
    for (const GDALDataType type : {GDT_Float64, GDT_Int16, GDT_Byte, GDT_CFloat32}) {
        SCOPED_TRACE(GDALGetDataTypeName(type));
        const int size = GDALGetDataTypeSizeBytes(type);
        std::vector<unsigned char> expected(count * size);
        GDALCopyWords64(expected_.data(), GDT_Float32, 4, expected.data(), type, size, static_cast<GPtrDiff_t>(count));
        // Pixels 2 * size apart, as in an interleaved buffer.
        std::vector<unsigned char> buffer(count * 2 * size, 0xAB);
        ASSERT_EQ(band->RasterIO(GF_Read, 0, 0, w, h, buffer.data(), w, h, type, 2 * size,
                                 static_cast<GSpacing>(w) * 2 * size, nullptr),
                  CE_None);
        std::vector<unsigned char> values(count * size);
        for (std::size_t i = 0; i < count; ++i) {
            std::memcpy(values.data() + i * size, buffer.data() + i * 2 * size, size);
            for (int k = 0; k < size; ++k) ASSERT_EQ(buffer[i * 2 * size + size + k], 0xAB) << "pixel " << i;
        }
        EXPECT_EQ(describe_difference(values, expected, size), "");
    }
}

TEST_F(NdviDriver, AnyThreadCountAndWindowShapeGiveTheSameBits) {
    const std::string input = scratch_.file("large.tif");
    translate(test::sample_path(), input,
              {"-q", "-b", "3", "-b", "4", "-ot", "Int16", "-outsize", "400%", "400%", "-r", "nearest"});
    const std::string reference = scratch_.file("large_cli.tif");
    run_cli_ndvi(input, reference, 1, 2);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    // 1.97 million pixels in one request: the multi-threaded path.
    for (const char* threads : {"1", "2", "3"}) {
        SCOPED_TRACE(threads);
        CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", threads);
        const ReadResult read = read_band_as("NDVI:red=1,nir=2:" + input);
        CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", nullptr);
        ASSERT_TRUE(read.ok) << read.error;
        EXPECT_EQ(describe_difference(read.bytes, expected), "");
    }
    // Windows of odd shapes, one handle reused across calls (its reader pool).
    OpenResult opened = open_quietly("NDVI:red=1,nir=2:" + input);
    ASSERT_TRUE(opened.dataset) << opened.error;
    GDALRasterBand* band = opened.dataset->GetRasterBand(1);
    const int w = band->GetXSize(), h = band->GetYSize();
    std::vector<unsigned char> values(expected.size());
    for (int y = 0; y < h; y += 517) {
        for (int x = 0; x < w; x += 1001) {
            const int ww = std::min(1001, w - x), wh = std::min(517, h - y);
            ASSERT_EQ(band->RasterIO(GF_Read, x, y, ww, wh, values.data() + (static_cast<std::size_t>(y) * w + x) * 4,
                                     ww, wh, GDT_Float32, 4, static_cast<GSpacing>(w) * 4, nullptr),
                      CE_None);
        }
    }
    EXPECT_EQ(describe_difference(values, expected), "");
}

TEST_F(NdviDriver, ReadAheadServesTopToBottomSwathsAndSurvivesJumps) {
    const std::string input = scratch_.file("large.tif");
    translate(test::sample_path(), input,
              {"-q", "-b", "3", "-b", "4", "-ot", "Int16", "-outsize", "400%", "400%", "-r", "nearest"});
    const std::string reference = scratch_.file("large_cli.tif");
    run_cli_ndvi(input, reference, 1, 2);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    OpenResult opened = open_quietly("NDVI:red=1,nir=2:" + input);
    ASSERT_TRUE(opened.dataset) << opened.error;
    GDALRasterBand* band = opened.dataset->GetRasterBand(1);
    const int w = band->GetXSize(), h = band->GetYSize();
    const std::size_t row_bytes = static_cast<std::size_t>(w) * 4;
    auto check_rows = [&](int y, int rows, GDALDataType type = GDT_Float32) {
        SCOPED_TRACE("rows " + std::to_string(y) + "+" + std::to_string(rows));
        rows = std::min(rows, h - y);
        std::vector<float> buffer(static_cast<std::size_t>(w) * rows);
        if (type == GDT_Float32) {
            ASSERT_EQ(band->RasterIO(GF_Read, 0, y, w, rows, buffer.data(), w, rows, GDT_Float32, 0, 0, nullptr),
                      CE_None);
        } else {  // Float64 buffer: the same values widened
            std::vector<double> wide(buffer.size());
            ASSERT_EQ(band->RasterIO(GF_Read, 0, y, w, rows, wide.data(), w, rows, GDT_Float64, 0, 0, nullptr),
                      CE_None);
            GDALCopyWords64(wide.data(), GDT_Float64, 8, buffer.data(), GDT_Float32, 4,
                            static_cast<GPtrDiff_t>(wide.size()));
        }
        EXPECT_EQ(std::memcmp(buffer.data(), expected.data() + y * row_bytes, buffer.size() * 4), 0);
    };
    // Top to bottom in swaths (what gdal_translate does): each swath after the
    // first comes from the read-ahead.
    for (int y = 0; y < h; y += 100) check_rows(y, 100);
    // Jumps, a different height, a narrow window and another buffer type in
    // between: the pending swath is dropped, never served for the wrong rows.
    check_rows(0, 100);
    check_rows(100, 100);
    check_rows(700, 100);
    check_rows(200, 100);
    check_rows(300, 50);
    check_rows(350, 100, GDT_Float64);
    std::vector<float> narrow(10 * 10);
    ASSERT_EQ(band->RasterIO(GF_Read, 5, 450, 10, 10, narrow.data(), 10, 10, GDT_Float32, 0, 0, nullptr), CE_None);
    check_rows(450, 100);
    check_rows(550, 100);
    // The whole thing through gdal_translate's copy loop.
    const std::string copy = scratch_.file("translated.tif");
    translate("NDVI:red=1,nir=2:" + input, copy, {"-q"});
    EXPECT_EQ(describe_difference(test::band_bytes(copy), expected), "");
}

TEST_F(NdviDriver, PathsWithColonsCommasAndQuotes) {
    const fs::path folder = fs::path(scratch_.path()) / "scenes, \"2024\": L7";
    fs::create_directories(folder);
    const std::string copy = (folder / "L7,ETMs:1.tif").string();
    fs::copy_file(test::sample_path(), copy);
    const ReadResult read = read_band_as(sample_ndvi + copy);
    ASSERT_TRUE(read.ok) << read.error;
    EXPECT_EQ(describe_difference(read.bytes, expected_), "") << "one file";

    // A zip with a comma in its name, read through /vsizip/.
    const std::string zip = (folder / "scenes,v1.zip").string();
    {
        VSILFILE* out = VSIFOpenL(("/vsizip/" + zip + "/L7_ETMs.tif").c_str(), "wb");
        ASSERT_NE(out, nullptr);
        const std::vector<unsigned char> bytes = test::file_bytes(test::sample_path());
        ASSERT_EQ(VSIFWriteL(bytes.data(), 1, bytes.size(), out), bytes.size());
        VSIFCloseL(out);
    }
    const ReadResult zipped = read_band_as(sample_ndvi + "/vsizip/" + zip + "/L7_ETMs.tif");
    ASSERT_TRUE(zipped.ok) << zipped.error;
    EXPECT_EQ(describe_difference(zipped.bytes, expected_), "") << "/vsizip/";
}

TEST_F(NdviDriver, RedAndNirInTwoFiles) {
    const fs::path folder = fs::path(scratch_.path()) / "q\"uote,x:y";
    fs::create_directories(folder);
    const std::string red = (folder / "B3.tif").string(), nir = (folder / "B4,nir:.tif").string();
    translate(test::sample_path(), red, {"-q", "-b", "3"});
    translate(test::sample_path(), nir, {"-q", "-b", "4"});
    const std::string reference = scratch_.file("two_files_cli.tif");
    run_cli_ndvi(red, reference, 1, 1, nir);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    EXPECT_EQ(describe_difference(expected, expected_), "");  // the same NDVI as from one file

    std::string quoted;  // nir_file="...", with \" and \\ escaped
    for (char c : nir) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    for (const std::string& text :
         {"NDVI:nir_file=\"" + quoted + "\":" + red, "NDVI:red=1,nir=1,nir_file=\"" + quoted + "\":" + red}) {
        SCOPED_TRACE(text);
        const ReadResult read = read_band_as(text);
        ASSERT_TRUE(read.ok) << read.error;
        EXPECT_EQ(describe_difference(read.bytes, expected), "");
    }
}

TEST_F(NdviDriver, ErrorsNameTheProblem) {
    const std::string sample = test::sample_path();
    const std::string one_band = scratch_.file("one_band.tif");
    translate(sample, one_band, {"-q", "-b", "3"});
    const std::string other_grid = scratch_.file("other_grid.tif");
    translate(sample, other_grid, {"-q", "-b", "4", "-srcwin", "0", "0", "100", "100"});
    const std::string syntax = "expected NDVI:red=<band>,nir=<band>[,nir_file=\"<path>\"]:<path>";
    const std::vector<std::pair<std::string, std::vector<std::string>>> rows = {
        {"NDVI:", {"missing ':' between the options and the path", syntax}},
        {"NDVI:red=3,nir=4", {"missing ':'", syntax}},
        {"NDVI:red=3,nir=4:", {"the path after the options is empty", syntax}},
        {"NDVI:red=x,nir=4:" + sample, {"red band must be a band number (1, 2, ...), not 'x'", syntax}},
        {"NDVI:green=2:" + sample, {"unknown option 'green'", syntax}},
        {"NDVI:nir_file=\"b.tif:" + sample, {"unterminated quote", syntax}},
        {"NDVI:red=7,nir=4:" + sample, {"red band 7 does not exist: " + sample + " has 6 bands"}},
        {"NDVI:red=3,nir=4:/nonexistent/scene.tif", {"input file does not exist: /nonexistent/scene.tif"}},
        {"NDVI:red=3,nir=4:" + scratch_.path(), {"is a directory, not a raster"}},
        {"NDVI::" + one_band,
         {"NIR band 4 does not exist", "the bands default to red=3,nir=4", "name them: NDVI:red=<band>,nir=<band>"}},
        {"NDVI:nir_file=" + other_grid + ":" + one_band, {"grids do not match: sizes differ (349x352 vs 100x100)"}},
    };
    for (const auto& [text, parts] : rows) {
        SCOPED_TRACE(text);
        const OpenResult opened = open_quietly(text);
        EXPECT_FALSE(opened.dataset);
        EXPECT_EQ(opened.error_type, CE_Failure);
        for (const std::string& part : parts) EXPECT_NE(opened.error.find(part), std::string::npos) << opened.error;
    }
    const OpenResult update = open_quietly(sample_ndvi + sample, GDAL_OF_RASTER | GDAL_OF_UPDATE);
    EXPECT_FALSE(update.dataset);
    EXPECT_NE(update.error.find("read-only"), std::string::npos) << update.error;
}

}  // namespace
}  // namespace tiledndvi::plugin_test
