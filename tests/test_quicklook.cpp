// tiledndvi quicklook and ndvi --style on real files: the PNG's geometry, its
// colours at known pixels read back with GDAL, the colour bar, errors that
// leave nothing behind, and the QGIS style loaded by PyQGIS.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

#include "test_support.h"

namespace {

using namespace tiledndvi::test;

const double nan = std::numeric_limits<double>::quiet_NaN();

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void expect_one_line_error(const CommandResult& result, int exit_code, const std::string& message) {
    EXPECT_EQ(result.exit_code, exit_code) << result.err;
    EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
    EXPECT_TRUE(contains(result.err, message)) << result.err;
    // Usage errors add the "Try ... --help" hint as a second line.
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), exit_code == 2 ? 2 : 1) << result.err;
}

struct Rgba {
    int red = 0, green = 0, blue = 0, alpha = 0;
    bool operator==(const Rgba& other) const {
        return red == other.red && green == other.green && blue == other.blue && alpha == other.alpha;
    }
};

std::ostream& operator<<(std::ostream& out, const Rgba& colour) {
    return out << "rgba(" << colour.red << "," << colour.green << "," << colour.blue << "," << colour.alpha << ")";
}

Rgba opaque(unsigned hex) { return {int(hex >> 16 & 0xff), int(hex >> 8 & 0xff), int(hex & 0xff), 255}; }
const Rgba transparent{0, 0, 0, 0};
const Rgba white = opaque(0xffffff);
const Rgba ink = opaque(0x222222);

// A PNG read back through GDAL: size, driver, and RGBA of every pixel.
struct Picture {
    int width = 0, height = 0, bands = 0;
    std::string driver;
    std::vector<std::uint8_t> rgba;
    Rgba at(int x, int y) const {
        const std::uint8_t* p = &rgba[(static_cast<std::size_t>(y) * width + x) * 4];
        return {p[0], p[1], p[2], p[3]};
    }
};

Picture read_picture(const std::string& path) {
    if (GDALGetDriverCount() == 0) GDALAllRegister();
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!dataset) throw std::runtime_error("cannot open " + path);
    Picture picture;
    picture.width = dataset->GetRasterXSize();
    picture.height = dataset->GetRasterYSize();
    picture.bands = dataset->GetRasterCount();
    picture.driver = dataset->GetDriver()->GetDescription();
    if (picture.bands != 4) return picture;
    picture.rgba.resize(static_cast<std::size_t>(picture.width) * picture.height * 4);
    if (dataset->RasterIO(GF_Read, 0, 0, picture.width, picture.height, picture.rgba.data(), picture.width,
                          picture.height, GDT_Byte, 4, nullptr, 4, std::int64_t(4) * picture.width, 1,
                          nullptr) != CE_None)
        throw std::runtime_error("cannot read " + path);
    return picture;
}

// A one-band Float32 NDVI raster made of vertical stripes, `stripe` columns each.
void write_stripes(const std::string& path, const std::vector<double>& values, int stripe, int height,
                   std::optional<double> nodata) {
    RasterSpec spec;
    spec.type = GDT_Float32;
    spec.width = stripe * static_cast<int>(values.size());
    spec.height = height;
    spec.nodata = {nodata};
    spec.bands.assign(1, std::vector<double>(static_cast<std::size_t>(spec.width) * height));
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < spec.width; ++x) spec.bands[0][static_cast<std::size_t>(y) * spec.width + x] = values[x / stripe];
    write_raster(path, spec);
}

void write_constant(const std::string& path, int width, int height, double value) {
    write_stripes(path, {value}, width, height, std::nullopt);
}

// NDVI values and the exact colour each must get on the default -1..1 range.
struct KnownColour {
    double ndvi;
    Rgba colour;
};
const std::vector<KnownColour> known_colours = {
    {-1.0, opaque(0xffffe5)},    // low end
    {0.0, opaque(0x78c679)},     // middle stop
    {1.0, opaque(0x004529)},     // high end
    {nan, transparent},          // NaN is NoData
    {-9999.0, transparent},      // the band's NoData value
    {0.5, opaque(0x238443)},     // stop 6 of 8
    {0.0625, {106, 191, 114, 255}},  // a quarter from #78c679 to #41ab5d: 120-55/4, 198-27/4, 121-28/4 rounded
    {2.0, opaque(0x004529)},     // beyond the range: clamped
    {-3.0, opaque(0xffffe5)},
};

