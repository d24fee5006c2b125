// Turns SIGINT / SIGTERM into a cancel while a job runs in qgis_process, which
// has no cancel button and would otherwise die with the staged file left behind.
#pragma once

#include <csignal>

namespace tiledndvi::qgis {

class InterruptGuard {
public:
    // Inactive guards do nothing: the desktop cancels through its feedback and
    // a plugin must not take over the host's signal handlers there.
    explicit InterruptGuard(bool active);
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    bool interrupted() const;
    // When a signal arrived: puts the previous handlers back and raises it
    // again, so the process ends the way it would have without the guard.
    void reraise();

private:
    void restore();

    bool active_ = false;
    struct sigaction previous_int_ {};
    struct sigaction previous_term_ {};
};

}  // namespace tiledndvi::qgis
