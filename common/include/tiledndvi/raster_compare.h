// Pixel-for-pixel comparison of two rasters, streamed row band by row band so
// memory does not grow with the raster: how `bench` proves that serial and
// parallel runs wrote the same bits.
#pragma once

#include <string>

namespace tiledndvi {

// "" when both rasters have the same size, band count, types and identical
// pixel bytes (NaN payloads included); otherwise what differs first, e.g.
// "band 1 differs at pixel (12, 40)". Throws Error if one cannot be read.
std::string first_difference(const std::string& first, const std::string& second);

}  // namespace tiledndvi
