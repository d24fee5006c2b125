#include "tiledndvi/job.h"

#include <algorithm>

#include "tiledndvi/error.h"

namespace tiledndvi {

NormalizedDifferenceJob ndvi_job(const std::string& red_path, int red_band, const std::string& nir_path, int nir_band) {
    NormalizedDifferenceJob job;
    job.a = {nir_path, nir_band, "NIR"};
    job.b = {red_path, red_band, "red"};
    job.band_description = "NDVI";
    return job;
}

JobReport run_job(const NormalizedDifferenceJob& job, const ProgressCallback& progress) {
    check_output(job.output);  // before reading anything: fail fast on a bad target
    const int threads = resolve_thread_count(job.engine.num_threads);
    const BandPair pair = open_band_pair(job.a, job.b);
    Tile area;
    area.width = pair.grid.width;
    area.height = pair.grid.height;
    if (job.window) {
        area = *job.window;
        if (area.x < 0 || area.y < 0 || area.width < 1 || area.height < 1 || area.x + area.width > pair.grid.width ||
            area.y + area.height > pair.grid.height)
            throw Error("window " + std::to_string(area.width) + "x" + std::to_string(area.height) + " at (" +
                        std::to_string(area.x) + ", " + std::to_string(area.y) + ") is outside the " +
                        std::to_string(pair.grid.width) + "x" + std::to_string(pair.grid.height) + " input");
    }
    const Grid grid = window_grid(pair.grid, area);
    const TileGrid tiles =
        plan_tiles(job.layout, grid, engine_bytes_per_pixel(pair, job.output.type), job.engine.window_bytes);

    StagedOutput output(job.output, grid, job.band_description);
    // Computing is most of the work; a CreateCopy-only format adds a conversion.
    const double compute_share = 0.9;
    const bool converts = output.converts();
    const double scale = converts ? compute_share : 1.0;
    ProgressCallback compute_progress;
    if (progress) compute_progress = [&](double fraction) { return progress(fraction * scale); };
    compute_tiles(pair, output.band(), output_nodata(job.output), tiles, job.engine, compute_progress, area.x,
                  area.y);

    ProgressCallback commit_progress;
    if (progress && converts)
        commit_progress = [&](double fraction) { return progress(scale + fraction * (1.0 - scale)); };
    output.commit(commit_progress);

    JobReport report;
    report.width = grid.width;
    report.height = grid.height;
    report.tile_count = tiles.tile_count();
    report.threads = std::min<std::int64_t>(threads, tiles.tile_count() > 0 ? threads : 1);
    return report;
}

}  // namespace tiledndvi
