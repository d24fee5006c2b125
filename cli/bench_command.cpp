// Placeholder until the tiles workflow lands (issue 3).
#include "commands.h"
#include "tiledndvi/error.h"

namespace tiledndvi::cli {

int bench_command(const std::vector<std::string>&) { throw Error("bench is not implemented yet"); }

}  // namespace tiledndvi::cli
