#include "tiledndvi/tiled_engine.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/kernels.h"

namespace tiledndvi {

// One thread's view of the two input bands: its own dataset handles.
class ReaderPool::Reader {
public:
    explicit Reader(const BandPair& pair) : pair_(pair) {
        a_dataset_ = open_raster(pair.a.path);
        if (!pair.same_file()) b_dataset_ = open_raster(pair.b.path);
    }

    // Reads `window` of both bands as the working type into `a` and `b`.
    void read(const Tile& window, void* a, void* b) {
        const GDALDataType type = pair_.working_type;
        const int x = static_cast<int>(window.x), y = static_cast<int>(window.y);
        const int w = static_cast<int>(window.width), h = static_cast<int>(window.height);
        CPLErrorReset();
        if (pair_.same_file()) {
            // One call for both bands: a pixel-interleaved file is decoded once.
            int bands[2] = {pair_.a.band, pair_.b.band};
            const GSpacing band_space = static_cast<char*>(b) - static_cast<char*>(a);
            check(a_dataset_->RasterIO(GF_Read, x, y, w, h, a, w, h, type, 2, bands, 0, 0, band_space, nullptr),
                  pair_.a.path);
        } else {
            check(a_dataset_->GetRasterBand(pair_.a.band)->RasterIO(GF_Read, x, y, w, h, a, w, h, type, 0, 0),
                  pair_.a.path);
            check(b_dataset_->GetRasterBand(pair_.b.band)->RasterIO(GF_Read, x, y, w, h, b, w, h, type, 0, 0),
                  pair_.b.path);
        }
    }

private:
    static void check(CPLErr status, const std::string& path) {
        if (status != CE_None || CPLGetLastErrorType() >= CE_Failure)
            throw Error("failed to read " + path + ": " + last_gdal_error());
    }

    const BandPair& pair_;
    GDALDatasetUniquePtr a_dataset_;
    GDALDatasetUniquePtr b_dataset_;
};

ReaderPool::ReaderPool(const BandPair& pair) : pair_(pair) {}
ReaderPool::~ReaderPool() = default;

void ReaderPool::reserve(int thread_slots) {
    if (readers_.size() < static_cast<std::size_t>(thread_slots)) readers_.resize(thread_slots);
}

ReaderPool::Reader& ReaderPool::reader(int thread_slot) {
    // Slots are sized before the parallel region (see compute_windows), so
    // threads only ever touch their own element here.
    auto& slot = readers_.at(static_cast<std::size_t>(thread_slot));
    if (!slot) slot = std::make_unique<Reader>(pair_);
    return *slot;
}

namespace {

// What the threads share: the next window to take, the first error, the stop flag.
struct SharedState {
    std::atomic<std::size_t> next_window{0};
    std::atomic<std::int64_t> pixels_done{0};
    std::atomic<bool> stop{false};
    bool cancelled = false;  // written by the calling thread only
    std::mutex mutex;        // guards first_error
    std::string first_error;

