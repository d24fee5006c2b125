// A SLURM job-array task's share of a tile set, from the variables SLURM sets
// in each task's environment, so `tiledndvi ndvi` needs no index arguments in
// an sbatch script.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "tiledndvi/task_share.h"

namespace tiledndvi::cli {

using Environment = std::function<const char*(const char*)>;  // getenv

// Task (SLURM_ARRAY_TASK_ID - _MIN) / _STEP of SLURM_ARRAY_TASK_COUNT, or
// nothing outside a job array. Throws Error when the array's indices are not
// one range (--array=0-7 or 0-14:2; not a list such as 1,4,9).
std::optional<TaskShare> slurm_array_task(const Environment& environment);

}  // namespace tiledndvi::cli