std::vector<double> known_values() {
    std::vector<double> values;
    for (const KnownColour& known : known_colours) values.push_back(known.ndvi);
    return values;
}

// Every map pixel of stripe i has known_colours[i].colour.
void expect_stripes(const Picture& picture, int map_stripe, int map_height) {
    for (std::size_t i = 0; i < known_colours.size(); ++i)
        for (int y = 0; y < map_height; ++y)
            for (int x = static_cast<int>(i) * map_stripe; x < static_cast<int>(i + 1) * map_stripe; ++x)
                ASSERT_EQ(picture.at(x, y), known_colours[i].colour)
                    << "NDVI " << known_colours[i].ndvi << " at map pixel " << x << "," << y;
}

TEST(Quicklook, PngGeometryFollowsSizeAndAspect) {
    // Map W x H (longer side --size), colour bar 40 * s high (s = size / 320 in 1..4),
    // PNG max(W, 160 * s) wide, the map centred when the bar is wider.
    struct Row {
        int raster_width, raster_height;
        std::vector<std::string> size_args;
        int map_width, map_height, png_width, png_height;
    };
    const std::vector<Row> rows = {
        {40, 20, {"--size", "200"}, 200, 100, 200, 140},
        {20, 40, {"--size", "400"}, 200, 400, 200, 440},
        {30, 30, {}, 1024, 1024, 1024, 1144},           // default 1024, s = 3
        {10, 40, {"--size", "200"}, 50, 200, 160, 240},  // bar wider than the map
        {300, 200, {"--size", "90"}, 90, 60, 160, 100},  // shrunk (average), bar wider
        {100, 30, {"--size", "2048"}, 2048, 614, 2048, 774},  // 614.4 rounds down; s = 4
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(std::to_string(row.raster_width) + "x" + std::to_string(row.raster_height));
        ScratchDir dir;
        write_constant(dir.file("ndvi.tif"), row.raster_width, row.raster_height, 1.0);
        std::vector<std::string> args = {"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "-q"};
        args.insert(args.end(), row.size_args.begin(), row.size_args.end());
        const CommandResult result = run_cli(args);
        ASSERT_EQ(result.exit_code, 0) << result.err;
        const Picture picture = read_picture(dir.file("out.png"));
        EXPECT_EQ(picture.driver, "PNG");
        ASSERT_EQ(picture.bands, 4);
        ASSERT_EQ(picture.width, row.png_width);
        ASSERT_EQ(picture.height, row.png_height);
        // The map: exactly map_width x map_height dark-green pixels at the top, centred.
        const int left = (row.png_width - row.map_width) / 2;
        int map_pixels = 0;
        for (int y = 0; y < picture.height; ++y)
            for (int x = 0; x < picture.width; ++x)
                if (picture.at(x, y) == opaque(0x004529) && y < row.map_height) ++map_pixels;
        EXPECT_EQ(map_pixels, row.map_width * row.map_height);
        EXPECT_EQ(picture.at(left, 0), opaque(0x004529));
        EXPECT_EQ(picture.at(left + row.map_width - 1, row.map_height - 1), opaque(0x004529));
        if (left > 0) {
            EXPECT_EQ(picture.at(left - 1, 0).alpha, 0);
            EXPECT_EQ(picture.at(left + row.map_width, row.map_height - 1).alpha, 0);
        }
        // The colour bar starts right under the map with its white background.
        EXPECT_EQ(picture.at(0, row.map_height), white);
        EXPECT_EQ(picture.at(picture.width - 1, picture.height - 1), white);
    }
}

TEST(Quicklook, ColoursFollowTheRampAtKnownPixels) {
    // Enlarged 2x: nearest, every map pixel one raster pixel.
    ScratchDir dir;
    write_stripes(dir.file("ndvi.tif"), known_values(), 10, 10, -9999.0);
    const CommandResult result =
        run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "--size", "180", "-q"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const Picture picture = read_picture(dir.file("out.png"));
    ASSERT_EQ(picture.width, 180);
    ASSERT_EQ(picture.height, 20 + 40);
    expect_stripes(picture, 20, 20);
}

TEST(Quicklook, ShrinkingKeepsKnownColoursAndNoData) {
    // Shrunk 4x: GDAL's average over windows that each hold one value; NoData
    // numeric or NaN, the NaN stripe transparent in both files.
    for (const std::optional<double> nodata : {std::optional<double>(-9999.0), std::optional<double>(nan)}) {
        SCOPED_TRACE(std::isnan(*nodata) ? "NoData NaN" : "NoData -9999");
        ScratchDir dir;
        write_stripes(dir.file("ndvi.tif"), known_values(), 40, 40, nodata);
        const CommandResult result =
            run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "--size", "90", "-q"});
        ASSERT_EQ(result.exit_code, 0) << result.err;
        const Picture picture = read_picture(dir.file("out.png"));
        ASSERT_EQ(picture.width, 160);  // the colour bar's minimum; the 90-pixel map is centred
        ASSERT_EQ(picture.height, 10 + 40);
        const int left = (160 - 90) / 2;
        const bool nan_nodata = std::isnan(*nodata);
        for (std::size_t i = 0; i < known_colours.size(); ++i) {
            // -9999 is an ordinary value (clamped to the low end) when NoData is NaN.
            const Rgba expected =
                known_colours[i].ndvi == -9999.0 && nan_nodata ? opaque(0xffffe5) : known_colours[i].colour;
            for (int y = 0; y < 10; ++y)
                for (int x = 0; x < 10; ++x)
                    ASSERT_EQ(picture.at(left + static_cast<int>(i) * 10 + x, y), expected)
                        << "NDVI " << known_colours[i].ndvi;
        }
    }
}

