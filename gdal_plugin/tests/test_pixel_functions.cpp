// The VRT pixel functions through GDAL's VRT driver: output buffer types and
// spacing, the output NoData, thread counts and concurrent handles, and clear
// errors for malformed VRTs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include <cpl_conv.h>

#include "pixel_functions.h"
#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

VrtSpec sample_vrt() { return ndvi_vrt_for(test::sample_path(), 3, 4); }

// A 9x upsampled Int16 copy (3141 x 3168, 10 million pixels): whole-band reads
// take the functions' multi-threaded path.
std::string large_input(const ScratchDir& scratch) {
    const std::string path = scratch.file("large.tif");
    translate(test::sample_path(), path,
              {"-q", "-b", "3", "-b", "4", "-ot", "Int16", "-outsize", "900%", "900%", "-r", "nearest"});
    EXPECT_GE(static_cast<long long>(test::raster_info(path).width) * test::raster_info(path).height,
              gdal_plugin::parallel_threshold_pixels);
    return path;
}

std::vector<double> sample_band(int band) { return test::read_band(test::sample_path(), band); }

TEST(PixelFunction, Float64BuffersGetTheDoubleFormula) {
    const std::vector<double> red = sample_band(3), nir = sample_band(4);
    const ReadResult read = read_band_as(vrt_xml(sample_vrt()), GDT_Float64);
    ASSERT_TRUE(read.ok) << read.error;
    ASSERT_EQ(read.bytes.size(), red.size() * 8);
    std::size_t nodata = 0;
    for (std::size_t i = 0; i < red.size(); ++i) {
        double value;
        std::memcpy(&value, read.bytes.data() + i * 8, 8);
        const double sum = nir[i] + red[i];
        if (sum == 0) {
            ++nodata;
            ASSERT_TRUE(std::isnan(value)) << "pixel " << i;
        } else {
            ASSERT_EQ(value, (nir[i] - red[i]) / sum) << "pixel " << i;  // exactly, not rounded to float
        }
    }
    EXPECT_LT(nodata, red.size());
}

TEST(PixelFunction, IntegerBuffersGetTheRoundedDouble) {
    const std::vector<double> red = sample_band(3), nir = sample_band(4);
    VrtSpec spec = sample_vrt();
    spec.nodata = "-9999";  // representable in Int16, so NoData pixels read as -9999
    for (const GDALDataType type : {GDT_Int16, GDT_Byte}) {
        SCOPED_TRACE(GDALGetDataTypeName(type));
        const ReadResult read = read_band_as(vrt_xml(spec), type);
        ASSERT_TRUE(read.ok) << read.error;
        std::vector<double> formula(red.size());
        for (std::size_t i = 0; i < red.size(); ++i)
            formula[i] = nir[i] + red[i] == 0 ? -9999 : (nir[i] - red[i]) / (nir[i] + red[i]);
        std::vector<unsigned char> expected(read.bytes.size());
        GDALCopyWords64(formula.data(), GDT_Float64, 8, expected.data(), type, GDALGetDataTypeSizeBytes(type),
                        static_cast<GPtrDiff_t>(formula.size()));
        EXPECT_EQ(describe_difference(read.bytes, expected, GDALGetDataTypeSizeBytes(type)), "");
    }
}

TEST(PixelFunction, PixelAndLineSpacingAreHonoured) {
    ScratchDir scratch;
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(test::sample_path(), reference, 3, 4);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    OpenResult opened = open_quietly(vrt_xml(sample_vrt()));
    ASSERT_TRUE(opened.dataset) << opened.error;
    const int w = opened.dataset->GetRasterXSize(), h = opened.dataset->GetRasterYSize();
    // Every other float of each line, lines padded by 3 floats: all else untouched.
    const float sentinel = 12345.0f;
    const int line_floats = 2 * w + 3;
    std::vector<float> buffer(static_cast<std::size_t>(line_floats) * h, sentinel);
    ASSERT_EQ(opened.dataset->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, w, h, buffer.data(), w, h, GDT_Float32, 8,
                                                         static_cast<GSpacing>(line_floats) * 4, nullptr),
              CE_None);
    std::vector<unsigned char> values(expected.size());
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < line_floats; ++x) {
            const float v = buffer[static_cast<std::size_t>(y) * line_floats + x];
            if (x % 2 == 0 && x / 2 < w)
                std::memcpy(values.data() + (static_cast<std::size_t>(y) * w + x / 2) * 4, &v, 4);
            else
                ASSERT_EQ(v, sentinel) << "wrote outside its pixels at line " << y << " column " << x;
        }
    }
    EXPECT_EQ(describe_difference(values, expected), "");
}

