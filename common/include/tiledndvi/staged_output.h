// An output raster written under a temporary name beside its target and moved
// into place only once complete, so a failure or a cancel never leaves a
// partial file and never touches an existing target.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gdal_priv.h>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/parallel_work.h"
#include "tiledndvi/staged_files.h"

namespace tiledndvi {

struct OutputSpec {
    std::string path;
    std::string format = "GTiff";  // any GDAL raster driver that can create files
    std::vector<std::string> creation_options;  // NAME=VALUE
    GDALDataType type = GDT_Float32;            // Float32 or Float64
    std::optional<double> nodata;               // unset: NaN
    bool overwrite = false;                     // replace an existing target (only once complete)
};

double output_nodata(const OutputSpec& spec);

// Checks everything about the output that can be checked before any work:
// known driver able to create files of `spec.type`, valid creation options, an
// existing writable directory, no existing target unless `overwrite`, a NoData
// value representable in the output type. Throws Error naming the problem.
void check_output(const OutputSpec& spec);

// The format part of check_output(), for commands writing other rasters.
void check_output_format(const std::string& format, GDALDataType type,
                         const std::vector<std::string>& creation_options);

// The driver called `format`, or nullptr.
GDALDriver* find_driver(const std::string& format);

// Closes `dataset` and throws Error if GDAL reported a failure while flushing
// it (GDAL 3.6 reports some write errors, a full disk among them, only then).
void close_checked(GDALDatasetUniquePtr& dataset, const std::string& what);

class StagedOutput {
public:
    // Creates the temporary single-band raster on `grid` (georeferencing copied,
    // NoData set). Calls check_output() first.
    StagedOutput(const OutputSpec& spec, const Grid& grid, const std::string& band_description);
    // Removes the temporary file(s) unless commit() succeeded.
    ~StagedOutput();
    StagedOutput(const StagedOutput&) = delete;
    StagedOutput& operator=(const StagedOutput&) = delete;

    GDALDataset& dataset() { return *dataset_; }
    GDALRasterBand& band() { return *dataset_->GetRasterBand(1); }
    const std::string& target_path() const { return spec_.path; }
    bool converts() const { return !driver_can_create_; }

    // Closes the raster (reporting errors GDAL only raises at close time),
    // converts it for drivers that only support CreateCopy (COG, PNG...), and
    // moves it over the target. Throws Error; the target is untouched then.
    void commit(const ProgressCallback& progress = {});

private:
    OutputSpec spec_;
    StagedFiles files_;
    bool driver_can_create_ = true;  // false: stage as GTiff, CreateCopy at commit
    std::string staging_path_;       // what the engine writes
    std::string converted_path_;     // CreateCopy result (only when !driver_can_create_)
    GDALDatasetUniquePtr dataset_;
};

}  // namespace tiledndvi
