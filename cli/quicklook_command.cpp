// Placeholder until the quicklook work lands (issue 3).
#include "commands.h"
#include "tiledndvi/error.h"

namespace tiledndvi::cli {

int quicklook_command(const std::vector<std::string>&) { throw Error("quicklook is not implemented yet"); }

}  // namespace tiledndvi::cli
