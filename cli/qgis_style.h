// A QGIS layer style (.qml) giving an NDVI raster the yellow-to-green ramp, so
// the layer opens coloured in QGIS (it loads NAME.qml beside NAME.tif).
#pragma once

#include <string>

namespace tiledndvi::cli {

// Writes the style for values from `minimum` to `maximum` to `path`. Throws Error.
void write_qgis_style(const std::string& path, double minimum = -1.0, double maximum = 1.0);

}  // namespace tiledndvi::cli