TEST(Quicklook, NoDataEdgeKeepsKnownColoursWhenShrinking) {
    // A window half NaN (NoData NaN) and half 1 averages to 1, not to NoData.
    ScratchDir dir;
    RasterSpec spec;
    spec.type = GDT_Float32;
    spec.width = 64;
    spec.height = 32;
    spec.nodata = {nan};
    spec.bands.assign(1, std::vector<double>(64 * 32, 1.0));
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 64; x += 2) spec.bands[0][y * 64 + x] = nan;  // every other column
    write_raster(dir.file("ndvi.tif"), spec);
    ASSERT_EQ(run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "--size", "32", "-q"}).exit_code, 0);
    const Picture picture = read_picture(dir.file("out.png"));
    const int left = (picture.width - 32) / 2;
    for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 32; ++x) ASSERT_EQ(picture.at(left + x, y), opaque(0x004529)) << x << "," << y;
}

TEST(Quicklook, RangeDataUsesTheBandsMinimumAndMaximum) {
    ScratchDir dir;
    // Data from 0 to 0.5, with NaN and NoData pixels that must not count.
    write_stripes(dir.file("ndvi.tif"), {0.0, 0.25, 0.5, nan, -9999.0}, 10, 10, -9999.0);
    const auto render = [&](const std::string& name, std::vector<std::string> extra) {
        std::vector<std::string> args = {"quicklook", dir.file("ndvi.tif"), dir.file(name), "--size", "250", "-q"};
        args.insert(args.end(), extra.begin(), extra.end());
        const CommandResult result = run_cli(args);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return read_picture(dir.file(name));
    };
    const Picture fixed = render("fixed.png", {});
    const Picture data = render("data.png", {"--range", "data"});
    const Picture explicit_range = render("explicit.png", {"--range", "0,0.5"});
    const Picture explicit_default = render("default.png", {"--range", "-1,1"});
    const int x0 = 25, x1 = 75, x2 = 125, x_nan = 175, x_nodata = 225, y = 12;  // stripe centres (50 px each)
    EXPECT_EQ(fixed.at(x0, y), opaque(0x78c679));
    EXPECT_EQ(fixed.at(x1, y), opaque(0x41ab5d));  // 0.25 is stop 5 of 8 on -1..1
    EXPECT_EQ(fixed.at(x2, y), opaque(0x238443));
    EXPECT_EQ(data.at(x0, y), opaque(0xffffe5));
    EXPECT_EQ(data.at(x1, y), opaque(0x78c679));
    EXPECT_EQ(data.at(x2, y), opaque(0x004529));
    EXPECT_EQ(data.at(x_nan, y).alpha, 0);
    EXPECT_EQ(data.at(x_nodata, y).alpha, 0);
    EXPECT_EQ(data.rgba, explicit_range.rgba);
    EXPECT_EQ(fixed.rgba, explicit_default.rgba);
    EXPECT_NE(fixed.rgba, data.rgba);
}

