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

// No bar, only the stop: for work running beside a terminal_progress (the
// tiles of a folder or a tile set), so a signal stops them within a window
// rather than after their whole tile.
bool stop_on_interrupt(double fraction);

}  // namespace tiledndvi::cli
