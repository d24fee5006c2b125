// The one error type of the core: a single line a user can act on.
// Each adapter translates it (CPLError in GDAL, QgsProcessingException in QGIS,
// "tiledndvi: error: ..." and a non-zero exit in the CLI).
#pragma once

#include <stdexcept>
#include <string>

namespace tiledndvi {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when the caller's progress callback asked to stop.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled by the user") {}
};

}  // namespace tiledndvi
