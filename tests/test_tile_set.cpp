// Tile sets: `tiledndvi ndvi INPUT FOLDER/ --tiles CxR` split among N tasks
// (by --task-index/--task-count or a SLURM array's variables), resumed, and
// merged back: the union of the tasks' tiles, merged, is the single-process
// NDVI bit for bit. The real program on real files.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "test_support.h"

namespace {

using namespace tiledndvi::test;
namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string shell_quoted(const std::string& arg) {
    std::string text = "'";
    for (char c : arg) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return text + "'";
}

// Runs the CLI with extra environment variables (a SLURM task's, say).
CommandResult run_cli_with(const std::vector<std::string>& environment, const std::vector<std::string>& args) {
    std::string line = "env";
    for (const std::string& variable : environment) line += " " + shell_quoted(variable);
    line += " " + shell_quoted(TILEDNDVI_CLI);
    for (const std::string& arg : args) line += " " + shell_quoted(arg);
    return run_command(line);
}

void expect_one_line_error(const CommandResult& result, const std::string& message) {
    EXPECT_GT(result.exit_code, 0);
    EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
    const std::string first_line = result.err.substr(0, result.err.find('\n'));
    EXPECT_TRUE(contains(first_line, message)) << "expected '" << message << "' in: " << result.err;
}

std::set<std::string> tile_files(const std::string& folder) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename();
        if (name.rfind("NDVI_tile_", 0) == 0) names.insert(name);
    }
    return names;
}

std::string tile_name(int row, int column) {
    return "NDVI_tile_" + std::to_string(row) + "_" + std::to_string(column) + ".tif";
}

class TileSet : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        reference_dir_ = new ScratchDir;
        const CommandResult result = run_cli({"ndvi", sample_path(), reference(), "-q"});
        ASSERT_EQ(result.exit_code, 0) << result.err;
    }
    static void TearDownTestSuite() { delete reference_dir_; }
    static std::string reference() { return reference_dir_->file("reference.tif"); }

    // Merges `folder` and checks the mosaic is the single-process NDVI, bit for bit.
    // `exact`: the geotransform to the last bit (formats storing it as text,
    // such as ENVI, to a millionth of a pixel).
    void expect_merges_to_reference(const std::string& folder, const std::string& format = "GTiff",
                                    bool exact = true) {
        const std::string merged = dir_.file("merged_" + std::to_string(merges_++) + (format == "VRT" ? ".vrt" : ".tif"));
        const CommandResult merge = run_cli({"merge", merged, folder, "-of", format, "-q"});
        ASSERT_EQ(merge.exit_code, 0) << merge.err;
        EXPECT_EQ(merge.err, "") << "no gap or overlap expected";
        const RasterInfo got = raster_info(merged), want = raster_info(reference());
        EXPECT_EQ(got.width, want.width);
        EXPECT_EQ(got.height, want.height);
        if (exact) {
            EXPECT_EQ(got.geotransform, want.geotransform);
        }
        for (int i = 0; i < 6; ++i) EXPECT_NEAR(got.geotransform[i], want.geotransform[i], 1e-6 * want.geotransform[1]);
        EXPECT_EQ(got.crs_wkt, want.crs_wkt);
        EXPECT_EQ(got.type, want.type);
        EXPECT_EQ(band_bytes(merged), band_bytes(reference()));
    }

    ScratchDir dir_;
    int merges_ = 0;
    static ScratchDir* reference_dir_;
};

ScratchDir* TileSet::reference_dir_ = nullptr;