    void fail(const std::string& message) {
        std::lock_guard<std::mutex> lock(mutex);
        if (first_error.empty()) first_error = message;
        stop = true;
    }
};

}  // namespace

int resolve_thread_count(int requested) {
    if (requested < 0) throw Error("thread count must be 0 (all cores) or more, not " + std::to_string(requested));
    return requested == 0 ? std::max(1, omp_get_num_procs()) : requested;
}

std::size_t engine_bytes_per_pixel(const BandPair& pair, GDALDataType output_type) {
    return 2 * static_cast<std::size_t>(GDALGetDataTypeSizeBytes(pair.working_type)) +
           static_cast<std::size_t>(GDALGetDataTypeSizeBytes(output_type));
}

void compute_windows(const BandPair& pair, const std::vector<Tile>& windows, GDALDataType output_type,
                     double output_nodata, int num_threads, const WindowSink& sink,
                     const ProgressCallback& progress, ReaderPool* pool) {
    if (windows.empty()) return;
    std::size_t largest = 0;
    std::int64_t total_pixels = 0;
    for (const Tile& window : windows) {
        largest = std::max(largest, static_cast<std::size_t>(window.pixel_count()));
        total_pixels += window.pixel_count();
    }
    const int threads = static_cast<int>(std::min<std::size_t>(resolve_thread_count(num_threads), windows.size()));
    const std::size_t input_size = GDALGetDataTypeSizeBytes(pair.working_type);
    const std::size_t output_size = GDALGetDataTypeSizeBytes(output_type);
    ReaderPool local_pool(pair);
    ReaderPool& readers = pool != nullptr ? *pool : local_pool;
    readers.reserve(threads);
    SharedState shared;

#pragma omp parallel num_threads(threads)
    {
        QuietGdalErrors quiet;
        const int thread = omp_get_thread_num();
        const bool reports_progress = thread == 0;  // the caller's thread
        try {
            ReaderPool::Reader& reader = readers.reader(thread);
            // Allocated once per call, reused for every window of this thread.
            std::vector<unsigned char> inputs(2 * largest * input_size);
            std::vector<unsigned char> result(largest * output_size);
            KernelInputs kernel_inputs;
            kernel_inputs.input_type = pair.working_type;
            kernel_inputs.a_nodata = pair.a_nodata;
            kernel_inputs.b_nodata = pair.b_nodata;

            for (std::size_t i = shared.next_window++; i < windows.size() && !shared.stop; i = shared.next_window++) {
                const Tile& window = windows[i];
                const std::size_t count = static_cast<std::size_t>(window.pixel_count());
                void* a = inputs.data();
                void* b = inputs.data() + count * input_size;
                reader.read(window, a, b);
                kernel_inputs.a = a;
                kernel_inputs.b = b;
                normalized_difference(kernel_inputs, count, output_type, result.data(), output_nodata);
                sink(window, result.data());
                const std::int64_t done = shared.pixels_done += window.pixel_count();
                if (reports_progress && progress && !progress(static_cast<double>(done) / total_pixels)) {
                    shared.cancelled = true;
                    shared.stop = true;
                }
            }
        } catch (const std::exception& error) {
            shared.fail(error.what());
        }
    }

    if (shared.cancelled) throw Cancelled();
    if (!shared.first_error.empty()) throw Error(shared.first_error);
}

void compute_tiles(const BandPair& pair, GDALRasterBand& output, double output_nodata, const TileGrid& tiles,
                   const EngineOptions& options, const ProgressCallback& progress) {
    const GDALDataType output_type = output.GetRasterDataType();
    const std::size_t bytes_per_pixel = engine_bytes_per_pixel(pair, output_type);
    std::vector<Tile> windows;
    for (const Tile& tile : tiles.tiles()) {
        const std::vector<Tile> parts = split_into_windows(tile, pair.grid, bytes_per_pixel, options.window_bytes);
        windows.insert(windows.end(), parts.begin(), parts.end());
    }
    std::mutex output_mutex;  // GDAL datasets are not thread-safe: one writer at a time
    const WindowSink write = [&](const Tile& window, const void* pixels) {
        std::lock_guard<std::mutex> lock(output_mutex);
        CPLErrorReset();
        const CPLErr status =
            output.RasterIO(GF_Write, static_cast<int>(window.x), static_cast<int>(window.y),
                            static_cast<int>(window.width), static_cast<int>(window.height), const_cast<void*>(pixels),
                            static_cast<int>(window.width), static_cast<int>(window.height), output_type, 0, 0,
                            nullptr);
        if (status != CE_None || CPLGetLastErrorType() >= CE_Failure)
            throw Error("failed to write the output: " + last_gdal_error());
    };
    compute_windows(pair, windows, output_type, output_nodata, options.num_threads, write, progress);
    if (progress && !progress(1.0)) throw Cancelled();
}

}  // namespace tiledndvi
