// How many threads the plugin uses: GDAL's own GDAL_NUM_THREADS setting when
// given (a number or ALL_CPUS), else what OpenMP would use (OMP_NUM_THREADS or
// all cores).
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdlib>

#include <cpl_conv.h>
#include <cpl_port.h>

namespace tiledndvi::gdal_plugin {

inline int plugin_thread_count() {
    const char* setting = CPLGetConfigOption("GDAL_NUM_THREADS", nullptr);
    if (setting == nullptr || *setting == '\0') return std::max(1, omp_get_max_threads());
    if (EQUAL(setting, "ALL_CPUS")) return std::max(1, omp_get_num_procs());
    return std::clamp(std::atoi(setting), 1, 1024);
}

}  // namespace tiledndvi::gdal_plugin
