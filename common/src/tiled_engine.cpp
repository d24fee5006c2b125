#include "tiledndvi/tiled_engine.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <vector>

#include "tiledndvi/block_writer.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/kernels.h"
#include "tiledndvi/scoped_config.h"

namespace tiledndvi {

// One thread's view of the two input bands: its own dataset handles.
class ReaderPool::Reader {
public:
    Reader(const BandPair& pair, bool direct_io) : pair_(pair) {
        // Uncompressed GeoTIFFs are then read straight into our buffers instead
        // of through GDAL's block cache (one copy less, no fresh cache pages);
        // other formats ignore it. GDAL reads it at open time, so it is set
        // around the opens only: the calling thread belongs to the application.
        ScopedThreadConfig direct("GTIFF_DIRECT_IO", direct_io ? "YES" : "NO");
        a_dataset_ = open_raster(pair.a.path);
        if (!pair.same_file()) b_dataset_ = open_raster(pair.b.path);
        const char* interleave = a_dataset_->GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE");
        interleaved_ = pair.same_file() && interleave != nullptr && EQUAL(interleave, "PIXEL");
    }

    // Reads `window` of both bands as the working type into `buffer` (room for
    // 2 x window pixels) and says where each band's pixels are.
    KernelInputs read(const Tile& window, unsigned char* buffer) {
        const GDALDataType type = pair_.working_type;
        const int size = GDALGetDataTypeSizeBytes(type);
        const int x = static_cast<int>(window.x), y = static_cast<int>(window.y);
        const int w = static_cast<int>(window.width), h = static_cast<int>(window.height);
        KernelInputs inputs;
        inputs.input_type = type;
        inputs.a_nodata = pair_.a_nodata;
        inputs.b_nodata = pair_.b_nodata;
        CPLErrorReset();
        if (interleaved_) {
            // Keep the file's own pixel interleaving and band order: GDAL then
            // copies whole runs of pixels. Any other layout (bands split, or
            // NIR before red when the file has red first) makes it convert
            // value by value, several times slower.
            const bool a_first = pair_.a.band < pair_.b.band;
            int bands[2] = {a_first ? pair_.a.band : pair_.b.band, a_first ? pair_.b.band : pair_.a.band};
            check(a_dataset_->RasterIO(GF_Read, x, y, w, h, buffer, w, h, type, 2, bands, 2 * size,
                                       static_cast<GSpacing>(2) * size * w, size, nullptr),
                  pair_.a.path);
            inputs.a = a_first ? buffer : buffer + size;
            inputs.b = a_first ? buffer + size : buffer;
            inputs.stride = 2;
        } else {
            unsigned char* b = buffer + static_cast<std::size_t>(window.pixel_count()) * size;
            GDALDataset& b_dataset = b_dataset_ ? *b_dataset_ : *a_dataset_;
            check(a_dataset_->GetRasterBand(pair_.a.band)->RasterIO(GF_Read, x, y, w, h, buffer, w, h, type, 0, 0),
                  pair_.a.path);
            check(b_dataset.GetRasterBand(pair_.b.band)->RasterIO(GF_Read, x, y, w, h, b, w, h, type, 0, 0),
                  pair_.b.path);
            inputs.a = buffer;
            inputs.b = b;
            inputs.stride = 1;
        }
        return inputs;
    }

private:
    static void check(CPLErr status, const std::string& path) {
        if (status != CE_None || CPLGetLastErrorType() >= CE_Failure)
            // GDAL 3.6's direct I/O fails a short read (a truncated file) without a message.
            throw Error("failed to read " + path + ": " +
                        last_gdal_error("read error without a GDAL message (is the file truncated?)"));
    }

