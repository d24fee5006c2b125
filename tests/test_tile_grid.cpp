// The tiler: every pixel in exactly one tile, remainders kept, for counts and sizes.
#include <gtest/gtest.h>

#include <vector>

#include "tiledndvi/error.h"
#include "tiledndvi/tile_grid.h"
#include "tiledndvi/tile_layout.h"

using tiledndvi::Tile;
using tiledndvi::TileGrid;

namespace {

// Counts how many tiles cover each pixel; every count must be exactly 1.
void expect_exact_cover(const TileGrid& grid) {
    const std::int64_t w = grid.raster_width(), h = grid.raster_height();
    std::vector<unsigned char> cover(static_cast<std::size_t>(w * h), 0);
    for (const Tile& tile : grid.tiles()) {
        ASSERT_GE(tile.x, 0);
        ASSERT_GE(tile.y, 0);
        ASSERT_GE(tile.width, 1);
        ASSERT_GE(tile.height, 1);
        ASSERT_LE(tile.x + tile.width, w);
        ASSERT_LE(tile.y + tile.height, h);
        for (std::int64_t y = tile.y; y < tile.y + tile.height; ++y)
            for (std::int64_t x = tile.x; x < tile.x + tile.width; ++x) ++cover[y * w + x];
    }
    for (std::size_t i = 0; i < cover.size(); ++i) ASSERT_EQ(cover[i], 1) << "pixel " << i;
}

struct CountCase {
    std::int64_t width, height;
    int columns, rows;
};

class TileGridByCount : public ::testing::TestWithParam<CountCase> {};

TEST_P(TileGridByCount, CoversEveryPixelOnce) {
    const CountCase c = GetParam();
    const TileGrid grid = TileGrid::by_count(c.width, c.height, c.columns, c.rows);
    EXPECT_EQ(grid.columns(), c.columns);
    EXPECT_EQ(grid.rows(), c.rows);
    EXPECT_EQ(grid.tile_count(), static_cast<std::int64_t>(c.columns) * c.rows);
    expect_exact_cover(grid);
}

INSTANTIATE_TEST_SUITE_P(Layouts, TileGridByCount,
                         ::testing::Values(CountCase{1, 1, 1, 1}, CountCase{7, 5, 3, 2}, CountCase{349, 352, 4, 4},
                                           CountCase{10, 10, 10, 10}, CountCase{13, 1, 4, 1},
                                           CountCase{1, 13, 1, 5}, CountCase{100, 37, 7, 6}));

TEST(TileGrid, TutorialLayoutKeepsEveryRow) {
    // The tutorial's 4x4 on 6980x7040 dropped the last 60 rows: here the last
    // row of tiles must end at row 7040 and the last column at 6980.
    const TileGrid grid = TileGrid::by_count(6980, 7040, 4, 4);
    const Tile last = grid.tile(3, 3);
    EXPECT_EQ(last.x + last.width, 6980);
    EXPECT_EQ(last.y + last.height, 7040);
    EXPECT_EQ(grid.tile(0, 0).width, 1745);
    EXPECT_EQ(grid.tile(0, 0).height, 1760);
    expect_exact_cover(grid);
}

TEST(TileGrid, RemainderGoesToLastColumnAndRow) {
    const TileGrid grid = TileGrid::by_count(10, 11, 3, 4);
    EXPECT_EQ(grid.tile(0, 0).width, 3);
    EXPECT_EQ(grid.tile(2, 0).width, 4);   // 10 = 3 + 3 + 4
    EXPECT_EQ(grid.tile(0, 0).height, 2);
    EXPECT_EQ(grid.tile(0, 3).height, 5);  // 11 = 2 + 2 + 2 + 5
}

TEST(TileGrid, BySizeWithUnevenEdges) {
    const TileGrid grid = TileGrid::by_size(1000, 700, 256, 256);
    EXPECT_EQ(grid.columns(), 4);
    EXPECT_EQ(grid.rows(), 3);
    EXPECT_EQ(grid.tile(3, 0).width, 1000 - 768);
    EXPECT_EQ(grid.tile(0, 2).height, 700 - 512);
    expect_exact_cover(grid);
}

TEST(TileGrid, TileLargerThanRasterIsClipped) {
    const TileGrid grid = TileGrid::by_size(30, 20, 512, 512);
    EXPECT_EQ(grid.tile_count(), 1);
    EXPECT_EQ(grid.tile(0, 0).width, 30);
    EXPECT_EQ(grid.tile(0, 0).height, 20);
}

TEST(TileGrid, IndexOrderIsRowMajor) {
    const TileGrid grid = TileGrid::by_count(9, 9, 3, 3);
    const Tile t = grid.tile(std::int64_t{5});
    EXPECT_EQ(t.column, 2);
    EXPECT_EQ(t.row, 1);
}

TEST(TileGrid, RejectsImpossibleLayouts) {
    EXPECT_THROW(TileGrid::by_count(10, 10, 0, 1), tiledndvi::Error);
    EXPECT_THROW(TileGrid::by_count(10, 10, 1, -1), tiledndvi::Error);
    EXPECT_THROW(TileGrid::by_count(10, 10, 11, 1), tiledndvi::Error);
    EXPECT_THROW(TileGrid::by_size(10, 10, 0, 5), tiledndvi::Error);
    EXPECT_THROW(TileGrid::by_size(0, 10, 5, 5), tiledndvi::Error);
}

TEST(TileGrid, HandlesRastersPastTwoBillionPixels) {
    const TileGrid grid = TileGrid::by_size(50000, 50000, 512, 512);
    const Tile last = grid.tile(grid.tile_count() - 1);
    EXPECT_EQ(last.x + last.width, 50000);
    EXPECT_EQ(last.y + last.height, 50000);
    std::int64_t pixels = 0;
    for (const Tile& tile : grid.tiles()) pixels += tile.pixel_count();
    EXPECT_EQ(pixels, std::int64_t{50000} * 50000);
}

TEST(TileLayout, AutomaticTilesAreBlockAlignedAndWithinBudget) {
    tiledndvi::Grid grid;
    grid.width = 6980;
    grid.height = 7040;
    grid.block_width = 6980;
    grid.block_height = 3;
    const std::size_t budget = 1 << 20;
    const TileGrid tiles = tiledndvi::plan_tiles(tiledndvi::TileLayout::automatic(), grid, 8, budget);
    EXPECT_EQ(tiles.tile_width(), 6980);
    EXPECT_EQ(tiles.tile_height() % 3, 0);
    EXPECT_LE(static_cast<std::size_t>(tiles.tile_width() * tiles.tile_height()) * 8, budget);
    expect_exact_cover(tiles);
}

TEST(TileLayout, VeryWideRastersGetBlockWideTiles) {
    tiledndvi::Grid grid;
    grid.width = 2000000;
    grid.height = 1024;
    grid.block_width = 256;
    grid.block_height = 256;
    const std::size_t budget = 4 << 20;
    const TileGrid tiles = tiledndvi::plan_tiles(tiledndvi::TileLayout::automatic(), grid, 8, budget);
    EXPECT_EQ(tiles.tile_width() % 256, 0);
    EXPECT_EQ(tiles.tile_height(), 256);
    EXPECT_LE(static_cast<std::size_t>(tiles.tile_width() * tiles.tile_height()) * 8, budget);
}

TEST(TileLayout, WindowsSplitLargeTilesWithinBudget) {
    tiledndvi::Grid grid;
    grid.width = 6980;
    grid.height = 7040;
    grid.block_width = 6980;
    grid.block_height = 1;
    const TileGrid tiles = TileGrid::by_count(6980, 7040, 2, 2);
    const std::size_t budget = 1 << 20;
    for (const Tile& tile : tiles.tiles()) {
        std::int64_t pixels = 0;
        for (const Tile& window : tiledndvi::split_into_windows(tile, grid, 8, budget)) {
            EXPECT_LE(static_cast<std::size_t>(window.pixel_count()) * 8, budget);
            EXPECT_GE(window.x, tile.x);
            EXPECT_LE(window.x + window.width, tile.x + tile.width);
            EXPECT_GE(window.y, tile.y);
            EXPECT_LE(window.y + window.height, tile.y + tile.height);
            pixels += window.pixel_count();
        }
        EXPECT_EQ(pixels, tile.pixel_count());
    }
}

}  // namespace
