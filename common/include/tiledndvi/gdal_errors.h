// Keeps GDAL's own error printing out of the way while the core turns failures
// into one Error line. Thread-local, like GDAL's error handler stack.
#pragma once

#include <string>

namespace tiledndvi {

class QuietGdalErrors {
public:
    QuietGdalErrors();
    ~QuietGdalErrors();
    QuietGdalErrors(const QuietGdalErrors&) = delete;
    QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
};

// GDAL's last error message on this thread, or `fallback` if there is none.
std::string last_gdal_error(const std::string& fallback = "unknown GDAL error");

}  // namespace tiledndvi
