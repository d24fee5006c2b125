// tiledndvi ndvi on a folder of tiles: one NDVI file per tile, tiles in parallel.
#include <iostream>
#include <set>

#include <cpl_conv.h>

#include "ndvi_request.h"
#include "qgis_style.h"
#include "raster_folder.h"
#include "staged_set.h"
#include "terminal.h"
#include "tiledndvi/error.h"
#include "tiledndvi/parallel_work.h"
#include "written_files.h"

namespace tiledndvi::cli {

NormalizedDifferenceJob ndvi_job_for(const NdviRequest& request, const std::string& input, const std::string& output) {
    const bool separate_nir = !request.nir_input.empty();
    const BandChoice bands = choose_bands(input, request.red_band, request.nir_band, separate_nir);
    NormalizedDifferenceJob job = ndvi_job(input, bands.red, separate_nir ? request.nir_input : input, bands.nir);
    job.output = request.output_spec;
    job.output.path = output;
    job.layout = request.layout;
    job.engine.num_threads = request.threads;
    return job;
}

int ndvi_folder(const NdviRequest& request) {
    if (!request.nir_input.empty()) throw Error("--nir-input takes a raster, not a folder of tiles");
    const std::vector<std::string> tiles = rasters_in_folder(request.input);
    if (tiles.empty()) throw Error("no raster tiles in folder " + request.input);
    WrittenFiles written;
    if (!is_directory(request.output)) written.add_folder(request.output);
    make_output_folder(request.output);

    const std::string extension = extension_for_format(request.output_spec.format);
    std::vector<NormalizedDifferenceJob> jobs;
    for (const std::string& tile : tiles) {
        const std::string name = "NDVI_" + std::string(CPLGetBasename(tile.c_str())) + extension;
        NormalizedDifferenceJob job =
            ndvi_job_for(request, tile, CPLFormFilename(request.output.c_str(), name.c_str(), nullptr));
        job.engine.num_threads = 1;  // the tiles are the parallel work
        job.layout = TileLayout::automatic();
        check_output(job.output);  // every existing target refused before any work
        jobs.push_back(job);
    }

    // Each job writes its staged name; all move into place at the end.
    StagedSet staged;
    std::vector<std::string> targets;
    for (NormalizedDifferenceJob& job : jobs) {
        targets.push_back(job.output.path);
        job.output.path = staged.stage(job.output.path, job.output.overwrite);
        job.output.overwrite = true;  // the staged name, created and ours
    }
    run_in_parallel(
        jobs.size(), request.threads, [&](std::size_t item, int) { run_job(jobs[item], stop_on_interrupt); },
        terminal_progress(request.quiet));
    staged.commit(written);
    if (request.style)
        for (const std::string& target : targets) {
            const std::string style = CPLResetExtension(target.c_str(), "qml");
            write_qgis_style(style);
            written.add(style);
        }
    written.keep();
    if (!request.quiet)
        std::cout << "wrote " << jobs.size() << " NDVI tiles to " << request.output << "\n";
    return 0;
}

}  // namespace tiledndvi::cli
