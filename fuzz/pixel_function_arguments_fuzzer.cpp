// Fuzzes the argument parsing of the VRT pixel functions: the input is the
// NAME=VALUE list GDAL would pass, one item per line; its first byte picks the
// function (ndvi or normalized_difference). fetch_arguments must either accept
// the list or refuse it with a CPLError, never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <cpl_error.h>

#include "pixel_function_arguments.h"

using namespace tiledndvi::gdal_plugin;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    CPLSetErrorHandler(CPLQuietErrorHandler);  // refusals are expected; keep the output readable
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const FunctionSpec& spec = data[0] % 2 == 0 ? ndvi_spec : normalized_difference_spec;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::vector<std::string> items;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        items.push_back(text.substr(start, end - start));
    items.push_back(text.substr(start));
    std::vector<const char*> list;
    for (const std::string& item : items) list.push_back(item.c_str());
    list.push_back(nullptr);

    CPLErrorReset();
    PixelFunctionArguments arguments;
    const bool accepted = fetch_arguments(spec, list.data(), arguments);
    // A refusal is always reported, so GDAL shows why the VRT failed.
    if (!accepted && CPLGetLastErrorType() != CE_Failure) std::abort();
    return 0;
}
