// The yellow-to-green ColorBrewer YlGn ramp (9 classes) that NDVI is drawn
// with, in the quicklook picture and in the QGIS style alike.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace tiledndvi::cli {

struct Rgb {
    std::uint8_t red = 0, green = 0, blue = 0;
    bool operator==(const Rgb& other) const {
        return red == other.red && green == other.green && blue == other.blue;
    }
};

// #ffffe5 #f7fcb9 #d9f0a3 #addd8e #78c679 #41ab5d #238443 #006837 #004529:
// the low end first, evenly spaced over the ramp.
const std::array<Rgb, 9>& ylgn_stops();

// The colour at `position` in [0, 1] (clamped), linearly interpolated between
// the two nearest stops and rounded to the nearest integer per channel: 0 is
// the first stop, 0.5 the middle one (#78c679), 1 the last.
Rgb ylgn_colour(double position);

// "#78c679"
std::string hex(const Rgb& colour);

}  // namespace tiledndvi::cli
