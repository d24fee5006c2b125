#include "termination_guard.h"

namespace tiledndvi::qgis {

namespace {
volatile std::sig_atomic_t received_signal = 0;

extern "C" void remember_signal(int signal_number) { received_signal = signal_number; }
}  // namespace

TerminationGuard::TerminationGuard(bool active) : active_(active) {
    if (!active_) return;
    received_signal = 0;
    struct sigaction action {};
    action.sa_handler = remember_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, &previous_term_);
}

TerminationGuard::~TerminationGuard() { restore(); }

bool TerminationGuard::terminated() const { return active_ && received_signal != 0; }

void TerminationGuard::restore() {
    if (!active_) return;
    sigaction(SIGTERM, &previous_term_, nullptr);
    active_ = false;
}

void TerminationGuard::reraise() {
    if (!terminated()) return;
    const int signal_number = received_signal;
    restore();
    std::raise(signal_number);
}

}  // namespace tiledndvi::qgis
