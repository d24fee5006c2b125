#include "tiledndvi/staged_output.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <limits>
#include <set>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <ogr_spatialref.h>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"

namespace tiledndvi {

namespace {

// Drivers that can "create" but hold no pixels of their own in a file.
const std::set<std::string> not_file_formats = {"MEM", "VRT", "MBTiles", "GPKG", "PostGISRaster"};

GDALDriver* find_driver(const std::string& format) {
    if (GDALGetDriverCount() == 0) GDALAllRegister();
    return GetGDALDriverManager()->GetDriverByName(format.c_str());
}

bool has_capability(GDALDriver& driver, const char* capability) {
    return CPLFetchBool(driver.GetMetadata(), capability, false);
}

bool is_real_file_path(const std::string& path) { return path.rfind("/vsi", 0) != 0; }

std::string directory_of(const std::string& path) {
    std::string dir = CPLGetPath(path.c_str());
    return dir.empty() ? "." : dir;
}

// A name beside `target`, unique to this process and call, that no result can
// have: hidden, with the process id and a counter in it.
std::string staging_base(const std::string& target) {
    static std::atomic<unsigned> counter{0};
    const std::string dir = CPLGetPath(target.c_str());
    const std::string stem = CPLGetBasename(target.c_str());
    const std::string name = "." + stem + ".tiledndvi-tmp-" + std::to_string(getpid()) + "-" +
                             std::to_string(counter++);
    return dir.empty() ? name : std::string(CPLFormFilename(dir.c_str(), name.c_str(), nullptr));
}

std::string extension_of(const std::string& path) {
    const std::string ext = CPLGetExtension(path.c_str());
    return ext.empty() ? "" : "." + ext;
}

std::string base_of(const std::string& path) {  // path without its extension
    return path.substr(0, path.size() - extension_of(path).size());
}

// Files making up a dataset (main file first), or just `path` when GDAL cannot
// open it (an existing target may be anything).
std::vector<std::string> dataset_files(const std::string& path) {
    std::vector<std::string> files;
    {
        QuietGdalErrors quiet;
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (dataset) {
            char** list = dataset->GetFileList();
            for (char** item = list; item != nullptr && *item != nullptr; ++item) files.emplace_back(*item);
            CSLDestroy(list);
        }
    }
    if (files.empty()) files.push_back(path);
    return files;
}

bool exists(const std::string& path) {
    VSIStatBufL stat;
    return VSIStatExL(path.c_str(), &stat, VSI_STAT_EXISTS_FLAG) == 0;
}

int progress_adapter(double fraction, const char*, void* user) {
    const auto* progress = static_cast<const ProgressCallback*>(user);
    return (*progress)(fraction) ? TRUE : FALSE;
}

}  // namespace

double output_nodata(const OutputSpec& spec) {
    return spec.nodata.value_or(std::numeric_limits<double>::quiet_NaN());
}

void check_output(const OutputSpec& spec) {
    if (spec.path.empty()) throw Error("no output file given");
    if (spec.type != GDT_Float32 && spec.type != GDT_Float64)
        throw Error(std::string("output type must be Float32 or Float64, not ") + GDALGetDataTypeName(spec.type));
    if (spec.nodata && spec.type == GDT_Float32 && std::isfinite(*spec.nodata) &&
        std::fabs(*spec.nodata) > std::numeric_limits<float>::max())
        throw Error("output NoData " + std::to_string(*spec.nodata) + " does not fit in Float32");

    GDALDriver* driver = find_driver(spec.format);
    if (driver == nullptr) throw Error("unknown output format '" + spec.format + "' (see gdalinfo --formats)");
    if (!has_capability(*driver, GDAL_DCAP_RASTER)) throw Error("format " + spec.format + " is not a raster format");
    if (not_file_formats.count(spec.format) != 0)
        throw Error("format " + spec.format + " cannot hold computed pixels; choose a file format such as GTiff or COG");
    const bool can_create = has_capability(*driver, GDAL_DCAP_CREATE);
    if (!can_create && !has_capability(*driver, GDAL_DCAP_CREATECOPY))
        throw Error("format " + spec.format + " cannot create files (it is read-only in GDAL)");
    if (const char* types = driver->GetMetadataItem(GDAL_DMD_CREATIONDATATYPES)) {
        const CPLStringList list(CSLTokenizeString(types));
        if (list.FindString(GDALGetDataTypeName(spec.type)) < 0)
            throw Error("format " + spec.format + " cannot write " + GDALGetDataTypeName(spec.type) +
                        " rasters (it writes " + types + ")");
    }
    {
        CPLStringList options;
        for (const std::string& option : spec.creation_options) {
            if (option.find('=') == std::string::npos || option.front() == '=')
                throw Error("creation option '" + option + "' is not of the form NAME=VALUE");
            options.AddString(option.c_str());
        }
        QuietGdalErrors quiet;
        if (!GDALValidateCreationOptions(driver, options.List()))
            throw Error("invalid creation option for " + spec.format + ": " + last_gdal_error());
    }

    if (is_real_file_path(spec.path)) {
        const std::string dir = directory_of(spec.path);
        VSIStatBufL stat;
        if (VSIStatL(dir.c_str(), &stat) != 0 || !VSI_ISDIR(stat.st_mode))
            throw Error("output directory does not exist: " + dir);
        if (access(dir.c_str(), W_OK | X_OK) != 0) throw Error("output directory is not writable: " + dir);
        if (VSIStatL(spec.path.c_str(), &stat) == 0) {
            if (VSI_ISDIR(stat.st_mode)) throw Error("output is a directory: " + spec.path);
            if (!spec.overwrite) throw Error("output already exists: " + spec.path + " (not overwritten)");
        }
    }
}

StagedOutput::StagedOutput(const OutputSpec& spec, const Grid& grid, const std::string& band_description)
    : spec_(spec) {
    check_output(spec_);
    GDALDriver* driver = find_driver(spec_.format);
    driver_can_create_ = has_capability(*driver, GDAL_DCAP_CREATE);
    staging_base_ = staging_base(spec_.path);
    const std::string& base = staging_base_;
    CPLStringList options;
    if (driver_can_create_) {
        staging_path_ = base + extension_of(spec_.path);
        for (const std::string& option : spec_.creation_options) options.AddString(option.c_str());
    } else {
        // Stage as a plain GeoTIFF; commit() converts it with the driver's CreateCopy.
        staging_path_ = base + ".staging.tif";
        converted_path_ = base + extension_of(spec_.path);
        driver = find_driver("GTiff");
        options.AddString("BIGTIFF=IF_SAFER");
    }

    QuietGdalErrors quiet;
    dataset_.reset(driver->Create(staging_path_.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height),
                                  1, spec_.type, options.List()));
    if (!dataset_) {
        const std::string reason = last_gdal_error();
        discard();
        throw Error("cannot create " + spec_.path + ": " + reason);
    }
    if (grid.has_geotransform) dataset_->SetGeoTransform(const_cast<double*>(grid.geotransform.data()));
    if (!grid.crs_wkt.empty()) {
        OGRSpatialReference srs;
        if (srs.importFromWkt(grid.crs_wkt.c_str()) == OGRERR_NONE) dataset_->SetSpatialRef(&srs);
    }
    band().SetNoDataValue(output_nodata(spec_));
    band().SetDescription(band_description.c_str());
}

