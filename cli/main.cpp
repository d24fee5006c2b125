// tiledndvi: tiled, parallel NDVI from the command line.
#include <cpl_conv.h>
#include <gdal.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "arguments.h"
#include "commands.h"
#include "terminal.h"
#include "tiledndvi/error.h"
#include "tiledndvi/version.h"

namespace {

const char* const usage = R"(Usage: tiledndvi COMMAND [options]

Commands:
  ndvi INPUT OUTPUT        NDVI of a multi-band raster (or --nir-input), tiled and parallel;
                           INPUT a folder of tiles and OUTPUT a folder: one NDVI file per tile
  tile INPUT OUTDIR        cut a raster into georeferenced tile files (tile_<row>_<col>.tif)
  merge OUTPUT TILE...     mosaic tiles back into one raster (or a VRT)
  bench INPUT              time the same NDVI run serially and in parallel, check they agree
  quicklook NDVI OUT.png   a picture of an NDVI raster (yellow-to-green, with a colour bar)

Run 'tiledndvi COMMAND --help' for the options of a command.
  --version            print the version
)";

// GDAL's default block cache (5% of RAM) fills hundreds of MB of fresh pages
// when writing a large raster, which costs more than the work itself. The
// engine streams, so a small cache is enough; GDAL_CACHEMAX still wins.
void cap_gdal_cache() {
    if (CPLGetConfigOption("GDAL_CACHEMAX", nullptr) == nullptr) GDALSetCacheMax64(std::int64_t(32) << 20);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tiledndvi;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::cout << "tiledndvi " << TILEDNDVI_VERSION << " (" << GDALVersionInfo("--version") << ")\n";
        return 0;
    }
    GDALAllRegister();
    cap_gdal_cache();
    cli::install_interrupt_handlers();

    const std::string command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        if (command == "ndvi") return cli::ndvi_command(rest);
        if (command == "tile") return cli::tile_command(rest);
        if (command == "merge") return cli::merge_command(rest);
        if (command == "bench") return cli::bench_command(rest);
        if (command == "quicklook") return cli::quicklook_command(rest);
        throw cli::UsageError("unknown command '" + command + "'");
    } catch (const cli::UsageError& error) {
        std::cerr << "tiledndvi: error: " << error.what() << "\n"
                  << "Try 'tiledndvi " << (command.rfind('-', 0) == 0 ? "" : command + " ") << "--help'.\n";
        return 2;
    } catch (const Cancelled&) {
        std::cout << std::endl;
        const int signal_number = cli::interrupt_signal();
        std::cerr << "tiledndvi: error: interrupted" << (signal_number == SIGTERM ? " (SIGTERM)" : "")
                  << "; no output written\n";
        return 128 + (signal_number != 0 ? signal_number : SIGINT);
    } catch (const std::exception& error) {
        std::cout << std::flush;
        std::cerr << "tiledndvi: error: " << error.what() << "\n";
        return 1;
    }
}
