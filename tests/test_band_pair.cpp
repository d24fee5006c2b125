// Validation at the edge: bands that exist, supported types, one shared grid.
#include <gtest/gtest.h>

#include "test_support.h"
#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"

namespace {

using namespace tiledndvi;
using namespace tiledndvi::test;

RasterSpec small_raster(int bands = 1, GDALDataType type = GDT_Int16) {
    RasterSpec spec;
    spec.width = 4;
    spec.height = 3;
    spec.type = type;
    spec.bands.assign(bands, std::vector<double>(12, 10.0));
    return spec;
}

std::string error_of(const BandSpec& a, const BandSpec& b) {
    try {
        open_band_pair(a, b);
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

TEST(BandPair, SampleBandsOpen) {
    const BandPair pair = open_band_pair({sample_path(), 4, "NIR"}, {sample_path(), 3, "red"});
    EXPECT_EQ(pair.grid.width, 349);
    EXPECT_EQ(pair.grid.height, 352);
    EXPECT_TRUE(pair.grid.has_geotransform);
    EXPECT_FALSE(pair.grid.crs_wkt.empty());
    EXPECT_TRUE(pair.same_file());
    EXPECT_EQ(pair.working_type, GDT_Byte);
}

TEST(BandPair, MissingBandNamesTheFileAndCount) {
    EXPECT_EQ(error_of({sample_path(), 4, "NIR"}, {sample_path(), 7, "red"}),
              "red band 7 does not exist: " + sample_path() + " has 6 bands");
    EXPECT_EQ(error_of({sample_path(), 0, "NIR"}, {sample_path(), 3, "red"}),
              "NIR band 0 does not exist: " + sample_path() + " has 6 bands");
}

TEST(BandPair, MissingFileAndNotARaster) {
    ScratchDir dir;
    EXPECT_EQ(error_of({dir.file("nope.tif"), 1, "NIR"}, {sample_path(), 3, "red"}),
              "input file does not exist: " + dir.file("nope.tif"));
    const std::string text = dir.file("notes.txt");
    FILE* f = std::fopen(text.c_str(), "w");
    std::fputs("not a raster\n", f);
    std::fclose(f);
    EXPECT_NE(error_of({text, 1, "NIR"}, {sample_path(), 3, "red"}).find("cannot open " + text + " as a raster"),
              std::string::npos);
}

TEST(BandPair, GridsMustMatch) {
    ScratchDir dir;
    write_raster(dir.file("a.tif"), small_raster());
    RasterSpec other_size = small_raster();
    other_size.width = 5;
    other_size.bands.assign(1, std::vector<double>(15, 1.0));
    write_raster(dir.file("size.tif"), other_size);
    RasterSpec shifted = small_raster();
    shifted.geotransform[0] += 30;
    write_raster(dir.file("shifted.tif"), shifted);
    RasterSpec other_crs = small_raster();
    other_crs.epsg = 4326;
    write_raster(dir.file("crs.tif"), other_crs);

    const BandSpec a{dir.file("a.tif"), 1, "NIR"};
    EXPECT_NE(error_of(a, {dir.file("size.tif"), 1, "red"}).find("sizes differ (5x3 vs 4x3)"), std::string::npos);
    EXPECT_NE(error_of(a, {dir.file("shifted.tif"), 1, "red"}).find("geotransforms differ"), std::string::npos);
    EXPECT_NE(error_of(a, {dir.file("crs.tif"), 1, "red"}).find("CRSs differ"), std::string::npos);
    EXPECT_EQ(error_of(a, {dir.file("a.tif"), 1, "red"}), "");
}

TEST(BandPair, DifferentTypesAreReadAsFloat64) {
    ScratchDir dir;
    write_raster(dir.file("u16.tif"), small_raster(1, GDT_UInt16));
    write_raster(dir.file("f32.tif"), small_raster(1, GDT_Float32));
    const BandPair pair = open_band_pair({dir.file("u16.tif"), 1, "NIR"}, {dir.file("f32.tif"), 1, "red"});
    EXPECT_EQ(pair.working_type, GDT_Float64);
}

TEST(BandPair, ComplexBandsAreRefused) {
    ScratchDir dir;
    write_raster(dir.file("c.tif"), small_raster(2, GDT_CInt16));
    EXPECT_NE(error_of({dir.file("c.tif"), 2, "NIR"}, {dir.file("c.tif"), 1, "red"}).find("CInt16"),
              std::string::npos);
}

}  // namespace
