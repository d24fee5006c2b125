#include "tiledndvi/staged_files.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/scoped_config.h"

namespace tiledndvi {

namespace {

bool is_real_file_path(const std::string& path) { return path.rfind("/vsi", 0) != 0; }

std::string base_of(const std::string& path) { return path.substr(0, path.size() - extension_of(path).size()); }

bool exists(const std::string& path) {
    VSIStatBufL stat;
    return VSIStatExL(path.c_str(), &stat, VSI_STAT_EXISTS_FLAG) == 0;
}

// Files making up a dataset (main file first), or just `path` when GDAL cannot
// open it (an existing target may be anything).
std::vector<std::string> dataset_files(const std::string& path, std::string* driver = nullptr) {
    std::vector<std::string> files;
    {
        QuietGdalErrors quiet;
        if (GDALGetDriverCount() == 0) GDALAllRegister();
        // GDAL lists the whole folder to find side-cars unless told to look for
        // each by name: per file of a tile set, that made it O(T^2).
        ScopedThreadConfig by_name("GDAL_DISABLE_READDIR_ON_OPEN", "YES");
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (dataset) {
            if (driver != nullptr) *driver = dataset->GetDriver()->GetDescription();
            char** list = dataset->GetFileList();
            for (char** item = list; item != nullptr && *item != nullptr; ++item) files.emplace_back(*item);
            CSLDestroy(list);
        }
    }
    if (files.empty()) files.push_back(path);
    return files;
}

// rename(2), refusing to replace an existing `to` unless `replace` (a file that
// appeared while we worked is not clobbered either).
bool move_file(const std::string& from, const std::string& to, bool replace) {
    if (!is_real_file_path(to)) return VSIRename(from.c_str(), to.c_str()) == 0;
    if (!replace) {
        if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
        if (errno != EINVAL && errno != ENOSYS) return false;  // EINVAL: the file system cannot; check, then rename
        if (exists(to)) {
            errno = EEXIST;
            return false;
        }
    }
    return std::rename(from.c_str(), to.c_str()) == 0;
}

// The process id in a staging name `prefix` PID "-" N, followed by the end or
// ".": 0 when `name` is not such a name.
pid_t staging_pid(const std::string& name, const std::string& prefix, std::string& key) {
    if (name.rfind(prefix, 0) != 0) return 0;
    std::size_t end = prefix.size();
    const auto digits = [&] {
        const std::size_t start = end;
        while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
        return end > start && end - start < 10;
    };
    if (!digits()) return 0;
    const pid_t pid = static_cast<pid_t>(std::stol(name.substr(prefix.size(), end - prefix.size())));
    if (end >= name.size() || name[end++] != '-' || !digits()) return 0;
    if (end < name.size() && name[end] != '.') return 0;
    key = name.substr(0, end);
    return pid;
}

// The staging names in `dir`, read at most once a few seconds per folder: a
// tile set writes thousands of files into one folder, and a scan for each
// made it cost O(T^2). What a run that died since the last read left is
// removed by a later one.
std::vector<std::string> staging_entries(const std::string& dir) {
    struct Listing {
        std::chrono::steady_clock::time_point read;
        std::vector<std::string> names;
    };
    static std::mutex mutex;
    static std::map<std::string, Listing> listings;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex);
    Listing& listing = listings[dir];
    if (listing.read != std::chrono::steady_clock::time_point{} && now - listing.read < std::chrono::seconds(5))
        return listing.names;
    listing = {now, {}};
    char** entries = VSIReadDir(dir.c_str());
    for (char** entry = entries; entry != nullptr && *entry != nullptr; ++entry)
        if ((*entry)[0] == '.' && std::strstr(*entry, ".tiledndvi-tmp-") != nullptr) listing.names.emplace_back(*entry);
    CSLDestroy(entries);
    return listing.names;
}

// Removes the staged files a killed run (SIGKILL, power loss) left for the
// same target, only when they are provably no one's work in progress: named
// exactly as ours are, their process gone (never this one), and none of them
// locked, as every live StagedFiles keeps its lock file (that lock is what
// protects a writer in another PID namespace or on another host sharing the
// folder). Files of the same stem with another extension (NAME.qml beside
// NAME.tif) share the names, so every file is checked, not one guessed main.
void remove_stale(const std::string& dir, const std::string& prefix) {
    std::map<std::string, std::vector<std::string>> groups;  // staging name -> its files
    for (const std::string& entry : staging_entries(dir)) {
        std::string key;
        const pid_t pid = staging_pid(entry, prefix, key);
        if (pid <= 0) continue;
        if (pid == getpid() || !(kill(pid, 0) != 0 && errno == ESRCH)) continue;  // alive, or not ours to ask
        groups[key].push_back(CPLFormFilename(dir.c_str(), entry.c_str(), nullptr));
    }
    for (const auto& group : groups) {
        std::vector<int> locks;
        bool free = true;
        for (const std::string& path : group.second) {
            // Only regular files we may write (no link, device or pipe is ours).
            const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
            if (fd >= 0) locks.push_back(fd);
            struct stat status {};
            if (fd < 0 || fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || flock(fd, LOCK_EX | LOCK_NB) != 0) {
                free = false;
                break;
            }
        }
        if (free)
            for (const std::string& path : group.second) VSIUnlink(path.c_str());
        for (const int fd : locks) close(fd);
    }
}

}  // namespace

std::string directory_of(const std::string& path) {
    std::string dir = CPLGetPath(path.c_str());
    return dir.empty() ? "." : dir;
}

std::string extension_of(const std::string& path) {
    const std::string ext = CPLGetExtension(path.c_str());
    return ext.empty() ? "" : "." + ext;
}