TEST_F(TileSet, UnionOfTheTasksMergesToTheSingleProcessResult) {
    // 16 tiles over 1, 2, 3 and 5 tasks, and more tasks (20) than tiles;
    // layouts that divide the 349 x 352 sample unevenly.
    for (const auto& [layout_flag, layout] : std::vector<std::pair<std::string, std::string>>{
             {"--tiles", "4x4"}, {"--tile-size", "100x37"}}) {
        for (const int tasks : {1, 2, 3, 5, 20}) {
            SCOPED_TRACE(layout + ", " + std::to_string(tasks) + " tasks");
            const std::string folder = dir_.file("set_" + layout + "_" + std::to_string(tasks));
            std::set<std::string> seen;
            for (int task = 0; task < tasks; ++task) {
                const std::set<std::string> before = tile_files(fs::exists(folder) ? folder : dir_.path());
                const CommandResult run = run_cli({"ndvi", sample_path(), folder + "/", layout_flag, layout,
                                                   "--task-index", std::to_string(task), "--task-count",
                                                   std::to_string(tasks), "--threads", "2", "-q"});
                ASSERT_EQ(run.exit_code, 0) << run.err;
                const std::set<std::string> after = tile_files(folder);
                for (const std::string& name : after)
                    if (!before.count(name)) {
                        EXPECT_TRUE(seen.insert(name).second) << name << " written twice";
                    }
            }
            expect_merges_to_reference(folder);
            expect_merges_to_reference(folder, "VRT");
        }
    }
}

// As a job array starts them: all tasks at once, into a folder none has made.
TEST_F(TileSet, TasksStartedTogetherShareOneNewFolder) {
    for (int round = 0; round < 8; ++round) {  // the race is narrow: many rounds
        const std::string folder = dir_.file("together" + std::to_string(round));
        std::string line;
        for (int task = 0; task < 16; ++task) {
            line += shell_quoted(TILEDNDVI_CLI) + " ndvi " + shell_quoted(sample_path()) + " " + shell_quoted(folder + "/") +
                    " --tiles 4x4 --threads 1 -q --task-index " + std::to_string(task) + " --task-count 16 & ";
        }
        line += "status=0; for job in $(jobs -p); do wait $job || status=1; done; exit $status";
        const CommandResult run = run_command("bash -c " + shell_quoted(line));
        ASSERT_EQ(run.exit_code, 0) << run.err;
        EXPECT_EQ(run.err, "");
        EXPECT_EQ(tile_files(folder).size(), 16u);
        expect_merges_to_reference(folder);
    }
}

// Rows of tiles are computed on all threads into several files at once; each
// file still gets its windows in one order: the same bytes for any threads.
TEST_F(TileSet, SameFileBytesForAnyThreadCount) {
    std::map<std::string, std::vector<unsigned char>> first;
    for (const std::string threads : {"1", "2", "5"}) {
        const std::string folder = dir_.file("threads" + threads);
        const CommandResult run = run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "3x2", "--threads", threads,
                                           "--task-index", "1", "--task-count", "2", "-q"});
        ASSERT_EQ(run.exit_code, 0) << run.err;
        for (const std::string& name : tile_files(folder)) {
            const std::vector<unsigned char> bytes = file_bytes(folder + "/" + name);
            if (threads == "1") first[name] = bytes;
            else EXPECT_EQ(bytes, first[name]) << name << " with " << threads << " threads";
        }
    }
    EXPECT_EQ(first.size(), 3u);
}

TEST_F(TileSet, EachTaskWritesExactlyItsContiguousRun) {
    // 4x4 tiles, 3 tasks: tiles 0-4, 5-9, 10-15 in row-major order.
    const std::vector<std::vector<std::string>> expected = {
        {tile_name(0, 0), tile_name(0, 1), tile_name(0, 2), tile_name(0, 3), tile_name(1, 0)},
        {tile_name(1, 1), tile_name(1, 2), tile_name(1, 3), tile_name(2, 0), tile_name(2, 1)},
        {tile_name(2, 2), tile_name(2, 3), tile_name(3, 0), tile_name(3, 1), tile_name(3, 2), tile_name(3, 3)}};
    for (int task = 0; task < 3; ++task) {
        const std::string folder = dir_.file("task" + std::to_string(task));
        const CommandResult run = run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "--task-index",
                                           std::to_string(task), "--task-count", "3"});
        ASSERT_EQ(run.exit_code, 0) << run.err;
        const std::set<std::string> want(expected[task].begin(), expected[task].end());
        EXPECT_EQ(tile_files(folder), want) << "task " << task;
        EXPECT_TRUE(fs::exists(folder + "/tiledndvi_tiles.json"));
        EXPECT_TRUE(contains(run.out, "task " + std::to_string(task) + " of 3")) << run.out;
    }
}

