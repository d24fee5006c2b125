// An 8-bit RGBA picture in memory (pixel-interleaved, rows top to bottom), what
// the quicklook is drawn into before GDAL writes it as a PNG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ylgn_ramp.h"

namespace tiledndvi::cli {

struct RgbaImage {
    RgbaImage(int width_, int height_)
        : width(width_), height(height_), pixels(static_cast<std::size_t>(width_) * height_ * 4, 0) {}

    int width;
    int height;
    std::vector<std::uint8_t> pixels;  // all transparent at first

    // Opaque `colour` at (x, y); points outside the picture are ignored.
    void set(int x, int y, const Rgb& colour) {
        if (x < 0 || y < 0 || x >= width || y >= height) return;
        std::uint8_t* pixel = &pixels[(static_cast<std::size_t>(y) * width + x) * 4];
        pixel[0] = colour.red;
        pixel[1] = colour.green;
        pixel[2] = colour.blue;
        pixel[3] = 255;
    }
    void fill(int x, int y, int w, int h, const Rgb& colour) {
        for (int row = y; row < y + h; ++row)
            for (int column = x; column < x + w; ++column) set(column, row, colour);
    }
};

}  // namespace tiledndvi::cli
