// The real qgis_process.bin with a throwaway profile holding the plugin built
// here: it enables, lists, helps and runs the algorithms (plain and --json),
// with the command line's bytes, and stops cleanly on Ctrl-C.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

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
using tiledndvi::test::band_bytes;
using tiledndvi::test::CommandResult;
using tiledndvi::test::run_cli;

class QgisProcess : public ::testing::Test {
protected:
    void SetUp() override {
        world_.link_plugin();
        sample_ = world_.copy_sample();
    }

    CommandResult qgis_process(const std::vector<std::string>& args) const {
        std::string line = shell_quote(QGIS_PROCESS_EXECUTABLE);
        for (const std::string& arg : args) line += " " + shell_quote(arg);
        return tiledndvi::test::run_command(line);
    }

    std::string cli_ndvi(const std::vector<std::string>& extra = {}) const {
        const std::string output = world_.data_file("cli.tif");
        std::vector<std::string> args = {"ndvi", "-q", sample_, output};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto result = run_cli(args);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        return output;
    }

    // Files in the data folder other than `expected`.
    std::vector<std::string> data_files() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(world_.data_dir()))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    IsolatedQgis world_;
    std::string sample_;
};

TEST_F(QgisProcess, PluginsEnableMakesTheAlgorithmsAvailable) {
    const auto before = qgis_process({"list"});
    ASSERT_EQ(before.exit_code, 0) << before.err;
    EXPECT_EQ(before.out.find("tiledndvi:ndvi"), std::string::npos) << "listed before being enabled";

    const auto enable = qgis_process({"plugins", "enable", "tiledndvi"});
    ASSERT_EQ(enable.exit_code, 0) << enable.out << enable.err;
    EXPECT_NE(enable.out.find("* tiledndvi"), std::string::npos) << enable.out;
    const std::string settings =
        tiledndvi::qgis_test::read_text(world_.profile_dir() + "/QGIS/QGIS3.ini");
    EXPECT_NE(settings.find("tiledndvi=true"), std::string::npos) << settings;

    const auto after = qgis_process({"list"});
    ASSERT_EQ(after.exit_code, 0) << after.err;
    EXPECT_NE(after.out.find("Tiled NDVI"), std::string::npos) << after.out;
    EXPECT_NE(after.out.find("tiledndvi:ndvi\tNDVI (parallel tiles)"), std::string::npos) << after.out;
    EXPECT_NE(after.out.find("tiledndvi:normalizeddifference"), std::string::npos) << after.out;
}

