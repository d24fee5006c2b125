#include "tiledndvi/parallel_work.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"

namespace tiledndvi {

namespace {

// What the threads share: the next item to take, the first error, the stop flag.
struct SharedState {
    std::atomic<std::size_t> next_item{0};
    std::atomic<bool> stop{false};
    bool cancelled = false;  // written by the calling thread only
    std::atomic<bool> work_cancelled{false};
    std::mutex mutex;        // guards everything below
    std::condition_variable item_finished;
    std::size_t items_finished = 0;
    double weight_done = 0;
    std::string first_error;

    void fail(const std::string& message) {
        std::lock_guard<std::mutex> lock(mutex);
        if (first_error.empty()) first_error = message;
        stop = true;
        item_finished.notify_all();
    }

    void finish(double weight) {
        std::lock_guard<std::mutex> lock(mutex);
        ++items_finished;
        weight_done += weight;
        item_finished.notify_all();
    }
};

}  // namespace

int resolve_thread_count(int requested) {
    if (requested < 0 || requested > max_threads)
        throw Error("thread count must be between 0 (all cores) and " + std::to_string(max_threads) + ", not " +
                    std::to_string(requested));
    return requested == 0 ? std::max(1, omp_get_num_procs()) : requested;
}

int parallel_thread_count(std::size_t count, int threads) {
    return static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(resolve_thread_count(threads), count)));
}

void run_in_parallel(std::size_t count, int threads, const std::function<void(std::size_t item, int thread)>& work,
                     const ProgressCallback& progress, const std::function<double(std::size_t item)>& weight) {
    if (count == 0) return;
    const auto weight_of = [&](std::size_t item) { return weight ? weight(item) : 1.0; };
    double total_weight = 0;
    for (std::size_t item = 0; item < count; ++item) total_weight += weight_of(item);
    if (total_weight <= 0) total_weight = 1;
    SharedState shared;

#pragma omp parallel num_threads(parallel_thread_count(count, threads))
    {
        QuietGdalErrors quiet;
        const int thread = omp_get_thread_num();
        const bool reports_progress = thread == 0;  // the caller's thread
        const auto report = [&] {
            double done;
            {
                std::lock_guard<std::mutex> lock(shared.mutex);
                done = shared.weight_done;
            }
            if (progress && !progress(std::min(1.0, done / total_weight))) {
                shared.cancelled = true;
                shared.stop = true;
            }
        };
        try {
            for (std::size_t item = shared.next_item++; item < count && !shared.stop; item = shared.next_item++) {
                work(item, thread);
                shared.finish(weight_of(item));
                if (reports_progress) report();
            }
        } catch (const Cancelled& cancel) {
            shared.work_cancelled = true;  // the work saw the cancel itself
            shared.fail(cancel.what());
        } catch (const std::exception& error) {
            shared.fail(error.what());
        }
        // Out of items: the caller's thread keeps reporting (and can still
        // cancel) while the others finish theirs. It sleeps, not spins.
        if (reports_progress) {
            std::unique_lock<std::mutex> lock(shared.mutex);
            const std::size_t started = std::min(shared.next_item.load(), count);
            while (!shared.stop && shared.items_finished < started) {
                shared.item_finished.wait(lock);
                lock.unlock();
                report();
                lock.lock();
            }
            // The others may have finished before this thread started waiting.
            const bool finished = !shared.stop;
            lock.unlock();
            if (finished) report();
        }
    }

    if (shared.cancelled || shared.work_cancelled) throw Cancelled();
    if (!shared.first_error.empty()) throw Error(shared.first_error);
}

}  // namespace tiledndvi
