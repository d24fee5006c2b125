// A tiny 5 x 7 pixel font for the quicklook's colour bar: GDAL renders no text,
// and the legend needs only digits, '-', '.', ' ' and the letters of "NDVI".
#pragma once

#include <string>

#include "rgba_image.h"

namespace tiledndvi::cli {

constexpr int glyph_width = 5;
constexpr int glyph_height = 7;
constexpr int glyph_advance = glyph_width + 1;  // one blank column between characters

// Width in pixels of `text` drawn at `scale` (every font pixel a scale x scale square).
int text_width(const std::string& text, int scale);

// Draws `text` with its top-left corner at (x, y). A character the font lacks is
// left blank.
void draw_text(RgbaImage& image, int x, int y, const std::string& text, int scale, const Rgb& colour);

}  // namespace tiledndvi::cli
