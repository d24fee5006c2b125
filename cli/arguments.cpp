#include "arguments.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace tiledndvi::cli {

std::string Arguments::value_of(const std::string& name) {
    if (done()) throw UsageError(name + " needs a value");
    return take();
}

bool is_option(const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-') return false;
    return !(std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.');
}

std::int64_t parse_integer(const std::string& option, const std::string& text, std::int64_t min, std::int64_t max) {
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || std::isspace(static_cast<unsigned char>(text[0])))
        throw UsageError(option + " expects a whole number, not '" + text + "'");
    if (value < min || value > max)
        throw UsageError(option + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                         ", not " + text);
    return value;
}

double parse_number(const std::string& option, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || std::isspace(static_cast<unsigned char>(text[0])))
        throw UsageError(option + " expects a number, not '" + text + "'");
    return value;
}

std::pair<std::int64_t, std::int64_t> parse_pair(const std::string& option, const std::string& text,
                                                 std::int64_t max) {
    const std::size_t x = text.find_first_of("xX");
    if (x == std::string::npos)
        throw UsageError(option + " expects two numbers like 4x4, not '" + text + "'");
    return {parse_integer(option, text.substr(0, x), 1, max), parse_integer(option, text.substr(x + 1), 1, max)};
}

}  // namespace tiledndvi::cli
