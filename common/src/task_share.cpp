#include "tiledndvi/task_share.h"

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
    if (tile_count < 0) throw Error("negative tile count");
    // tile_count <= 2^18 and count <= 2^20: the products fit in 64 bits.
    return {tile_count * task.index / task.count, tile_count * (task.index + 1) / task.count};
}

}  // namespace tiledndvi
