#include "written_files.h"

#include <cpl_vsi.h>

namespace tiledndvi::cli {

WrittenFiles::~WrittenFiles() {
    if (kept_) return;
    for (const std::string& path : paths_) VSIUnlink(path.c_str());
    for (const std::string& folder : folders_) VSIRmdir(folder.c_str());  // fails unless empty: nothing else is lost
}

void WrittenFiles::add(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    paths_.push_back(path);
}

std::vector<std::string> WrittenFiles::paths() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return paths_;
}

}  // namespace tiledndvi::cli
