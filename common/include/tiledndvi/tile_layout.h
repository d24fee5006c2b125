// How a caller asks for tiles (a count, a size, or "choose for me") and how a
// tile is cut into windows small enough for the memory budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/tile_grid.h"

namespace tiledndvi {

// Bytes of buffers one thread works on at a time: small enough to stay in the
// CPU caches, large enough that GDAL's per-call overhead does not show.
constexpr std::size_t default_window_bytes = std::size_t(4) << 20;

// Most tiles a requested layout (a count or a size) may make; plan_tiles()
// refuses more.
constexpr std::int64_t max_requested_tiles = std::int64_t(1) << 18;

struct TileLayout {
    enum class Kind { automatic, by_count, by_size };
    Kind kind = Kind::automatic;
    int columns = 0;  // by_count
    int rows = 0;
    std::int64_t tile_width = 0;  // by_size
    std::int64_t tile_height = 0;

    static TileLayout automatic() { return {}; }
    static TileLayout count(int columns, int rows) { return {Kind::by_count, columns, rows, 0, 0}; }
    static TileLayout size(std::int64_t width, std::int64_t height) { return {Kind::by_size, 0, 0, width, height}; }
};

// The tile grid for `layout` on `grid`. Automatic tiles are full-width strips (or
// block-aligned rectangles for very wide rasters) of about `window_bytes`,
// aligned to the input's blocks. Throws Error for impossible layouts and for
// more than max_requested_tiles tiles.
TileGrid plan_tiles(const TileLayout& layout, const Grid& grid, std::size_t bytes_per_pixel,
                    std::size_t window_bytes = default_window_bytes);

// Cuts `tile` into windows of at most about `window_bytes`, aligned to the
// grid's blocks where possible, so memory never grows with the tile size.
std::vector<Tile> split_into_windows(const Tile& tile, const Grid& grid, std::size_t bytes_per_pixel,
                                     std::size_t window_bytes = default_window_bytes);

}  // namespace tiledndvi
