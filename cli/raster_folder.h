// Folders of tiles: which files in a folder are rasters, and making an output
// folder.
#pragma once

#include <string>
#include <vector>

namespace tiledndvi::cli {

bool is_directory(const std::string& path);

// The rasters directly inside `folder`, sorted by name: every visible regular
// file GDAL recognises as a raster, side-car files (.aux.xml, .ovr, .qml...)
// excepted. Throws Error if the folder cannot be read.
std::vector<std::string> rasters_in_folder(const std::string& folder);

// Creates `folder` if missing (its parent must exist). Throws Error.
void make_output_folder(const std::string& folder);

// Files in `folder` whose name starts with `prefix` and ends with `suffix`.
std::vector<std::string> files_matching(const std::string& folder, const std::string& prefix,
                                        const std::string& suffix);

}  // namespace tiledndvi::cli
