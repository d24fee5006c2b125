// Helpers for the provider's tests: a throwaway QGIS world (HOME, profile,
// runtime dir in one scratch folder), the plugin linked into that profile, and
// small raster utilities.
#pragma once

#include <string>
#include <vector>

#include "test_support.h"

namespace tiledndvi::qgis_test {

// Points this process (and the QGIS processes it starts) at scratch folders:
// HOME, QGIS_CUSTOM_CONFIG_PATH, XDG_RUNTIME_DIR; QT_QPA_PLATFORM=offscreen and
// GDAL_PAM_ENABLED=NO, so neither QGIS nor GDAL writes settings into the real
// home or .aux.xml files beside inputs. Removed with everything in it.
class IsolatedQgis {
public:
    IsolatedQgis();
    IsolatedQgis(const IsolatedQgis&) = delete;
    IsolatedQgis& operator=(const IsolatedQgis&) = delete;

    const std::string& root() const { return scratch_.path(); }
    std::string profile_root() const;   // QGIS_CUSTOM_CONFIG_PATH
    std::string profile_dir() const;    // <profile_root>/profiles/default
    std::string plugins_dir() const;    // <profile_dir>/python/plugins
    std::string data_dir() const;       // inputs and outputs of the test
    std::string data_file(const std::string& name) const { return data_dir() + "/" + name; }

    // Links the plugin assembled in the build tree into the profile.
    void link_plugin() const;
    // Marks it enabled in the profile's QGIS3.ini, as `plugins enable` does,
    // plus the settings that keep the desktop from asking questions.
    void enable_plugin_in_settings() const;
    // A copy of the sample scene in the data folder.
    std::string copy_sample(const std::string& name = "L7_ETMs.tif") const;

private:
    test::ScratchDir scratch_;
};

// Writes band `band` of `source` to a single-band GeoTIFF (gdal_translate -b).
void extract_band(const std::string& source, int band, const std::string& destination,
                  const std::vector<std::string>& extra_options = {});

// Every file in `dir` whose name ends with `suffix`.
std::vector<std::string> files_ending_with(const std::string& dir, const std::string& suffix);

std::string shell_quote(const std::string& arg);

// Text of a file ("" when it does not exist).
std::string read_text(const std::string& path);

}  // namespace tiledndvi::qgis_test
