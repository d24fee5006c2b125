// The algorithms inside a QgsApplication (offscreen), run through
// QgsProcessingAlgorithm::run as QGIS runs them: same bytes as the CLI, bad
// parameters refused with a message a user understands, cancel leaves no file.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <cpl_conv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <qgsapplication.h>
#include <qgscolorramp.h>
#include <qgscolorrampshader.h>
#include <qgsexception.h>
#include <qgsprocessingalgorithm.h>
#include <qgsprocessingalgrunnertask.h>
#include <qgsprocessingcontext.h>
#include <qgsprocessingfeedback.h>
#include <qgsprocessingmodelalgorithm.h>
#include <qgsprocessingparameters.h>
#include <qgsprocessingprovider.h>
#include <qgsprocessingregistry.h>
#include <qgsproject.h>
#include <qgsrasterlayer.h>
#include <qgsrastershader.h>
#include <qgssinglebandpseudocolorrenderer.h>
#include <qgstaskmanager.h>

#include "qgis_application_environment.h"
#include "qgis_test_environment.h"
#include "recording_feedback.h"
#include "test_support.h"

// The library's entry points, as the Python plugin calls them through ctypes.

namespace {

namespace fs = std::filesystem;
using tiledndvi::test::band_bytes;
using tiledndvi::test::run_cli;
using tiledndvi::test::ScratchDir;


QgsProcessingRegistry& registry() { return *QgsApplication::processingRegistry(); }

const QgsProcessingAlgorithm& algorithm(const QString& id) {
    const QgsProcessingAlgorithm* found = registry().algorithmById(id);
    if (found == nullptr) throw std::runtime_error("algorithm not registered: " + id.toStdString());
    return *found;
}

using tiledndvi::qgis_test::RecordingFeedback;

struct RunResult {
    bool ok = false;
    QVariantMap outputs;
    QString errors;  // everything reported through reportError, one per line
    double last_progress = -1;
    int progress_updates = 0;
    bool progress_on_other_thread = false;
};

// Runs `id` as the toolbox does; `on_progress` may cancel.
RunResult run_algorithm(const QString& id, const QVariantMap& parameters,
                        const std::function<void(QgsFeedback&, double)>& on_progress = {},
                        QgsProcessingContext* context_in = nullptr) {
    QgsProcessingContext own_context;
    QgsProcessingContext& context = context_in != nullptr ? *context_in : own_context;
    RecordingFeedback feedback;
    RunResult result;
    QThread* const caller = QThread::currentThread();
    QObject::connect(&feedback, &QgsFeedback::progressChanged, [&](double progress) {
        result.last_progress = progress;
        ++result.progress_updates;
        if (QThread::currentThread() != caller) result.progress_on_other_thread = true;
        if (on_progress) on_progress(feedback, progress);
    });
    result.outputs = algorithm(id).run(parameters, context, &feedback, &result.ok);
    result.errors = feedback.errors.join(QLatin1Char('\n'));
    return result;
}

QString q(const std::string& text) { return QString::fromStdString(text); }

// The inputs every test may use, in a scratch folder: the sample and its red
// and NIR bands as separate files.
class QgisAlgorithm : public ::testing::Test {
protected:
    void SetUp() override {
        sample_ = scratch_.file("L7_ETMs.tif");
        fs::copy_file(tiledndvi::test::sample_path(), sample_);
        fs::permissions(sample_, fs::perms::owner_write, fs::perm_options::add);
        red_ = scratch_.file("red.tif");
        nir_ = scratch_.file("nir.tif");
        tiledndvi::qgis_test::extract_band(sample_, 3, red_);
        tiledndvi::qgis_test::extract_band(sample_, 4, nir_);
    }

    // Names in the scratch folder other than the inputs.
    std::vector<std::string> leftovers() const {
        std::vector<std::string> names;
        for (const std::string& name : scratch_.entries())
            if (name != "L7_ETMs.tif" && name != "red.tif" && name != "nir.tif") names.push_back(name);
        return names;
    }

