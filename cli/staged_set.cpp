#include "staged_set.h"

namespace tiledndvi::cli {

std::string StagedSet::stage(const std::string& target, bool overwrite) {
    auto files = std::make_unique<StagedFiles>(target, overwrite);
    const std::string path = files->staged_path();
    std::lock_guard<std::mutex> lock(mutex_);
    files_.push_back(std::move(files));
    return path;
}

void StagedSet::commit(WrittenFiles& written) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::unique_ptr<StagedFiles>& files : files_) {
        files->commit(files->staged_path());
        written.add(files->target());
    }
}

}  // namespace tiledndvi::cli
