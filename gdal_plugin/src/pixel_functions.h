// VRT pixel functions `ndvi` (sources: red, then NIR) and `normalized_difference`
// (sources: A, then B; (A - B) / (A + B)), computed by the core's kernels under
// the project's numeric rule.
//
// Arguments (VRT <PixelFunctionArguments .../>):
//   ndvi:                  red_nodata, nir_nodata  (optional numbers)
//   normalized_difference: a_nodata, b_nodata      (optional numbers)
// GDAL never passes a source's NoData to a pixel function, so each source's
// NoData value is an argument, compared in the type the sources are handed
// over as (SourceTransferType: set it to the sources' own type). The output
// NoData is the VRT band's <NoDataValue>, which GDAL passes as the builtin
// `NoData` argument (NaN when absent).
#pragma once

#include <gdal.h>

namespace tiledndvi::gdal_plugin {

// Buffers of at least this many pixels (e.g. 2900 x 2900) are computed on
// several OpenMP threads; smaller ones on the calling thread only, without a
// parallel region. The arithmetic costs about 0.45 ns a pixel on one core, and
// after a region libgomp keeps its idle threads spinning for up to about 3 ms
// (unless OMP_WAIT_POLICY=PASSIVE): a region pays only when it saves more than
// that. gdal_translate hands a VRT's pixel function swaths of 128 rows and
// gdalinfo -stats 128 x 128 blocks: both stay on one thread, where measured on
// 2 cores they ran as fast and without burning the second core.
constexpr long long parallel_threshold_pixels = 8LL << 20;

CPLErr ndvi_pixel_function(void** sources, int source_count, void* out, int width, int height, GDALDataType source_type,
                           GDALDataType buffer_type, int pixel_space, int line_space, CSLConstList arguments);

CPLErr normalized_difference_pixel_function(void** sources, int source_count, void* out, int width, int height,
                                            GDALDataType source_type, GDALDataType buffer_type, int pixel_space,
                                            int line_space, CSLConstList arguments);

// Registers both functions with GDALAddDerivedBandPixelFuncWithArgs.
void register_pixel_functions();

}  // namespace tiledndvi::gdal_plugin
