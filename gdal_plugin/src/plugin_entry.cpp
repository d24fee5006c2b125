// The plugin's entry points. GDAL finds gdal_TiledNDVI.so in its plugin
// directory (or GDAL_DRIVER_PATH) and calls GDALRegister_TiledNDVI, or
// GDALRegisterMe when that name is missing.
#include <gdal_priv.h>

#include "ndvi_dataset.h"
#include "pixel_functions.h"

extern "C" __attribute__((visibility("default"))) void GDALRegister_TiledNDVI() {
    if (!GDAL_CHECK_VERSION(tiledndvi::gdal_plugin::driver_name)) return;
    // GDALAllRegister may run several times (the Python bindings do it): register
    // once. The pixel function table is a plain map GDAL reads without a lock, so
    // it is only written here, on the first call.
    if (GDALGetDriverByName(tiledndvi::gdal_plugin::driver_name) != nullptr) return;
    tiledndvi::gdal_plugin::register_pixel_functions();
    tiledndvi::gdal_plugin::register_ndvi_driver();
}

extern "C" __attribute__((visibility("default"))) void GDALRegisterMe() { GDALRegister_TiledNDVI(); }
