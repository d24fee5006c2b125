// The legend under the quicklook map: the title "NDVI", the YlGn ramp as a bar
// and tick labels for its minimum, middle and maximum, on an opaque white strip.
#pragma once

#include "rgba_image.h"

namespace tiledndvi::cli {

// Every length of the strip is a multiple of `scale` (the font's pixel size):
// from the top, 4 margin, 7 title, 3 gap, 10 bar, 3 ticks, 2 gap, 7 labels,
// 4 margin; the bar runs from 8 units after the left edge to 8 before the right.
constexpr int colour_bar_units = 40;
constexpr int colour_bar_side_units = 8;
constexpr int colour_bar_bar_top_units = 14;
constexpr int colour_bar_bar_units = 10;

// The legend's pixel size for a map whose longer side is `map_size`:
// map_size / 320 clamped to 1..4 (a 1024-pixel map gets 3, a 21-pixel text).
int colour_bar_scale(int map_size);

inline int colour_bar_height(int scale) { return colour_bar_units * scale; }

// The narrowest strip that holds the three labels apart: 160 units, more
// only when a label is longer than 7 characters.
int colour_bar_min_width(double minimum, double maximum, int scale);

// Draws the strip over the full width of `image`, rows top .. top + height - 1.
void draw_colour_bar(RgbaImage& image, int top, double minimum, double maximum, int scale);

}  // namespace tiledndvi::cli
