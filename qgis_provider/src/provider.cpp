#include "provider.h"

#include "normalized_difference_algorithm.h"
#include "tiledndvi/version.h"

namespace tiledndvi::qgis {

QString Provider::id() const { return QStringLiteral("tiledndvi"); }

QString Provider::name() const { return QStringLiteral("Tiled NDVI"); }

QString Provider::longName() const {
    return QStringLiteral("Tiled NDVI %1 (parallel tiles)").arg(QStringLiteral(TILEDNDVI_VERSION));
}

QString Provider::versionInfo() const { return QStringLiteral(TILEDNDVI_VERSION); }

// The core writes files (staged, then renamed): no memory or database outputs.
bool Provider::supportsNonFileBasedOutput() const { return false; }

void Provider::loadAlgorithms() {
    addAlgorithm(new NormalizedDifferenceAlgorithm(ndvi_flavour()));
    addAlgorithm(new NormalizedDifferenceAlgorithm(normalized_difference_flavour()));
}

}  // namespace tiledndvi::qgis
