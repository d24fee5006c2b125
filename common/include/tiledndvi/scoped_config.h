// A GDAL configuration option set for the calling thread only, restored on
// scope exit: the calling thread belongs to the application.
#pragma once

#include <string>

#include <cpl_conv.h>

namespace tiledndvi {

class ScopedThreadConfig {
public:
    ScopedThreadConfig(const char* key, const char* value) : key_(key) {
        const char* previous = CPLGetThreadLocalConfigOption(key, nullptr);
        had_previous_ = previous != nullptr;
        if (had_previous_) previous_ = previous;
        CPLSetThreadLocalConfigOption(key, value);
    }
    ~ScopedThreadConfig() { CPLSetThreadLocalConfigOption(key_, had_previous_ ? previous_.c_str() : nullptr); }
    ScopedThreadConfig(const ScopedThreadConfig&) = delete;
    ScopedThreadConfig& operator=(const ScopedThreadConfig&) = delete;

private:
    const char* key_;
    bool had_previous_ = false;
    std::string previous_;
};

}  // namespace tiledndvi
