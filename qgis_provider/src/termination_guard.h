// Turns SIGTERM into a cancel while a job runs in qgis_process, which would
// otherwise die with the staged file left behind. (qgis_process already turns
// SIGINT, Ctrl-C, into a cancel of its feedback; that handler stays in place.)
#pragma once

#include <csignal>

namespace tiledndvi::qgis {

class TerminationGuard {
public:
    // Inactive guards do nothing: the desktop cancels through its feedback and
    // a plugin must not take over the host's signal handlers there.
    explicit TerminationGuard(bool active);
    ~TerminationGuard();
    TerminationGuard(const TerminationGuard&) = delete;
    TerminationGuard& operator=(const TerminationGuard&) = delete;

    bool terminated() const;
    // When SIGTERM arrived: puts the previous handler back and raises it again,
    // so the process ends the way it would have without the guard (status 143).
    void reraise();

private:
    void restore();

    bool active_ = false;
    struct sigaction previous_term_ {};
};

}  // namespace tiledndvi::qgis
