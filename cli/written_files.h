// The files a multi-file command (tile, ndvi on a folder) has written so far:
// removed again unless the whole command succeeds, so a failed or cancelled
// run leaves no partial set behind.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace tiledndvi::cli {

class WrittenFiles {
public:
    WrittenFiles() = default;
    ~WrittenFiles();  // removes every recorded file unless keep() was called
    WrittenFiles(const WrittenFiles&) = delete;
    WrittenFiles& operator=(const WrittenFiles&) = delete;

    void add(const std::string& path);  // thread-safe
    // A folder the command created: removed too (after the files, if empty).
    void add_folder(const std::string& path) { folders_.push_back(path); }
    void keep() { kept_ = true; }
    std::vector<std::string> paths() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> paths_;
    std::vector<std::string> folders_;
    bool kept_ = false;
};

}  // namespace tiledndvi::cli
