// The files of a multi-file command (tile, ndvi on a folder), each written
// under its staging name and moved into place only once all are complete: an
// interrupted or failed run leaves an older set of files exactly as it was,
// and a killed one only hidden temporaries (unless killed during the final
// renames, which take milliseconds).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tiledndvi/staged_files.h"
#include "written_files.h"

namespace tiledndvi::cli {

class StagedSet {
public:
    // Stages `target` (see StagedFiles) and returns the path to write it to.
    // Thread-safe. Throws Error for a bad target.
    std::string stage(const std::string& target, bool overwrite);
    // Moves every staged file onto its target and records it in `written`.
    // Throws Error. Whatever is not committed is removed at destruction.
    void commit(WrittenFiles& written);

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<StagedFiles>> files_;
};

}  // namespace tiledndvi::cli
