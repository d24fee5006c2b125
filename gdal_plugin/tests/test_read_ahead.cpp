// The read-ahead on its own: serves the rows it computed, drops other rows,
// reports a failure on the request that needed those rows, stops on cancel.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "read_ahead.h"

namespace tiledndvi::gdal_plugin {
namespace {

constexpr int width = 3;

// Pixel value = row number; row 13 fails; every row takes a little time and
// polls for a cancel.
void job(int y, int height, int, float* out, const std::function<bool()>& cancelled) {
    for (int row = y; row < y + height; ++row) {
        if (cancelled()) throw std::runtime_error("cancelled");
        if (row == 13) throw std::runtime_error("cannot read row 13");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        for (int x = 0; x < width; ++x) out[(row - y) * width + x] = static_cast<float>(row);
    }
}

// take() for rows [y, y + height), keeping what it handed over.
struct Taken {
    ReadAhead::Outcome outcome;
    std::vector<float> pixels;
    std::string error;
};
Taken take(ReadAhead& read_ahead, int y, int height) {
    Taken taken;
    const auto keep = [&](const float* pixels) { taken.pixels.assign(pixels, pixels + height * width); };
    taken.outcome = read_ahead.take(y, height, keep, taken.error);
    return taken;
}

TEST(ReadAhead, ServesTheRowsItComputed) {
    ReadAhead read_ahead(width, job);
    EXPECT_EQ(take(read_ahead, 0, 4).outcome, ReadAhead::Outcome::none);  // nothing started
    read_ahead.start(4, 4, 1);
    const Taken taken = take(read_ahead, 4, 4);
    EXPECT_EQ(taken.outcome, ReadAhead::Outcome::served);
    EXPECT_EQ(taken.pixels, (std::vector<float>{4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7}));
    EXPECT_EQ(take(read_ahead, 4, 4).outcome, ReadAhead::Outcome::none);  // taken once only
}

TEST(ReadAhead, DropsOtherRows) {
    ReadAhead read_ahead(width, job);
    read_ahead.start(0, 4, 1);
    const Taken taller = take(read_ahead, 0, 5);
    EXPECT_EQ(taller.outcome, ReadAhead::Outcome::none);
    EXPECT_TRUE(taller.pixels.empty());
    read_ahead.start(20, 4, 1);
    const Taken further = take(read_ahead, 24, 4);
    EXPECT_EQ(further.outcome, ReadAhead::Outcome::none);
    EXPECT_TRUE(further.pixels.empty());
}

TEST(ReadAhead, ReportsAFailureToTheRequestThatNeedsTheRows) {
    ReadAhead read_ahead(width, job);
    read_ahead.start(12, 4, 1);
    const Taken failed = take(read_ahead, 12, 4);
    EXPECT_EQ(failed.outcome, ReadAhead::Outcome::failed);
    EXPECT_EQ(failed.error, "cannot read row 13");
    EXPECT_TRUE(failed.pixels.empty());
    // A failure on rows nobody asks for is dropped silently.
    read_ahead.start(12, 4, 1);
    const Taken other = take(read_ahead, 0, 4);
    EXPECT_EQ(other.outcome, ReadAhead::Outcome::none);
    EXPECT_EQ(other.error, "");
}

TEST(ReadAhead, CancelAndDestructionStopALongChunkPromptly) {
    auto read_ahead = std::make_unique<ReadAhead>(width, job);
    read_ahead->start(100, 5000, 1);  // about 10 s if it ran to the end
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto begin = std::chrono::steady_clock::now();
    read_ahead->cancel();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(1));
    read_ahead->start(100, 5000, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    begin = std::chrono::steady_clock::now();
    read_ahead.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(1));
}

}  // namespace
}  // namespace tiledndvi::gdal_plugin
