#include "tiledndvi/gdal_errors.h"

#include <cerrno>
#include <cstring>

#include <cpl_error.h>

namespace tiledndvi {

namespace {

// GDAL's last message is often a consequence ("TIFFAppendToStrip:Write error",
// "libpng: Write Error") of a system error it reported earlier or not at all:
// the first one seen in this scope, from a message or from errno, is kept so
// the user reads "No space left on device".
thread_local std::string system_cause;

void CPL_STDCALL remember_system_cause(CPLErr type, CPLErrorNum number, const char* message) {
    const int saved_errno = errno;  // only errors of writing: a stale one is unlikely
    if (type >= CE_Failure && system_cause.empty())
        for (const int code : {ENOSPC, EDQUOT, EFBIG, EROFS, EIO}) {
            const char* text = std::strerror(code);
            const bool write_errno = code == ENOSPC || code == EDQUOT || code == EFBIG;
            if ((message != nullptr && std::strstr(message, text) != nullptr) || (write_errno && saved_errno == code)) {
                system_cause = text;
                break;
            }
        }
    CPLQuietErrorHandler(type, number, message);
}

}  // namespace

QuietGdalErrors::QuietGdalErrors() {
    CPLPushErrorHandler(remember_system_cause);
    CPLErrorReset();
    system_cause.clear();
}

QuietGdalErrors::~QuietGdalErrors() { CPLPopErrorHandler(); }

std::string last_gdal_error(const std::string& fallback) {
    const char* message = CPLGetLastErrorMsg();
    if (message == nullptr || *message == '\0') return fallback;
    std::string text(message);
    if (!system_cause.empty() && text.find(system_cause) == std::string::npos) text += " (" + system_cause + ")";
    // One line: GDAL messages sometimes span several.
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

}  // namespace tiledndvi