    const BandPair& pair_;
    GDALDatasetUniquePtr a_dataset_;
    GDALDatasetUniquePtr b_dataset_;
    bool interleaved_ = false;
};

ReaderPool::ReaderPool(const BandPair& pair, bool direct_io) : pair_(pair), direct_io_(direct_io) {}
ReaderPool::~ReaderPool() = default;

void ReaderPool::reserve(int thread_slots) {
    if (readers_.size() < static_cast<std::size_t>(thread_slots)) readers_.resize(thread_slots);
}

ReaderPool::Reader& ReaderPool::reader(int thread_slot) {
    // Slots are sized before the parallel region (see compute_windows), so
    // threads only ever touch their own element here.
    auto& slot = readers_.at(static_cast<std::size_t>(thread_slot));
    if (!slot) slot = std::make_unique<Reader>(pair_, direct_io_);
    return *slot;
}

namespace {

// Lets computed windows reach the sink one at a time in window order, when
// asked: GDAL drivers store blocks in the order they are written, so a file's
// bytes then do not depend on which thread finished first. A failure or a
// cancel releases every waiting thread.
class WindowTurns {
public:
    // Waits for `item`'s turn; false when the run was abandoned (skip the sink).
    bool wait_for(std::size_t item) {
        std::unique_lock<std::mutex> lock(mutex_);
        turn_changed_.wait(lock, [&] { return next_ == item || abandoned_; });
        return !abandoned_;
    }
    void done(std::size_t item) {
        std::lock_guard<std::mutex> lock(mutex_);
        next_ = item + 1;
        turn_changed_.notify_all();
    }
    void abandon() {
        std::lock_guard<std::mutex> lock(mutex_);
        abandoned_ = true;
        turn_changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable turn_changed_;
    std::size_t next_ = 0;
    bool abandoned_ = false;
};

}  // namespace

std::size_t engine_bytes_per_pixel(const BandPair& pair, GDALDataType output_type) {
    return 2 * static_cast<std::size_t>(GDALGetDataTypeSizeBytes(pair.working_type)) +
           static_cast<std::size_t>(GDALGetDataTypeSizeBytes(output_type));
}

void compute_windows(const BandPair& pair, const std::vector<Tile>& windows, GDALDataType output_type,
                     double output_nodata, int num_threads, const WindowSink& sink,
                     const ProgressCallback& progress, ReaderPool* pool, SinkOrder order) {
    if (windows.empty()) return;
    std::size_t largest = 0;
    for (const Tile& window : windows) largest = std::max(largest, static_cast<std::size_t>(window.pixel_count()));
    const int threads = parallel_thread_count(windows.size(), num_threads);
    const std::size_t input_size = GDALGetDataTypeSizeBytes(pair.working_type);
    const std::size_t output_size = GDALGetDataTypeSizeBytes(output_type);
    const bool full_width = std::all_of(windows.begin(), windows.end(), [&](const Tile& window) {
        return window.x == 0 && window.width == pair.grid.width;
    });
    ReaderPool local_pool(pair, full_width);
    ReaderPool& readers = pool != nullptr ? *pool : local_pool;
    readers.reserve(threads);
    // Per thread, allocated on its first window and reused for the others.
    struct Buffers {
        std::vector<unsigned char> inputs;
        std::vector<unsigned char> result;
    };
    std::vector<Buffers> buffers(threads);
    const bool ordered = order == SinkOrder::window_order;
    WindowTurns turns;
    const ProgressCallback report = [&](double fraction) {
        if (!progress || progress(fraction)) return true;
        if (ordered) turns.abandon();  // windows taken but never run must not be waited for
        return false;
    };

    run_in_parallel(
        windows.size(), threads,
        [&](std::size_t item, int thread) {
            try {
                const Tile& window = windows[item];
                Buffers& mine = buffers[thread];
                if (mine.inputs.empty()) {
                    mine.inputs.resize(2 * largest * input_size);
                    mine.result.resize(largest * output_size);
                }
                const std::size_t count = static_cast<std::size_t>(window.pixel_count());
                const KernelInputs inputs = readers.reader(thread).read(window, mine.inputs.data());
                normalized_difference(inputs, count, output_type, mine.result.data(), output_nodata);
                if (ordered && !turns.wait_for(item)) return;
                sink(window, mine.result.data());
                if (ordered) turns.done(item);
            } catch (...) {
                if (ordered) turns.abandon();
                throw;
            }
        },
        report, [&](std::size_t item) { return static_cast<double>(windows[item].pixel_count()); });
}

void compute_tiles(const BandPair& pair, GDALRasterBand& output, double output_nodata, const TileGrid& tiles,
                   const EngineOptions& options, const ProgressCallback& progress, std::int64_t source_x,
                   std::int64_t source_y) {
    const GDALDataType output_type = output.GetRasterDataType();
    const std::size_t bytes_per_pixel = engine_bytes_per_pixel(pair, output_type);
    std::vector<Tile> windows;  // in input pixels, aligned to the input's blocks
    for (Tile tile : tiles.tiles()) {
        tile.x += source_x;
        tile.y += source_y;
        const std::vector<Tile> parts = split_into_windows(tile, pair.grid, bytes_per_pixel, options.window_bytes);
        windows.insert(windows.end(), parts.begin(), parts.end());
    }
    // Top to bottom across the tiles of a tile row: windows that share output
    // blocks (tiles narrower than a strip) are written one after the other, so
    // each block is completed in GDAL's cache and flushed once, not evicted
    // half-written and read back.
    std::stable_sort(windows.begin(), windows.end(),
                     [](const Tile& p, const Tile& q) { return p.y != q.y ? p.y < q.y : p.x < q.x; });
    std::mutex output_mutex;  // GDAL datasets are not thread-safe: one writer at a time
    std::vector<unsigned char> block_buffer;
    const WindowSink write = [&](const Tile& source_window, const void* pixels) {
        Tile window = source_window;
        window.x -= source_x;
        window.y -= source_y;
        std::lock_guard<std::mutex> lock(output_mutex);
        write_window(output, window, static_cast<const unsigned char*>(pixels),
                     window.width * GDALGetDataTypeSizeBytes(output_type), block_buffer);
    };
    compute_windows(pair, windows, output_type, output_nodata, options.num_threads, write, progress, nullptr,
                    SinkOrder::window_order);
    if (progress && !progress(1.0)) throw Cancelled();
}

}  // namespace tiledndvi
