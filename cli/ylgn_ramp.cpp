#include "ylgn_ramp.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tiledndvi::cli {

const std::array<Rgb, 9>& ylgn_stops() {
    static const std::array<Rgb, 9> stops = {{{0xff, 0xff, 0xe5},
                                              {0xf7, 0xfc, 0xb9},
                                              {0xd9, 0xf0, 0xa3},
                                              {0xad, 0xdd, 0x8e},
                                              {0x78, 0xc6, 0x79},
                                              {0x41, 0xab, 0x5d},
                                              {0x23, 0x84, 0x43},
                                              {0x00, 0x68, 0x37},
                                              {0x00, 0x45, 0x29}}};
    return stops;
}

Rgb ylgn_colour(double position) {
    const auto& stops = ylgn_stops();
    const int last = static_cast<int>(stops.size()) - 1;
    if (!(position > 0)) return stops.front();  // NaN too: callers decide about NoData first
    if (position >= 1) return stops.back();
    const double scaled = position * last;
    const int below = std::min(static_cast<int>(scaled), last - 1);
    const double fraction = scaled - below;
    const auto mix = [fraction](std::uint8_t from, std::uint8_t to) {
        return static_cast<std::uint8_t>(std::lround(from + (to - from) * fraction));
    };
    const Rgb& a = stops[below];
    const Rgb& b = stops[below + 1];
    return {mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue)};
}

std::string hex(const Rgb& colour) {
    char text[8];
    std::snprintf(text, sizeof text, "#%02x%02x%02x", colour.red, colour.green, colour.blue);
    return text;
}

}  // namespace tiledndvi::cli
