// The parallel tiled engine: walks windows on OpenMP threads, each with its own
// GDAL handles, reads both bands, runs the kernel and hands each result to a
// sink (a raster band, or a caller's buffer).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include <gdal_priv.h>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/parallel_work.h"
#include "tiledndvi/staged_output.h"
#include "tiledndvi/tile_grid.h"
#include "tiledndvi/tile_layout.h"

namespace tiledndvi {

struct EngineOptions {
    int num_threads = 0;  // 0: all cores
    std::size_t window_bytes = default_window_bytes;
};

// Bytes one pixel takes in the engine's buffers (two inputs, one output).
std::size_t engine_bytes_per_pixel(const BandPair& pair, GDALDataType output_type);

// Receives one computed window: `window.width * window.height` packed pixels of
// the output type. Called concurrently from several threads for disjoint
// windows; a sink writing to a shared object must lock.
using WindowSink = std::function<void(const Tile& window, const void* pixels)>;

// Per-thread GDAL handles kept across calls, for callers that compute many
// small requests (the GDAL driver). Thread slot i is used by OpenMP thread i.
class ReaderPool {
public:
    // `direct_io`: read uncompressed GeoTIFFs straight into the buffers,
    // bypassing GDAL's block cache. Much faster for windows as wide as the
    // raster; much slower for narrow windows, which re-read the same strips.
    ReaderPool(const BandPair& pair, bool direct_io);
    ~ReaderPool();
    ReaderPool(const ReaderPool&) = delete;
    ReaderPool& operator=(const ReaderPool&) = delete;

    class Reader;
    void reserve(int thread_slots);   // call before a parallel region
    Reader& reader(int thread_slot);  // opened on first use

private:
    const BandPair& pair_;
    bool direct_io_;
    std::vector<std::unique_ptr<Reader>> readers_;
};

// Whether the sink sees windows in any order (as they complete: fastest) or
// in the order of `windows` (a file written in a fixed order has the same bytes
// whatever the thread count).
enum class SinkOrder { any, window_order };

// Computes (a - b) / (a + b) for every window into `sink`. Progress is reported
// from the calling thread only; returning false from it stops the work promptly
// and throws Cancelled. Throws Error on any read failure or sink exception.
// Peak memory: threads x largest window, whatever the raster size. `pool`
// (optional) supplies reusable handles; without it each call opens its own.
void compute_windows(const BandPair& pair, const std::vector<Tile>& windows, GDALDataType output_type,
                     double output_nodata, int num_threads, const WindowSink& sink,
                     const ProgressCallback& progress = {}, ReaderPool* pool = nullptr,
                     SinkOrder order = SinkOrder::any);

// Computes every tile of `tiles` (cut into windows of options.window_bytes)
// into `output`, a single-band Float32/Float64 raster. `tiles` cover `output`;
// output pixel (0, 0) is input pixel (source_x, source_y): an output covering
// only part of the inputs (one tile of a tile set) reads just that part.
void compute_tiles(const BandPair& pair, GDALRasterBand& output, double output_nodata, const TileGrid& tiles,
                   const EngineOptions& options, const ProgressCallback& progress, std::int64_t source_x = 0,
                   std::int64_t source_y = 0);

}  // namespace tiledndvi
