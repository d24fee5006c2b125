#include "read_ahead.h"

#include <exception>
#include <utility>

namespace tiledndvi::gdal_plugin {

ReadAhead::ReadAhead(int raster_width, Job job) : raster_width_(raster_width), job_(std::move(job)) {}

ReadAhead::~ReadAhead() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        cancel_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ReadAhead::start(int y, int height, int threads) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (state_ != State::idle) return;  // take() or cancel() first
        // Sized once for the usual swath and reused: no fresh pages per chunk.
        pixels_.resize(static_cast<std::size_t>(raster_width_) * height);
        y_ = y;
        height_ = height;
        threads_ = threads;
        cancel_ = false;
        state_ = State::queued;
        // The thread (and the OpenMP team it leads) lives as long as the dataset.
        if (!thread_.joinable()) thread_ = std::thread(&ReadAhead::run, this);
    }
    changed_.notify_all();
}

ReadAhead::Outcome ReadAhead::take(int y, int height, const std::function<void(const float*)>& use,
                                   std::string& error) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (state_ == State::idle) return Outcome::none;
    const bool wanted = y == y_ && height == height_ && use;
    if (!wanted) cancel_ = true;
    changed_.wait(lock, [&] { return state_ == State::done; });
    state_ = State::idle;
    if (!wanted || cancelled_) return Outcome::none;
    if (!error_.empty()) {
        error = error_;
        return Outcome::failed;
    }
    // Idle now, so the background thread does not touch the pixels meanwhile.
    lock.unlock();
    use(pixels_.data());
    return Outcome::served;
}

void ReadAhead::cancel() {
    std::string ignored;
    take(-1, 0, {}, ignored);
}

void ReadAhead::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return stop_ || state_ == State::queued; });
        if (stop_) return;
        state_ = State::running;
        const int y = y_, height = height_, threads = threads_;
        float* pixels = pixels_.data();
        lock.unlock();
        bool cancelled = false;
        std::string error;
        try {
            job_(y, height, threads, pixels, [this] { return cancel_.load(); });
        } catch (const std::exception& failure) {
            // A cancel surfaces as an exception too (the engine's Cancelled).
            cancelled = cancel_;
            if (!cancelled) error = failure.what();
        }
        lock.lock();
        cancelled_ = cancelled;
        error_ = error;
        state_ = State::done;
        changed_.notify_all();
    }
}

}  // namespace tiledndvi::gdal_plugin