TEST(Quicklook, ColourBarShowsTheRampTitleAndLabels) {
    struct Row {
        std::string size;
        int map_height, scale;
    };
    for (const Row& row : {Row{"200", 100, 1}, Row{"1024", 512, 3}}) {
        SCOPED_TRACE("--size " + row.size);
        ScratchDir dir;
        write_constant(dir.file("ndvi.tif"), 40, 20, nan);  // all NoData: the map is fully transparent
        ASSERT_EQ(run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "--size", row.size, "-q"}).exit_code,
                  0);
        const Picture picture = read_picture(dir.file("out.png"));
        const int s = row.scale, top = row.map_height;
        ASSERT_EQ(picture.height, top + 40 * s);
        for (int y = 0; y < top; ++y)
            for (int x = 0; x < picture.width; ++x) ASSERT_EQ(picture.at(x, y).alpha, 0);
        // The bar: rows 14s .. 24s-1 of the strip, from 8s to width - 8s - 1, framed in ink.
        const int bar_y = top + 19 * s, left = 8 * s, right = picture.width - 8 * s - 1;
        EXPECT_EQ(picture.at(left, bar_y), opaque(0xffffe5));
        EXPECT_EQ(picture.at(right, bar_y), opaque(0x004529));
        EXPECT_EQ(picture.at(left - 1, bar_y), ink);
        EXPECT_EQ(picture.at(right + 1, bar_y), ink);
        // Darker from left to right: every channel of every YlGn stop falls.
        for (int x = left + 1; x <= right; ++x) {
            const Rgba here = picture.at(x, bar_y), before = picture.at(x - 1, bar_y);
            ASSERT_LE(here.red, before.red) << x;
            ASSERT_LE(here.green, before.green) << x;
            ASSERT_LE(here.blue, before.blue) << x;
        }
        EXPECT_EQ(picture.at(left / 2, top + 2 * s), white);
        // Text: the title centred in rows 4s..11s-1, labels at the left, middle and right in rows 29s..36s-1.
        const auto ink_columns = [&](int first_row, int last_row) {
            std::vector<int> columns;
            for (int x = 0; x < picture.width; ++x)
                for (int y = top + first_row * s; y < top + last_row * s; ++y)
                    if (picture.at(x, y) == ink) {
                        columns.push_back(x);
                        break;
                    }
            return columns;
        };
        const std::vector<int> title = ink_columns(4, 11);
        ASSERT_FALSE(title.empty());
        EXPECT_EQ(title.back() - title.front() + 1, 22 * s);  // "NDVI": 4 glyphs of 5, 3 gaps, I one column narrow
        EXPECT_EQ(title.front(), (picture.width - 23 * s) / 2);  // centred: the text box is 23 units wide
        const std::vector<int> labels = ink_columns(29, 36);
        ASSERT_FALSE(labels.empty());
        EXPECT_EQ(labels.front(), left);   // "-1" starts at the bar's left end
        EXPECT_EQ(labels.back(), right - s);  // "1" ends at the right end (its glyph's last column is blank)
        EXPECT_TRUE(std::any_of(labels.begin(), labels.end(),
                                [&](int x) { return std::abs(x - picture.width / 2) <= 3 * s; }));  // "0"
    }
}