StagedOutput::~StagedOutput() {
    if (!committed_) discard();
}

void StagedOutput::close_checked(GDALDatasetUniquePtr& dataset, const std::string& what) {
    QuietGdalErrors quiet;
    dataset.reset();  // flushes: GDAL 3.6 reports some write errors only here
    if (CPLGetLastErrorType() >= CE_Failure) throw Error("failed to write " + what + ": " + last_gdal_error());
}

void StagedOutput::commit(const ProgressCallback& progress) {
    try {
        close_checked(dataset_, spec_.path);
        std::string produced = staging_path_;
        if (!driver_can_create_) {
            QuietGdalErrors quiet;
            GDALDatasetUniquePtr staged(GDALDataset::Open(staging_path_.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
            if (!staged) throw Error("cannot reopen the staged output: " + last_gdal_error());
            CPLStringList options;
            for (const std::string& option : spec_.creation_options) options.AddString(option.c_str());
            ProgressCallback report = progress ? progress : ProgressCallback([](double) { return true; });
            GDALDatasetUniquePtr converted(find_driver(spec_.format)
                                               ->CreateCopy(converted_path_.c_str(), staged.get(), FALSE,
                                                            options.List(), progress_adapter, &report));
            if (!converted) {
                if (CPLGetLastErrorNo() == CPLE_UserInterrupt) throw Cancelled();
                throw Error("cannot write " + spec_.path + " as " + spec_.format + ": " + last_gdal_error());
            }
            close_checked(converted, spec_.path);
            produced = converted_path_;
        }

        // Move every file of the new dataset into place, the main file last so the
        // target switches from old to new in one rename.
        const std::vector<std::string> old_files =
            is_real_file_path(spec_.path) && exists(spec_.path) ? dataset_files(spec_.path) : std::vector<std::string>{};
        const std::string from_base = base_of(produced);
        const std::string to_base = base_of(spec_.path);
        std::vector<std::string> files = dataset_files(produced);
        std::set<std::string> moved_to;
        for (auto it = files.rbegin(); it != files.rend(); ++it) {
            const std::string& from = *it;
            const std::string to =
                from == produced ? spec_.path
                : from.rfind(from_base, 0) == 0 ? to_base + from.substr(from_base.size())
                                                : std::string();
            if (to.empty()) continue;
            if (VSIRename(from.c_str(), to.c_str()) != 0)
                throw Error("cannot move the finished output to " + to + ": " + VSIStrerror(errno));
            moved_to.insert(to);
        }
        // Side-car files of a replaced dataset (overviews, .aux.xml) would
        // describe the old pixels: remove them.
        for (const std::string& old : old_files)
            if (moved_to.count(old) == 0) VSIUnlink(old.c_str());
        committed_ = true;
        remove_staging_files();  // the GeoTIFF a conversion started from
    } catch (...) {
        discard();
        throw;
    }
}

void StagedOutput::discard() {
    if (dataset_) {
        QuietGdalErrors quiet;
        dataset_.reset();
    }
    remove_staging_files();
}

void StagedOutput::remove_staging_files() {
    // Every file carrying the staging name: main file and side-cars.
    if (staging_base_.empty()) return;
    const std::string dir = directory_of(staging_base_);
    const std::string stem = CPLGetFilename(staging_base_.c_str());
    char** entries = VSIReadDir(dir.c_str());
    for (char** entry = entries; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string name = *entry;
        if (name == stem || name.rfind(stem + ".", 0) == 0)
            VSIUnlink(CPLFormFilename(dir.c_str(), name.c_str(), nullptr));
    }
    CSLDestroy(entries);
}

}  // namespace tiledndvi
