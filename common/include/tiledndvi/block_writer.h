// Writing whole output blocks straight to the driver (WriteBlock), bypassing
// GDAL's block cache: no second copy of the output in fresh cache pages.
#pragma once

#include <cstddef>
#include <vector>

#include <gdal_priv.h>

#include "tiledndvi/tile_grid.h"

namespace tiledndvi {

// Writes `window` of `band` from `pixels` (rows `row_bytes` apart, packed
// pixels of the band's type) when the window is made of whole blocks (edge
// blocks may be partial). Returns false, having written nothing, when some
// block is only partly inside the window: the caller then uses RasterIO.
// `block_buffer` is scratch space kept by the caller. Throws Error on failure.
bool write_whole_blocks(GDALRasterBand& band, const Tile& window, const unsigned char* pixels, std::size_t row_bytes,
                        std::vector<unsigned char>& block_buffer);

// Writes `window` of `band` from `pixels` (as above): whole blocks straight to
// the driver when it can, through RasterIO otherwise. Throws Error on failure.
void write_window(GDALRasterBand& band, const Tile& window, const unsigned char* pixels, std::size_t row_bytes,
                  std::vector<unsigned char>& block_buffer);

}  // namespace tiledndvi
