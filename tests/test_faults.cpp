// Nothing lost under faults, with the real program: SIGINT / SIGTERM at the
// start, in the middle and at the end of every command, SIGKILL then the same
// command again, and a full disk (a small tmpfs mounted by the test). After
// each: the target is absent or byte-identical to before (or, when the run
// completed, exactly the complete new result), and no temporary file is left.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include <ogr_spatialref.h>

#include "test_support.h"
#include "tiledndvi/error.h"
#include "tiledndvi/staged_files.h"
#include "tiledndvi/staged_output.h"

namespace {

namespace fs = std::filesystem;
using namespace tiledndvi::test;
using Clock = std::chrono::steady_clock;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool is_temporary(const std::string& path) { return contains(fs::path(path).filename().string(), ".tiledndvi-tmp-"); }
// A temporary being written (the lock file appears before any work).
bool is_temporary_output(const std::string& path) { return is_temporary(path) && fs::path(path).extension() != ".lock"; }

// Every file under `root` (relative path -> size and FNV-1a hash of its bytes);
// folders appear as "name/".
using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot(const std::string& root) {
    Snapshot files;
    if (!fs::exists(root)) return files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const std::string name = fs::relative(entry.path(), root).string();
        if (entry.is_directory()) {
            files[name + "/"] = "folder";
            continue;
        }
        std::uint64_t hash = 14695981039346656037ull;
        const std::vector<unsigned char> bytes = file_bytes(entry.path().string());
        for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
        files[name] = std::to_string(bytes.size()) + " bytes, hash " + std::to_string(hash);
    }
    return files;
}

// The same with rasters compared by their pixels, for results that are equal
// but need not be byte-identical files (blocks written by several threads may
// sit in a different order).
Snapshot pixel_snapshot(const std::string& root) {
    Snapshot files = snapshot(root);
    for (auto& [name, what] : files) {
        const std::string path = root + "/" + name;
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
        if (!dataset || name.back() == '/') continue;
        std::uint64_t hash = 14695981039346656037ull;
        for (int band = 1; band <= dataset->GetRasterCount(); ++band)
            for (unsigned char byte : band_bytes(path, band)) hash = (hash ^ byte) * 1099511628211ull;
        what = std::to_string(dataset->GetRasterXSize()) + " x " + std::to_string(dataset->GetRasterYSize()) +
               " x " + std::to_string(dataset->GetRasterCount()) + " pixels, hash " + std::to_string(hash);
    }
    return files;
}

std::string describe(const Snapshot& files) {
    std::ostringstream text;
    for (const auto& [name, what] : files) text << "  " << name << ": " << what << "\n";
    return text.str();
}

