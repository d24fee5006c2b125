#include "slurm_array.h"

#include <cerrno>
#include <cstdlib>

#include "tiledndvi/error.h"

namespace tiledndvi::cli {

namespace {

long long variable(const Environment& environment, const char* name, std::optional<long long> fallback = {}) {
    const char* text = environment(name);
    if (text == nullptr || *text == '\0') {
        if (fallback) return *fallback;
        throw Error(std::string("inside a SLURM job array but ") + name + " is not set");
    }
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < 0)
        throw Error(std::string(name) + " is not a count or an index: '" + text + "'");
    return value;
}

}  // namespace

std::optional<TaskShare> slurm_array_task(const Environment& environment) {
    if (environment("SLURM_ARRAY_TASK_ID") == nullptr) return std::nullopt;
    const long long id = variable(environment, "SLURM_ARRAY_TASK_ID");
    const long long min = variable(environment, "SLURM_ARRAY_TASK_MIN");
    const long long max = variable(environment, "SLURM_ARRAY_TASK_MAX");
    const long long step = variable(environment, "SLURM_ARRAY_TASK_STEP", 1);
    const long long count = variable(environment, "SLURM_ARRAY_TASK_COUNT");
    // A list of indices (1,4,9) has no step that maps them onto 0..count-1.
    if (step < 1 || count < 1 || count > max_task_count || (max - min) % step != 0 ||
        (max - min) / step + 1 != count || id < min || id > max || (id - min) % step != 0)
        throw Error("the SLURM array's indices are not one range (task " + std::to_string(id) + " of " +
                    std::to_string(min) + "-" + std::to_string(max) + ":" + std::to_string(step) + ", " +
                    std::to_string(count) + " tasks): submit with --array=0-N, or pass --task-index and --task-count");
    return TaskShare{static_cast<int>((id - min) / step), static_cast<int>(count)};
}

}  // namespace tiledndvi::cli
