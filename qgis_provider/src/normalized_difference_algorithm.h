// The Processing algorithms tiledndvi:ndvi and tiledndvi:normalizeddifference:
// they turn Processing parameters into one tiledndvi::NormalizedDifferenceJob
// and run it. No pixel is touched here; the core does the work.
#pragma once

#include <QString>
#include <QStringList>

#include <qgsprocessingalgorithm.h>

#include "tiledndvi/job.h"

namespace tiledndvi::qgis {

// What tells NDVI apart from the generic (A - B) / (A + B): names, help texts,
// defaults and which band a second raster may hold. Rules as data, one class.
struct AlgorithmFlavour {
    struct Band {
        QString parameter;  // "RED_BAND"
        QString label;      // "Red band"
        std::string role;   // "red": how the core names the band in its errors
        int default_band;   // when the parameter is not given and there is no second raster
        QString help;
    };

    QString name;  // "ndvi"
    QString display_name;
    QString short_description;
    QString help;
    QStringList tags;
    Band input_band;  // always a band of INPUT: red (NDVI), A (generic)
    Band other_band;  // a band of INPUT, or of the second raster when given: NIR, B
    QString second_input_parameter;  // "NIR_INPUT"
    QString second_input_label;
    QString second_input_help;
    bool other_is_minuend = true;  // NDVI = (NIR - red) / (NIR + red); generic = (A - B) / (A + B)
    std::string band_description;  // of the output band
    QString output_label;          // OUTPUT's description in the toolbox
    QString color_ramp;            // QgsStyle ramp the result is shown with in QGIS
};

const AlgorithmFlavour& ndvi_flavour();
const AlgorithmFlavour& normalized_difference_flavour();

// Parameter ids shared by both algorithms.
namespace parameter {
inline const QString input = QStringLiteral("INPUT");
inline const QString tile_columns = QStringLiteral("TILE_COLUMNS");
inline const QString tile_rows = QStringLiteral("TILE_ROWS");
inline const QString threads = QStringLiteral("THREADS");
inline const QString output_nodata = QStringLiteral("OUTPUT_NODATA");
inline const QString output_type = QStringLiteral("OUTPUT_TYPE");
inline const QString creation_options = QStringLiteral("CREATION_OPTIONS");
inline const QString output = QStringLiteral("OUTPUT");
}  // namespace parameter

class NormalizedDifferenceAlgorithm : public QgsProcessingAlgorithm {
public:
    explicit NormalizedDifferenceAlgorithm(const AlgorithmFlavour& flavour) : flavour_(flavour) {}

    QString name() const override { return flavour_.name; }
    QString displayName() const override { return flavour_.display_name; }
    QString shortDescription() const override { return flavour_.short_description; }
    QString shortHelpString() const override { return flavour_.help; }
    QStringList tags() const override { return flavour_.tags; }
    NormalizedDifferenceAlgorithm* createInstance() const override;
    void initAlgorithm(const QVariantMap& configuration = QVariantMap()) override;
    bool checkParameterValues(const QVariantMap& parameters, QgsProcessingContext& context,
                              QString* message = nullptr) const override;

protected:
    bool prepareAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context,
                          QgsProcessingFeedback* feedback) override;
    QVariantMap processAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context,
                                 QgsProcessingFeedback* feedback) override;

private:
    // The job's inputs, tiles and threads, validated against the rasters (bands
    // exist, grids match, the tile layout fits). Throws QgsProcessingException.
    NormalizedDifferenceJob job_from_inputs(const QVariantMap& parameters, QgsProcessingContext& context) const;
    // Output file, format, type, NoData and creation options. Throws QgsProcessingException.
    OutputSpec output_from_parameters(const QVariantMap& parameters, QgsProcessingContext& context) const;

    const AlgorithmFlavour& flavour_;
    NormalizedDifferenceJob job_;  // set by prepareAlgorithm()
};

}  // namespace tiledndvi::qgis
