// tiledndvi bench: the tutorial's serial-versus-parallel comparison, done
// properly: the same NDVI run on the same tiles with 1 thread and with N,
// repeated, outputs checked identical, times and speed-up printed for people and
// as one JSON line for scripts.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <cpl_conv.h>

#include "arguments.h"
#include "command_options.h"
#include "commands.h"
#include "ndvi_request.h"
#include "raster_folder.h"
#include "shared_options.h"
#include "terminal.h"
#include "tiledndvi/error.h"
#include "tiledndvi/parallel_work.h"
#include "tiledndvi/raster_compare.h"

namespace tiledndvi::cli {

namespace {

const char* const usage = R"(Usage: tiledndvi bench INPUT [options]

Runs the same NDVI computation serially (1 thread) and in parallel (N threads)
on the same tiles, REPEAT times each, checks that both give identical pixels,
and prints the median processing times and the speed-up, then one JSON line.
INPUT may be a folder of tiles (then each tile is one unit of parallel work).
Outputs go to a temporary folder that is removed afterwards.

Options:
  --red N, --nir N, --nir-input FILE   bands, as for 'tiledndvi ndvi'
  --tiles CxR | --tile-size WxH        tile layout (default automatic)
  --threads N          threads of the parallel run (default: all cores)
  --repeat K           runs of each (default 3)
  --workdir DIR        where the temporary outputs go (default $TMPDIR or /tmp)
)";

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string json_string(const std::string& text) {
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        quoted += c;
    }
    return quoted + "\"";
}

// A temporary folder, removed with everything in it.
class TemporaryFolder {
public:
    explicit TemporaryFolder(const std::string& parent) {
        std::string pattern = parent + "/tiledndvi-bench-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) throw Error("cannot create a temporary folder in " + parent);
        path_ = pattern;
    }
    ~TemporaryFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace

BenchOptions parse_bench_arguments(const std::vector<std::string>& argv) {
    BenchOptions options;
    NdviRequest& request = options.request;
    SharedOptions& shared = options.shared;
    int& repeat = options.repeat;
    const char* tmpdir = getenv("TMPDIR");
    std::string& workdir = options.workdir;
    workdir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    std::vector<std::string> positional;
    Arguments args(argv);
    while (!args.done()) {
        const std::string arg = args.take();
        if (take_shared_option(arg, args, shared)) continue;
        if (arg == "--red") request.red_band = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, 65535));
        else if (arg == "--nir") request.nir_band = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, 65535));
        else if (arg == "--nir-input") request.nir_input = args.value_of(arg);
        else if (arg == "--repeat") repeat = static_cast<int>(parse_integer(arg, args.value_of(arg), 1, 1000));
        else if (arg == "--workdir") workdir = args.value_of(arg);
        else if (is_option(arg)) throw UsageError("unknown option " + arg);
        else positional.push_back(arg);
    }
    if (positional.size() != 1) throw UsageError("expected one INPUT");
    if (!shared.format.empty() && shared.format != "GTiff") throw UsageError("bench writes GeoTIFFs; -of is not taken");
    request.input = positional.front();
    request.layout = shared.layout;
    request.quiet = true;
    return options;
}

int bench_command(const std::vector<std::string>& argv) {
    for (const std::string& arg : argv)
        if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        }
    BenchOptions options = parse_bench_arguments(argv);
    NdviRequest& request = options.request;
    const SharedOptions& shared = options.shared;
    const int repeat = options.repeat;
    const std::string& workdir = options.workdir;
    const bool folder = is_directory(request.input);
    const int threads = resolve_thread_count(shared.threads);

    // Inputs checked before any timing: a bad band fails here, once.
    std::vector<std::string> rasters = folder ? rasters_in_folder(request.input) : std::vector{request.input};
    if (rasters.empty()) throw Error("no raster tiles in folder " + request.input);
    choose_bands(rasters.front(), request.red_band, request.nir_band, !request.nir_input.empty());
    if (!is_directory(workdir)) throw Error("work folder does not exist: " + workdir);
    TemporaryFolder scratch(workdir);

    const auto run_once = [&](int run_threads, const std::string& output) {
        NdviRequest run = request;
        run.threads = run_threads;
        run.output = output;
        run.output_spec.path = output;
        run.output_spec.overwrite = true;
        const auto start = std::chrono::steady_clock::now();
        if (folder) {
            ndvi_folder(run);
        } else {
            run_job(ndvi_job_for(run, run.input, output), terminal_progress(true));
        }
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const std::string serial_out = scratch.path() + (folder ? "/serial" : "/serial.tif");
    const std::string parallel_out = scratch.path() + (folder ? "/parallel" : "/parallel.tif");
    std::vector<double> serial, parallel;
    for (int i = 0; i < repeat; ++i) {  // alternated, so drifting machine load hits both alike
        if (interrupt_signal() != 0) throw Cancelled();
        serial.push_back(run_once(1, serial_out));
        parallel.push_back(run_once(threads, parallel_out));
    }

    std::string difference;
    if (folder) {
        for (const std::string& tile : rasters_in_folder(serial_out)) {
            difference = first_difference(tile, parallel_out + "/" + CPLGetFilename(tile.c_str()));
            if (!difference.empty()) break;
        }
    } else {
        difference = first_difference(serial_out, parallel_out);
    }
    if (!difference.empty())
        throw Error("serial and parallel outputs differ: " + difference + " (a bug: please report it)");

    const double serial_s = median(serial), parallel_s = median(parallel);
    std::string layout = "automatic";
    if (folder) layout = std::to_string(rasters.size()) + " tile files";
    else if (shared.layout.kind == TileLayout::Kind::by_count)
        layout = std::to_string(shared.layout.columns) + "x" + std::to_string(shared.layout.rows) + " tiles";
    else if (shared.layout.kind == TileLayout::Kind::by_size)
        layout = std::to_string(shared.layout.tile_width) + "x" + std::to_string(shared.layout.tile_height) + " pixel tiles";
    std::ostringstream out;
    out << std::fixed << std::setprecision(3);
    out << "bench: " << request.input << " (" << layout << "), " << repeat << " run(s) each\n"
        << "serial   (1 thread):  " << serial_s << " s median, " << *std::min_element(serial.begin(), serial.end())
        << " s best\n"
        << "parallel (" << threads << (threads == 1 ? " thread): " : " threads):") << " " << parallel_s
        << " s median, " << *std::min_element(parallel.begin(), parallel.end()) << " s best\n"
        << "speed-up: " << std::setprecision(2) << serial_s / parallel_s << "x; outputs identical\n";
    out << std::setprecision(6) << "{\"input\": " << json_string(request.input) << ", \"layout\": "
        << json_string(layout) << ", \"threads\": " << threads << ", \"repeat\": " << repeat
        << ", \"serial_seconds\": " << serial_s << ", \"parallel_seconds\": " << parallel_s
        << ", \"speedup\": " << serial_s / parallel_s << ", \"identical\": true}\n";
    std::cout << out.str();
    return 0;
}

}  // namespace tiledndvi::cli
