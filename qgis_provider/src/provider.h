// The "Tiled NDVI" Processing provider (id tiledndvi): holds the algorithms.
#pragma once

#include <qgsprocessingprovider.h>

namespace tiledndvi::qgis {

class Provider : public QgsProcessingProvider {
public:
    QString id() const override;
    QString name() const override;
    QString longName() const override;
    QString versionInfo() const override;
    bool supportsNonFileBasedOutput() const override;
    QStringList supportedOutputRasterLayerExtensions() const override;

protected:
    void loadAlgorithms() override;
};

}  // namespace tiledndvi::qgis
