#include "pixel_function_arguments.h"

#include <string>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

namespace tiledndvi::gdal_plugin {

namespace {

bool parse_number(const char* text, double& value) {
    if (text == nullptr) return false;
    while (*text == ' ') ++text;
    if (*text == '\0') return false;
    char* end = nullptr;
    value = CPLStrtod(text, &end);
    while (end != nullptr && *end == ' ') ++end;
    return end != nullptr && *end == '\0';
}

}  // namespace

bool fetch_arguments(const FunctionSpec& spec, CSLConstList list, PixelFunctionArguments& arguments) {
    for (CSLConstList item = list; item != nullptr && *item != nullptr; ++item) {
        char* key = nullptr;
        const char* value = CPLParseNameValue(*item, &key);
        const std::string name = key != nullptr ? key : *item;
        CPLFree(key);
        BandNoData* target = nullptr;
        if (EQUAL(name.c_str(), "NoData")) {
            double number = 0;
            if (!parse_number(value, number)) {
                CPLError(CE_Failure, CPLE_AppDefined, "%s: the band's NoDataValue '%s' is not a number", spec.name,
                         value != nullptr ? value : "");
                return false;
            }
            arguments.output_nodata = number;
            continue;
        }
        if (EQUAL(name.c_str(), spec.first_nodata_argument)) target = &arguments.first_nodata;
        if (EQUAL(name.c_str(), spec.second_nodata_argument)) target = &arguments.second_nodata;
        if (target == nullptr) {
            CPLError(CE_Failure, CPLE_AppDefined,
                     "%s: unknown pixel function argument '%s' (known: %s, %s; the output NoData is the band's "
                     "NoDataValue)",
                     spec.name, name.c_str(), spec.first_nodata_argument, spec.second_nodata_argument);
            return false;
        }
        double number = 0;
        if (!parse_number(value, number)) {
            CPLError(CE_Failure, CPLE_AppDefined, "%s: argument %s must be a number, not '%s'", spec.name, name.c_str(),
                     value != nullptr ? value : "");
            return false;
        }
        target->has_value = true;
        target->value = number;
    }
    return true;
}

}  // namespace tiledndvi::gdal_plugin