TEST_F(TileSet, SameFilesAsTileThenNdviOnTheFolder) {
    const CommandResult tile = run_cli({"tile", sample_path(), dir_.file("tiles"), "--tiles", "3x2", "-q"});
    ASSERT_EQ(tile.exit_code, 0) << tile.err;
    const CommandResult folder = run_cli({"ndvi", dir_.file("tiles"), dir_.file("two_step"), "-q"});
    ASSERT_EQ(folder.exit_code, 0) << folder.err;
    const CommandResult set = run_cli({"ndvi", sample_path(), dir_.file("set/"), "--tiles", "3x2", "-q"});
    ASSERT_EQ(set.exit_code, 0) << set.err;
    ASSERT_EQ(tile_files(dir_.file("set")), tile_files(dir_.file("two_step")));
    for (const std::string& name : tile_files(dir_.file("set"))) {
        const RasterInfo a = raster_info(dir_.file("set/" + name)), b = raster_info(dir_.file("two_step/" + name));
        EXPECT_EQ(a.geotransform, b.geotransform) << name;
        EXPECT_EQ(band_bytes(dir_.file("set/" + name)), band_bytes(dir_.file("two_step/" + name))) << name;
    }
}

// Formats other than GeoTIFF: COG (CreateCopy only; its driver names its
// extension only in DMD_EXTENSIONS) and ENVI (no extension, a .hdr side-car).
TEST_F(TileSet, OtherFormatsNameTheirTilesAndResume) {
    for (const auto& [format, first_tile] : std::vector<std::pair<std::string, std::string>>{
             {"COG", "NDVI_tile_0_0.tif"}, {"ENVI", "NDVI_tile_0_0"}}) {
        SCOPED_TRACE(format);
        const std::string folder = dir_.file("set_" + format);
        const std::vector<std::string> args = {"ndvi", sample_path(), folder + "/", "--tiles", "2x2", "-of", format,
                                               "-q"};
        ASSERT_EQ(run_cli(args).exit_code, 0);
        EXPECT_TRUE(fs::exists(folder + "/" + first_tile));
        std::vector<std::string> resume = args;
        resume.back() = "--resume";
        const CommandResult resumed = run_cli(resume);
        ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
        EXPECT_TRUE(contains(resumed.out, "4 already complete")) << resumed.out;
        expect_merges_to_reference(folder, "GTiff", format != "ENVI");
    }
    EXPECT_TRUE(fs::exists(dir_.file("set_ENVI/NDVI_tile_1_1.hdr")));
}

// A row of tiles is written into all its files at once: a wide row goes in
// parts that fit the process's limit on open files.
TEST_F(TileSet, AWideRowFitsTheOpenFileLimit) {
    const std::string folder = dir_.file("wide");
    const CommandResult run = run_command("ulimit -n 64; exec " + shell_quoted(TILEDNDVI_CLI) + " ndvi " +
                                          shell_quoted(sample_path()) + " " + shell_quoted(folder + "/") +
                                          " --tiles 60x2 -q");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(tile_files(folder).size(), 120u);
    expect_merges_to_reference(folder);
}

