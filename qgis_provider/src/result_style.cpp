#include "result_style.h"

#include <memory>

#include <qgscolorramp.h>
#include <qgscolorrampshader.h>
#include <qgsprocessingfeedback.h>
#include <qgsrasterlayer.h>
#include <qgsrastershader.h>
#include <qgssinglebandpseudocolorrenderer.h>
#include <qgsstyle.h>

namespace tiledndvi::qgis {

namespace {
constexpr double ramp_minimum = -1.0;  // a normalized difference lies in [-1, 1] for non-negative inputs
constexpr double ramp_maximum = 1.0;
}  // namespace

bool apply_result_style(QgsRasterLayer& layer, const QString& ramp_name) {
    QgsStyle* style = QgsStyle::defaultStyle();
    std::unique_ptr<QgsColorRamp> ramp(style != nullptr ? style->colorRamp(ramp_name) : nullptr);
    if (!ramp || layer.dataProvider() == nullptr) return false;
    auto renderer = std::make_unique<QgsSingleBandPseudoColorRenderer>(layer.dataProvider(), 1);
    renderer->setClassificationMin(ramp_minimum);
    renderer->setClassificationMax(ramp_maximum);
    renderer->createShader(ramp.release(), QgsColorRampShader::Interpolated, QgsColorRampShader::Continuous);
    layer.setRenderer(renderer.release());
    layer.triggerRepaint();
    return true;
}

void ResultStyle::postProcessLayer(QgsMapLayer* layer, QgsProcessingContext&, QgsProcessingFeedback* feedback) {
    auto* raster = qobject_cast<QgsRasterLayer*>(layer);
    if (raster == nullptr) return;
    if (!apply_result_style(*raster, ramp_name_) && feedback != nullptr)
        feedback->pushInfo(QObject::tr("Color ramp '%1' not found in the default style; the result keeps QGIS's "
                                       "default rendering")
                               .arg(ramp_name_));
}

}  // namespace tiledndvi::qgis
