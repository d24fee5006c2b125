// Copying pixels between rasters fast: the tile and merge steps of the tiles
// workflow. GDALTranslate copies through GDAL's block cache in block-sized
// pieces (several times the I/O floor); this reads swaths as wide as the source
// rows, pixel-interleaved, straight from uncompressed GeoTIFFs (direct I/O),
// and writes each target's part of the swath in one call.
#pragma once

#include <string>
#include <vector>

#include <gdal_priv.h>

#include "tiledndvi/parallel_work.h"
#include "tiledndvi/tile_grid.h"

namespace tiledndvi {

// Creates `path` with `driver` for `window` of `source`'s `bands` (1-based,
// empty: all): same data type, georeferencing moved to the window's corner,
// CRS, and per band NoData, colour interpretation, colour table, description,
// scale/offset, unit and metadata. Returns null when the driver cannot create
// files this way (CreateCopy-only formats such as COG): use GDALTranslate.
// Throws Error when it can but fails.
GDALDatasetUniquePtr create_like(GDALDriver& driver, const std::string& path, GDALDataset& source,
                                 const Tile& window, const std::vector<int>& bands,
                                 const std::vector<std::string>& creation_options);

// One destination of a copy: `dataset` receives the source columns
// [source_x, source_x + dataset width) of the rows being copied, from its row
// `target_y` on.
struct CopyTarget {
    GDALDataset* dataset = nullptr;
    std::int64_t source_x = 0;
    std::int64_t target_y = 0;
};

// Copies rows [y, y + height) of `source`'s `bands` (1-based, empty: all) into
// every target, in swaths of about `swath_bytes`. `progress` gets the fraction
// of these rows done and may return false to cancel (throws Cancelled). Throws
// Error naming the file on a read or write failure. Open `source` with
// open_for_copy for direct I/O.
void copy_rows(GDALDataset& source, const std::vector<int>& bands, std::int64_t y, std::int64_t height,
               const std::vector<CopyTarget>& targets, const ProgressCallback& progress = {},
               std::size_t swath_bytes = std::size_t(4) << 20);

// Opens `path` for copy_rows: uncompressed GeoTIFFs (and those a VRT refers
// to) are then read straight into the swath buffer, not via the block cache.
GDALDatasetUniquePtr open_for_copy(const std::string& path);

}  // namespace tiledndvi