TEST_F(TileSet, SlurmArrayVariablesChooseTheShare) {
    const std::string folder = dir_.file("slurm");
    // --array=10-14:2 (tasks 10, 12, 14): index (ID - MIN) / STEP of COUNT.
    for (const int id : {10, 12, 14}) {
        const CommandResult run = run_cli_with(
            {"SLURM_ARRAY_TASK_ID=" + std::to_string(id), "SLURM_ARRAY_TASK_MIN=10", "SLURM_ARRAY_TASK_MAX=14",
             "SLURM_ARRAY_TASK_STEP=2", "SLURM_ARRAY_TASK_COUNT=3"},
            {"ndvi", sample_path(), folder + "/", "--tiles", "4x4"});
        ASSERT_EQ(run.exit_code, 0) << run.err;
        EXPECT_TRUE(contains(run.out, "task " + std::to_string((id - 10) / 2) + " of 3 (SLURM_ARRAY_TASK_ID)"))
            << run.out;
        if (id == 10) {
            EXPECT_EQ(tile_files(folder).size(), 5u);  // the same share as --task-index 0
        }
    }
    EXPECT_EQ(tile_files(folder).size(), 16u);
    expect_merges_to_reference(folder);

    // -q silences the progress bar, not the share SLURM chose (the job log shows it).
    const CommandResult quiet = run_cli_with(
        {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_MAX=1", "SLURM_ARRAY_TASK_COUNT=2"},
        {"ndvi", sample_path(), dir_.file("quiet/"), "--tiles", "4x4", "-q"});
    ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(quiet.out, "task 1 of 2 (SLURM_ARRAY_TASK_ID): tiles 8..15 of 16 (4x4)\n");

    // Given indices win over SLURM's.
    const CommandResult given = run_cli_with(
        {"SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_MAX=1", "SLURM_ARRAY_TASK_COUNT=2"},
        {"ndvi", sample_path(), dir_.file("given/"), "--tiles", "4x4", "--task-index", "1", "--task-count", "4"});
    ASSERT_EQ(given.exit_code, 0) << given.err;
    EXPECT_TRUE(contains(given.out, "task 1 of 4 (--task-index)")) << given.out;
    EXPECT_EQ(tile_files(dir_.file("given")), (std::set<std::string>{tile_name(1, 0), tile_name(1, 1), tile_name(1, 2),
                                                                     tile_name(1, 3)}));

    // A list of indices (--array=1,4,9) maps onto no range of tasks.
    const CommandResult list = run_cli_with(
        {"SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=9", "SLURM_ARRAY_TASK_COUNT=3"},
        {"ndvi", sample_path(), dir_.file("list/"), "--tiles", "4x4"});
    expect_one_line_error(list, "the SLURM array's indices are not one range");
    EXPECT_FALSE(fs::exists(dir_.file("list")));

    // One file, not a tile set: a SLURM array over many inputs is left alone.
    const CommandResult single = run_cli_with(
        {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_MAX=3", "SLURM_ARRAY_TASK_COUNT=4"},
        {"ndvi", sample_path(), dir_.file("single.tif"), "-q"});
    ASSERT_EQ(single.exit_code, 0) << single.err;
    EXPECT_EQ(band_bytes(dir_.file("single.tif")), band_bytes(reference()));
}

TEST_F(TileSet, ResumeKeepsCompleteTilesAndRedoesMissingOnes) {
    const std::string folder = dir_.file("resume");
    const std::vector<std::string> args = {"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "-q"};
    ASSERT_EQ(run_cli(args).exit_code, 0);
    const auto kept_time = fs::last_write_time(folder + "/" + tile_name(0, 0));
    fs::remove(folder + "/" + tile_name(2, 3));
    fs::remove(folder + "/" + tile_name(3, 3));

    // Without --resume an existing tile is never replaced by surprise.
    expect_one_line_error(run_cli(args), "output already exists: " + folder + "/" + tile_name(0, 0));
    EXPECT_FALSE(fs::exists(folder + "/" + tile_name(2, 3)));

    std::vector<std::string> resume = args;
    resume.back() = "--resume";
    const CommandResult resumed = run_cli(resume);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(contains(resumed.out, "14 already complete")) << resumed.out;
    EXPECT_TRUE(contains(resumed.out, "wrote 2 NDVI tile(s)")) << resumed.out;
    EXPECT_EQ(fs::last_write_time(folder + "/" + tile_name(0, 0)), kept_time);
    expect_merges_to_reference(folder);
}

TEST_F(TileSet, ResumeRefusesAFileThatIsNotThisSetsTile) {
    const std::string folder = dir_.file("foreign");
    ASSERT_EQ(run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "-q"}).exit_code, 0);
    // Another tile's file under this tile's name: right type, wrong place.
    fs::copy_file(folder + "/" + tile_name(0, 1), folder + "/" + tile_name(1, 1), fs::copy_options::overwrite_existing);
    // Not a raster at all.
    std::ofstream(folder + "/" + tile_name(3, 3)) << "not a raster";
    const std::vector<unsigned char> foreign = file_bytes(folder + "/" + tile_name(1, 1));

    const CommandResult refused =
        run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "--resume", "-q"});
    expect_one_line_error(refused, folder + "/" + tile_name(1, 1) + " is not tile 1,1 of this set: it lies elsewhere");
    EXPECT_EQ(file_bytes(folder + "/" + tile_name(1, 1)), foreign) << "refused, so untouched";

    const CommandResult replaced =
        run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "--resume", "--overwrite", "-q"});
    ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
    expect_merges_to_reference(folder);
}

