// Fuzzes the CLI's option parsing: the input is an argv, arguments separated by
// NUL bytes; its first byte picks the subcommand whose parse step runs (nothing
// is executed, no file is touched). Misuse must come back as UsageError (exit
// status 2 in the program); any other exception or a crash is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arguments.h"
#include "command_options.h"

using namespace tiledndvi::cli;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int command = data[0] % 5;
    std::vector<std::string> argv;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\0', start)) != std::string::npos; start = end + 1)
        argv.push_back(text.substr(start, end - start));
    if (start < text.size()) argv.push_back(text.substr(start));
    try {
        switch (command) {
            case 0: parse_ndvi_arguments(argv); break;
            case 1: parse_tile_arguments(argv); break;
            case 2: parse_merge_arguments(argv); break;
            case 3: parse_bench_arguments(argv); break;
            case 4: parse_quicklook_arguments(argv); break;
        }
    } catch (const UsageError&) {
        // misuse reported with a message: the expected answer
    }
    return 0;
}