    ScratchDir scratch_;
    std::string sample_, red_, nir_;
};

// ---------------------------------------------------------------- the provider

TEST(QgisProvider, RegistersTiledNdviWithBothAlgorithms) {
    const QgsProcessingProvider* provider = registry().providerById(QStringLiteral("tiledndvi"));
    ASSERT_NE(provider, nullptr);
    EXPECT_EQ(provider->name(), QStringLiteral("Tiled NDVI"));
    EXPECT_EQ(algorithm(QStringLiteral("tiledndvi:ndvi")).displayName(), QStringLiteral("NDVI (parallel tiles)"));
    EXPECT_EQ(algorithm(QStringLiteral("tiledndvi:normalizeddifference")).provider(), provider);
    EXPECT_EQ(provider->algorithms().size(), 2);
}

TEST(QgisProvider, RegisteringTwiceIsHarmlessAndUnregisterRemovesIt) {
    EXPECT_EQ(tiledndvi_qgis_register_provider(), 1);
    int registered = 0;
    for (const QgsProcessingProvider* provider : registry().providers())
        if (provider->id() == QStringLiteral("tiledndvi")) ++registered;
    EXPECT_EQ(registered, 1);
    tiledndvi_qgis_unregister_provider();
    EXPECT_EQ(registry().providerById(QStringLiteral("tiledndvi")), nullptr);
    EXPECT_EQ(registry().algorithmById(QStringLiteral("tiledndvi:ndvi")), nullptr);
    tiledndvi_qgis_unregister_provider();  // twice: no crash
    ASSERT_EQ(tiledndvi_qgis_register_provider(), 1) << tiledndvi_qgis_last_error();
    EXPECT_NE(registry().algorithmById(QStringLiteral("tiledndvi:ndvi")), nullptr);
}

TEST(QgisProvider, OffersOnlyFileFormatsTheEngineWrites) {
    const QgsProcessingProvider* provider = registry().providerById(QStringLiteral("tiledndvi"));
    ASSERT_NE(provider, nullptr);
    EXPECT_FALSE(provider->supportsNonFileBasedOutput());
    const QStringList extensions = provider->supportedOutputRasterLayerExtensions();
    EXPECT_EQ(extensions.value(0), QStringLiteral("tif"));  // the default comes first
    for (const char* offered : {"tif", "img"}) EXPECT_TRUE(extensions.contains(QLatin1String(offered))) << offered;
    for (const char* refused : {"gpkg", "vrt", "mbtiles"})
        EXPECT_FALSE(extensions.contains(QLatin1String(refused))) << refused;
}

struct ParameterRow {
    QString algorithm;
    QStringList ids;  // in order
    QStringList advanced;
    QStringList bands;  // band parameters, tied to INPUT
};

TEST(QgisProvider, ParametersHaveUppercaseIdsHelpAndTheExpectedKinds) {
    const std::vector<ParameterRow> rows = {
        {QStringLiteral("tiledndvi:ndvi"),
         {"INPUT", "RED_BAND", "NIR_BAND", "NIR_INPUT", "TILE_COLUMNS", "TILE_ROWS", "THREADS", "OUTPUT_NODATA",
          "OUTPUT_TYPE", "CREATION_OPTIONS", "OUTPUT"},
         {"OUTPUT_NODATA", "OUTPUT_TYPE", "CREATION_OPTIONS"},
         {"RED_BAND", "NIR_BAND"}},
        {QStringLiteral("tiledndvi:normalizeddifference"),
         {"INPUT", "BAND_A", "BAND_B", "INPUT_B", "TILE_COLUMNS", "TILE_ROWS", "THREADS", "OUTPUT_NODATA",
          "OUTPUT_TYPE", "CREATION_OPTIONS", "OUTPUT"},
         {"OUTPUT_NODATA", "OUTPUT_TYPE", "CREATION_OPTIONS"},
         {"BAND_A", "BAND_B"}},
    };
    for (const ParameterRow& row : rows) {
        SCOPED_TRACE(row.algorithm.toStdString());
        const QgsProcessingAlgorithm& alg = algorithm(row.algorithm);
        EXPECT_FALSE(alg.shortHelpString().isEmpty());
        EXPECT_FALSE(alg.shortDescription().isEmpty());
        QStringList ids;
        for (const QgsProcessingParameterDefinition* definition : alg.parameterDefinitions()) {
            ids << definition->name();
            EXPECT_EQ(definition->name(), definition->name().toUpper());
            EXPECT_FALSE(definition->help().isEmpty()) << definition->name().toStdString();
            EXPECT_EQ(row.advanced.contains(definition->name()),
                      bool(definition->flags() & QgsProcessingParameterDefinition::FlagAdvanced))
                << definition->name().toStdString();
        }
        EXPECT_EQ(ids, row.ids);
        for (const QString& band : row.bands) {
            const auto* definition =
                dynamic_cast<const QgsProcessingParameterBand*>(alg.parameterDefinition(band));
            ASSERT_NE(definition, nullptr) << band.toStdString();
            EXPECT_EQ(definition->parentLayerParameterName(), QStringLiteral("INPUT"));
        }
        EXPECT_NE(dynamic_cast<const QgsProcessingParameterRasterDestination*>(
                      alg.parameterDefinition(QStringLiteral("OUTPUT"))),
                  nullptr);
        EXPECT_TRUE(alg.flags() & QgsProcessingAlgorithm::FlagCanCancel);
        EXPECT_TRUE(alg.flags() & QgsProcessingAlgorithm::FlagSupportsBatch);
    }
}

// ------------------------------------------------- same bytes as the command line

struct Inputs {
    std::string sample, red, nir;
};

struct SameAsCliRow {
    const char* name;
    QString algorithm;
    std::function<QVariantMap(const Inputs&)> parameters;  // without OUTPUT
    std::function<std::vector<std::string>(const Inputs&)> cli;  // `tiledndvi ndvi` arguments without OUTPUT
    std::string output_name;
    std::string description = "NDVI";  // of the output band
};

// What should agree between the two files beyond the pixels.
struct RasterSignature {
    std::string driver;
    int width = 0, height = 0, bands = 0;
    std::string type;
    std::array<double, 6> geotransform{};
    std::string crs;
    bool has_nodata = false;
    double nodata = 0;
    std::string compression;
    std::string description;