TEST(Quicklook, BandOption) {
    ScratchDir dir;
    RasterSpec spec;
    spec.type = GDT_Float32;
    spec.width = spec.height = 20;
    spec.bands = {std::vector<double>(400, -1.0), std::vector<double>(400, 1.0)};
    write_raster(dir.file("two.tif"), spec);
    ASSERT_EQ(run_cli({"quicklook", dir.file("two.tif"), dir.file("one.png"), "--size", "160", "-q"}).exit_code, 0);
    ASSERT_EQ(run_cli({"quicklook", dir.file("two.tif"), dir.file("two.png"), "--size", "160", "--band", "2", "-q"})
                  .exit_code,
              0);
    EXPECT_EQ(read_picture(dir.file("one.png")).at(80, 80), opaque(0xffffe5));
    EXPECT_EQ(read_picture(dir.file("two.png")).at(80, 80), opaque(0x004529));
    expect_one_line_error(run_cli({"quicklook", dir.file("two.tif"), dir.file("three.png"), "--band", "3"}), 1,
                          "band 3 does not exist: " + dir.file("two.tif") + " has 2 bands");
}

TEST(Quicklook, QuietPrintsNothingElseProgressAndSummary) {
    ScratchDir dir;
    write_constant(dir.file("ndvi.tif"), 30, 20, 0.3);
    const CommandResult quiet = run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("q.png"), "-q"});
    ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(quiet.out, "");
    EXPECT_EQ(quiet.err, "");
    const CommandResult loud = run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("l.png"), "--size", "300"});
    ASSERT_EQ(loud.exit_code, 0) << loud.err;
    EXPECT_EQ(loud.err, "");
    EXPECT_TRUE(contains(loud.out, "100 - done.")) << loud.out;
    EXPECT_TRUE(contains(loud.out, "wrote " + dir.file("l.png") + ": 300 x 240 pixels, map 300 x 200")) << loud.out;
    const CommandResult help = run_cli({"quicklook", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(contains(help.out, "--range -1,1|data|MIN,MAX")) << help.out;
}

TEST(Quicklook, UnwritablePathGivesOneLineAndNoFile) {
    ScratchDir dir;
    write_constant(dir.file("ndvi.tif"), 30, 20, 0.3);
    // /proc is not writable, even for root (for whom access() says it is).
    const CommandResult proc = run_cli({"quicklook", dir.file("ndvi.tif"), "/proc/x.png"});
    expect_one_line_error(proc, 1, "output directory is not writable: /proc");
    EXPECT_EQ(proc.out, "");  // refused before any progress bar
    VSIStatBufL stat;
    EXPECT_NE(VSIStatL("/proc/x.png", &stat), 0);

    const CommandResult missing = run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("missing/x.png")});
    expect_one_line_error(missing, 1, "output directory does not exist: " + dir.file("missing"));
    EXPECT_NE(VSIStatL(dir.file("missing").c_str(), &stat), 0);

    ASSERT_EQ(run_command("mkdir " + dir.file("folder.png")).exit_code, 0);
    expect_one_line_error(run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("folder.png"), "--overwrite"}), 1,
                          "output is a directory: " + dir.file("folder.png"));
    std::vector<std::string> entries = dir.entries();
    std::sort(entries.begin(), entries.end());
    EXPECT_EQ(entries, (std::vector<std::string>{"folder.png", "ndvi.tif"}));  // no temporary file left
}

