// A small command-line reader shared by the subcommands: walks argv, converts
// values strictly, and reports misuse as UsageError (exit status 2).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tiledndvi::cli {

class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

class Arguments {
public:
    explicit Arguments(std::vector<std::string> args) : args_(std::move(args)) {}

    bool done() const { return position_ >= args_.size(); }
    const std::string& peek() const { return args_[position_]; }
    std::string take() { return args_[position_++]; }
    // The value after option `name`; UsageError if there is none.
    std::string value_of(const std::string& name);

private:
    std::vector<std::string> args_;
    std::size_t position_ = 0;
};

bool is_option(const std::string& arg);  // "-x" or "--xx", but not a negative number

std::int64_t parse_integer(const std::string& option, const std::string& text, std::int64_t min, std::int64_t max);
double parse_number(const std::string& option, const std::string& text);
// "4x4" -> {4, 4}
std::pair<std::int64_t, std::int64_t> parse_pair(const std::string& option, const std::string& text,
                                                 std::int64_t max);

}  // namespace tiledndvi::cli