TEST_F(TileSet, AStaleTemporaryIsNeverTakenForATile) {
    const std::string folder = dir_.file("stale");
    ASSERT_EQ(run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "2x2", "--task-index", "0", "--task-count",
                       "2", "-q"})
                  .exit_code,
              0);
    // What a task killed while writing tile 1,0 leaves: a hidden staged copy
    // (here even a complete raster), and no NDVI_tile_1_0.tif.
    // A process id above pid_max: provably no live process.
    std::ifstream pid_max_file("/proc/sys/kernel/pid_max");
    long pid_max = 4194304;
    pid_max_file >> pid_max;
    const std::string stale = folder + "/.NDVI_tile_1_0.tiledndvi-tmp-" + std::to_string(pid_max + 1) + "-0.tif";
    fs::copy_file(folder + "/" + tile_name(0, 0), stale);
    const CommandResult merge = run_cli({"merge", dir_.file("early.tif"), folder, "-q"});
    expect_one_line_error(merge, "2 of 4 tiles missing: " + tile_name(1, 0) + ", " + tile_name(1, 1));
    EXPECT_FALSE(fs::exists(dir_.file("early.tif")));

    const CommandResult rest = run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "2x2", "--task-index", "1",
                                        "--task-count", "2", "--resume", "-q"});
    ASSERT_EQ(rest.exit_code, 0) << rest.err;
    EXPECT_FALSE(fs::exists(stale)) << "a dead run's leftover";
    expect_merges_to_reference(folder);
}

// A crash can make a renamed tile reach the disk before its data: --resume
// recomputes a tile that does not read, rather than keeping or refusing it.
TEST_F(TileSet, ResumeRecomputesATileThatDoesNotRead) {
    const std::string folder = dir_.file("broken");
    ASSERT_EQ(run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "2x2", "-q"}).exit_code, 0);
    fs::resize_file(folder + "/" + tile_name(0, 1), fs::file_size(folder + "/" + tile_name(0, 1)) / 2);
    std::ofstream(folder + "/" + tile_name(1, 1), std::ios::trunc);  // empty
    const CommandResult resumed = run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "2x2", "--resume"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_TRUE(contains(resumed.out, "2 already complete")) << resumed.out;
    EXPECT_TRUE(contains(resumed.out, "recomputing the unreadable tile " + tile_name(0, 1) + ": its last row does not read"))
        << resumed.out;
    EXPECT_TRUE(contains(resumed.out, "recomputing the unreadable tile " + tile_name(1, 1) + ": it does not open"))
        << resumed.out;
    expect_merges_to_reference(folder);
}

// The same name and grid but another version of the input: not the same set.
TEST_F(TileSet, ResumeWithAnUpdatedInputIsRefused) {
    const std::string input = dir_.file("scene.tif");
    fs::copy_file(sample_path(), input);
    const std::string folder = dir_.file("updated");
    ASSERT_EQ(run_cli({"ndvi", input, folder + "/", "--tiles", "2x2", "--task-index", "0", "--task-count", "2", "-q"})
                  .exit_code,
              0);
    fs::last_write_time(input, fs::last_write_time(input) + std::chrono::hours(1));  // rewritten since
    const CommandResult resumed = run_cli({"ndvi", input, folder + "/", "--tiles", "2x2", "--resume", "-q"});
    expect_one_line_error(resumed, "holds another tile set: its tiledndvi_tiles.json has input_identity");
    EXPECT_EQ(tile_files(folder).size(), 2u);
}