std::vector<std::string> temporaries_under(const std::string& root,
                                           const std::function<bool(const std::string&)>& which = is_temporary) {
    std::vector<std::string> found;
    if (!fs::exists(root)) return found;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (which(entry.path().string())) found.push_back(entry.path().string());
    return found;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The real tiledndvi as a child process we can signal, its stdout (the
// progress bar) and stderr captured in files.
class RunningCli {
public:
    explicit RunningCli(const std::vector<std::string>& args) {
        out_ = capture_.file("out");
        err_ = capture_.file("err");
        std::vector<std::string> argv_strings = {TILEDNDVI_CLI};
        argv_strings.insert(argv_strings.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& arg : argv_strings) argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_ = fork();
        if (pid_ == 0) {
            const int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(out, 1);
            dup2(err, 2);
            execv(argv[0], argv.data());
            _exit(127);
        }
    }
    ~RunningCli() {
        if (!reaped_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    RunningCli(const RunningCli&) = delete;
    RunningCli& operator=(const RunningCli&) = delete;

    pid_t pid() const { return pid_; }
    // Only while not reaped: until then the id cannot belong to another process.
    void signal(int number) const {
        if (!reaped_) kill(pid_, number);
    }

    // True once the process has ended (and was reaped).
    bool finished() {
        if (reaped_) return true;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
        record(status);
        return true;
    }

    // Waits for the end (SIGKILL after 60 s); a shell's view of the status:
    // the exit code, or 128 + the signal that ended it.
    int wait() {
        const auto deadline = Clock::now() + std::chrono::seconds(60);
        bool killed = false;
        while (!finished()) {
            if (!killed && Clock::now() > deadline) {
                ADD_FAILURE() << "tiledndvi did not end within 60 s";
                signal(SIGKILL);
                killed = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        return exit_code_;
    }

    // Polls until `ready` (true) or the process ended (false).
    bool wait_for(const std::function<bool()>& ready) {
        const auto deadline = Clock::now() + std::chrono::seconds(60);
        while (Clock::now() < deadline) {
            if (ready()) return true;
            if (finished()) return ready();
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
        return false;
    }

    std::string out() const { return slurp(out_); }
    std::string err() const { return slurp(err_); }

private:
    void record(int status) {
        reaped_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    ScratchDir capture_;
    std::string out_, err_;
    pid_t pid_ = -1;
    bool reaped_ = false;
    int exit_code_ = -1;
};

// ------------------------------------------------------------------ inputs

// Inputs shared by the tests of one process, made on first use: a 4000 x 4000
// two-band Int16 scene (red 1, NIR 2; large enough that every command runs for
// a good fraction of a second), its 4x4 tiles, and its NDVI.
class Inputs {
public:
    static Inputs& get() {
        static Inputs inputs;
        return inputs;
    }
    const std::string& scene() {
        if (!fs::exists(scene_)) write_scene(scene_, 4000, 4000);
        return scene_;
    }
    // A quarter of the scene, for the slower COG conversion.
    const std::string& small_scene() {
        if (!fs::exists(small_scene_)) write_scene(small_scene_, 2000, 2000);
        return small_scene_;
    }
    const std::string& tiles() {
        if (!fs::exists(tiles_)) make(run_cli({"tile", scene(), tiles_, "--tiles", "4x4", "-q"}));
        return tiles_;
    }
    const std::string& ndvi() {
        if (!fs::exists(ndvi_)) make(run_cli({"ndvi", scene(), ndvi_, "--red", "1", "--nir", "2", "-q"}));
        return ndvi_;
    }
    std::string file(const std::string& name) const { return dir_.file(name); }

    // A georeferenced two-band Int16 raster with varied values (some NoData-free
    // NDVI over the whole range), written row by row.
    static void write_scene(const std::string& path, int width, int height) {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
        GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), width, height, 2, GDT_Int16, nullptr));
        ASSERT_TRUE(dataset) << path;
        double geotransform[6] = {500000, 30, 0, 9000000, 0, -30};
        dataset->SetGeoTransform(geotransform);
        OGRSpatialReference srs;
        srs.importFromEPSG(32633);
        dataset->SetSpatialRef(&srs);
        std::vector<std::int16_t> row(width);
        for (int band = 1; band <= 2; ++band)
            for (int y = 0; y < height; ++y) {
                for (int x = 0; x < width; ++x) row[x] = static_cast<std::int16_t>((x * (band + 2) + y * 7) % 3000 + 1);
                ASSERT_EQ(dataset->GetRasterBand(band)->RasterIO(GF_Write, 0, y, width, 1, row.data(), width, 1,
                                                                 GDT_Int16, 0, 0),
                          CE_None);
            }
    }

private:
    static void make(const CommandResult& result) { ASSERT_EQ(result.exit_code, 0) << result.err; }

    ScratchDir dir_;
    std::string scene_ = dir_.file("scene.tif");
    std::string small_scene_ = dir_.file("small_scene.tif");
    std::string tiles_ = dir_.file("tiles");
    std::string ndvi_ = dir_.file("ndvi.tif");
};

// A small, different raster: the "older result" a run may replace.
void write_old_result(const std::string& path) {
    RasterSpec spec;
    spec.width = 8;
    spec.height = 8;
    spec.type = GDT_Float32;
    spec.bands = {std::vector<double>(64, 0.25)};
    write_raster(path, spec);
}

// ---------------------------------------------------------------- commands

// One command writing into a folder OUT: how to call it, what its target is
// (a file or a folder of files) and how an older result there looks.
struct CommandCase {
    std::string name;
    std::function<std::vector<std::string>(const std::string& out)> args;
    std::string target;  // in OUT
    std::function<void(const std::string& target)> make_old;
    // The temporary file whose appearance means "in the middle" (COG: the
    // conversion writing, not the staged GeoTIFF before it).
    std::function<bool(const std::string& path)> writing = is_temporary_output;
};

std::vector<CommandCase> command_cases() {
    const auto old_file = [](const std::string& target) { write_old_result(target); };
    const auto old_folder = [](const std::vector<std::string>& names) {
        return [names](const std::string& target) {
            fs::create_directory(target);
            for (const std::string& name : names) write_old_result(target + "/" + name);
        };
    };
    return {
        {"ndvi",
         [](const std::string& out) {
             return std::vector<std::string>{"ndvi", Inputs::get().scene(), out + "/ndvi.tif", "--red", "1", "--nir",
                                             "2", "--threads", "2"};
         },
         "ndvi.tif", old_file},
        {"ndvi_cog",
         [](const std::string& out) {
             return std::vector<std::string>{"ndvi", Inputs::get().small_scene(), out + "/ndvi.tif", "--red", "1",
                                             "--nir", "2", "-of", "COG"};
         },
         "ndvi.tif", old_file,
         [](const std::string& path) {
             std::error_code error;
             return is_temporary(path) && !contains(path, ".staging.") && fs::file_size(path, error) > 0 && !error;
         }},
        {"ndvi_folder",
         [](const std::string& out) {
             return std::vector<std::string>{"ndvi", Inputs::get().tiles(), out + "/ndvi_tiles", "--red", "1",
                                             "--nir", "2"};
         },
         "ndvi_tiles", old_folder({"NDVI_tile_0_0.tif", "NDVI_tile_3_3.tif"})},
        {"tile",
         [](const std::string& out) {
             return std::vector<std::string>{"tile", Inputs::get().scene(), out + "/tiles", "--tiles", "4x4"};
         },
         "tiles", old_folder({"tile_0_0.tif", "tile_0_1.tif", "tile_7_7.tif"})},
        {"merge",
         [](const std::string& out) {
             return std::vector<std::string>{"merge", out + "/merged.tif", Inputs::get().tiles()};
         },
         "merged.tif", old_file},
        {"quicklook",
         [](const std::string& out) {
             return std::vector<std::string>{"quicklook", Inputs::get().ndvi(), out + "/picture.png"};
         },
         "picture.png", old_file},
    };
}

// What a run of `command` gives when nothing interrupts it (computed once).
const Snapshot& reference_result(const CommandCase& command) {
    static std::map<std::string, Snapshot> results;
    static std::vector<std::unique_ptr<ScratchDir>> dirs;
    auto found = results.find(command.name);
    if (found != results.end()) return found->second;
    dirs.push_back(std::make_unique<ScratchDir>());
    const CommandResult result = run_cli(command.args(dirs.back()->path()));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return results[command.name] = pixel_snapshot(dirs.back()->path());
}

std::string signal_name(int number) { return number == SIGINT ? "SIGINT" : "SIGTERM"; }

// ---------------------------------------------------------------- signals

enum class Moment { start, middle, end };

std::string moment_name(Moment moment) {
    return moment == Moment::start ? "start" : moment == Moment::middle ? "middle" : "end";
}

// Sends `signal_number` at `moment` to a run of `command` over OUT, which
// holds an older result when `existing` (then --overwrite is passed), and
// checks that nothing was lost.
void interrupt_and_check(const CommandCase& command, Moment moment, int signal_number, bool existing) {
    SCOPED_TRACE(command.name + " at the " + moment_name(moment) + " by " + signal_name(signal_number) +
                 (existing ? ", over an older result" : ""));
    ScratchDir out;
    if (existing) command.make_old(out.file(command.target));
    const Snapshot before = snapshot(out.path());
    std::vector<std::string> args = command.args(out.path());
    if (existing) args.push_back("--overwrite");

    RunningCli run(args);
    if (moment == Moment::middle) {
        // Signal once a temporary file exists: the command is then writing.
        const bool writing = run.wait_for([&] { return !temporaries_under(out.path(), command.writing).empty(); });
        ASSERT_TRUE(writing) << "no temporary file seen before the run ended: " << run.err();
    } else if (moment == Moment::end) {
        const bool at_100 = run.wait_for([&] { return contains(run.out(), "100"); });
        ASSERT_TRUE(at_100) << "progress never reached 100: " << run.out() << run.err();
    }
    const bool ended_before_signal = run.finished();
    run.signal(signal_number);
    const int exit_code = run.wait();

    EXPECT_TRUE(temporaries_under(out.path()).empty()) << temporaries_under(out.path()).front();
    const Snapshot after = snapshot(out.path());
    if (exit_code == 0) {
        // Only at the end may the run have completed first; its result is then whole.
        EXPECT_EQ(moment, Moment::end) << "the run ignored " << signal_name(signal_number);
        const Snapshot result = pixel_snapshot(out.path());
        const Snapshot& complete = reference_result(command);
        EXPECT_EQ(result, complete) << "after:\n" << describe(result) << "expected:\n" << describe(complete);
        return;
    }
    EXPECT_FALSE(ended_before_signal) << "failed on its own: " << run.err();
    EXPECT_EQ(exit_code, 128 + signal_number) << run.err();
    EXPECT_EQ(after, before) << "after:\n" << describe(after) << "before:\n" << describe(before);
    // Killed by the signal before its handlers were installed (start only) it
    // says nothing; otherwise one line.
    const std::string err = run.err();
    if (!err.empty() || moment != Moment::start) {
        EXPECT_EQ(err.rfind("tiledndvi: error: interrupted", 0), 0u) << err;
        EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    }
}

class Interrupt : public ::testing::TestWithParam<CommandCase> {};

TEST_P(Interrupt, AtTheStartNothingIsWritten) {
    interrupt_and_check(GetParam(), Moment::start, SIGINT, false);
    interrupt_and_check(GetParam(), Moment::start, SIGTERM, true);
}

TEST_P(Interrupt, InTheMiddleTheTargetIsAbsentOrAsBefore) {
    for (const int signal_number : {SIGINT, SIGTERM})
        for (const bool existing : {false, true}) interrupt_and_check(GetParam(), Moment::middle, signal_number, existing);
}

TEST_P(Interrupt, AtTheEndTheTargetIsCompleteOrAsBefore) {
    interrupt_and_check(GetParam(), Moment::end, SIGTERM, false);
    interrupt_and_check(GetParam(), Moment::end, SIGINT, true);
}

std::string case_name(const ::testing::TestParamInfo<CommandCase>& info) { return info.param.name; }
void PrintTo(const CommandCase& command, std::ostream* out) { *out << command.name; }

INSTANTIATE_TEST_SUITE_P(Commands, Interrupt, ::testing::ValuesIn(command_cases()), case_name);

// ---------------------------------------------------------------- SIGKILL

class Killed : public ::testing::TestWithParam<CommandCase> {};

// SIGKILL cannot be handled: the temporary file stays. The same command again
// must succeed with the complete result, and leave no temporary of its own.
TEST_P(Killed, TheSameCommandAgainSucceeds) {
    const CommandCase& command = GetParam();
    const Snapshot& complete = reference_result(command);
    ScratchDir out;
    {
        RunningCli run(command.args(out.path()));
        ASSERT_TRUE(run.wait_for([&] { return !temporaries_under(out.path(), command.writing).empty(); }))
            << run.err();
        run.signal(SIGKILL);
        EXPECT_EQ(run.wait(), 128 + SIGKILL);
    }
    ASSERT_FALSE(temporaries_under(out.path()).empty());
    const CommandResult again = run_cli(command.args(out.path()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    // The dead run's temporaries are gone too: provably no one's work.
    const Snapshot after = pixel_snapshot(out.path());
    EXPECT_EQ(after, complete) << "after:\n" << describe(after) << "expected:\n" << describe(complete);
}

INSTANTIATE_TEST_SUITE_P(Commands, Killed, ::testing::ValuesIn(command_cases()), case_name);

// A leftover temporary beside tiles is never taken for a tile: even a complete,
// valid raster under such a name changes neither the NDVI tiles nor the mosaic.
TEST(KilledLeftovers, AreNeverTakenForTiles) {
    Inputs& inputs = Inputs::get();
    ScratchDir dir;
    const std::string tiles = dir.file("tiles");
    ASSERT_EQ(run_cli({"tile", inputs.scene(), tiles, "--tiles", "2x2", "-q"}).exit_code, 0);
    // What a tile killed just before its rename looks like: a whole tile, one
    // that overlaps another (merge would refuse it) and one beyond the grid.
    fs::copy_file(tiles + "/tile_0_0.tif", tiles + "/.tile_0_0.tiledndvi-tmp-999999-0.tif");
    fs::copy_file(tiles + "/tile_1_1.tif", tiles + "/.tile_9_9.tiledndvi-tmp-999999-1.tif");

    const CommandResult ndvi = run_cli({"ndvi", tiles, dir.file("ndvi"), "--red", "1", "--nir", "2", "-q"});
    ASSERT_EQ(ndvi.exit_code, 0) << ndvi.err;
    std::vector<std::string> written;
    for (const auto& entry : fs::directory_iterator(dir.file("ndvi"))) written.push_back(entry.path().filename());
    std::sort(written.begin(), written.end());
    EXPECT_EQ(written, (std::vector<std::string>{"NDVI_tile_0_0.tif", "NDVI_tile_0_1.tif", "NDVI_tile_1_0.tif",
                                                 "NDVI_tile_1_1.tif"}));

    fs::copy_file(dir.file("ndvi/NDVI_tile_0_0.tif"), dir.file("ndvi/.NDVI_tile_0_0.tiledndvi-tmp-999999-2.tif"));
    const CommandResult merge = run_cli({"merge", dir.file("merged.tif"), dir.file("ndvi"), "-q"});
    ASSERT_EQ(merge.exit_code, 0) << merge.err;
    EXPECT_TRUE(merge.err.empty()) << merge.err;  // no overlap, no gap
    ASSERT_EQ(run_cli({"ndvi", inputs.scene(), dir.file("whole.tif"), "--red", "1", "--nir", "2", "-q"}).exit_code,
              0);
    EXPECT_EQ(band_bytes(dir.file("merged.tif")), band_bytes(dir.file("whole.tif")));

    ASSERT_EQ(run_cli({"merge", dir.file("scene.tif"), tiles, "-q"}).exit_code, 0);
    EXPECT_EQ(raster_info(dir.file("scene.tif")).width, 4000);
}

// ------------------------------------------------------- tile-set tasks

// A tile-set task (one SLURM array task, say) is resumable rather than all or
// nothing: each tile appears under its name only once complete. Killed or
// interrupted mid-way, it leaves only whole tiles; rerun with --resume, it
// completes the set without redoing them.
class TileSetTask : public ::testing::TestWithParam<int> {
protected:
    static std::vector<std::string> args(const std::string& folder, bool resume) {
        std::vector<std::string> args = {"ndvi", Inputs::get().scene(), folder + "/", "--tiles", "4x4", "--red", "1",
                                         "--nir", "2", "--threads", "2", "-q"};
        if (resume) args.push_back("--resume");
        return args;
    }
    // The uninterrupted set, computed once.
    static const Snapshot& complete() {
        static ScratchDir dir;
        static Snapshot set;
        if (set.empty()) {
            const CommandResult run = run_cli(args(dir.file("set"), false));
            EXPECT_EQ(run.exit_code, 0) << run.err;
            set = pixel_snapshot(dir.file("set"));
        }
        return set;
    }
    static std::size_t tiles_in(const std::string& folder) {
        std::size_t count = 0;
        for (const auto& entry : fs::directory_iterator(folder))
            count += entry.path().filename().string().rfind("NDVI_tile_", 0) == 0 ? 1 : 0;
        return count;
    }
};

TEST_P(TileSetTask, StoppedMidwayLeavesOnlyWholeTilesAndResumes) {
    const int signal_number = GetParam();
    const Snapshot& whole = complete();
    ASSERT_EQ(whole.size(), 17u) << "16 tiles and the set's description";
    ScratchDir out;
    const std::string folder = out.file("set");
    {
        RunningCli run(args(folder, false));
        // In the middle: some tiles done, others being written.
        ASSERT_TRUE(run.wait_for([&] {
            return fs::exists(folder) && tiles_in(folder) > 0 && !temporaries_under(folder, is_temporary_output).empty();
        })) << run.err();
        run.signal(signal_number);
        EXPECT_EQ(run.wait(), 128 + signal_number) << run.err();
    }
    // Every tile there is whole: the same pixels as in the complete set.
    const Snapshot stopped = pixel_snapshot(folder);
    std::size_t tiles = 0;
    for (const auto& [name, what] : stopped) {
        if (is_temporary(name)) continue;
        ASSERT_TRUE(whole.count(name)) << name;
        EXPECT_EQ(what, whole.at(name)) << name << " is not the complete tile";
        tiles += name.rfind("NDVI_tile_", 0) == 0 ? 1 : 0;
    }
    EXPECT_GT(tiles, 0u);
    EXPECT_LT(tiles, 16u) << "stopped after the end";
    if (signal_number != SIGKILL) {
        EXPECT_TRUE(temporaries_under(folder).empty()) << temporaries_under(folder).front();
    }

    const CommandResult rest = run_cli(args(folder, true));
    ASSERT_EQ(rest.exit_code, 0) << rest.err;
    EXPECT_EQ(pixel_snapshot(folder), whole);  // and no temporary left, even a killed run's
}

INSTANTIATE_TEST_SUITE_P(Signals, TileSetTask, ::testing::Values(SIGINT, SIGTERM, SIGKILL),
                         [](const ::testing::TestParamInfo<int>& info) {
                             return std::string(info.param == SIGINT ? "SIGINT" : info.param == SIGTERM ? "SIGTERM"
                                                                                                         : "SIGKILL");
                         });

// ------------------------------------------------------------ write error

std::string quoted(const std::string& arg) {
    std::string text = "'";
    for (char c : arg) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return text + "'";
}

// A write error other than a full disk, needing no root: under a file size
// limit (ulimit -f, SIGXFSZ ignored) every write past it fails with EFBIG.
TEST(WriteError, FileSizeLimitIsReportedAndLeavesNothing) {
    for (const CommandCase& command : command_cases()) {
        for (const bool existing : {false, true}) {
            SCOPED_TRACE(command.name + (existing ? " over an older result" : ""));
            ScratchDir out;
            if (existing) command.make_old(out.file(command.target));
            const Snapshot before = snapshot(out.path());
            std::string line = "ulimit -f 64; trap '' XFSZ; exec " + quoted(TILEDNDVI_CLI);
            for (const std::string& arg : command.args(out.path())) line += " " + quoted(arg);
            line += existing ? " -q --overwrite" : " -q";
            const CommandResult result = run_command(line);
            EXPECT_EQ(result.exit_code, 1) << result.err;
            EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
            EXPECT_TRUE(contains(result.err, "File too large")) << result.err;
            EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
            const Snapshot after = snapshot(out.path());
            EXPECT_EQ(after, before) << "after:\n" << describe(after) << "before:\n" << describe(before);
        }
    }
}

// What StagedFiles removes of a killed run's files, and everything it keeps.
TEST(KilledLeftovers, OnlyProvablyStaleTemporariesAreRemoved) {
    const pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    const std::string d = std::to_string(dead);
    ScratchDir dir;
    const std::vector<std::string> stale = {".out.tiledndvi-tmp-" + d + "-0.tif",
                                            ".out.tiledndvi-tmp-" + d + "-0.staging.tif",
                                            ".out.tiledndvi-tmp-" + d + "-3.tif.aux.xml"};
    std::vector<std::string> kept = {
        ".out.tiledndvi-tmp-" + d + "-1.tif",    // locked: a writer in another PID namespace or host
        ".out.tiledndvi-tmp-" + d + "-1.staging.tif",  // the same writer's other file
        ".out.tiledndvi-tmp-1-0.tif",            // a live process (init)
        ".other.tiledndvi-tmp-" + d + "-0.tif",  // another target's
        ".out.tiledndvi-tmp-" + d + "-0x.tif",   // not our pattern
        ".out.tiledndvi-tmp-abc-0.tif",
        "out.tiledndvi-tmp-" + d + "-0.tif",     // not hidden: not ours
        "out.tif.tiledndvi-tmp-" + d + "-0",
    };
    for (const std::string& name : stale) std::ofstream(dir.file(name)) << "x";
    for (const std::string& name : kept) std::ofstream(dir.file(name)) << "x";
    // A link named like a stale file is not provably ours either.
    const std::string link = ".out.tiledndvi-tmp-" + d + "-7.tif";
    fs::create_symlink(dir.file(kept.back()), dir.file(link));
    kept.push_back(link);
    const int lock = open(dir.file(kept[0]).c_str(), O_RDWR);
    ASSERT_EQ(flock(lock, LOCK_EX | LOCK_NB), 0);
    {
        // A style beside out.tif shares its names: it must respect the same lock.
        tiledndvi::StagedFiles style(dir.file("out.qml"), false);
        EXPECT_EQ(dir.entries().size(), kept.size() + 1);
        EXPECT_TRUE(fs::exists(dir.file(kept[0])));
    }
    for (const std::string& name : stale) std::ofstream(dir.file(name)) << "x";
    {
        tiledndvi::StagedFiles files(dir.file("out.tif"), false);
        std::vector<std::string> left = dir.entries();
        std::sort(left.begin(), left.end());
        std::vector<std::string> expected = kept;
        expected.push_back(fs::path(files.lock_path()).filename());  // its own, created and locked
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(left, expected);
        // Its own lock file is locked as the others' are: no one removes its files.
        const int mine = open(files.lock_path().c_str(), O_RDWR);
        EXPECT_NE(flock(mine, LOCK_EX | LOCK_NB), 0);
        close(mine);
    }
    close(lock);
    EXPECT_EQ(dir.entries().size(), kept.size());
}

// --------------------------------------------------------------- full disk

// A small tmpfs mounted in a scratch folder for one test (root only: the test
// is skipped, saying why, where mounting is not allowed), unmounted after.
class FullDisk : public ::testing::Test {
protected:
    void SetUp() override {
        disk_ = scratch_.file("disk");
        fs::create_directory(disk_);
        if (mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=2m") != 0)
            GTEST_SKIP() << "cannot mount a tmpfs to fill (" << std::strerror(errno)
                         << "): the full-disk tests need root";
        mounted_ = true;
    }
    void TearDown() override {
        if (mounted_ && umount(disk_.c_str()) != 0) umount2(disk_.c_str(), MNT_DETACH);
    }

    std::string on_disk(const std::string& name) const { return disk_ + "/" + name; }

    // Leaves about `room` bytes free.
    void fill(std::size_t room) const {
        std::ofstream filler(on_disk("filler"), std::ios::binary);
        const std::vector<char> block(4096, 'x');
        for (std::size_t written = 0; written + room < (std::size_t(2) << 20); written += block.size())
            filler.write(block.data(), block.size());
    }

    // The command failed with one line naming the cause, and left the disk as
    // it was (nothing new, no temporary, an older target byte-identical).
    void expect_no_space_error(const CommandResult& result, const Snapshot& before) const {
        EXPECT_EQ(result.exit_code, 1) << result.err;
        EXPECT_EQ(result.err.rfind("tiledndvi: error: ", 0), 0u) << result.err;
        EXPECT_TRUE(contains(result.err, "No space left on device")) << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        const Snapshot after = snapshot(disk_);
        EXPECT_EQ(after, before) << "after:\n" << describe(after) << "before:\n" << describe(before);
    }

    ScratchDir scratch_;
    std::string disk_;
    bool mounted_ = false;
};

TEST_F(FullDisk, EveryCommandReportsItAndLeavesNothing) {
    for (const CommandCase& command : command_cases()) {
        for (const bool existing : {false, true}) {
            SCOPED_TRACE(command.name + (existing ? " over an older result" : ""));
            if (existing) command.make_old(on_disk(command.target));
            fill(64 << 10);  // room for a start, not for any result (the picture is small)
            const Snapshot before = snapshot(disk_);
            std::vector<std::string> args = command.args(disk_);
            args.push_back("-q");
            if (existing) args.push_back("--overwrite");
            expect_no_space_error(run_cli(args), before);
            fs::remove_all(on_disk(command.target));
            fs::remove(on_disk("filler"));
        }
    }
}

// A tile-set task that fills the disk keeps the tiles it finished, whole, says
// why it stopped, and completes with --resume once there is room.
TEST_F(FullDisk, TileSetTaskKeepsWholeTilesAndResumes) {
    const std::string scene = scratch_.file("small.tif");
    Inputs::write_scene(scene, 560, 560);  // NDVI 1.2 MiB: 16 tiles of 78 KiB, 4 per row
    const auto args = [&](const std::string& folder) {
        return std::vector<std::string>{"ndvi", scene, folder + "/", "--tiles", "4x4", "--red", "1", "--nir", "2",
                                        "--resume", "-q"};
    };
    ASSERT_EQ(run_cli(args(scratch_.file("complete"))).exit_code, 0);
    const Snapshot complete = pixel_snapshot(scratch_.file("complete"));

    fill(640 << 10);  // room for some rows, not for all
    const CommandResult full = run_cli(args(on_disk("set")));
    EXPECT_EQ(full.exit_code, 1) << full.err;
    EXPECT_TRUE(contains(full.err, "No space left on device")) << full.err;
    EXPECT_EQ(std::count(full.err.begin(), full.err.end(), '\n'), 1) << full.err;
    EXPECT_TRUE(temporaries_under(disk_).empty()) << temporaries_under(disk_).front();
    std::size_t tiles = 0;
    for (const auto& [name, what] : pixel_snapshot(on_disk("set"))) {
        ASSERT_TRUE(complete.count(name)) << name;
        EXPECT_EQ(what, complete.at(name)) << name << " is not whole";
        tiles += name.rfind("NDVI_tile_", 0) == 0 ? 1 : 0;
    }
    EXPECT_LT(tiles, 16u) << "the disk did not fill";

    fs::remove(on_disk("filler"));
    const CommandResult resumed = run_cli(args(on_disk("set")));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(pixel_snapshot(on_disk("set")), complete);
}

// A disk with room for the staged GeoTIFF but not for its COG copy: the
// conversion (CreateCopy) fails, and says so.
TEST_F(FullDisk, CogConversionFailureIsAnError) {
    const std::string scene = scratch_.file("small.tif");
    Inputs::write_scene(scene, 560, 560);  // a 1.2 MiB Float32 NDVI: fits once, not twice
    const Snapshot before = snapshot(disk_);
    expect_no_space_error(
        run_cli({"ndvi", scene, on_disk("ndvi.tif"), "--red", "1", "--nir", "2", "-of", "COG", "-q"}), before);
}

// A VRT (merge -of VRT) is written only when it is closed.
TEST_F(FullDisk, VirtualMosaicWrittenAtCloseIsAnError) {
    fill(0);
    const Snapshot before = snapshot(disk_);
    expect_no_space_error(run_cli({"merge", on_disk("mosaic.vrt"), Inputs::get().tiles(), "-of", "VRT", "-q"}),
                          before);
}

// The core's own guarantee, without the CLI: a GeoTIFF whose blocks all sat in
// GDAL's cache fails only when closed, and commit() reports that.
TEST_F(FullDisk, GeoTiffFlushFailingAtCloseIsReported) {
    using namespace tiledndvi;
    OutputSpec spec;
    spec.path = on_disk("ndvi.tif");
    Grid grid;
    grid.width = 1000;
    grid.height = 1000;  // 4 MB of Float32: twice the disk
    const std::vector<float> pixels(static_cast<std::size_t>(grid.width) * grid.height, 0.5f);
    const std::int64_t cache = GDALGetCacheMax64();
    GDALSetCacheMax64(std::int64_t(64) << 20);  // every block stays in the cache until close
    try {
        StagedOutput output(spec, grid, "NDVI");
        ASSERT_EQ(output.band().RasterIO(GF_Write, 0, 0, 1000, 1000, const_cast<float*>(pixels.data()), 1000, 1000,
                                         GDT_Float32, 0, 0),
                  CE_None)
            << "the write already failed: the close-time path is not tested";
        output.commit();
        ADD_FAILURE() << "commit() succeeded on a full disk";
    } catch (const Error& error) {
        EXPECT_TRUE(contains(error.what(), "No space left on device")) << error.what();
    }
    GDALSetCacheMax64(cache);
    EXPECT_TRUE(snapshot(disk_).empty()) << describe(snapshot(disk_));
}

// close_checked() on its own, for a driver that writes everything at close: a
// VRT's XML.
TEST_F(FullDisk, VrtWrittenAtCloseIsReported) {
    using namespace tiledndvi;
    fill(0);
    GDALDatasetUniquePtr vrt(GetGDALDriverManager()->GetDriverByName("VRT")->Create(
        on_disk("mosaic.vrt").c_str(), 100, 100, 1, GDT_Float32, nullptr));
    ASSERT_TRUE(vrt);
    try {
        close_checked(vrt, "mosaic.vrt");
        ADD_FAILURE() << "closing a VRT on a full disk succeeded";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()).rfind("failed to write mosaic.vrt: ", 0), 0u) << error.what();
    }
}

}  // namespace
