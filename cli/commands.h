// The tiledndvi subcommands. Each takes the arguments after its name and
// returns the process exit status; errors are thrown (see main.cpp).
#pragma once

#include <string>
#include <vector>

namespace tiledndvi::cli {

int ndvi_command(const std::vector<std::string>& args);

}  // namespace tiledndvi::cli
