#include "tiledndvi/tile_layout.h"

#include <algorithm>
#include <string>

#include "tiledndvi/error.h"

namespace tiledndvi {

namespace {

std::int64_t round_down_to(std::int64_t value, std::int64_t multiple) {
    return multiple > 1 && value >= multiple ? value / multiple * multiple : value;
}

// The largest width x height rectangle of at most `window_bytes` inside a
// `max_width` x `max_height` area, preferring full rows, aligned to blocks.
std::pair<std::int64_t, std::int64_t> window_size(std::int64_t max_width, std::int64_t max_height,
                                                  const Grid& grid, std::size_t bytes_per_pixel,
                                                  std::size_t window_bytes) {
    const std::int64_t pixels = std::max<std::int64_t>(1, static_cast<std::int64_t>(window_bytes / bytes_per_pixel));
    const std::int64_t block_height = std::max(1, grid.block_height);
    const std::int64_t block_width = std::max(1, grid.block_width);
    const std::int64_t min_rows = std::min(max_height, block_height);
    if (max_width * min_rows <= pixels) {
        const std::int64_t rows = std::min(max_height, round_down_to(pixels / max_width, block_height));
        return {max_width, std::max<std::int64_t>(1, rows)};
    }
    const std::int64_t width = std::min(max_width, round_down_to(std::max<std::int64_t>(1, pixels / min_rows), block_width));
    return {width, min_rows};
}

// The engine lists every tile (and its windows) up front: a few dozen bytes
// each, so a requested layout of millions of tiles (1x1 on a large raster)
// would cost more memory than the pixels. No real workflow needs that many.
TileGrid within_tile_limit(const TileGrid& tiles) {
    if (tiles.tile_count() > max_requested_tiles)
        throw Error("the tile layout makes " + std::to_string(tiles.tile_count()) + " tiles (" +
                    std::to_string(tiles.columns()) + "x" + std::to_string(tiles.rows()) + ") of a " +
                    std::to_string(tiles.raster_width()) + "x" + std::to_string(tiles.raster_height()) +
                    " raster; at most " + std::to_string(max_requested_tiles) + ": ask for larger or fewer tiles");
    return tiles;
}

}  // namespace

TileGrid plan_tiles(const TileLayout& layout, const Grid& grid, std::size_t bytes_per_pixel,
                    std::size_t window_bytes) {
    switch (layout.kind) {
        case TileLayout::Kind::by_count:
            return within_tile_limit(TileGrid::by_count(grid.width, grid.height, layout.columns, layout.rows));
        case TileLayout::Kind::by_size:
            return within_tile_limit(
                TileGrid::by_size(grid.width, grid.height, layout.tile_width, layout.tile_height));
        case TileLayout::Kind::automatic:
            break;
    }
    const auto [width, height] = window_size(grid.width, grid.height, grid, bytes_per_pixel, window_bytes);
    return TileGrid::by_size(grid.width, grid.height, width, height);
}

std::vector<Tile> split_into_windows(const Tile& tile, const Grid& grid, std::size_t bytes_per_pixel,
                                     std::size_t window_bytes) {
    // Rows per window as if the window spanned the whole raster: tiles of one
    // tile row are then worked on in step (the engine goes top to bottom),
    // and the strips they share stay few in GDAL's block cache.
    const auto [full_width, rows] = window_size(grid.width, tile.height, grid, bytes_per_pixel, window_bytes);
    (void)full_width;
    auto [width, height] = window_size(tile.width, tile.height, grid, bytes_per_pixel, window_bytes);
    if (width == tile.width) height = std::min(height, rows);
    if (width == tile.width && height == tile.height) return {tile};
    const TileGrid inside = TileGrid::by_size(tile.width, tile.height, width, height);
    std::vector<Tile> windows;
    windows.reserve(static_cast<std::size_t>(inside.tile_count()));
    for (Tile window : inside.tiles()) {
        window.x += tile.x;
        window.y += tile.y;
        window.column = tile.column;
        window.row = tile.row;
        windows.push_back(window);
    }
    return windows;
}

}  // namespace tiledndvi
