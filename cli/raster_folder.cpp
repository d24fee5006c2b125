#include "raster_folder.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"

namespace tiledndvi::cli {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Files GDAL keeps beside a raster; some of them (overviews) open as rasters too.
bool is_side_car(const std::string& name) {
    for (const char* suffix : {".aux.xml", ".ovr", ".msk", ".qml", ".xml", ".aux", ".txt", ".md", ".json"})
        if (ends_with(name, suffix)) return true;
    return false;
}

}  // namespace

bool is_directory(const std::string& path) {
    VSIStatBufL stat;
    return VSIStatL(path.c_str(), &stat) == 0 && VSI_ISDIR(stat.st_mode);
}

std::vector<std::string> rasters_in_folder(const std::string& folder) {
    if (!is_directory(folder)) throw Error("not a folder: " + folder);
    char** entries = VSIReadDir(folder.c_str());
    if (entries == nullptr && access(folder.c_str(), R_OK | X_OK) != 0)
        throw Error("cannot read folder " + folder);
    std::vector<std::string> rasters;
    QuietGdalErrors quiet;
    for (char** entry = entries; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string name = *entry;
        if (name.empty() || name[0] == '.' || is_side_car(name)) continue;
        const std::string path = CPLFormFilename(folder.c_str(), name.c_str(), nullptr);
        VSIStatBufL stat;
        if (VSIStatL(path.c_str(), &stat) != 0 || !VSI_ISREG(stat.st_mode)) continue;
        if (GDALIdentifyDriverEx(path.c_str(), GDAL_OF_RASTER, nullptr, nullptr) != nullptr) rasters.push_back(path);
    }
    CSLDestroy(entries);
    std::sort(rasters.begin(), rasters.end());
    return rasters;
}

void make_output_folder(const std::string& folder) {
    // mkdir first, then look: tasks of one tile set start together and make
    // the same folder, so "missing" may be stale by the time we act on it.
    if (VSIMkdir(folder.c_str(), 0755) != 0) {
        const int error = errno;
        VSIStatBufL stat;
        if (!is_directory(folder)) {
            if (error == EEXIST || VSIStatL(folder.c_str(), &stat) == 0)
                throw Error("output exists and is not a folder: " + folder);
            throw Error("cannot create output folder " + folder + ": " + VSIStrerror(error));
        }
    }
    if (access(folder.c_str(), W_OK | X_OK) != 0) throw Error("output folder is not writable: " + folder);
}

std::vector<std::string> files_matching(const std::string& folder, const std::string& prefix,
                                        const std::string& suffix) {
    std::vector<std::string> found;
    char** entries = VSIReadDir(folder.c_str());
    for (char** entry = entries; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string name = *entry;
        if (name.rfind(prefix, 0) == 0 && ends_with(name, suffix) && name.size() > prefix.size() + suffix.size())
            found.push_back(CPLFormFilename(folder.c_str(), name.c_str(), nullptr));
    }
    CSLDestroy(entries);
    std::sort(found.begin(), found.end());
    return found;
}

}  // namespace tiledndvi::cli