TEST(PixelFunction, OutputNoDataIsTheBandsNoDataValue) {
    ScratchDir scratch;
    const std::string reference = scratch.file("cli.tif");
    const CommandResult cli = test::run_cli({"ndvi", test::sample_path(), reference, "--dst-nodata", "-9999", "-q"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    VrtSpec spec = sample_vrt();
    spec.nodata = "-9999";
    const ReadResult read = read_band_as(vrt_xml(spec));
    ASSERT_TRUE(read.ok) << read.error;
    EXPECT_EQ(describe_difference(read.bytes, test::band_bytes(reference)), "");
    EXPECT_EQ(count_nan(read.bytes), 0u);
}

TEST(PixelFunction, BandWithoutNoDataValue) {
    // GDAL 3.6 refuses to call a function declaring the builtin NoData argument
    // on a band without <NoDataValue>, with its own message; GDAL versions that
    // honour optional='true' call it, and NoData pixels are then NaN.
    ScratchDir scratch;
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(test::sample_path(), reference, 3, 4);
    VrtSpec spec = sample_vrt();
    spec.nodata.reset();
    const ReadResult read = read_band_as(vrt_xml(spec));
    if (read.ok)
        EXPECT_EQ(describe_difference(read.bytes, test::band_bytes(reference)), "");
    else
        EXPECT_NE(read.error.find("Raster has no NoData"), std::string::npos) << read.error;
    if (GDAL_VERSION_NUM < GDAL_COMPUTE_VERSION(3, 7, 0)) EXPECT_FALSE(read.ok);
}

TEST(PixelFunction, SourceNoDataArgumentsMakeNoData) {
    // 0 in red or NIR (declared per source) is NoData, like a file declaring it.
    ScratchDir scratch;
    const std::string input = scratch.file("nodata.tif");
    translate(test::sample_path(), input, {"-q", "-b", "3", "-b", "4", "-a_nodata", "60"});
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(input, reference, 1, 2);
    VrtSpec spec = sample_vrt();  // the sample itself declares no NoData
    spec.arguments = {{"red_nodata", "60"}, {"nir_nodata", "60"}};
    const ReadResult read = read_band_as(vrt_xml(spec));
    ASSERT_TRUE(read.ok) << read.error;
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    EXPECT_EQ(describe_difference(read.bytes, expected), "");
    EXPECT_GT(count_nan(read.bytes), count_nan(read_band_as(vrt_xml(sample_vrt())).bytes));
}

TEST(PixelFunction, AnyThreadCountGivesTheSameBits) {
    ScratchDir scratch;
    const std::string input = large_input(scratch);
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(input, reference, 1, 2);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    const std::string xml = vrt_xml(ndvi_vrt_for(input, 1, 2));
    for (const char* threads : {"1", "2", "3", "ALL_CPUS"}) {
        SCOPED_TRACE(threads);
        CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", threads);
        const ReadResult read = read_band_as(xml);
        CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", nullptr);
        ASSERT_TRUE(read.ok) << read.error;
        EXPECT_EQ(describe_difference(read.bytes, expected), "");
    }
}

TEST(PixelFunction, TwoThreadsOnSeparateHandlesGiveIdenticalResults) {
    ScratchDir scratch;
    const std::string input = large_input(scratch);
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(input, reference, 1, 2);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    const std::string xml = vrt_xml(ndvi_vrt_for(input, 1, 2));
    load_plugin();
    std::vector<unsigned char> results[2];
    std::string errors[2];
    auto work = [&](int i) {
        // Several whole reads and block-sized reads per thread, interleaved
        // with the other thread's calls into the same pixel function.
        for (int repeat = 0; repeat < 3; ++repeat) {
            ReadResult read = read_band_as(xml);
            if (!read.ok) errors[i] = read.error;
            if (repeat == 0)
                results[i] = read.bytes;
            else if (read.bytes != results[i])
                errors[i] = "results differ between repeats";
        }
    };
    std::thread first(work, 0), second(work, 1);
    first.join();
    second.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    EXPECT_EQ(describe_difference(results[0], expected), "");
    EXPECT_EQ(describe_difference(results[1], expected), "");
}

TEST(PixelFunction, SmallBlockReadsGiveTheSameBits) {
    // gdalinfo -stats style: many 128x128 calls, each on the calling thread only.
    ScratchDir scratch;
    const std::string reference = scratch.file("cli.tif");
    run_cli_ndvi(test::sample_path(), reference, 3, 4);
    const std::vector<unsigned char> expected = test::band_bytes(reference);
    OpenResult opened = open_quietly(vrt_xml(sample_vrt()));
    ASSERT_TRUE(opened.dataset) << opened.error;
    const int w = opened.dataset->GetRasterXSize(), h = opened.dataset->GetRasterYSize();
    std::vector<unsigned char> values(expected.size());
    for (int y = 0; y < h; y += 128) {
        for (int x = 0; x < w; x += 128) {
            const int bw = std::min(128, w - x), bh = std::min(128, h - y);
            ASSERT_EQ(opened.dataset->GetRasterBand(1)->RasterIO(
                          GF_Read, x, y, bw, bh, values.data() + (static_cast<std::size_t>(y) * w + x) * 4, bw, bh,
                          GDT_Float32, 4, static_cast<GSpacing>(w) * 4, nullptr),
                      CE_None);
        }
    }
    EXPECT_EQ(describe_difference(values, expected), "");
}

// One change to a good VRT each, and the error it must give.
struct MalformedVrt {
    const char* what;
    const char* function;
    std::vector<std::pair<std::string, std::string>> arguments;
    int sources;                // bands 3, 4, 5 of the sample, in that order
    const char* transfer_type;  // <SourceTransferType>
    const char* error;
};

TEST(PixelFunction, MalformedVrtsGiveClearErrors) {
    // clang-format off
    const std::vector<MalformedVrt> rows = {
        {"unknown argument", "ndvi", {{"foo", "1"}}, 2, "Byte",
         "ndvi: unknown pixel function argument 'foo' (known: red_nodata, nir_nodata"},
        {"argument not a number", "ndvi", {{"red_nodata", "abc"}}, 2, "Byte",
         "ndvi: argument red_nodata must be a number, not 'abc'"},
        {"argument with trailing text", "ndvi", {{"nir_nodata", "5 apples"}}, 2, "Byte",
         "ndvi: argument nir_nodata must be a number, not '5 apples'"},
        {"ndvi arguments on normalized_difference", "normalized_difference", {{"red_nodata", "0"}}, 2, "Byte",
         "normalized_difference: unknown pixel function argument 'red_nodata' (known: a_nodata, b_nodata"},
        {"one source", "ndvi", {}, 1, "Byte",
         "ndvi: needs exactly 2 sources (red, then NIR), but the VRT band has 1"},
        {"three sources", "normalized_difference", {}, 3, "Byte",
         "normalized_difference: needs exactly 2 sources (A, then B), but the VRT band has 3"},
        {"complex transfer type", "ndvi", {}, 2, "CFloat32",
         "ndvi: sources of type CFloat32 are not supported; set <SourceTransferType>"},
    };
    // clang-format on
    for (const MalformedVrt& row : rows) {
        SCOPED_TRACE(row.what);
        VrtSpec spec = sample_vrt();
        spec.function = row.function;
        spec.arguments = row.arguments;
        spec.sources.clear();
        for (int band = 3; band < 3 + row.sources; ++band) spec.sources.emplace_back(test::sample_path(), band);
        spec.transfer_type = row.transfer_type;
        const ReadResult read = read_band_as(vrt_xml(spec));
        EXPECT_FALSE(read.ok);
        EXPECT_NE(read.error.find(row.error), std::string::npos) << read.error;
    }
}

}  // namespace
}  // namespace tiledndvi::plugin_test
