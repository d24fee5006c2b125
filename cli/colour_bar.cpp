#include "colour_bar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "bitmap_font.h"

namespace tiledndvi::cli {

namespace {

const Rgb background{255, 255, 255};
const Rgb ink{0x22, 0x22, 0x22};

constexpr int title_top_units = 4;
constexpr int ticks_units = 3;
constexpr int labels_top_units = colour_bar_bar_top_units + colour_bar_bar_units + ticks_units + 2;
constexpr int label_gap_units = 6;
constexpr int min_width_units = 160;

// Enough decimals to tell the three ticks apart (two more than the span's
// order of magnitude), trailing zeros dropped: -1, 0, 1 or -0.286, 0.19, 0.667.
std::string tick_label(double value, double span) {
    const int decimals = span > 0 ? std::clamp(2 - static_cast<int>(std::floor(std::log10(span))), 0, 10) : 3;
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    std::string label = text;
    if (label.find('.') != std::string::npos) {
        label.erase(label.find_last_not_of('0') + 1);
        if (label.back() == '.') label.pop_back();
    }
    if (label == "-0") label = "0";
    return label;
}

struct Labels {
    std::string low, middle, high;
};

Labels labels_for(double minimum, double maximum) {
    const double span = maximum - minimum;
    return {tick_label(minimum, span), tick_label(minimum + span / 2, span), tick_label(maximum, span)};
}

}  // namespace

int colour_bar_scale(int map_size) { return std::clamp(map_size / 320, 1, 4); }

int colour_bar_min_width(double minimum, double maximum, int scale) {
    const Labels labels = labels_for(minimum, maximum);
    // The middle label is centred: each half of the strip holds a side margin,
    // an end label, a gap and half the middle label.
    const int end_units = std::max(text_width(labels.low, 1), text_width(labels.high, 1));
    const int needed = 2 * (colour_bar_side_units + end_units + label_gap_units) + text_width(labels.middle, 1);
    return std::max(min_width_units, needed) * scale;
}

void draw_colour_bar(RgbaImage& image, int top, double minimum, double maximum, int scale) {
    image.fill(0, top, image.width, colour_bar_height(scale), background);

    const std::string title = "NDVI";
    draw_text(image, (image.width - text_width(title, scale)) / 2, top + title_top_units * scale, title, scale, ink);

    // The bar: column i of n shows the ramp at i / (n - 1), so both end colours
    // are drawn exactly; a one-pixel frame around it keeps the pale end visible.
    const int bar_left = colour_bar_side_units * scale;
    const int bar_right = image.width - colour_bar_side_units * scale - 1;
    const int bar_top = top + colour_bar_bar_top_units * scale;
    const int bar_height = colour_bar_bar_units * scale;
    const int columns = bar_right - bar_left + 1;
    image.fill(bar_left - 1, bar_top - 1, columns + 2, bar_height + 2, ink);
    for (int i = 0; i < columns; ++i)
        image.fill(bar_left + i, bar_top, 1, bar_height, ylgn_colour(columns > 1 ? double(i) / (columns - 1) : 0.5));

    const Labels labels = labels_for(minimum, maximum);
    const int middle = bar_left + (columns - 1) / 2;
    const int tick_top = bar_top + bar_height;
    image.fill(bar_left, tick_top, scale, ticks_units * scale, ink);
    image.fill(middle - scale / 2, tick_top, scale, ticks_units * scale, ink);
    image.fill(bar_right - scale + 1, tick_top, scale, ticks_units * scale, ink);

    const int label_top = top + labels_top_units * scale;
    draw_text(image, bar_left, label_top, labels.low, scale, ink);
    draw_text(image, middle - text_width(labels.middle, scale) / 2, label_top, labels.middle, scale, ink);
    draw_text(image, bar_right + 1 - text_width(labels.high, scale), label_top, labels.high, scale, ink);
}

}  // namespace tiledndvi::cli
