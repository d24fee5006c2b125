// Placeholder until the quicklook work lands (issue 3).
#include "qgis_style.h"

#include "tiledndvi/error.h"

namespace tiledndvi::cli {

void write_qgis_style(const std::string&, double, double) { throw Error("--style is not implemented yet"); }

}  // namespace tiledndvi::cli
