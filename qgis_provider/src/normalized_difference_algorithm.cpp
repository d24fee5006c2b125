#include "normalized_difference_algorithm.h"

#include <cmath>
#include <limits>

#include <QFileInfo>

#include <qgsapplication.h>
#include <qgsprocessingcontext.h>
#include <qgsexception.h>
#include <qgsprocessingfeedback.h>
#include <qgsprocessingparameters.h>
#include <qgsproviderregistry.h>
#include <qgsrasterfilewriter.h>
#include <qgsrasterlayer.h>

#include "termination_guard.h"
#include "result_style.h"
#include "tiledndvi/error.h"

namespace tiledndvi::qgis {

namespace {

const QString creation_options_help = QStringLiteral(
    "GDAL creation options of the output format, NAME=VALUE pairs separated by |, for example "
    "COMPRESS=DEFLATE|TILED=YES|PREDICTOR=3. Empty: the format's defaults.");

// The widget QGIS's own GDAL algorithms use for creation options; it joins
// the options with '|', which is what creation_options_from() splits on.
const char* const raster_options_widget = "processing.algs.gdal.ui.RasterOptionsWidget.RasterOptionsWidgetWrapper";

QString help_text(const QString& summary) {
    return summary + QStringLiteral(
                         "\n\nThe raster is split into tiles computed on all cores (THREADS) and written as they are "
                         "done, so memory stays small whatever the raster size. Any tile layout and thread count give "
                         "the same bytes."
                         "\n\nThe quotient is computed in double precision and rounded once to the output type. A "
                         "pixel is NoData when either band is NoData (its own NoData value), NaN or infinite, or when "
                         "the two bands sum to zero; NoData pixels get OUTPUT_NODATA (NaN unless set). Values are not "
                         "clamped."
                         "\n\nThe output is written under a temporary name and moved into place only when complete: "
                         "cancelling or an error never leaves a partial file.");
}

AlgorithmFlavour make_ndvi_flavour() {
    AlgorithmFlavour f;
    f.name = QStringLiteral("ndvi");
    f.display_name = QStringLiteral("NDVI (parallel tiles)");
    f.short_description = QStringLiteral("NDVI = (NIR - Red) / (NIR + Red), computed tile by tile on all cores.");
    f.help = help_text(QStringLiteral(
        "Computes the Normalized Difference Vegetation Index NDVI = (NIR - Red) / (NIR + Red) of a "
        "multi-band raster, or of a red raster and a NIR raster (NIR_INPUT) on the same grid. The defaults, red "
        "band 3 and NIR band 4, fit Landsat 4-7; Sentinel-2 is red 4 and NIR 8, Landsat 8/9 red 4 and NIR 5 "
        "(or one file per band: INPUT = red, NIR_INPUT = NIR)."));
    f.tags = QStringList{QStringLiteral("ndvi"),       QStringLiteral("vegetation"), QStringLiteral("index"),
                         QStringLiteral("red"),        QStringLiteral("nir"),        QStringLiteral("landsat"),
                         QStringLiteral("sentinel"),   QStringLiteral("parallel"),   QStringLiteral("tiles"),
                         QStringLiteral("normalized"), QStringLiteral("difference")};
    f.input_band = {QStringLiteral("RED_BAND"), QStringLiteral("Red band"), "red", 3,
                    QStringLiteral("Band of INPUT holding red (1-based). Default 3 (Landsat 4-7), or 1 when "
                                   "NIR_INPUT is given.")};
    f.other_band = {QStringLiteral("NIR_BAND"), QStringLiteral("Near-infrared (NIR) band"), "NIR", 4,
                    QStringLiteral("Band holding near-infrared (1-based): a band of INPUT, or of NIR_INPUT when "
                                   "that is given. Default 4 (Landsat 4-7), or 1 when NIR_INPUT is given.")};
    f.second_input_parameter = QStringLiteral("NIR_INPUT");
    f.second_input_label = QStringLiteral("Separate NIR raster");
    f.second_input_help = QStringLiteral(
        "Optional raster holding the NIR band, for products shipped as one file per band (Landsat 8/9, "
        "Sentinel-2). Its grid must match INPUT exactly: size, geotransform and CRS.");
    f.other_is_minuend = true;
    f.band_description = "NDVI";
    f.output_label = QStringLiteral("NDVI");
    f.color_ramp = QStringLiteral("YlGn");
    return f;
}

AlgorithmFlavour make_normalized_difference_flavour() {
    AlgorithmFlavour f;
    f.name = QStringLiteral("normalizeddifference");
    f.display_name = QStringLiteral("Normalized difference (A - B) / (A + B) (parallel tiles)");
    f.short_description =
        QStringLiteral("(A - B) / (A + B) of any two bands (NDWI, NDBI, NBR...), computed tile by tile on all cores.");
    f.help = help_text(QStringLiteral(
        "Computes the normalized difference (A - B) / (A + B) of two bands: NDVI is A = NIR, B = red; NDWI is "
        "A = green, B = NIR; NBR is A = NIR, B = SWIR2. Band B may come from a second raster (INPUT_B) on the "
        "same grid."));
    f.tags = QStringList{QStringLiteral("normalized"), QStringLiteral("difference"), QStringLiteral("index"),
                         QStringLiteral("ndwi"),       QStringLiteral("ndbi"),       QStringLiteral("nbr"),
                         QStringLiteral("ndvi"),       QStringLiteral("parallel"),   QStringLiteral("tiles")};
    f.input_band = {QStringLiteral("BAND_A"), QStringLiteral("Band A (minuend)"), "A", 1,
                    QStringLiteral("Band of INPUT used as A in (A - B) / (A + B) (1-based). Default 1.")};
    f.other_band = {QStringLiteral("BAND_B"), QStringLiteral("Band B (subtrahend)"), "B", 2,
                    QStringLiteral("Band used as B (1-based): a band of INPUT, or of INPUT_B when that is given. "
                                   "Default 2, or 1 when INPUT_B is given.")};
    f.second_input_parameter = QStringLiteral("INPUT_B");
    f.second_input_label = QStringLiteral("Separate raster for band B");
    f.second_input_help = QStringLiteral(
        "Optional raster holding band B. Its grid must match INPUT exactly: size, geotransform and CRS.");
    f.other_is_minuend = false;
    f.band_description = "normalized difference";
    f.output_label = QStringLiteral("Normalized difference");
    f.color_ramp = QStringLiteral("RdYlBu");
    return f;
}

QgsProcessingException exception_from(const Error& error) {
    return QgsProcessingException(QString::fromStdString(error.what()));
}

// The name GDAL opens a layer by. Only GDAL-backed layers qualify: the core
// reads with GDAL, on its own handles, one per thread.
std::string gdal_name_of(const QgsRasterLayer& layer, const QString& parameter_name) {
    if (layer.providerType() != QStringLiteral("gdal"))
        throw QgsProcessingException(
            QObject::tr("%1: layer '%2' comes from the '%3' data provider; only rasters GDAL can open (files, "
                        "/vsi paths, GDAL connection strings) are supported")
                .arg(parameter_name, layer.name(), layer.providerType()));
    QVariantMap parts = QgsProviderRegistry::instance()->decodeUri(QStringLiteral("gdal"), layer.source());
    if (!parts.value(QStringLiteral("openOptions")).toStringList().isEmpty())
        throw QgsProcessingException(
            QObject::tr("%1: layer '%2' is opened with GDAL open options (%3), which this algorithm does not pass "
                        "on; use the file without them")
                .arg(parameter_name, layer.name(),
                     parts.value(QStringLiteral("openOptions")).toStringList().join(QLatin1Char(' '))));
    parts.remove(QStringLiteral("openOptions"));
    return QgsProviderRegistry::instance()->encodeUri(QStringLiteral("gdal"), parts).toStdString();
}

// QGIS calls any file it cannot load "not found", even one that exists; for
// those the core says what is wrong (not a raster, a damaged header...).
// Returns `qgis_message` otherwise.
QString unloadable_reason(const QVariantMap& parameters, const QString& name, const QString& qgis_message) {
    const QString path = parameters.value(name).toString();
    if (path.isEmpty() || !QFileInfo::exists(path)) return qgis_message;
    try {
        open_raster(path.toStdString());
    } catch (const Error& error) {
        return QStringLiteral("%1: %2").arg(name, QString::fromStdString(error.what()));
    }
    return qgis_message;
}

bool is_given(const QVariantMap& parameters, const QString& name) {
    const QVariant value = parameters.value(name);
    return value.isValid() && !value.isNull() && !(value.type() == QVariant::String && value.toString().isEmpty());
}

std::vector<std::string> creation_options_from(const QString& text) {
    std::vector<std::string> options;
    for (const QString& part : text.split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
        const QString option = part.trimmed();
        if (!option.isEmpty()) options.push_back(option.toStdString());
    }
    return options;
}

// GDAL driver for a destination file: from its extension, as QGIS's own raster
// writers do; GTiff when there is none.
std::string driver_for(const QString& path) {
    const QString extension = QFileInfo(path).suffix();
    if (extension.isEmpty()) return "GTiff";
    const QString driver = QgsRasterFileWriter::driverForExtension(extension);
    if (driver.isEmpty())
        throw QgsProcessingException(
            QObject::tr("OUTPUT: no GDAL raster format writes '.%1' files; use a known extension such as .tif")
                .arg(extension));
    return driver.toStdString();
}

const QStringList output_types = {QStringLiteral("Float32"), QStringLiteral("Float64")};

}  // namespace

const AlgorithmFlavour& ndvi_flavour() {
    static const AlgorithmFlavour flavour = make_ndvi_flavour();
    return flavour;
}

const AlgorithmFlavour& normalized_difference_flavour() {
    static const AlgorithmFlavour flavour = make_normalized_difference_flavour();
    return flavour;
}

NormalizedDifferenceAlgorithm* NormalizedDifferenceAlgorithm::createInstance() const {
    return new NormalizedDifferenceAlgorithm(flavour_);
}

void NormalizedDifferenceAlgorithm::initAlgorithm(const QVariantMap&) {
    const auto add = [this](QgsProcessingParameterDefinition* definition, const QString& help,
                            bool advanced = false) {
        definition->setHelp(help);
        if (advanced)
            definition->setFlags(definition->flags() | QgsProcessingParameterDefinition::FlagAdvanced);
        addParameter(definition);
    };
    const AlgorithmFlavour& f = flavour_;

    add(new QgsProcessingParameterRasterLayer(parameter::input, QObject::tr("Input raster")),
        QObject::tr("The raster holding the bands (any raster GDAL reads: GeoTIFF, JPEG2000, VRT...)."));
    // Both bands list INPUT's bands: a band parameter has one parent layer, and
    // INPUT holds both in the common case. With a second raster the other band
    // is a band number of that raster (1 for single-band files).
    // They are optional because qgis_process 3.22 rejects a missing mandatory
    // band even when it has a default; an unset band gets its default in
    // job_from_inputs(), which also depends on whether there is a second raster.
    add(new QgsProcessingParameterBand(f.input_band.parameter, f.input_band.label, f.input_band.default_band,
                                       parameter::input, true),
        f.input_band.help);
    add(new QgsProcessingParameterBand(f.other_band.parameter, f.other_band.label, f.other_band.default_band,
                                       parameter::input, true),
        f.other_band.help);
    add(new QgsProcessingParameterRasterLayer(f.second_input_parameter, f.second_input_label, QVariant(), true),
        f.second_input_help);
    add(new QgsProcessingParameterNumber(parameter::tile_columns, QObject::tr("Tile columns (0 = automatic)"),
                                         QgsProcessingParameterNumber::Integer, 0, false, 0),
        QObject::tr("Number of tile columns. 0 with TILE_ROWS 0: automatic tiles (full-width strips sized from a "
                    "4 MiB per-thread budget, aligned to the input's blocks). Otherwise set both; the last column "
                    "and row take the remainder, nothing is dropped."));
    add(new QgsProcessingParameterNumber(parameter::tile_rows, QObject::tr("Tile rows (0 = automatic)"),
                                         QgsProcessingParameterNumber::Integer, 0, false, 0),
        QObject::tr("Number of tile rows; see TILE_COLUMNS."));
    add(new QgsProcessingParameterNumber(parameter::threads, QObject::tr("Threads (0 = all cores)"),
                                         QgsProcessingParameterNumber::Integer, 0, false, 0, 1024),
        QObject::tr("Worker threads. 0: all cores. The result is the same for any thread count."));
    add(new QgsProcessingParameterNumber(parameter::output_nodata, QObject::tr("Output NoData value"),
                                         QgsProcessingParameterNumber::Double, QVariant(), true),
        QObject::tr("Value written for NoData pixels and declared as the output's NoData. Empty: NaN."), true);
    add(new QgsProcessingParameterEnum(parameter::output_type, QObject::tr("Output data type"), output_types,
                                       false, 0),
        QObject::tr("Float32 (default) or Float64."), true);
    // An empty default, not a null one: the GDAL options widget calls
    // .replace() on the default and fails on a null QVariant.
    auto* options = new QgsProcessingParameterString(parameter::creation_options,
                                                     QObject::tr("Output creation options"), QStringLiteral(""), false, true);
    QVariantMap widget;
    widget.insert(QStringLiteral("class"), QString::fromLatin1(raster_options_widget));
    options->setMetadata({{QStringLiteral("widget_wrapper"), widget}});
    add(options, creation_options_help, true);
    add(new QgsProcessingParameterRasterDestination(parameter::output, f.output_label),
        QObject::tr("The result: one Float32 (or Float64) band, georeferenced like INPUT. The GDAL format "
                    "follows the file extension (.tif GeoTIFF, .img Erdas Imagine, .nc netCDF...); GeoTIFF when "
                    "there is none."));
}

NormalizedDifferenceJob NormalizedDifferenceAlgorithm::job_from_inputs(const QVariantMap& parameters,
                                                                       QgsProcessingContext& context) const {
    const AlgorithmFlavour& f = flavour_;
    QgsRasterLayer* input = parameterAsRasterLayer(parameters, parameter::input, context);
    if (input == nullptr)
        throw QgsProcessingException(
            unloadable_reason(parameters, parameter::input, invalidRasterError(parameters, parameter::input)));
    const std::string input_name = gdal_name_of(*input, parameter::input);

    const bool separate = is_given(parameters, f.second_input_parameter);
    std::string other_name = input_name;
    if (separate) {
        QgsRasterLayer* second = parameterAsRasterLayer(parameters, f.second_input_parameter, context);
        if (second == nullptr)
            throw QgsProcessingException(unloadable_reason(parameters, f.second_input_parameter,
                                                           invalidRasterError(parameters, f.second_input_parameter)));
        other_name = gdal_name_of(*second, f.second_input_parameter);
    }

    // Like the command line: an unset band is 1 when the bands come from two
    // (typically single-band) files, else the flavour's default.
    const auto band_number = [&](const AlgorithmFlavour::Band& band) {
        if (!is_given(parameters, band.parameter)) return separate ? 1 : band.default_band;
        const int number = parameterAsInt(parameters, band.parameter, context);
        if (number < 1)
            throw QgsProcessingException(QObject::tr("%1 must be a band number, 1 or more, not '%2'")
                                             .arg(band.parameter, parameters.value(band.parameter).toString()));
        return number;
    };
    if (!separate && (!is_given(parameters, f.input_band.parameter) || !is_given(parameters, f.other_band.parameter))) {
        // Say why the defaults do not fit rather than "band 4 does not exist".
        int bands = 0;
        try {
            bands = raster_band_count(input_name);
        } catch (const Error& error) {
            throw exception_from(error);
        }
        const bool missing = (!is_given(parameters, f.input_band.parameter) && f.input_band.default_band > bands) ||
                             (!is_given(parameters, f.other_band.parameter) && f.other_band.default_band > bands);
        if (missing)
            throw QgsProcessingException(
                QObject::tr("%1 has %2 %3; the default bands (%4 %5, %6 %7) do not fit: set %8 and %9, or %10")
                    .arg(QString::fromStdString(input_name))
                    .arg(bands)
                    .arg(bands == 1 ? QObject::tr("band") : QObject::tr("bands"))
                    .arg(QString::fromStdString(f.input_band.role))
                    .arg(f.input_band.default_band)
                    .arg(QString::fromStdString(f.other_band.role))
                    .arg(f.other_band.default_band)
                    .arg(f.input_band.parameter, f.other_band.parameter, f.second_input_parameter));
    }
    const BandSpec input_band{input_name, band_number(f.input_band), f.input_band.role};
    const BandSpec other_band{other_name, band_number(f.other_band), f.other_band.role};

    NormalizedDifferenceJob job;
    job.a = f.other_is_minuend ? other_band : input_band;
    job.b = f.other_is_minuend ? input_band : other_band;
    job.band_description = f.band_description;

    const int columns = parameterAsInt(parameters, parameter::tile_columns, context);
    const int rows = parameterAsInt(parameters, parameter::tile_rows, context);
    if ((columns == 0) != (rows == 0))
        throw QgsProcessingException(
            QObject::tr("TILE_COLUMNS is %1 but TILE_ROWS is %2: set both (for example 4 and 4) or leave both at 0 "
                        "for automatic tiles")
                .arg(columns)
                .arg(rows));
    job.layout = columns == 0 ? TileLayout::automatic() : TileLayout::count(columns, rows);
    job.engine.num_threads = parameterAsInt(parameters, parameter::threads, context);
    job.output.type = parameterAsEnum(parameters, parameter::output_type, context) == 1 ? GDT_Float64 : GDT_Float32;

    // Validate once, at the edge: bands exist with supported types, grids match,
    // the tile layout fits the raster. Messages are the core's, one line each.
    try {
        const BandPair pair = open_band_pair(job.a, job.b);
        plan_tiles(job.layout, pair.grid, engine_bytes_per_pixel(pair, job.output.type), job.engine.window_bytes);
    } catch (const Error& error) {
        throw exception_from(error);
    }
    return job;
}

OutputSpec NormalizedDifferenceAlgorithm::output_from_parameters(const QVariantMap& parameters,
                                                                 QgsProcessingContext& context) const {
    OutputSpec output;
    const QString path = parameterAsOutputLayer(parameters, parameter::output, context);
    if (path.isEmpty()) throw QgsProcessingException(QObject::tr("OUTPUT: no output file given"));
    output.path = path.toStdString();
    output.format = driver_for(path);
    output.creation_options = creation_options_from(parameterAsString(parameters, parameter::creation_options, context));
    output.type = parameterAsEnum(parameters, parameter::output_type, context) == 1 ? GDT_Float64 : GDT_Float32;
    if (is_given(parameters, parameter::output_nodata))
        output.nodata = parameterAsDouble(parameters, parameter::output_nodata, context);
    // A Processing destination means "write here": the GUI has already asked
    // before replacing a file. The core still replaces it only once complete.
    output.overwrite = true;
    try {
        check_output(output);
    } catch (const Error& error) {
        throw QgsProcessingException(QObject::tr("OUTPUT: %1").arg(QString::fromStdString(error.what())));
    }
    return output;
}

bool NormalizedDifferenceAlgorithm::checkParameterValues(const QVariantMap& parameters, QgsProcessingContext& context,
                                                         QString* message) const {
    if (!QgsProcessingAlgorithm::checkParameterValues(parameters, context, message)) {
        if (message != nullptr)
            for (const QString& name : {QString(parameter::input), flavour_.second_input_parameter})
                *message = unloadable_reason(parameters, name, *message);
        return false;
    }
    try {
        job_from_inputs(parameters, context);
    } catch (const QgsProcessingException& error) {
        if (message != nullptr) *message = error.what();
        return false;
    }
    return true;
}

bool NormalizedDifferenceAlgorithm::prepareAlgorithm(const QVariantMap& parameters, QgsProcessingContext& context,
                                                     QgsProcessingFeedback*) {
    // Runs on the main thread, where layers may be resolved; processAlgorithm()
    // then only needs file names.
    job_ = job_from_inputs(parameters, context);
    job_.output = output_from_parameters(parameters, context);
    return true;
}

QVariantMap NormalizedDifferenceAlgorithm::processAlgorithm(const QVariantMap&, QgsProcessingContext& context,
                                                            QgsProcessingFeedback* feedback) {
    // The engine calls this from the thread running processAlgorithm() only.
    const ProgressCallback progress = [feedback](double fraction) {
        if (feedback == nullptr) return true;
        feedback->setProgress(100.0 * fraction);
        return !feedback->isCanceled();
    };
    // In qgis_process, SIGTERM becomes a cancel too (Ctrl-C already is), so the
    // staged file is removed before the process ends.
    TerminationGuard termination(QgsApplication::platform() == QStringLiteral("qgis_process"));
    const ProgressCallback progress_or_termination = [&](double fraction) {
        return progress(fraction) && !termination.terminated();
    };

    JobReport report;
    try {
        report = run_job(job_, progress_or_termination);
    } catch (const Cancelled&) {
        termination.reraise();  // ends the process when a signal caused the cancel
        throw QgsProcessingException(QObject::tr("Cancelled: no output written"));
    } catch (const Error& error) {
        throw exception_from(error);
    } catch (const std::exception& error) {  // e.g. out of memory: still a message, not a crash of QGIS
        throw QgsProcessingException(QString::fromLocal8Bit(error.what()));
    }
    if (feedback != nullptr)
        feedback->pushInfo(QObject::tr("%1 x %2 pixels in %3 %4 on %5 %6")
                               .arg(report.width)
                               .arg(report.height)
                               .arg(report.tile_count)
                               .arg(report.tile_count == 1 ? QObject::tr("tile") : QObject::tr("tiles"))
                               .arg(report.threads)
                               .arg(report.threads == 1 ? QObject::tr("thread") : QObject::tr("threads")));

    const QString output_path = QString::fromStdString(job_.output.path);
    if (context.willLoadLayerOnCompletion(output_path))
        context.layerToLoadOnCompletionDetails(output_path).setPostProcessor(new ResultStyle(flavour_.color_ramp));

    QVariantMap outputs;
    outputs.insert(parameter::output, output_path);
    return outputs;
}

}  // namespace tiledndvi::qgis
