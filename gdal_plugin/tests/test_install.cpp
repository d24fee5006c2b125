// `cmake --install` puts the plugin where GDAL looks for it: <prefix>/<the
// directory of GDAL's library, relative to GDAL's prefix>/gdalplugins. Installed
// into GDAL's own prefix that is the directory compiled into libgdal.
#include <gtest/gtest.h>

#include <filesystem>

#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

namespace fs = std::filesystem;

TEST(Install, PutsThePluginWhereGdalFindsIt) {
    ScratchDir prefix;
    const CommandResult install =
        test::run_command(shell_quote(TILEDNDVI_CMAKE) + " --install " + shell_quote(TILEDNDVI_BUILD_DIR) +
                          " --prefix " + shell_quote(prefix.path()));
    ASSERT_EQ(install.exit_code, 0) << install.err << install.out;
    const fs::path plugin_dir = fs::path(prefix.path()) / TILEDNDVI_PLUGIN_INSTALL_DIR;
    EXPECT_EQ(plugin_dir.filename(), "gdalplugins");
    ASSERT_TRUE(fs::exists(plugin_dir / "gdal_TiledNDVI.so")) << plugin_dir;

    // GDAL loads the installed copy from there.
    const CommandResult formats =
        test::run_command("GDAL_DRIVER_PATH=" + shell_quote(plugin_dir.string()) + " gdalinfo --formats");
    ASSERT_EQ(formats.exit_code, 0) << formats.err;
    EXPECT_NE(formats.out.find("TiledNDVI -raster-"), std::string::npos) << formats.out;

    // With --prefix set to GDAL's own prefix the same relative directory is the
    // one compiled into libgdal (/usr/lib/x86_64-linux-gnu/gdalplugins on Debian).
    const std::string gdal_plugin_dir = std::string(TILEDNDVI_GDAL_PREFIX) + "/" + TILEDNDVI_PLUGIN_INSTALL_DIR;
    const std::vector<unsigned char> library = test::file_bytes(TILEDNDVI_GDAL_LIBRARY);
    const std::string needle = gdal_plugin_dir + '\0';
    EXPECT_NE(std::search(library.begin(), library.end(), needle.begin(), needle.end()), library.end())
        << gdal_plugin_dir << " is not the plugin directory compiled into " << TILEDNDVI_GDAL_LIBRARY;
}

}  // namespace
}  // namespace tiledndvi::plugin_test
