// The plugin as GDAL loads it: found in GDAL_DRIVER_PATH by its file name,
// registered once however often the entry points run.
#include <dlfcn.h>

#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>
#include <string>

#include <gdal_priv.h>

#include "plugin_test_support.h"

namespace tiledndvi::plugin_test {
namespace {

std::string real_path(const std::string& path) {
    char buffer[PATH_MAX];
    return realpath(path.c_str(), buffer) != nullptr ? std::string(buffer) : path;
}

TEST(PluginLoading, GdalFindsTheDriverInTheBuildTree) {
    load_plugin();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("TiledNDVI");
    ASSERT_NE(driver, nullptr);
    EXPECT_STREQ(driver->GetMetadataItem(GDAL_DCAP_RASTER), "YES");
    EXPECT_STREQ(driver->GetMetadataItem(GDAL_DMD_CONNECTION_PREFIX), "NDVI:");
    // The code behind the driver is the build tree's file, not an installed copy.
    Dl_info info{};
    ASSERT_NE(dladdr(reinterpret_cast<void*>(driver->pfnOpen), &info), 0);
    EXPECT_EQ(real_path(info.dli_fname), real_path(TILEDNDVI_PLUGIN_FILE));
}

TEST(PluginLoading, EntryPointsRegisterOnlyOnce) {
    load_plugin();
    const int drivers = GDALGetDriverCount();
    void* handle = dlopen(TILEDNDVI_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << dlerror();
    auto register_named = reinterpret_cast<void (*)()>(dlsym(handle, "GDALRegister_TiledNDVI"));
    auto register_me = reinterpret_cast<void (*)()>(dlsym(handle, "GDALRegisterMe"));
    ASSERT_NE(register_named, nullptr);
    ASSERT_NE(register_me, nullptr);
    for (int i = 0; i < 3; ++i) {
        register_named();
        register_me();
    }
    GDALAllRegister();  // what the Python bindings do, more than once
    GDALAllRegister();
    EXPECT_EQ(GDALGetDriverCount(), drivers);
    int found = 0;
    for (int i = 0; i < GDALGetDriverCount(); ++i)
        found += std::string(GDALGetDescription(GDALGetDriver(i))) == "TiledNDVI" ? 1 : 0;
    EXPECT_EQ(found, 1);
    dlclose(handle);
}

TEST(PluginLoading, OnlyTheEntryPointsAreExported) {
    void* handle = dlopen(TILEDNDVI_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << dlerror();
    // The core is linked in privately: its symbols must not clash with another
    // copy (the QGIS provider) in the same process.
    EXPECT_EQ(dlsym(handle, "_ZN9tiledndvi14open_band_pairERKNS_8BandSpecES2_"), nullptr);
    EXPECT_NE(dlsym(handle, "GDALRegister_TiledNDVI"), nullptr);
    dlclose(handle);
}

TEST(PluginLoading, IdentifyClaimsOnlyNdviStrings) {
    load_plugin();
    GDALDriverH ndvi = GDALIdentifyDriver("NDVI:red=3,nir=4:/nonexistent/scene.tif", nullptr);
    ASSERT_NE(ndvi, nullptr);
    EXPECT_STREQ(GDALGetDescription(ndvi), "TiledNDVI");
    GDALDriverH sample = GDALIdentifyDriver(test::sample_path().c_str(), nullptr);
    ASSERT_NE(sample, nullptr);
    EXPECT_STREQ(GDALGetDescription(sample), "GTiff");
}

}  // namespace
}  // namespace tiledndvi::plugin_test
