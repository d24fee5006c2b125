#include "tiledndvi/tile_grid.h"

#include <algorithm>
#include <limits>
#include <string>

#include "tiledndvi/error.h"

namespace tiledndvi {

namespace {

void check_raster_size(std::int64_t width, std::int64_t height) {
    if (width < 1 || height < 1)
        throw Error("cannot tile an empty raster (" + std::to_string(width) + "x" + std::to_string(height) + ")");
}

// A grid of more tiles than fit in an int is never a sensible request.
constexpr std::int64_t max_tiles_per_axis = std::numeric_limits<int>::max();

}  // namespace

TileGrid::TileGrid(std::int64_t raster_width, std::int64_t raster_height, std::int64_t tile_width,
                   std::int64_t tile_height, int columns, int rows)
    : raster_width_(raster_width),
      raster_height_(raster_height),
      tile_width_(tile_width),
      tile_height_(tile_height),
      columns_(columns),
      rows_(rows) {}

TileGrid TileGrid::by_count(std::int64_t raster_width, std::int64_t raster_height, int columns, int rows) {
    check_raster_size(raster_width, raster_height);
    if (columns < 1 || rows < 1)
        throw Error("tile counts must be at least 1, not " + std::to_string(columns) + "x" + std::to_string(rows));
    if (columns > raster_width || rows > raster_height)
        throw Error("cannot split a " + std::to_string(raster_width) + "x" + std::to_string(raster_height) +
                    " raster into " + std::to_string(columns) + "x" + std::to_string(rows) +
                    " tiles: more tiles than pixels along an axis");
    return TileGrid(raster_width, raster_height, raster_width / columns, raster_height / rows, columns, rows);
}

TileGrid TileGrid::by_size(std::int64_t raster_width, std::int64_t raster_height, std::int64_t tile_width,
                           std::int64_t tile_height) {
    check_raster_size(raster_width, raster_height);
    if (tile_width < 1 || tile_height < 1)
        throw Error("tile sizes must be at least 1, not " + std::to_string(tile_width) + "x" +
                    std::to_string(tile_height));
    tile_width = std::min(tile_width, raster_width);
    tile_height = std::min(tile_height, raster_height);
    const std::int64_t columns = (raster_width + tile_width - 1) / tile_width;
    const std::int64_t rows = (raster_height + tile_height - 1) / tile_height;
    if (columns > max_tiles_per_axis || rows > max_tiles_per_axis)
        throw Error("tile size " + std::to_string(tile_width) + "x" + std::to_string(tile_height) +
                    " makes too many tiles");
    return TileGrid(raster_width, raster_height, tile_width, tile_height, static_cast<int>(columns),
                    static_cast<int>(rows));
}

Tile TileGrid::tile(int column, int row) const {
    Tile t;
    t.column = column;
    t.row = row;
    t.x = column * tile_width_;
    t.y = row * tile_height_;
    t.width = column + 1 == columns_ ? raster_width_ - t.x : tile_width_;
    t.height = row + 1 == rows_ ? raster_height_ - t.y : tile_height_;
    return t;
}

Tile TileGrid::tile(std::int64_t index) const {
    return tile(static_cast<int>(index % columns_), static_cast<int>(index / columns_));
}

std::vector<Tile> TileGrid::tiles() const {
    std::vector<Tile> all;
    all.reserve(static_cast<std::size_t>(tile_count()));
    for (int row = 0; row < rows_; ++row)
        for (int column = 0; column < columns_; ++column) all.push_back(tile(column, row));
    return all;
}

}  // namespace tiledndvi