TEST_F(TileSet, StyleBesideEveryTile) {
    const std::string folder = dir_.file("styled");
    ASSERT_EQ(run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "2x1", "--style", "-q"}).exit_code, 0);
    for (const std::string& tile : {tile_name(0, 0), tile_name(0, 1)}) {
        const std::string style = folder + "/" + tile.substr(0, tile.size() - 4) + ".qml";
        ASSERT_TRUE(fs::exists(style)) << style;
        std::ifstream in(style);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        EXPECT_TRUE(contains(text, "<qgis")) << text.substr(0, 200);
    }
    expect_merges_to_reference(folder);  // the styles are not taken for tiles
}

TEST_F(TileSet, AFolderHoldingAnotherSetIsRefused) {
    const std::string folder = dir_.file("other");
    ASSERT_EQ(run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "-q"}).exit_code, 0);
    const std::set<std::string> before = tile_files(folder);
    expect_one_line_error(run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "2x2", "--resume", "-q"}),
                          "holds another tile set: its tiledndvi_tiles.json has columns 4, this run 2");
    expect_one_line_error(
        run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "--red", "1", "--resume", "-q"}),
        "has red_band 3, this run 1");
    expect_one_line_error(
        run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "-ot", "Float64", "--resume", "-q"}),
        "has type \"Float32\", this run \"Float64\"");
    EXPECT_EQ(tile_files(folder), before);
}

TEST_F(TileSet, MisuseIsRefusedBeforeAnyWork) {
    const std::string s = sample_path();
    const struct {
        std::vector<std::string> args;
        std::string message;
    } cases[] = {
        {{"ndvi", s, dir_.file("a/"), "--tiles", "4x4", "--task-index", "1"}, "give --task-index and --task-count together"},
        {{"ndvi", s, dir_.file("a/"), "--tiles", "4x4", "--task-index", "3", "--task-count", "3"},
         "--task-index 3 is outside 0..2"},
        {{"ndvi", s, dir_.file("a/"), "--tiles", "4x4", "--task-count", "0", "--task-index", "0"},
         "--task-count must be"},
        {{"ndvi", s, dir_.file("a.tif"), "--task-index", "0", "--task-count", "2"},
         "write a tile set: OUTPUT must be a folder"},
        {{"ndvi", s, dir_.file("a.tif"), "--resume"}, "write a tile set: OUTPUT must be a folder"},
        {{"ndvi", s, dir_.file("a/")}, "is a folder: give the tile set's layout"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.message);
        const CommandResult result = run_cli(c.args);
        EXPECT_EQ(result.exit_code, 2) << result.err;
        expect_one_line_error(result, c.message);
    }
    EXPECT_TRUE(dir_.entries().empty()) << dir_.entries().front();
}

TEST_F(TileSet, MergeListsTheMissingTiles) {
    const std::string folder = dir_.file("partial");
    for (const int task : {0, 2})
        ASSERT_EQ(run_cli({"ndvi", sample_path(), folder + "/", "--tiles", "4x4", "--task-index", std::to_string(task),
                           "--task-count", "4", "-q"})
                      .exit_code,
                  0);
    for (const std::string format : {"GTiff", "VRT"}) {
        const CommandResult merge = run_cli({"merge", dir_.file("m." + format), folder, "-of", format, "-q"});
        EXPECT_EQ(merge.exit_code, 1);
        expect_one_line_error(merge, "the tile set " + folder + " is incomplete: 8 of 16 tiles missing: " +
                                         tile_name(1, 0) + ", " + tile_name(1, 1) + ", " + tile_name(1, 2) + ", " +
                                         tile_name(1, 3) + ", " + tile_name(3, 0));
        EXPECT_FALSE(fs::exists(dir_.file("m." + format)));
    }
}

}  // namespace
