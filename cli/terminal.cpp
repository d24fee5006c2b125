#include "terminal.h"

#include <csignal>

#include <cpl_progress.h>

namespace tiledndvi::cli {

namespace {
volatile std::sig_atomic_t received_signal = 0;

extern "C" void on_interrupt(int signal_number) { received_signal = signal_number; }
}  // namespace

void install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() { return received_signal; }

ProgressCallback terminal_progress(bool quiet) {
    return [quiet](double fraction) {
        if (received_signal != 0) return false;
        if (!quiet) GDALTermProgress(fraction, nullptr, nullptr);
        return true;
    };
}

bool stop_on_interrupt(double) { return received_signal == 0; }

}  // namespace tiledndvi::cli
