#include "qgis_test_environment.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <cpl_string.h>
#include <gdal_utils.h>

namespace tiledndvi::qgis_test {

namespace fs = std::filesystem;

IsolatedQgis::IsolatedQgis() {
    fs::create_directories(root() + "/home");
    fs::create_directories(root() + "/runtime");
    fs::permissions(root() + "/runtime", fs::perms::owner_all, fs::perm_options::replace);
    fs::create_directories(plugins_dir());
    fs::create_directories(data_dir());
    setenv("HOME", (root() + "/home").c_str(), 1);
    setenv("QGIS_CUSTOM_CONFIG_PATH", profile_root().c_str(), 1);
    setenv("XDG_RUNTIME_DIR", (root() + "/runtime").c_str(), 1);
    setenv("QT_QPA_PLATFORM", "offscreen", 1);
    setenv("GDAL_PAM_ENABLED", "NO", 1);
}

std::string IsolatedQgis::profile_root() const { return root() + "/qgis-config"; }
std::string IsolatedQgis::profile_dir() const { return profile_root() + "/profiles/default"; }
std::string IsolatedQgis::plugins_dir() const { return profile_dir() + "/python/plugins"; }
std::string IsolatedQgis::data_dir() const { return root() + "/data"; }

void IsolatedQgis::link_plugin() const {
    fs::create_directory_symlink(TILEDNDVI_QGIS_PLUGIN_DIR, plugins_dir() + "/tiledndvi");
}

void IsolatedQgis::enable_plugin_in_settings() const {
    fs::create_directories(profile_dir() + "/QGIS");
    std::ofstream ini(profile_dir() + "/QGIS/QGIS3.ini", std::ios::app);
    ini << "[PythonPlugins]\ntiledndvi=true\n\n"
        << "[qgis]\ncheckVersion=false\nshowTips=false\nwhatsNewShown=true\n";
}

std::string IsolatedQgis::copy_sample(const std::string& name) const {
    const std::string path = data_file(name);
    fs::copy_file(test::sample_path(), path, fs::copy_options::overwrite_existing);
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
    return path;
}

void extract_band(const std::string& source, int band, const std::string& destination,
                  const std::vector<std::string>& extra_options) {
    CPLStringList args;
    args.AddString("-q");
    args.AddString("-b");
    args.AddString(std::to_string(band).c_str());
    for (const auto& option : extra_options) args.AddString(option.c_str());
    GDALTranslateOptions* options = GDALTranslateOptionsNew(args.List(), nullptr);
    GDALDatasetH input = GDALOpen(source.c_str(), GA_ReadOnly);
    if (input == nullptr) throw std::runtime_error("cannot open " + source);
    GDALDatasetH output = GDALTranslate(destination.c_str(), input, options, nullptr);
    GDALTranslateOptionsFree(options);
    GDALClose(input);
    if (output == nullptr) throw std::runtime_error("cannot write " + destination);
    GDALClose(output);
}

std::vector<std::string> files_ending_with(const std::string& dir, const std::string& suffix) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const std::string name = entry.path().string();
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            found.push_back(name);
    }
    return found;
}

std::string shell_quote(const std::string& arg) {
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace tiledndvi::qgis_test
