// The tile-to-task assignment of a tile set shared among N tasks (a SLURM job
// array): every tile exactly once, contiguous runs, balanced, recomputable by
// any task alone.
#include <gtest/gtest.h>

#include <vector>

#include "tiledndvi/error.h"
#include "tiledndvi/task_share.h"

namespace {

using namespace tiledndvi;

void expect_partition(std::int64_t tiles, int tasks) {
    SCOPED_TRACE(std::to_string(tiles) + " tiles, " + std::to_string(tasks) + " tasks");
    std::vector<int> owners(static_cast<std::size_t>(tiles), 0);
    std::int64_t next = 0, smallest = tiles, largest = 0;
    for (int index = 0; index < tasks; ++index) {
        const TileRange range = tiles_of_task(tiles, {index, tasks});
        ASSERT_EQ(range.first, next) << "task " << index << " does not start where task " << index - 1 << " ended";
        ASSERT_LE(range.first, range.end);
        for (std::int64_t tile = range.first; tile < range.end; ++tile) ++owners[static_cast<std::size_t>(tile)];
        next = range.end;
        smallest = std::min(smallest, range.size());
        largest = std::max(largest, range.size());
    }
    EXPECT_EQ(next, tiles) << "the last task must end at the last tile";
    for (std::int64_t tile = 0; tile < tiles; ++tile)
        ASSERT_EQ(owners[static_cast<std::size_t>(tile)], 1) << "tile " << tile;
    EXPECT_LE(largest - smallest, 1) << "runs must differ by at most one tile";
}

TEST(TaskShare, EveryTileBelongsToExactlyOneTaskForAnyTaskCount) {
    for (const std::int64_t tiles : {1, 2, 3, 7, 16, 17, 100})
        for (int tasks = 1; tasks <= tiles + 3; ++tasks) expect_partition(tiles, tasks);
    expect_partition(262144, 1000);  // the most tiles a layout may make
    expect_partition(262144, 7);
}

TEST(TaskShare, MoreTasksThanTilesLeavesSomeTasksEmpty) {
    int empty = 0;
    for (int index = 0; index < 10; ++index) empty += tiles_of_task(4, {index, 10}).size() == 0 ? 1 : 0;
    EXPECT_EQ(empty, 6);
    EXPECT_EQ(tiles_of_task(0, {0, 3}).size(), 0);
}

TEST(TaskShare, FixedDocumentedAssignment) {
    // floor(i * T / N): 16 tiles over 3 tasks are 0-4, 5-9, 10-15.
    EXPECT_EQ(tiles_of_task(16, {0, 3}).first, 0);
    EXPECT_EQ(tiles_of_task(16, {0, 3}).end, 5);
    EXPECT_EQ(tiles_of_task(16, {1, 3}).first, 5);
    EXPECT_EQ(tiles_of_task(16, {1, 3}).end, 10);
    EXPECT_EQ(tiles_of_task(16, {2, 3}).first, 10);
    EXPECT_EQ(tiles_of_task(16, {2, 3}).end, 16);
    // The largest case does not overflow.
    const TileRange last = tiles_of_task(262144, {max_task_count - 1, max_task_count});
    EXPECT_EQ(last.end, 262144);
}

TEST(TaskShare, ImpossibleSharesAreRefused) {
    EXPECT_THROW(tiles_of_task(16, {0, 0}), Error);
    EXPECT_THROW(tiles_of_task(16, {3, 3}), Error);
    EXPECT_THROW(tiles_of_task(16, {-1, 3}), Error);
    EXPECT_THROW(tiles_of_task(16, {0, max_task_count + 1}), Error);
    EXPECT_THROW(tiles_of_task(-1, {0, 1}), Error);
    EXPECT_THROW(tiles_of_task(std::int64_t(1) << 50, {0, 2}), Error);  // would overflow
    try {
        tiles_of_task(16, {4, 4});
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(), "task index 4 is outside 0..3 (4 tasks)");
    }
}

}  // namespace
