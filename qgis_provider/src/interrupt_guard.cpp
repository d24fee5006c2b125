#include "interrupt_guard.h"

namespace tiledndvi::qgis {

namespace {
volatile std::sig_atomic_t received_signal = 0;

extern "C" void remember_signal(int signal_number) { received_signal = signal_number; }
}  // namespace

InterruptGuard::InterruptGuard(bool active) : active_(active) {
    if (!active_) return;
    received_signal = 0;
    struct sigaction action {};
    action.sa_handler = remember_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
}

InterruptGuard::~InterruptGuard() { restore(); }

bool InterruptGuard::interrupted() const { return active_ && received_signal != 0; }

void InterruptGuard::restore() {
    if (!active_) return;
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
    active_ = false;
}

void InterruptGuard::reraise() {
    if (!interrupted()) return;
    const int signal_number = received_signal;
    restore();
    std::raise(signal_number);
}

}  // namespace tiledndvi::qgis
