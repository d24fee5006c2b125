#include "tiledndvi/tile_outputs.h"

#include <algorithm>
#include <mutex>

#include "tiledndvi/block_writer.h"
#include "tiledndvi/error.h"

namespace tiledndvi {

void compute_tile_outputs(const BandPair& pair, const std::vector<TileOutput>& outputs, double output_nodata,
                          const EngineOptions& options, const ProgressCallback& progress) {
    if (outputs.empty()) return;
    const GDALDataType output_type = outputs.front().band->GetRasterDataType();
    for (const TileOutput& output : outputs)
        if (output.band->GetRasterDataType() != output_type)
            throw Error("the tiles' outputs must share one data type");
    Tile box = outputs.front().tile;
    for (const TileOutput& output : outputs) {
        const Tile& tile = output.tile;
        const std::int64_t right = std::max(box.x + box.width, tile.x + tile.width);
        const std::int64_t bottom = std::max(box.y + box.height, tile.y + tile.height);
        box.x = std::min(box.x, tile.x);
        box.y = std::min(box.y, tile.y);
        box.width = right - box.x;
        box.height = bottom - box.y;
    }
    const std::vector<Tile> windows =
        split_into_windows(box, pair.grid, engine_bytes_per_pixel(pair, output_type), options.window_bytes);

    const std::size_t pixel_bytes = GDALGetDataTypeSizeBytes(output_type);
    std::mutex output_mutex;  // GDAL datasets are not thread-safe: one writer at a time
    std::vector<unsigned char> block_buffer;
    const WindowSink write = [&](const Tile& window, const void* pixels) {
        std::lock_guard<std::mutex> lock(output_mutex);
        const std::size_t window_row_bytes = static_cast<std::size_t>(window.width) * pixel_bytes;
        for (const TileOutput& output : outputs) {
            const Tile& tile = output.tile;
            // The part of `window` inside this tile, in the tile's own pixels.
            const std::int64_t x0 = std::max(window.x, tile.x);
            const std::int64_t x1 = std::min(window.x + window.width, tile.x + tile.width);
            const std::int64_t y0 = std::max(window.y, tile.y);
            const std::int64_t y1 = std::min(window.y + window.height, tile.y + tile.height);
            if (x0 >= x1 || y0 >= y1) continue;
            Tile part;
            part.x = x0 - tile.x;
            part.y = y0 - tile.y;
            part.width = x1 - x0;
            part.height = y1 - y0;
            const unsigned char* first = static_cast<const unsigned char*>(pixels) +
                                         static_cast<std::size_t>(y0 - window.y) * window_row_bytes +
                                         static_cast<std::size_t>(x0 - window.x) * pixel_bytes;
            write_window(*output.band, part, first, window_row_bytes, block_buffer);
        }
    };
    compute_windows(pair, windows, output_type, output_nodata, options.num_threads, write, progress, nullptr,
                    SinkOrder::window_order);
    if (progress && !progress(1.0)) throw Cancelled();
}

}  // namespace tiledndvi
