// What the terminal gives a command: GDAL's progress bar, and Ctrl-C / SIGTERM
// turned into a cancel request the engine honours between windows.
#pragma once

#include "tiledndvi/staged_output.h"

namespace tiledndvi::cli {

void install_interrupt_handlers();
// The signal that asked us to stop (SIGINT, SIGTERM), or 0.
int interrupt_signal();

// Draws "0...10...20...100 - done." on stdout unless `quiet`; returns false
// (stop) once a signal arrived.
ProgressCallback terminal_progress(bool quiet);

}  // namespace tiledndvi::cli
