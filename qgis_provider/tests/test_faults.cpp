// Nothing lost in QGIS either: the algorithm cancelled through its feedback at
// the start, in the middle and at the end, and writing to a full disk (a small
// tmpfs mounted by the test). After each: the target is absent or
// byte-identical to before (or the complete result when the run finished
// first), no temporary file is left, and a failure is reported as one.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <qgsapplication.h>
#include <qgsprocessingalgorithm.h>
#include <qgsprocessingcontext.h>
#include <qgsprocessingfeedback.h>
#include <qgsprocessingregistry.h>

#include "qgis_application_environment.h"
#include "qgis_test_environment.h"
#include "recording_feedback.h"
#include "test_support.h"


namespace {

namespace fs = std::filesystem;
using tiledndvi::test::file_bytes;
using tiledndvi::test::ScratchDir;


using tiledndvi::qgis_test::RecordingFeedback;

struct RunResult {
    bool ok = false;
    std::string errors;
};

// Runs tiledndvi:ndvi on the sample into `output` (32 strips, one thread: a
// progress report per strip); `on_progress` may cancel.
RunResult run_ndvi(const std::string& output, const std::function<void(QgsFeedback&, double)>& on_progress,
                   bool cancel_first = false) {
    const QgsProcessingAlgorithm* algorithm =
        QgsApplication::processingRegistry()->algorithmById(QStringLiteral("tiledndvi:ndvi"));
    if (algorithm == nullptr) throw std::runtime_error("tiledndvi:ndvi is not registered");
    QgsProcessingContext context;
    RecordingFeedback feedback;
    QObject::connect(&feedback, &QgsFeedback::progressChanged,
                     [&](double progress) { on_progress(feedback, progress); });
    if (cancel_first) feedback.cancel();
    RunResult result;
    algorithm->run({{"INPUT", QString::fromStdString(tiledndvi::test::sample_path())},
                    {"TILE_COLUMNS", 1},
                    {"TILE_ROWS", 32},
                    {"THREADS", 1},
                    {"OUTPUT", QString::fromStdString(output)}},
                   context, &feedback, &result.ok);
    result.errors = feedback.errors.join(QLatin1Char('\n')).toStdString();
    return result;
}

// Names in `dir` and their bytes.
std::map<std::string, std::vector<unsigned char>> contents(const std::string& dir) {
    std::map<std::string, std::vector<unsigned char>> files;
    for (const auto& entry : fs::directory_iterator(dir))
        files[entry.path().filename().string()] = file_bytes(entry.path().string());
    return files;
}

std::string names(const std::map<std::string, std::vector<unsigned char>>& files) {
    std::string text;
    for (const auto& file : files) text += file.first + " ";
    return text;
}

// An older result: any file the run may replace.
void write_old(const std::string& path) { std::ofstream(path) << "an older result"; }

enum class Moment { start, middle, end };

TEST(QgisFaults, CancelAtTheStartMiddleAndEndLosesNothing) {
    // The complete result, for a run that finished before the cancel arrived.
    ScratchDir reference;
    ASSERT_TRUE(run_ndvi(reference.file("ndvi.tif"), [](QgsFeedback&, double) {}).ok);
    const std::vector<unsigned char> complete = tiledndvi::test::band_bytes(reference.file("ndvi.tif"));

    for (const Moment moment : {Moment::start, Moment::middle, Moment::end})
        for (const bool existing : {false, true}) {
            const char* moment_name = moment == Moment::start ? "start" : moment == Moment::middle ? "middle" : "end";
            SCOPED_TRACE(std::string("cancel at the ") + moment_name + (existing ? ", over an older result" : ""));
            ScratchDir dir;
            const std::string output = dir.file("ndvi.tif");
            if (existing) write_old(output);
            const auto before = contents(dir.path());
            double cancelled_at = -1;
            const RunResult result = run_ndvi(
                output,
                [&](QgsFeedback& feedback, double progress) {
                    const bool now = moment == Moment::middle ? progress > 0 && progress < 50 : progress >= 100;
                    if (moment != Moment::start && now && !feedback.isCanceled()) {
                        cancelled_at = progress;
                        feedback.cancel();
                    }
                },
                moment == Moment::start);
            if (moment == Moment::middle) {
                EXPECT_LT(cancelled_at, 50);
            }
            if (moment == Moment::end) {
                EXPECT_EQ(cancelled_at, 100);
            }
            const auto after = contents(dir.path());
            if (result.ok) {
                // Only a cancel at 100 % may come after the work; the result is then whole.
                EXPECT_EQ(moment, Moment::end);
                ASSERT_EQ(after.size(), 1u) << names(after);
                EXPECT_EQ(tiledndvi::test::band_bytes(output), complete);
            } else {
                EXPECT_NE(result.errors.find("Cancelled"), std::string::npos) << result.errors;
                EXPECT_EQ(after, before) << "now: " << names(after) << "before: " << names(before);
            }
        }
}

// A small tmpfs with 64 KiB free (the NDVI of the sample is 480 KiB), mounted
// for one test, unmounted after even when it fails; skipped, saying why, where
// mounting is not allowed (not root).
class QgisFullDisk : public ::testing::Test {
protected:
    void SetUp() override {
        disk_ = scratch_.file("disk");
        fs::create_directory(disk_);
        if (mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=1m") != 0)
            GTEST_SKIP() << "cannot mount a tmpfs to fill (" << std::strerror(errno)
                         << "): the full-disk test needs root";
        mounted_ = true;
        std::ofstream filler(disk_ + "/filler", std::ios::binary);
        const std::vector<char> block(4096, 'x');
        for (int i = 0; i < (960 << 10) / 4096; ++i) filler.write(block.data(), block.size());
    }
    void TearDown() override {
        if (mounted_ && umount(disk_.c_str()) != 0) umount2(disk_.c_str(), MNT_DETACH);
    }

    ScratchDir scratch_;
    std::string disk_;
    bool mounted_ = false;
};

TEST_F(QgisFullDisk, WritingFailsWithTheCauseAndLeavesNothing) {
    for (const bool existing : {false, true}) {
        SCOPED_TRACE(existing ? "over an older result" : "new output");
        const std::string output = disk_ + "/ndvi.tif";
        if (existing) write_old(output);
        const auto before = contents(disk_);
        const RunResult result = run_ndvi(output, [](QgsFeedback&, double) {});
        EXPECT_FALSE(result.ok);
        EXPECT_NE(result.errors.find("No space left on device"), std::string::npos) << result.errors;
        const auto after = contents(disk_);
        EXPECT_EQ(after, before) << "now: " << names(after) << "before: " << names(before);
    }
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tiledndvi::qgis_test::QgisApplicationEnvironment);
    return RUN_ALL_TESTS();
}
