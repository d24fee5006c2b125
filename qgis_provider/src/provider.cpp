#include "provider.h"

#include <qgsrasterfilewriter.h>

#include "normalized_difference_algorithm.h"
#include "tiledndvi/error.h"
#include "tiledndvi/staged_output.h"
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

// The extensions QGIS offers for raster files, without the formats the core
// refuses (GeoPackage, VRT...), so file dialogs only offer what will work.
QStringList Provider::supportedOutputRasterLayerExtensions() const {
    QStringList extensions;
    for (const QString& extension : QgsRasterFileWriter::supportedFormatExtensions()) {
        const QString driver = QgsRasterFileWriter::driverForExtension(extension);
        try {
            tiledndvi::check_output_format(driver.toStdString(), GDT_Float32, {});
            if (!extensions.contains(extension)) extensions << extension;
        } catch (const tiledndvi::Error&) {
        }
    }
    return extensions;
}

void Provider::loadAlgorithms() {
    addAlgorithm(new NormalizedDifferenceAlgorithm(ndvi_flavour()));
    addAlgorithm(new NormalizedDifferenceAlgorithm(normalized_difference_flavour()));
}

}  // namespace tiledndvi::qgis
