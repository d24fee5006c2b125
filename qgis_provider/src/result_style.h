// How a result opens in QGIS: a single-band pseudocolor ramp over -1..1, the
// range of a normalized difference (yellow to green for NDVI).
#pragma once

#include <QString>

#include <qgsprocessingcontext.h>

class QgsRasterLayer;

namespace tiledndvi::qgis {

// Applies the ramp named `ramp_name` from QGIS's default style to `layer`.
// Returns false (and leaves the layer as it is) when the ramp is unknown.
bool apply_result_style(QgsRasterLayer& layer, const QString& ramp_name);

// Runs apply_result_style() on the output once QGIS has loaded it (main thread).
class ResultStyle : public QgsProcessingLayerPostProcessorInterface {
public:
    explicit ResultStyle(QString ramp_name) : ramp_name_(std::move(ramp_name)) {}
    void postProcessLayer(QgsMapLayer* layer, QgsProcessingContext& context, QgsProcessingFeedback* feedback) override;

private:
    QString ramp_name_;
};

}  // namespace tiledndvi::qgis
