// Read-ahead for the NDVI: driver: while GDAL writes one swath of rows (what
// gdal_translate does between two reads), the next swath is computed on a
// background thread, so reading and writing overlap instead of alternating.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tiledndvi::gdal_plugin {

class ReadAhead {
public:
    // Computes `height` full-width rows from row `y` as packed Float32 into
    // `out`, on up to `threads` threads; polls `cancelled` between windows and
    // may then stop by throwing. Throws on failure. Runs on the background thread.
    using Job = std::function<void(int y, int height, int threads, float* out, const std::function<bool()>& cancelled)>;

    ReadAhead(int raster_width, Job job);
    ~ReadAhead();  // cancels a running chunk and joins the thread
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // Starts computing rows [y, y + height). Only when idle (after take()).
    void start(int y, int height, int threads);

    enum class Outcome { none, served, failed };
    // Waits for the chunk started last, if any. When it is exactly the rows
    // [y, y + height), hands its pixels to `use` (served) or its error to
    // `error` (failed); any other chunk is cancelled and dropped (none).
    Outcome take(int y, int height, const std::function<void(const float* pixels)>& use, std::string& error);
    // Cancels and drops the chunk started last, if any.
    void cancel();

private:
    enum class State { idle, queued, running, done };
    void run();

    const int raster_width_;
    const Job job_;
    std::mutex mutex_;
    std::condition_variable changed_;
    State state_ = State::idle;
    bool stop_ = false;
    std::atomic<bool> cancel_{false};
    int y_ = 0, height_ = 0, threads_ = 1;
    bool cancelled_ = false;  // the last chunk stopped early
    std::string error_;       // the last chunk failed
    std::vector<float> pixels_;
    std::thread thread_;
};

}  // namespace tiledndvi::gdal_plugin