TEST(Quicklook, ExistingPngNeedsOverwrite) {
    ScratchDir dir;
    write_constant(dir.file("ndvi.tif"), 30, 20, 0.3);
    ASSERT_EQ(run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "-q"}).exit_code, 0);
    const std::vector<unsigned char> before = file_bytes(dir.file("out.png"));
    const CommandResult refused =
        run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "--range", "data", "-q"});
    expect_one_line_error(refused, 1, "output already exists: " + dir.file("out.png"));
    EXPECT_EQ(file_bytes(dir.file("out.png")), before);

    const CommandResult replaced =
        run_cli({"quicklook", dir.file("ndvi.tif"), dir.file("out.png"), "--range", "data", "--overwrite", "-q"});
    ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
    EXPECT_NE(file_bytes(dir.file("out.png")), before);
    EXPECT_EQ(read_picture(dir.file("out.png")).at(10, 10), opaque(0x78c679));  // constant: the middle colour
    std::vector<std::string> entries = dir.entries();
    std::sort(entries.begin(), entries.end());
    EXPECT_EQ(entries, (std::vector<std::string>{"ndvi.tif", "out.png"}));  // no temporary or side-car file
}

TEST(Quicklook, BadInputAndUsage) {
    ScratchDir dir;
    write_constant(dir.file("ndvi.tif"), 30, 20, 0.3);
    write_constant(dir.file("empty.tif"), 30, 20, nan);
    const std::string in = dir.file("ndvi.tif"), out = dir.file("out.png");
    struct Row {
        std::vector<std::string> args;
        int exit_code;
        std::string message;
    };
    const std::vector<Row> rows = {
        {{"quicklook", in, out, "--size", "0"}, 2, "--size must be between 16 and 8192, not 0"},
        {{"quicklook", in, out, "--size", "9000"}, 2, "--size must be between 16 and 8192"},
        {{"quicklook", in, out, "--size"}, 2, "--size needs a value"},
        {{"quicklook", in, out, "--range", "1,0"}, 2, "--range needs MIN < MAX, not '1,0'"},
        {{"quicklook", in, out, "--range", "low"}, 2, "--range expects -1,1, data or MIN,MAX, not 'low'"},
        {{"quicklook", in, out, "--range", "0,1,2"}, 2, "--range expects"},
        {{"quicklook", in, out, "--range", "0,x"}, 2, "--range expects a number, not 'x'"},
        {{"quicklook", in, out, "--colour", "red"}, 2, "unknown option --colour"},
        {{"quicklook", in}, 2, "expected NDVI and OUT.png, got 1 file name(s)"},
        {{"quicklook", in, dir.file("out.tif")}, 2, "OUT.png must end in .png"},
        {{"quicklook", dir.file("nope.tif"), out}, 1, "input file does not exist: " + dir.file("nope.tif")},
        {{"quicklook", dir.file("empty.tif"), out, "--range", "data"}, 1, "--range data: no valid pixels"},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.message);
        expect_one_line_error(run_cli(row.args), row.exit_code, row.message);
    }
    std::vector<std::string> entries = dir.entries();
    std::sort(entries.begin(), entries.end());
    EXPECT_EQ(entries, (std::vector<std::string>{"empty.tif", "ndvi.tif"}));
}

// --- ndvi --style: the .qml loaded by QGIS 3.22 itself (PyQGIS) ---

const char* const pyqgis_probe = R"(import os, sys
from qgis.core import QgsApplication, QgsRasterLayer
app = QgsApplication([], False)
app.initQgis()
raster, style = sys.argv[1], sys.argv[2]
opened = QgsRasterLayer(raster, "opened")  # picks up NAME.qml beside NAME.tif by itself
layer = QgsRasterLayer(raster, "styled")
message, ok = layer.loadNamedStyle(style)
renderer = layer.renderer()
print("valid=%d" % layer.isValid())
print("loaded=%d" % ok)
print("type=%s" % renderer.type())
print("opened_type=%s" % opened.renderer().type())
if renderer.type() == "singlebandpseudocolor":
    shader = renderer.shader().rasterShaderFunction()
    print("items=" + " ".join("%g:%s:%d" % (i.value, i.color.name(), i.color.alpha()) for i in shader.colorRampItemList()))
    print("range=%g:%g" % (shader.minimumValue(), shader.maximumValue()))
    block = renderer.block(1, layer.extent(), layer.width(), layer.height())
    print("pixels=" + " ".join("#%08x" % block.color(0, x) for x in range(layer.width())))
