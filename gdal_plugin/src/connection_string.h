// The `NDVI:` connection string of the driver: which bands of which files.
//
//   NDVI:[red=<band>,nir=<band>[,nir_file="<path>"]]:<path>
//
// The options end at the first colon outside double quotes; everything after it
// is the red (and, without nir_file, also the NIR) raster, taken verbatim, so
// /vsizip/..., C:\... and names with commas or colons need no escaping there.
// nir_file may be quoted ("..." with \" and \\ escapes) and must be when it
// holds a comma, a colon or a quote. Bands default to red=3, nir=4 (Landsat 4-7,
// like the CLI), or 1 and 1 with nir_file (one file per band).
#pragma once

#include <string>

namespace tiledndvi::gdal_plugin {

constexpr const char* connection_prefix = "NDVI:";
constexpr const char* connection_syntax = "NDVI:red=<band>,nir=<band>[,nir_file=\"<path>\"]:<path>";

struct ConnectionString {
    std::string red_path;
    int red_band = 3;
    std::string nir_path;  // red_path unless nir_file was given
    int nir_band = 4;
    bool bands_given = false;  // false: the defaults were used (error messages say so)
};

// Cheap test for the driver's Identify: runs for every file GDAL opens.
bool has_connection_prefix(const char* text);

// Parses a full connection string. Throws tiledndvi::Error with a message that
// names the problem and shows connection_syntax.
ConnectionString parse_connection_string(const std::string& text);

}  // namespace tiledndvi::gdal_plugin