    static RasterSignature of(const std::string& path) {
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
        if (!dataset) throw std::runtime_error("cannot open " + path);
        RasterSignature s;
        s.driver = dataset->GetDriver()->GetDescription();
        s.width = dataset->GetRasterXSize();
        s.height = dataset->GetRasterYSize();
        s.bands = dataset->GetRasterCount();
        GDALRasterBand* band = dataset->GetRasterBand(1);
        s.type = GDALGetDataTypeName(band->GetRasterDataType());
        dataset->GetGeoTransform(s.geotransform.data());
        if (const OGRSpatialReference* srs = dataset->GetSpatialRef()) {
            char* wkt = nullptr;
            srs->exportToWkt(&wkt);
            s.crs = wkt != nullptr ? wkt : "";
            CPLFree(wkt);
        }
        int has = 0;
        s.nodata = band->GetNoDataValue(&has);
        s.has_nodata = has != 0;
        const char* compression = dataset->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE");
        s.compression = compression != nullptr ? compression : "";
        s.description = band->GetDescription();
        return s;
    }
};

void expect_same_signature(const RasterSignature& qgis, const RasterSignature& cli) {
    EXPECT_EQ(qgis.driver, cli.driver);
    EXPECT_EQ(qgis.width, cli.width);
    EXPECT_EQ(qgis.height, cli.height);
    EXPECT_EQ(qgis.bands, cli.bands);
    EXPECT_EQ(qgis.type, cli.type);
    EXPECT_EQ(qgis.geotransform, cli.geotransform);
    EXPECT_EQ(qgis.crs, cli.crs);
    EXPECT_EQ(qgis.has_nodata, cli.has_nodata);
    if (std::isnan(cli.nodata)) {
        EXPECT_TRUE(std::isnan(qgis.nodata));
    } else {
        EXPECT_EQ(qgis.nodata, cli.nodata);
    }
    EXPECT_EQ(qgis.compression, cli.compression);
}

TEST_F(QgisAlgorithm, OutputIsBitForBitTheCommandLines) {
    const std::vector<SameAsCliRow> rows = {
        {"defaults (red 3, NIR 4)", QStringLiteral("tiledndvi:ndvi"),
         [](const Inputs& in) { return QVariantMap{{"INPUT", q(in.sample)}}; },
         [](const Inputs& in) { return std::vector<std::string>{in.sample}; }, "default.tif"},
        {"explicit bands, 4x4 tiles, 1 thread", QStringLiteral("tiledndvi:ndvi"),
         [](const Inputs& in) {
             return QVariantMap{{"INPUT", q(in.sample)}, {"RED_BAND", 3}, {"NIR_BAND", 4},
                                {"TILE_COLUMNS", 4}, {"TILE_ROWS", 4}, {"THREADS", 1}};
         },
         [](const Inputs& in) {
             return std::vector<std::string>{in.sample, "--red", "3", "--nir", "4", "--tiles", "4x4", "--threads", "1"};
         },
         "tiles.tif"},
        {"7x3 tiles on 3 threads", QStringLiteral("tiledndvi:ndvi"),
         [](const Inputs& in) {
             return QVariantMap{{"INPUT", q(in.sample)}, {"TILE_COLUMNS", 7}, {"TILE_ROWS", 3}, {"THREADS", 3}};
         },
         [](const Inputs& in) { return std::vector<std::string>{in.sample}; }, "odd_tiles.tif"},
        {"separate NIR raster, bands default to 1", QStringLiteral("tiledndvi:ndvi"),
         [](const Inputs& in) { return QVariantMap{{"INPUT", q(in.red)}, {"NIR_INPUT", q(in.nir)}}; },
         [](const Inputs& in) { return std::vector<std::string>{in.red, "--nir-input", in.nir}; }, "separate.tif"},
        {"Float64 with NoData -9999", QStringLiteral("tiledndvi:ndvi"),
         [](const Inputs& in) {
             return QVariantMap{{"INPUT", q(in.sample)}, {"OUTPUT_TYPE", 1}, {"OUTPUT_NODATA", -9999.0}};
         },
         [](const Inputs& in) {
             return std::vector<std::string>{in.sample, "-ot", "Float64", "--dst-nodata", "-9999"};
         },
         "float64.tif"},
        {"creation options", QStringLiteral("tiledndvi:ndvi"),
         [](const Inputs& in) {
             return QVariantMap{{"INPUT", q(in.sample)}, {"CREATION_OPTIONS", "COMPRESS=DEFLATE|TILED=YES"}};
         },
         [](const Inputs& in) {
             return std::vector<std::string>{in.sample, "-co", "COMPRESS=DEFLATE", "-co", "TILED=YES"};
         },
         "deflate.tif"},
        {"format from the extension (.img: Erdas Imagine)", QStringLiteral("tiledndvi:ndvi"),
         [](const Inputs& in) { return QVariantMap{{"INPUT", q(in.sample)}}; },
         [](const Inputs& in) { return std::vector<std::string>{in.sample, "-of", "HFA"}; }, "ndvi.img"},
        {"normalized difference A = 4, B = 3 is NDVI", QStringLiteral("tiledndvi:normalizeddifference"),
         [](const Inputs& in) { return QVariantMap{{"INPUT", q(in.sample)}, {"BAND_A", 4}, {"BAND_B", 3}}; },
         [](const Inputs& in) { return std::vector<std::string>{in.sample}; }, "nd.tif", "normalized difference"},
        {"normalized difference with B from INPUT_B", QStringLiteral("tiledndvi:normalizeddifference"),
         [](const Inputs& in) { return QVariantMap{{"INPUT", q(in.nir)}, {"INPUT_B", q(in.red)}}; },
         [](const Inputs& in) { return std::vector<std::string>{in.red, "--nir-input", in.nir}; }, "nd_b.tif",
         "normalized difference"},
    };
    const Inputs inputs{sample_, red_, nir_};
    for (const SameAsCliRow& row : rows) {
        SCOPED_TRACE(row.name);
        const std::string qgis_output = scratch_.file("qgis_" + row.output_name);
        const std::string cli_output = scratch_.file("cli_" + row.output_name);

        QVariantMap parameters = row.parameters(inputs);
        parameters.insert(QStringLiteral("OUTPUT"), q(qgis_output));
        const RunResult result = run_algorithm(row.algorithm, parameters);
        ASSERT_TRUE(result.ok) << result.errors.toStdString();
        EXPECT_EQ(result.outputs.value(QStringLiteral("OUTPUT")).toString(), q(qgis_output));

        std::vector<std::string> cli_args = {"ndvi", "-q"};
        for (const std::string& arg : row.cli(inputs)) cli_args.push_back(arg);
        cli_args.push_back(cli_output);
        const auto cli = run_cli(cli_args);
        ASSERT_EQ(cli.exit_code, 0) << cli.err;

        EXPECT_EQ(band_bytes(qgis_output), band_bytes(cli_output));
        expect_same_signature(RasterSignature::of(qgis_output), RasterSignature::of(cli_output));
        EXPECT_EQ(RasterSignature::of(qgis_output).description, row.description);
    }
    EXPECT_TRUE(tiledndvi::qgis_test::files_ending_with(scratch_.path(), ".aux.xml").empty());
}

// The toolbox's way: prepared on the main thread, processed in a QgsTask on a
// worker thread, progress reported from that worker, cancel through the task.
TEST_F(QgisAlgorithm, RunsAndCancelsInABackgroundTaskLikeTheToolbox) {
    for (const bool cancel : {false, true}) {
        SCOPED_TRACE(cancel ? "cancelled" : "to completion");
        const std::string output = scratch_.file(cancel ? "cancelled.tif" : "task.tif");
        QgsProcessingContext context;
        RecordingFeedback feedback;
        QThread* const main_thread = QThread::currentThread();
        std::atomic<bool> progress_on_worker{false};
        std::atomic<bool> progress_on_main{false};
        QObject::connect(&feedback, &QgsFeedback::progressChanged, &feedback, [&](double progress) {
            (QThread::currentThread() == main_thread ? progress_on_main : progress_on_worker) = true;
            if (cancel && progress > 0 && !feedback.isCanceled()) feedback.cancel();  // what the Cancel button does
        }, Qt::DirectConnection);
        auto* task = new QgsProcessingAlgRunnerTask(
            &algorithm(QStringLiteral("tiledndvi:ndvi")),
            {{"INPUT", q(sample_)}, {"TILE_COLUMNS", 1}, {"TILE_ROWS", 32}, {"THREADS", 1}, {"OUTPUT", q(output)}},
            context, &feedback);
        bool finished = false, succeeded = false;
        QVariantMap results;
        QObject::connect(task, &QgsProcessingAlgRunnerTask::executed, [&](bool success, const QVariantMap& r) {
            finished = true;
            succeeded = success;
            results = r;
        });
        QgsApplication::taskManager()->addTask(task);
        QElapsedTimer clock;
        clock.start();
        while (!finished && clock.elapsed() < 60000) QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        ASSERT_TRUE(finished);
        EXPECT_TRUE(progress_on_worker);
        EXPECT_FALSE(progress_on_main);
        if (cancel) {
            EXPECT_FALSE(succeeded);
            EXPECT_FALSE(fs::exists(output));
            EXPECT_TRUE(leftovers().empty() || leftovers() == std::vector<std::string>{"task.tif"});
        } else {
            ASSERT_TRUE(succeeded) << feedback.errors.join(QLatin1Char('\n')).toStdString();
            EXPECT_EQ(results.value(QStringLiteral("OUTPUT")).toString(), q(output));
            const auto cli = run_cli({"ndvi", "-q", sample_, scratch_.file("cli.tif")});
            ASSERT_EQ(cli.exit_code, 0) << cli.err;
            EXPECT_EQ(band_bytes(output), band_bytes(scratch_.file("cli.tif")));
            fs::remove(scratch_.file("cli.tif"));
        }
    }
}

// The graphical modeler's view: a one-step model whose input is a model
// parameter and whose output is a model output.
TEST_F(QgisAlgorithm, RunsAsAStepOfAModel) {
    QgsProcessingModelAlgorithm model(QStringLiteral("ndvi model"), QStringLiteral("tests"));
    model.addModelParameter(new QgsProcessingParameterRasterLayer(QStringLiteral("scene"), QStringLiteral("Scene")),
                            QgsProcessingModelParameter(QStringLiteral("scene")));
    QgsProcessingModelChildAlgorithm step(QStringLiteral("tiledndvi:ndvi"));
    step.setChildId(QStringLiteral("ndvi"));
    step.addParameterSources(QStringLiteral("INPUT"),
                             {QgsProcessingModelChildParameterSource::fromModelParameter(QStringLiteral("scene"))});
    step.addParameterSources(QStringLiteral("TILE_COLUMNS"), {QgsProcessingModelChildParameterSource::fromStaticValue(2)});
    step.addParameterSources(QStringLiteral("TILE_ROWS"), {QgsProcessingModelChildParameterSource::fromStaticValue(2)});
    QgsProcessingModelOutput result(QStringLiteral("result"), QStringLiteral("NDVI"));
    result.setChildId(QStringLiteral("ndvi"));
    result.setChildOutputName(QStringLiteral("OUTPUT"));
    step.setModelOutputs({{QStringLiteral("result"), result}});
    model.addChildAlgorithm(step);

    const std::string output = scratch_.file("model.tif");
    QgsProcessingContext context;
    RecordingFeedback feedback;
    bool ok = false;
    const QVariantMap outputs = model.run(
        {{QStringLiteral("scene"), q(sample_)}, {QStringLiteral("ndvi:result"), q(output)}}, context, &feedback, &ok);
    ASSERT_TRUE(ok) << feedback.errors.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(outputs.value(QStringLiteral("ndvi:result")).toString(), q(output));
    const auto cli = run_cli({"ndvi", "-q", sample_, scratch_.file("cli.tif")});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(band_bytes(output), band_bytes(scratch_.file("cli.tif")));
}

TEST_F(QgisAlgorithm, ReportsProgressUpTo100OnTheCallingThread) {
    // One thread: a report per tile. Two threads: the caller's thread reports
    // whenever it is free, so fewer, but never from another thread.
    for (const int threads : {1, 2}) {
        SCOPED_TRACE(threads);
        const RunResult result = run_algorithm(QStringLiteral("tiledndvi:ndvi"),
                                               {{"INPUT", q(sample_)},
                                                {"TILE_COLUMNS", 1},
                                                {"TILE_ROWS", 16},
                                                {"THREADS", threads},
                                                {"OUTPUT", q(scratch_.file("out.tif"))}});
        ASSERT_TRUE(result.ok) << result.errors.toStdString();
        if (threads == 1) {
            EXPECT_GE(result.progress_updates, 16);
        }
        EXPECT_DOUBLE_EQ(result.last_progress, 100.0);
        EXPECT_FALSE(result.progress_on_other_thread);
    }
}

TEST_F(QgisAlgorithm, ReplacesAnExistingOutputAsQgisDestinationsDo) {
    const std::string output = scratch_.file("out.tif");
    { std::ofstream(output) << "an older result"; }
    const RunResult result =
        run_algorithm(QStringLiteral("tiledndvi:ndvi"), {{"INPUT", q(sample_)}, {"OUTPUT", q(output)}});
    ASSERT_TRUE(result.ok) << result.errors.toStdString();
    EXPECT_EQ(tiledndvi::test::raster_info(output).type, GDT_Float32);
}

TEST_F(QgisAlgorithm, TemporaryOutputIsWrittenAsGeoTiff) {
    const RunResult result = run_algorithm(QStringLiteral("tiledndvi:ndvi"),
                                           {{"INPUT", q(sample_)}, {"OUTPUT", QStringLiteral("TEMPORARY_OUTPUT")}});
    ASSERT_TRUE(result.ok) << result.errors.toStdString();
    const std::string path = result.outputs.value(QStringLiteral("OUTPUT")).toString().toStdString();
    ASSERT_TRUE(fs::exists(path)) << path;
    EXPECT_EQ(RasterSignature::of(path).driver, "GTiff");
    const auto cli = run_cli({"ndvi", "-q", sample_, scratch_.file("cli.tif")});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(band_bytes(path), band_bytes(scratch_.file("cli.tif")));
}

// ------------------------------------------------------------------- cancel

TEST_F(QgisAlgorithm, CancelMidRunLeavesNoFileAndKeepsAnExistingOutput) {
    const std::string output = scratch_.file("out.tif");
    for (const bool existing : {false, true}) {
        SCOPED_TRACE(existing ? "over an existing output" : "no existing output");
        if (existing) std::ofstream(output) << "precious";
        double progress_at_cancel = -1;
        const RunResult result = run_algorithm(
            QStringLiteral("tiledndvi:ndvi"),
            {{"INPUT", q(sample_)}, {"TILE_COLUMNS", 1}, {"TILE_ROWS", 32}, {"THREADS", 1}, {"OUTPUT", q(output)}},
            [&](QgsFeedback& feedback, double progress) {
                if (progress > 0 && !feedback.isCanceled()) {
                    progress_at_cancel = progress;
                    feedback.cancel();
                }
            });
        EXPECT_FALSE(result.ok);
        EXPECT_GT(progress_at_cancel, 0.0);
        EXPECT_LT(progress_at_cancel, 100.0);
        EXPECT_LT(result.last_progress, 100.0);  // stopped promptly, not after finishing
        EXPECT_TRUE(result.errors.contains(QStringLiteral("Cancelled"))) << result.errors.toStdString();
        if (existing) {
            EXPECT_EQ(tiledndvi::qgis_test::read_text(output), "precious");
            EXPECT_EQ(leftovers(), std::vector<std::string>{"out.tif"});
        } else {
            EXPECT_TRUE(leftovers().empty()) << leftovers().front();
        }
    }
}

// ----------------------------------------------------------- bad parameters

struct BadParametersRow {
    const char* name;
    QString algorithm;
    std::function<QVariantMap(const Inputs&, const ScratchDir&)> parameters;  // full, with OUTPUT
    std::string expected;          // part of the message
    bool refused_by_check = true;  // checkParameterValues says no (the toolbox and qgis_process call it first)
};

TEST_F(QgisAlgorithm, BadParametersAreRefusedWithAMessageAndNoFile) {
    const std::string shifted_nir = scratch_.file("nir_half.tif");
    tiledndvi::qgis_test::extract_band(sample_, 4, shifted_nir, {"-outsize", "50%", "50%"});
    const auto with = [](const Inputs& in, const ScratchDir& dir, QVariantMap extra) {
        extra.insert(QStringLiteral("INPUT"), extra.value(QStringLiteral("INPUT"), q(in.sample)));
        extra.insert(QStringLiteral("OUTPUT"), extra.value(QStringLiteral("OUTPUT"), q(dir.file("out.tif"))));
        return extra;
    };
    const std::vector<BadParametersRow> rows = {
        {"red band out of range", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"RED_BAND", 7}}); },
         "red band 7 does not exist"},
        {"NIR band 0", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"NIR_BAND", 0}}); }, "NIR_BAND"},
        {"single-band input without bands", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"INPUT", q(in.red)}}); },
         "has 1 band; the default bands (red 3, NIR 4) do not fit: set RED_BAND and NIR_BAND, or NIR_INPUT"},
        {"grids differ", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) {
             return with(in, d, {{"INPUT", q(in.red)}, {"NIR_INPUT", q(shifted_nir)}});
         },
         "grids do not match"},
        {"B band out of range", QStringLiteral("tiledndvi:normalizeddifference"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"BAND_A", 1}, {"BAND_B", 9}}); },
         "B band 9 does not exist"},
        {"missing input", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) {
             return with(in, d, {{"INPUT", q(d.file("missing.tif"))}});
         },
         "INPUT"},
        {"only one tile count", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"TILE_COLUMNS", 4}}); },
         "set both"},
        {"more tiles than pixels", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) {
             return with(in, d, {{"TILE_COLUMNS", 1000}, {"TILE_ROWS", 1}});
         },
         "more tiles than pixels"},
        {"output directory missing", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) {
             return with(in, d, {{"OUTPUT", q(d.file("no/such/dir/out.tif"))}});
         },
         "output directory does not exist", false},
        {"unknown output extension", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"OUTPUT", q(d.file("out.foo"))}}); },
         "no GDAL raster format writes '.foo'", false},
        {"creation option without a value", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"CREATION_OPTIONS", "COMPRESS"}}); },
         "not of the form NAME=VALUE", false},
        {"NoData that does not fit Float32", QStringLiteral("tiledndvi:ndvi"),
         [&](const Inputs& in, const ScratchDir& d) { return with(in, d, {{"OUTPUT_NODATA", 1e300}}); },
         "does not fit in Float32", false},
    };
    const Inputs inputs{sample_, red_, nir_};
    for (const BadParametersRow& row : rows) {
        SCOPED_TRACE(row.name);
        const QVariantMap parameters = row.parameters(inputs, scratch_);
        const QgsProcessingAlgorithm& alg = algorithm(row.algorithm);
        {
            QgsProcessingContext context;
            QString message;
            const bool accepted = alg.checkParameterValues(parameters, context, &message);
            if (row.refused_by_check) {
                EXPECT_FALSE(accepted);
                EXPECT_TRUE(message.contains(q(row.expected))) << message.toStdString();
            }
        }
        const RunResult result = run_algorithm(row.algorithm, parameters);
        EXPECT_FALSE(result.ok);
        EXPECT_TRUE(result.errors.contains(q(row.expected))) << result.errors.toStdString();
        std::vector<std::string> left = leftovers();
        left.erase(std::remove(left.begin(), left.end(), "nir_half.tif"), left.end());
        EXPECT_TRUE(left.empty()) << left.front();
    }
}

