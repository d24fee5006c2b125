// Which tiles of a tile set each of N independent tasks computes (a SLURM
// array task, say): a fixed assignment any task can recompute alone, with no
// scheduler and no communication between tasks.
#pragma once

#include <cstdint>

namespace tiledndvi {

// Task `index` of `count` (0-based).
struct TaskShare {
    int index = 0;
    int count = 1;
};

// Tiles [first, end) in row-major order (tile number row * columns + column).
struct TileRange {
    std::int64_t first = 0;
    std::int64_t end = 0;
    std::int64_t size() const { return end - first; }
};

// Most tasks one tile set may be split into.
constexpr int max_task_count = 1 << 20;

// Task `task.index` gets the contiguous run of tiles
// [floor(i * T / N), floor((i + 1) * T / N)) of the T tiles: runs differ in
// length by at most one, every tile belongs to exactly one task, and a task
// reads a band of neighbouring rows of the input. With more tasks than tiles
// some runs are empty. Throws Error unless 0 <= index < count <= max_task_count.
TileRange tiles_of_task(std::int64_t tile_count, const TaskShare& task);

}  // namespace tiledndvi
