// A QGIS layer style (.qml) giving an NDVI raster the yellow-to-green ramp, so
// the layer opens coloured in QGIS (it loads NAME.qml beside NAME.tif).
#pragma once

#include <string>

namespace tiledndvi::cli {

// Writes the style for values from `minimum` to `maximum` (minimum < maximum)
// to `path`: a QGIS 3.22 single-band pseudocolor renderer on band 1, the YlGn
// ramp interpolated over its 9 stops, values beyond the ends clamped to the end
// colours, NoData transparent. Written under a temporary name and renamed into
// place; an existing style there is replaced (it describes the raster just
// written). Throws Error.
void write_qgis_style(const std::string& path, double minimum = -1.0, double maximum = 1.0);

}  // namespace tiledndvi::cli