TEST_F(QgisAlgorithm, ErrorsAreOneLineWithTheCoresMessage) {
    // Errors found while preparing are reported by QGIS through the feedback.
    const RunResult result = run_algorithm(
        QStringLiteral("tiledndvi:ndvi"),
        {{"INPUT", q(sample_)}, {"RED_BAND", 7}, {"OUTPUT", q(scratch_.file("out.tif"))}});
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.errors, QStringLiteral("red band 7 does not exist: %1 has 6 bands").arg(q(sample_)));
    EXPECT_FALSE(fs::exists(scratch_.file("out.tif")));
}

TEST_F(QgisAlgorithm, ErrorsWhileProcessingAreQgsProcessingExceptions) {
    std::unique_ptr<QgsProcessingAlgorithm> alg(algorithm(QStringLiteral("tiledndvi:ndvi")).create());
    QgsProcessingContext context;
    QgsProcessingFeedback feedback;
    feedback.cancel();  // before the first tile
    bool ok = true;
    try {
        alg->run({{"INPUT", q(sample_)}, {"OUTPUT", q(scratch_.file("out.tif"))}}, context, &feedback, &ok, {},
                 false);
        FAIL() << "no exception";
    } catch (const QgsProcessingException& error) {
        EXPECT_EQ(error.what(), QStringLiteral("Cancelled: no output written"));
    }
    EXPECT_FALSE(ok);
    EXPECT_TRUE(leftovers().empty());
}

