#include "tiledndvi/task_share.h"

#include <limits>
#include <string>

#include "tiledndvi/error.h"

namespace tiledndvi {

TileRange tiles_of_task(std::int64_t tile_count, const TaskShare& task) {
    if (task.count < 1 || task.count > max_task_count)
        throw Error("the task count must be between 1 and " + std::to_string(max_task_count) + ", not " +
                    std::to_string(task.count));
    if (task.index < 0 || task.index >= task.count)
        throw Error("task index " + std::to_string(task.index) + " is outside 0.." + std::to_string(task.count - 1) +
                    " (" + std::to_string(task.count) + " tasks)");
    // tile_count * count must fit in 64 bits (a layout makes at most 2^18 tiles).
    if (tile_count < 0 || tile_count > std::numeric_limits<std::int64_t>::max() / max_task_count)
        throw Error("cannot share " + std::to_string(tile_count) + " tiles among tasks");
    return {tile_count * task.index / task.count, tile_count * (task.index + 1) / task.count};
}

}  // namespace tiledndvi