sys.stdout.flush()
del renderer, layer, opened
app.exitQgis()
)";

std::string field(const std::string& output, const std::string& key) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    return "<no " + key + ">";
}

CommandResult run_pyqgis(const ScratchDir& dir, const std::string& raster, const std::string& style) {
    {
        std::ofstream(dir.file("probe.py")) << pyqgis_probe;
    }
    // HOME and QGIS_CUSTOM_CONFIG_PATH in scratch: QGIS writes its profile there, not in the user's home.
    const std::string command = "mkdir -p " + dir.file("home") + " " + dir.file("qgis-config") + " " +
                                dir.file("runtime") + " && chmod 700 " + dir.file("runtime") + " && HOME=" +
                                dir.file("home") + " QGIS_CUSTOM_CONFIG_PATH=" + dir.file("qgis-config") +
                                " XDG_RUNTIME_DIR=" + dir.file("runtime") +
                                " QT_QPA_PLATFORM=offscreen /usr/bin/python3 " + dir.file("probe.py") + " " + raster +
                                " " + style;
    return run_command(command);
}

// Red band 3 and NIR band 4 giving NDVI -1, 0, 1, NoData (0 + 0), 0.5.
void write_four_band_scene(const std::string& path) {
    RasterSpec spec;
    spec.width = 5;
    spec.height = 1;
    spec.type = GDT_Int16;
    spec.bands = {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {100, 50, 0, 0, 30}, {0, 50, 100, 0, 90}};
    write_raster(path, spec);
}

TEST(Quicklook, NdviStyleLoadsInQgis) {
    ScratchDir dir;
    write_four_band_scene(dir.file("scene.tif"));
    {
        std::ofstream stale(dir.file("out.qml"));  // an older style is replaced
        stale << "stale";
    }
    const CommandResult ndvi =
        run_cli({"ndvi", dir.file("scene.tif"), dir.file("out.tif"), "--style", "-q"});
    ASSERT_EQ(ndvi.exit_code, 0) << ndvi.err;
    EXPECT_EQ(ndvi.out, "");

    const CommandResult qgis = run_pyqgis(dir, dir.file("out.tif"), dir.file("out.qml"));
    ASSERT_EQ(qgis.exit_code, 0) << qgis.out << qgis.err;
    EXPECT_EQ(field(qgis.out, "valid"), "1") << qgis.out << qgis.err;
    EXPECT_EQ(field(qgis.out, "loaded"), "1");
    EXPECT_EQ(field(qgis.out, "type"), "singlebandpseudocolor");
    EXPECT_EQ(field(qgis.out, "opened_type"), "singlebandpseudocolor");
    EXPECT_EQ(field(qgis.out, "items"),
              "-1:#ffffe5:255 -0.75:#f7fcb9:255 -0.5:#d9f0a3:255 -0.25:#addd8e:255 0:#78c679:255 "
              "0.25:#41ab5d:255 0.5:#238443:255 0.75:#006837:255 1:#004529:255");
    EXPECT_EQ(field(qgis.out, "range"), "-1:1");
    // As QGIS draws it (ARGB): the ramp's colours, NoData fully transparent.
    EXPECT_EQ(field(qgis.out, "pixels"), "#ffffffe5 #ff78c679 #ff004529 #00000000 #ff238443");
}

TEST(Quicklook, NdviWithoutStyleWritesNoQml) {
    ScratchDir dir;
    write_four_band_scene(dir.file("scene.tif"));
    ASSERT_EQ(run_cli({"ndvi", dir.file("scene.tif"), dir.file("out.tif"), "-q"}).exit_code, 0);
    std::vector<std::string> entries = dir.entries();
    std::sort(entries.begin(), entries.end());
    EXPECT_EQ(entries, (std::vector<std::string>{"out.tif", "scene.tif"}));
    const CommandResult help = run_cli({"ndvi", "--help"});
    EXPECT_TRUE(contains(help.out, "--style")) << help.out;
}

}  // namespace