// ------------------------------------------------------------ how it looks

TEST_F(QgisAlgorithm, ResultOpensWithAYellowToGreenRampFromMinus1To1) {
    QgsProject project;
    QgsProcessingContext context;
    context.setProject(&project);
    const std::string output = scratch_.file("styled.tif");
    QgsProcessingOutputLayerDefinition destination(q(output), &project);
    const RunResult result = run_algorithm(QStringLiteral("tiledndvi:ndvi"),
                                           {{"INPUT", q(sample_)}, {"OUTPUT", QVariant::fromValue(destination)}}, {},
                                           &context);
    ASSERT_TRUE(result.ok) << result.errors.toStdString();
    ASSERT_TRUE(context.willLoadLayerOnCompletion(q(output)));
    QgsProcessingLayerPostProcessorInterface* post_processor =
        context.layerToLoadOnCompletionDetails(q(output)).postProcessor();
    ASSERT_NE(post_processor, nullptr);

    QgsRasterLayer layer(q(output), QStringLiteral("ndvi"), QStringLiteral("gdal"));
    ASSERT_TRUE(layer.isValid());
    QgsProcessingFeedback feedback;
    post_processor->postProcessLayer(&layer, context, &feedback);

    const auto* renderer = dynamic_cast<const QgsSingleBandPseudoColorRenderer*>(layer.renderer());
    ASSERT_NE(renderer, nullptr);
    EXPECT_EQ(renderer->band(), 1);
    EXPECT_EQ(renderer->classificationMin(), -1.0);
    EXPECT_EQ(renderer->classificationMax(), 1.0);
    const auto* shader = dynamic_cast<const QgsColorRampShader*>(renderer->shader()->rasterShaderFunction());
    ASSERT_NE(shader, nullptr);
    const QList<QgsColorRampShader::ColorRampItem> items = shader->colorRampItemList();
    ASSERT_GE(items.size(), 2);
    EXPECT_EQ(items.first().value, -1.0);
    EXPECT_EQ(items.last().value, 1.0);
    // YlGn: pale yellow at -1, dark green at 1.
    const QColor low = items.first().color, high = items.last().color;
    EXPECT_GT(low.red(), 200);
    EXPECT_GT(low.green(), 200);
    EXPECT_LT(high.red(), 50);
    EXPECT_GT(high.green(), high.red());
    EXPECT_GT(high.green(), high.blue());
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tiledndvi::qgis_test::QgisApplicationEnvironment);
    return RUN_ALL_TESTS();
}
