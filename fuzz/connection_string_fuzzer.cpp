// Fuzzes the `NDVI:` connection-string parser of the GDAL driver: any text is
// either parsed into bands >= 1 and a non-empty path, or refused with
// tiledndvi::Error; anything else (a crash, another exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "connection_string.h"
#include "tiledndvi/error.h"

using namespace tiledndvi::gdal_plugin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const bool prefixed = has_connection_prefix(text.c_str());
    try {
        const ConnectionString parsed = parse_connection_string(text);
        if (!prefixed || parsed.red_band < 1 || parsed.nir_band < 1 || parsed.red_path.empty() ||
            parsed.nir_path.empty())
            std::abort();
    } catch (const tiledndvi::Error&) {
        // refused with a message: the expected answer to bad text
    }
    return 0;
}