TEST_F(QgisProcess, HelpDescribesEveryParameter) {
    world_.enable_plugin_in_settings();
    const auto help = qgis_process({"help", "tiledndvi:ndvi"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    for (const char* expected :
         {"NDVI (parallel tiles) (tiledndvi:ndvi)", "NDVI = (NIR - Red) / (NIR + Red)", "INPUT: Input raster",
          "RED_BAND: Red band", "NIR_BAND: Near-infrared (NIR) band", "NIR_INPUT: Separate NIR raster",
          "TILE_COLUMNS:", "TILE_ROWS:", "THREADS:", "OUTPUT_NODATA:", "OUTPUT_TYPE:", "CREATION_OPTIONS:",
          "OUTPUT: NDVI", "Argument type:\tband", "Argument type:\trasterDestination", "Default 3 (Landsat 4-7)"})
        EXPECT_NE(help.out.find(expected), std::string::npos) << expected << "\n" << help.out;

    const auto generic = qgis_process({"help", "tiledndvi:normalizeddifference"});
    ASSERT_EQ(generic.exit_code, 0) << generic.err;
    for (const char* expected : {"BAND_A:", "BAND_B:", "INPUT_B:", "(A - B) / (A + B)"})
        EXPECT_NE(generic.out.find(expected), std::string::npos) << expected << "\n" << generic.out;
}

TEST_F(QgisProcess, RunWritesTheCommandLinesBytes) {
    world_.enable_plugin_in_settings();
    const std::string output = world_.data_file("ndvi.tif");
    const auto run = qgis_process({"run", "tiledndvi:ndvi", "--", "INPUT=" + sample_, "OUTPUT=" + output});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("100 - done"), std::string::npos) << run.out;  // progress reached qgis_process
    EXPECT_NE(run.out.find("OUTPUT:\t" + output), std::string::npos) << run.out;
    EXPECT_EQ(band_bytes(output), band_bytes(cli_ndvi()));
    // Nothing beside the inputs but the two results: no .aux.xml, no staging file.
    EXPECT_EQ(data_files(), (std::vector<std::string>{"L7_ETMs.tif", "cli.tif", "ndvi.tif"}));
}

TEST_F(QgisProcess, JsonRunReportsTheOutputAndMatchesTheCommandLine) {
    world_.enable_plugin_in_settings();
    const std::string output = world_.data_file("ndvi.tif");
    const auto run = qgis_process({"--json", "run", "tiledndvi:ndvi", "--", "INPUT=" + sample_, "RED_BAND=3",
                                   "NIR_BAND=4", "TILE_COLUMNS=3", "TILE_ROWS=5", "THREADS=2",
                                   "CREATION_OPTIONS=COMPRESS=DEFLATE|PREDICTOR=3", "OUTPUT=" + output});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    QJsonParseError error;
    const QJsonDocument json =
        QJsonDocument::fromJson(QByteArray::fromStdString(run.out.substr(run.out.find('{'))), &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError) << error.errorString().toStdString() << "\n" << run.out;
    const QJsonObject root = json.object();
    EXPECT_EQ(root["algorithm_details"].toObject()["id"].toString(), QStringLiteral("tiledndvi:ndvi"));
    EXPECT_EQ(root["provider_details"].toObject()["name"].toString(), QStringLiteral("Tiled NDVI"));
    EXPECT_EQ(root["results"].toObject()["OUTPUT"].toString(), QString::fromStdString(output));
    EXPECT_TRUE(root["log"].toObject()["info"].toArray().first().toString().contains(QStringLiteral("15 tiles")))
        << run.out;
    EXPECT_EQ(band_bytes(output), band_bytes(cli_ndvi({"-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"})));
}

TEST_F(QgisProcess, BadParametersFailWithAMessageAndNoFile) {
    world_.enable_plugin_in_settings();
    const std::string output = world_.data_file("ndvi.tif");
    const auto run =
        qgis_process({"run", "tiledndvi:ndvi", "--", "INPUT=" + sample_, "RED_BAND=7", "OUTPUT=" + output});
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE((run.out + run.err).find("red band 7 does not exist: " + sample_ + " has 6 bands"), std::string::npos)
        << run.out << run.err;
    EXPECT_EQ(data_files(), std::vector<std::string>{"L7_ETMs.tif"});
}

// `cmake --install` puts a working plugin folder where QGIS looks for Python
// plugins: <prefix>/share/qgis/python/plugins/tiledndvi (/usr/share/... on
// Debian). QGIS_PLUGINPATH points qgis_process at the scratch prefix instead.
TEST_F(QgisProcess, InstalledPluginRuns) {
    const std::string prefix = world_.root() + "/prefix";
    const auto install = tiledndvi::test::run_command(shell_quote(CMAKE_COMMAND_PATH) + " --install " +
                                                      shell_quote(PROJECT_BUILD_DIR) +
                                                      " --component qgis_plugin --prefix " + shell_quote(prefix));
    ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
    const std::string plugin = prefix + "/" + PLUGIN_INSTALL_DIR;
    for (const char* file : {"__init__.py", "metadata.txt", "libtiledndvi_qgis.so"})
        EXPECT_TRUE(fs::exists(plugin + "/" + file)) << plugin << "/" << file;
    EXPECT_NE(tiledndvi::qgis_test::read_text(plugin + "/metadata.txt").find("hasProcessingProvider=yes"),
              std::string::npos);

    world_.enable_plugin_in_settings();
    fs::remove(world_.plugins_dir() + "/tiledndvi");  // only the installed copy
    setenv("QGIS_PLUGINPATH", fs::path(plugin).parent_path().c_str(), 1);
    const std::string output = world_.data_file("ndvi.tif");
    const auto run = qgis_process({"run", "tiledndvi:ndvi", "--", "INPUT=" + sample_, "OUTPUT=" + output});
    unsetenv("QGIS_PLUGINPATH");
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(band_bytes(output), band_bytes(cli_ndvi()));
}

// Ctrl-C (qgis_process cancels its feedback) and SIGTERM (the provider's
// guard turns it into a cancel) during a run: the staged file is removed.
TEST_F(QgisProcess, InterruptOrTerminateDuringARunLeavesNoFile) {
    world_.enable_plugin_in_settings();
    // Slow enough to interrupt reliably: 10x the sample, one thread, Float64
    // through the slowest DEFLATE (seconds of work).
    const std::string big = world_.data_file("big.tif");
    tiledndvi::qgis_test::extract_band(sample_, 3, big, {"-b", "4", "-outsize", "1000%", "1000%", "-r", "nearest"});
    const std::string output = world_.data_file("ndvi.tif");
    const std::vector<std::string> args = {QGIS_PROCESS_EXECUTABLE, "run", "tiledndvi:ndvi", "--",
                                           "INPUT=" + big, "RED_BAND=1", "NIR_BAND=2", "THREADS=1",
                                           "OUTPUT_TYPE=1", "CREATION_OPTIONS=COMPRESS=DEFLATE|ZLEVEL=9",
                                           "OUTPUT=" + output};
    for (const int signal_number : {SIGINT, SIGTERM}) {
        SCOPED_TRACE(signal_number == SIGINT ? "SIGINT" : "SIGTERM");
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            if (freopen("/dev/null", "w", stdout) == nullptr || freopen("/dev/null", "w", stderr) == nullptr)
                _exit(126);
            std::vector<char*> argv;
            for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        // Wait until the engine has started writing its staged file, then signal.
        bool staged = false;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!staged && std::chrono::steady_clock::now() < deadline) {
            for (const std::string& name : data_files())
                if (name.find("tiledndvi-tmp") != std::string::npos) staged = true;
            if (!staged) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        kill(child, signal_number);
        int status = 0;
        ASSERT_EQ(waitpid(child, &status, 0), child);
        ASSERT_TRUE(staged) << "the run never started writing";
        if (signal_number == SIGTERM) {
            // Ends as SIGTERM would have ended it, after the cleanup.
            EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
        } else {
            EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
        }
        EXPECT_EQ(data_files(), (std::vector<std::string>{"L7_ETMs.tif", "big.tif"}));
    }
}

}  // namespace
