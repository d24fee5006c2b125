// The read-ahead on its own: serves the rows it computed, drops other rows,
// reports a failure on the request that needed those rows, stops on cancel.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

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

TEST(ReadAhead, ServesTheRowsItComputed) {
    ReadAhead read_ahead(width, job);
    std::string error;
    EXPECT_EQ(read_ahead.take(
                  0, 4, [](const float*) {}, error),
              ReadAhead::Outcome::none);  // nothing started
    read_ahead.start(4, 4, 1);
    std::vector<float> got;
    EXPECT_EQ(read_ahead.take(
                  4, 4, [&](const float* p) { got.assign(p, p + 4 * width); }, error),
              ReadAhead::Outcome::served);
    EXPECT_EQ(got, (std::vector<float>{4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7}));
    // Taken once only.
    EXPECT_EQ(read_ahead.take(
                  4, 4, [](const float*) {}, error),
              ReadAhead::Outcome::none);
}

TEST(ReadAhead, DropsOtherRows) {
    ReadAhead read_ahead(width, job);
    std::string error;
    read_ahead.start(0, 4, 1);
    bool used = false;
    EXPECT_EQ(read_ahead.take(
                  0, 5, [&](const float*) { used = true; }, error),
              ReadAhead::Outcome::none);
    EXPECT_FALSE(used);
    read_ahead.start(20, 4, 1);
    EXPECT_EQ(read_ahead.take(
                  24, 4, [&](const float*) { used = true; }, error),
              ReadAhead::Outcome::none);
    EXPECT_FALSE(used);
}

TEST(ReadAhead, ReportsAFailureToTheRequestThatNeedsTheRows) {
    ReadAhead read_ahead(width, job);
    std::string error;
    read_ahead.start(12, 4, 1);
    EXPECT_EQ(read_ahead.take(
                  12, 4, [](const float*) {}, error),
              ReadAhead::Outcome::failed);
    EXPECT_EQ(error, "cannot read row 13");
    // A failure on rows nobody asks for is dropped silently.
    read_ahead.start(12, 4, 1);
    error.clear();
    EXPECT_EQ(read_ahead.take(
                  0, 4, [](const float*) {}, error),
              ReadAhead::Outcome::none);
    EXPECT_EQ(error, "");
}

TEST(ReadAhead, CancelStopsALongChunkPromptly) {
    ReadAhead read_ahead(width, job);
    read_ahead.start(100, 5000, 1);  // about 10 s if it ran to the end
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto begin = std::chrono::steady_clock::now();
    read_ahead.cancel();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(1));
    read_ahead.start(100, 5000, 1);  // and destruction cancels too
}

}  // namespace
}  // namespace tiledndvi::gdal_plugin
