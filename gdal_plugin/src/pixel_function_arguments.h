// The arguments of the VRT pixel functions (see pixel_functions.h), parsed
// apart from the pixels: each source's NoData and the output NoData.
#pragma once

#include <limits>

#include <cpl_port.h>

#include "tiledndvi/numeric_rule.h"

namespace tiledndvi::gdal_plugin {

// What distinguishes the two functions, as data: source names, argument names,
// and which source is the minuend.
struct FunctionSpec {
    const char* name;
    const char* first_source;   // sources[0]
    const char* second_source;  // sources[1]
    const char* first_nodata_argument;
    const char* second_nodata_argument;
    bool first_is_minuend;  // normalized_difference: A - B; ndvi: NIR (second) - red (first)
};

constexpr FunctionSpec ndvi_spec{"ndvi", "red", "NIR", "red_nodata", "nir_nodata", false};
constexpr FunctionSpec normalized_difference_spec{"normalized_difference", "A", "B", "a_nodata", "b_nodata", true};

struct PixelFunctionArguments {
    BandNoData first_nodata;
    BandNoData second_nodata;
    double output_nodata = std::numeric_limits<double>::quiet_NaN();
};

// Reads GDAL's NAME=VALUE argument list (the builtin NoData and the spec's two
// NoData arguments). On an unknown name or a value that is not a number,
// reports it with CPLError(CE_Failure, ...) and returns false.
bool fetch_arguments(const FunctionSpec& spec, CSLConstList list, PixelFunctionArguments& arguments);

}  // namespace tiledndvi::gdal_plugin