void check_target_path(const std::string& path, bool overwrite) {
    if (path.empty()) throw Error("no output file given");
    if (!is_real_file_path(path)) return;
    const std::string dir = directory_of(path);
    VSIStatBufL stat;
    if (VSIStatL(dir.c_str(), &stat) != 0) throw Error("output directory does not exist: " + dir);
    if (!VSI_ISDIR(stat.st_mode)) throw Error("output directory is a file, not a directory: " + dir);
    if (access(dir.c_str(), W_OK | X_OK) != 0) throw Error("output directory is not writable: " + dir);
    if (VSIStatL(path.c_str(), &stat) == 0) {
        if (VSI_ISDIR(stat.st_mode)) throw Error("output is a directory: " + path);
        if (!overwrite) throw Error("output already exists: " + path + " (not overwritten)");
    }
}

StagedFiles::StagedFiles(std::string target, bool overwrite) : target_(std::move(target)), overwrite_(overwrite) {
    check_target_path(target_, overwrite_);
    static std::atomic<unsigned> counter{0};
    const std::string dir = CPLGetPath(target_.c_str());
    std::string stem = CPLGetBasename(target_.c_str());
    // A staged name staged again (ndvi on a folder stages each target, and the
    // job stages its own) keeps the target's family of names: the next run for
    // that target then finds everything a killed run left.
    const std::size_t marker = stem.find(".tiledndvi-tmp-");
    if (marker != std::string::npos && marker > 1 && stem[0] == '.') stem = stem.substr(1, marker - 1);
    const std::string prefix = "." + stem + ".tiledndvi-tmp-";
    const bool real = is_real_file_path(target_);
    if (real) remove_stale(directory_of(target_), prefix);
    for (;;) {
        const std::string name = prefix + std::to_string(getpid()) + "-" + std::to_string(counter++);
        base_ = dir.empty() ? name : std::string(CPLFormFilename(dir.c_str(), name.c_str(), nullptr));
        if (!real) break;
        if (exists(staged_path())) continue;  // a namesake's leftovers (a reused process id)
        // A lock file of the staging name, created now and locked while we live
        // (see remove_stale). Not the main file itself: a writer creating over
        // an existing file truncates it, and ext4 then writes the whole new file
        // back at close (auto_da_alloc), 40 ms more on the reference workload.
        lock_fd_ = open(lock_path().c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (lock_fd_ >= 0) {
            flock(lock_fd_, LOCK_EX | LOCK_NB);
            break;
        }
        if (errno != EEXIST) break;  // an unwritable folder: the writer's own error says so
    }
}

StagedFiles::~StagedFiles() {
    if (!committed_) discard();
    if (lock_fd_ >= 0) close(lock_fd_);
}

std::string StagedFiles::staged_path(const std::string& suffix) const {
    if (!suffix.empty()) return base_ + suffix;
    // A target without an extension still gets one: drivers name their
    // side-cars by replacing the extension (ENVI: NAME.hdr), which would
    // otherwise eat the staging marker and leave the header behind.
    const std::string extension = extension_of(target_);
    return base_ + (extension.empty() ? ".staged" : extension);
}

void StagedFiles::commit(const std::string& produced, const std::string& intermediate) {
    const std::vector<std::string> old_files =
        is_real_file_path(target_) && exists(target_) ? dataset_files(target_) : std::vector<std::string>{};
    const std::string from_base = base_of(produced);
    const std::string to_base = base_of(target_);
    std::string driver;
    const std::vector<std::string> files = dataset_files(produced, &driver);
    std::set<std::string> moved_to;
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
        const std::string& from = *it;
        // NAME.ext.aux.xml follows the whole name; NAME.hdr only its stem.
        const std::string to = from == produced                        ? target_
                               : from.rfind(produced + ".", 0) == 0    ? target_ + from.substr(produced.size())
                               : from.rfind(from_base, 0) == 0         ? to_base + from.substr(from_base.size())
                                                                       : std::string();
        if (to.empty()) continue;
        if (!move_file(from, to, /*replace=*/overwrite_ || to != target_)) {
            if (errno == EEXIST) throw Error("output already exists: " + target_ + " (not overwritten)");
            throw Error("cannot move the finished output to " + to + ": " + VSIStrerror(errno));
        }
        moved_to.insert(to);
    }
    // Only the replaced target's own side-cars: a dataset's file list can name
    // other files too (a VRT lists its sources), which are never ours to delete.
    for (const std::string& old : old_files)
        if (old != target_ && old.rfind(to_base + ".", 0) == 0 && moved_to.count(old) == 0) VSIUnlink(old.c_str());
    committed_ = true;
    // A GeoTIFF (COG too) lists every file it wrote: the rest goes by name,
    // the intermediate dataset and the lock, not by a folder scan (one per
    // file made a tile set of T tiles cost O(T^2)). Other drivers can leave
    // side-cars their file list omits (BT's .prj, R's .properties): scanned.
    if (!EQUAL(driver.c_str(), "GTiff")) return discard();
    if (!intermediate.empty() && exists(intermediate))
        for (const std::string& file : dataset_files(intermediate))
            if (file.rfind(base_, 0) == 0) VSIUnlink(file.c_str());
    VSIUnlink(lock_path().c_str());
}

void StagedFiles::discard() {
    const std::string dir = directory_of(base_);
    const std::string stem = CPLGetFilename(base_.c_str());
    char** entries = VSIReadDir(dir.c_str());
    for (char** entry = entries; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string name = *entry;
        if (name == stem || name.rfind(stem + ".", 0) == 0)
            VSIUnlink(CPLFormFilename(dir.c_str(), name.c_str(), nullptr));
    }
    CSLDestroy(entries);
}

}  // namespace tiledndvi
