// Splits a width x height raster into rectangular tiles, by count or by size.
// Knows nothing about NDVI or GDAL: every pixel lies in exactly one tile, and
// remainders go to the last column and the last row (nothing is dropped).
#pragma once

#include <cstdint>
#include <vector>

namespace tiledndvi {

struct Tile {
    std::int64_t x = 0;  // column of the top-left pixel
    std::int64_t y = 0;  // row of the top-left pixel
    std::int64_t width = 0;
    std::int64_t height = 0;
    int column = 0;  // position in the grid, 0-based
    int row = 0;

    std::int64_t pixel_count() const { return width * height; }
};

class TileGrid {
public:
    // `columns` x `rows` tiles of floor(size / count) pixels; the last column and
    // row take the remainder. Throws Error if a count is < 1 or exceeds the size.
    static TileGrid by_count(std::int64_t raster_width, std::int64_t raster_height, int columns, int rows);

    // Tiles of `tile_width` x `tile_height`; the last column and row are smaller
    // when the size does not divide evenly. A tile larger than the raster is
    // clipped to it. Throws Error if a size is < 1.
    static TileGrid by_size(std::int64_t raster_width, std::int64_t raster_height, std::int64_t tile_width,
                            std::int64_t tile_height);

    std::int64_t raster_width() const { return raster_width_; }
    std::int64_t raster_height() const { return raster_height_; }
    int columns() const { return columns_; }
    int rows() const { return rows_; }
    std::int64_t tile_count() const { return static_cast<std::int64_t>(columns_) * rows_; }
    // Nominal tile size (the first tile's); edge tiles may differ.
    std::int64_t tile_width() const { return tile_width_; }
    std::int64_t tile_height() const { return tile_height_; }

    Tile tile(int column, int row) const;
    // Tile number i in row-major order.
    Tile tile(std::int64_t index) const;
    std::vector<Tile> tiles() const;

private:
    TileGrid(std::int64_t raster_width, std::int64_t raster_height, std::int64_t tile_width,
             std::int64_t tile_height, int columns, int rows);

    std::int64_t raster_width_;
    std::int64_t raster_height_;
    std::int64_t tile_width_;
    std::int64_t tile_height_;
    int columns_;
    int rows_;
};

}  // namespace tiledndvi
