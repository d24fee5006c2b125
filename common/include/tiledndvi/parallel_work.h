// The one parallel loop of the project: items taken in order by whichever
// OpenMP thread is free, the first error stops the rest, progress and cancel
// handled on the calling thread. The engine runs its windows on it; the CLI
// its tiles.
#pragma once

#include <cstddef>
#include <functional>

namespace tiledndvi {

// Progress in [0, 1]; returning false asks the work to stop.
using ProgressCallback = std::function<bool(double fraction)>;

// Most threads a caller may ask for: far more than any machine's cores, far
// fewer than would exhaust the system's threads or memory for their stacks.
constexpr int max_threads = 1024;

// Threads to use for a request of `requested` (0 = all cores). Throws Error if
// negative or above max_threads.
int resolve_thread_count(int requested);

// Runs work(item, thread) for every item in [0, count) on up to `threads`
// threads (0 = all cores); `thread` is 0..threads-1 (0 is the caller's thread),
// for per-thread state. GDAL errors are kept quiet on the workers: failures
// must be thrown. `weight(item)` is the item's share of the progress (equal
// shares when empty). Progress is called only on the calling thread, also while
// it waits for the others; when it returns false no new item starts and
// Cancelled is thrown once running items end. The first exception from work()
// stops the rest and is rethrown as Error with its message.
void run_in_parallel(std::size_t count, int threads, const std::function<void(std::size_t item, int thread)>& work,
                     const ProgressCallback& progress = {},
                     const std::function<double(std::size_t item)>& weight = {});

// The number of threads run_in_parallel() will use for `count` items.
int parallel_thread_count(std::size_t count, int threads);

}  // namespace tiledndvi
