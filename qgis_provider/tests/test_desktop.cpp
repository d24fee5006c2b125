// The QGIS desktop under xvfb-run with a throwaway profile: the plugin loads,
// the algorithm is in the Processing toolbox, runs from there with the CLI's
// bytes and a yellow-to-green ramp, its dialog opens, and the plugin unloads.
// Screenshots are kept in the build tree as artefacts.
#include <filesystem>
#include <string>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <gtest/gtest.h>

#include "qgis_test_environment.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using tiledndvi::qgis_test::IsolatedQgis;
using tiledndvi::qgis_test::shell_quote;

TEST(QgisDesktop, ShowsRunsAndUnloadsTheAlgorithm) {
    IsolatedQgis world;
    world.link_plugin();
    world.enable_plugin_in_settings();
    const std::string input = world.copy_sample();
    const std::string output = world.data_file("ndvi.tif");
    const std::string report_path = world.data_file("report.json");
    fs::create_directories(TILEDNDVI_QGIS_ARTIFACT_DIR);
    for (const char* name : {"desktop_toolbox.png", "desktop_dialog.png"})
        fs::remove(fs::path(TILEDNDVI_QGIS_ARTIFACT_DIR) / name);

    // The desktop draws on Xvfb, not offscreen: drop QT_QPA_PLATFORM for it.
    const std::string command =
        "env -u QT_QPA_PLATFORM TILEDNDVI_DESKTOP_INPUT=" + shell_quote(input) +
        " TILEDNDVI_DESKTOP_OUTPUT=" + shell_quote(output) + " TILEDNDVI_DESKTOP_REPORT=" + shell_quote(report_path) +
        " TILEDNDVI_DESKTOP_SCREENSHOTS=" + shell_quote(TILEDNDVI_QGIS_ARTIFACT_DIR) + " timeout 240 " +
        shell_quote(XVFB_RUN_EXECUTABLE) + " -a -s '-screen 0 1400x900x24' " + shell_quote(QGIS_DESKTOP_EXECUTABLE) +
        " --nologo --noversioncheck --code " + shell_quote(TILEDNDVI_DESKTOP_CHECK_SCRIPT);
    const auto desktop = tiledndvi::test::run_command(command);
    ASSERT_EQ(desktop.exit_code, 0) << desktop.out << desktop.err;

    const std::string text = tiledndvi::qgis_test::read_text(report_path);
    ASSERT_FALSE(text.empty()) << "no report\n" << desktop.out << desktop.err;
    const QJsonObject report = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
    SCOPED_TRACE(text);
    ASSERT_FALSE(report.contains(QStringLiteral("error")));
    EXPECT_EQ(report["algorithm"].toString(), QStringLiteral("NDVI (parallel tiles)"));
    EXPECT_TRUE(report["plugin_active"].toBool());
    EXPECT_TRUE(report["toolbox_has_algorithm"].toBool());
    const QJsonArray entries = report["toolbox_entries"].toArray();
    EXPECT_TRUE(entries.contains(QStringLiteral("Tiled NDVI")));
    EXPECT_TRUE(entries.contains(QStringLiteral("NDVI (parallel tiles)")));

    EXPECT_EQ(report["result_output"].toString(), QString::fromStdString(output));
    EXPECT_TRUE(report["result_loaded"].toBool());
    EXPECT_EQ(report["renderer"].toString(), QStringLiteral("singlebandpseudocolor"));
    EXPECT_EQ(report["classification"].toArray(), (QJsonArray{-1.0, 1.0}));
    // QGIS's YlGn: pale yellow to dark green.
    EXPECT_EQ(report["ramp_ends"].toArray(), (QJsonArray{QStringLiteral("#ffffcc"), QStringLiteral("#006837")}));

    EXPECT_TRUE(report["dialog_created"].toBool());
    EXPECT_TRUE(report["dialog_title"].toString().contains(QStringLiteral("NDVI (parallel tiles)")));
    const QJsonArray dialog_parameters = report["dialog_parameters"].toArray();
    for (const char* id : {"INPUT", "RED_BAND", "NIR_BAND", "NIR_INPUT", "TILE_COLUMNS", "TILE_ROWS", "THREADS",
                           "OUTPUT_NODATA", "OUTPUT_TYPE", "CREATION_OPTIONS", "OUTPUT"})
        EXPECT_TRUE(dialog_parameters.contains(QString::fromLatin1(id))) << id;
    EXPECT_FALSE(report["algorithm_after_unload"].toBool());

    // Same bytes as the command line, and nothing written beside the input.
    const std::string cli_output = world.data_file("cli.tif");
    const auto cli = tiledndvi::test::run_cli({"ndvi", "-q", input, cli_output});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(tiledndvi::test::band_bytes(output), tiledndvi::test::band_bytes(cli_output));
    EXPECT_TRUE(tiledndvi::qgis_test::files_ending_with(world.data_dir(), ".aux.xml").empty());

    for (const char* name : {"desktop_toolbox.png", "desktop_dialog.png"}) {
        const fs::path screenshot = fs::path(TILEDNDVI_QGIS_ARTIFACT_DIR) / name;
        ASSERT_TRUE(fs::exists(screenshot)) << screenshot;
        EXPECT_GT(fs::file_size(screenshot), 10000u) << screenshot;  // a real picture, not an empty image
    }
}

}  // namespace
