// Files written under a hidden temporary name beside their target and moved into
// place only when complete: a failure, a cancel or a kill never leaves a partial
// target, and an existing target is replaced (when allowed) in one rename.
#pragma once

#include <string>

namespace tiledndvi {

// Checks a target path before any work: an existing, writable directory; no
// existing file there unless `overwrite`; not a directory itself. Throws Error.
void check_target_path(const std::string& path, bool overwrite);

class StagedFiles {
public:
    // Picks the staging name for `target` (hidden, with the process id and a
    // counter: no result ever has such a name) and creates its lock file
    // (lock_path()), locked while this object lives. Calls check_target_path().
    // Removes what killed runs left for the same target, when provably theirs:
    // their process is gone and none of their files locked.
    StagedFiles(std::string target, bool overwrite);
    // Removes every staged file unless commit() succeeded.
    ~StagedFiles();
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;

    const std::string& target() const { return target_; }
    // A path to write to: the staging name plus `suffix` (".tif"; "" gives
    // the target's own extension).
    std::string staged_path(const std::string& suffix = "") const;
    // The staging name's lock file (removed with the staged files).
    std::string lock_path() const { return base_ + ".lock"; }

    // Moves the dataset at `produced` (a staged path: its main file and its
    // side-cars) onto the target, the main file last; removes side-cars of a
    // replaced target that the new one does not have (stale overviews,
    // .aux.xml). Then removes the lock and the staged dataset `intermediate`
    // (what a conversion started from), if any. Throws Error.
    void commit(const std::string& produced, const std::string& intermediate = "");
    // Removes every file carrying the staging name.
    void discard();

private:
    std::string target_;
    bool overwrite_;
    std::string base_;  // directory + hidden staging stem
    bool committed_ = false;
    int lock_fd_ = -1;  // lock_path(), locked (flock) while we live
};

// Helpers shared with the output code.
std::string directory_of(const std::string& path);
std::string extension_of(const std::string& path);  // ".tif", or ""

}  // namespace tiledndvi
