#include "tiledndvi/staged_output.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_spatialref.h>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"

namespace tiledndvi {

namespace {

// The CRS of `wkt` in the form GDAL writes fastest. Imported from WKT2,
// GeoTIFF's key writer searches PROJ's database by name: 3.4 ms per file, most
// of the cost of a small tile of a tile set. The same CRS built from its EPSG
// code (when it is exactly that code) is written in 0.2 ms, with the same keys.
OGRSpatialReference crs_to_write(const std::string& wkt) {
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return OGRSpatialReference();
    const char* authority = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (authority == nullptr || code == nullptr || !EQUAL(authority, "EPSG")) return srs;
    OGRSpatialReference from_code;
    if (from_code.importFromEPSG(std::atoi(code)) != OGRERR_NONE || !from_code.IsSame(&srs)) return srs;
    return from_code;
}

// Drivers that can "create" but hold no pixels of their own in a file.
const std::set<std::string> not_file_formats = {"MEM", "VRT", "MBTiles", "GPKG", "PostGISRaster"};

bool has_capability(GDALDriver& driver, const char* capability) {
    return CPLFetchBool(driver.GetMetadata(), capability, false);
}

const OutputSpec& checked(const OutputSpec& spec) {
    check_output(spec);
    return spec;
}

int progress_adapter(double fraction, const char*, void* user) {
    const auto* progress = static_cast<const ProgressCallback*>(user);
    return (*progress)(fraction) ? TRUE : FALSE;
}

}  // namespace

GDALDriver* find_driver(const std::string& format) {
    if (GDALGetDriverCount() == 0) GDALAllRegister();
    return GetGDALDriverManager()->GetDriverByName(format.c_str());
}

double output_nodata(const OutputSpec& spec) {
    return spec.nodata.value_or(std::numeric_limits<double>::quiet_NaN());
}

void check_output_format(const std::string& format, GDALDataType type,
                         const std::vector<std::string>& creation_options) {
    GDALDriver* driver = find_driver(format);
    if (driver == nullptr) throw Error("unknown output format '" + format + "' (see gdalinfo --formats)");
    if (!has_capability(*driver, GDAL_DCAP_RASTER)) throw Error("format " + format + " is not a raster format");
    if (not_file_formats.count(format) != 0)
        throw Error("format " + format + " cannot hold computed pixels; choose a file format such as GTiff or COG");
    if (!has_capability(*driver, GDAL_DCAP_CREATE) && !has_capability(*driver, GDAL_DCAP_CREATECOPY))
        throw Error("format " + format + " cannot create files (it is read-only in GDAL)");
    if (const char* types = driver->GetMetadataItem(GDAL_DMD_CREATIONDATATYPES)) {
        const CPLStringList list(CSLTokenizeString(types));
        if (list.FindString(GDALGetDataTypeName(type)) < 0)
            throw Error("format " + format + " cannot write " + GDALGetDataTypeName(type) + " rasters (it writes " +
                        types + ")");
    }
    CPLStringList options;
    for (const std::string& option : creation_options) {
        if (option.find('=') == std::string::npos || option.front() == '=')
            throw Error("creation option '" + option + "' is not of the form NAME=VALUE");
        options.AddString(option.c_str());
    }
    QuietGdalErrors quiet;
    if (!GDALValidateCreationOptions(driver, options.List()))
        throw Error("invalid creation option for " + format + ": " + last_gdal_error());
}

void check_output(const OutputSpec& spec) {
    if (spec.type != GDT_Float32 && spec.type != GDT_Float64)
        throw Error(std::string("output type must be Float32 or Float64, not ") + GDALGetDataTypeName(spec.type));
    if (spec.nodata && spec.type == GDT_Float32 && std::isfinite(*spec.nodata) &&
        std::fabs(*spec.nodata) > std::numeric_limits<float>::max())
        throw Error("output NoData " + std::to_string(*spec.nodata) + " does not fit in Float32");
    check_output_format(spec.format, spec.type, spec.creation_options);
    check_target_path(spec.path, spec.overwrite);
}

StagedOutput::StagedOutput(const OutputSpec& spec, const Grid& grid, const std::string& band_description)
    : spec_(spec), files_(checked(spec).path, spec.overwrite) {
    GDALDriver* driver = find_driver(spec_.format);
    driver_can_create_ = has_capability(*driver, GDAL_DCAP_CREATE);
    CPLStringList options;
    if (driver_can_create_) {
        staging_path_ = files_.staged_path();
        for (const std::string& option : spec_.creation_options) options.AddString(option.c_str());
    } else {
        // Stage as a plain GeoTIFF; commit() converts it with the driver's CreateCopy.
        staging_path_ = files_.staged_path(".staging.tif");
        converted_path_ = files_.staged_path();
        driver = find_driver("GTiff");
        options.AddString("BIGTIFF=IF_SAFER");
    }

    QuietGdalErrors quiet;
    dataset_.reset(driver->Create(staging_path_.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height),
                                  1, spec_.type, options.List()));
    if (!dataset_) throw Error("cannot create " + spec_.path + ": " + last_gdal_error());
    if (grid.has_geotransform) dataset_->SetGeoTransform(const_cast<double*>(grid.geotransform.data()));
    if (!grid.crs_wkt.empty()) {
        const OGRSpatialReference srs = crs_to_write(grid.crs_wkt);
        if (!srs.IsEmpty()) dataset_->SetSpatialRef(&srs);
    }
    band().SetNoDataValue(output_nodata(spec_));
    band().SetDescription(band_description.c_str());
}

StagedOutput::~StagedOutput() {
    if (dataset_) {
        QuietGdalErrors quiet;
        dataset_.reset();
    }
    // files_ removes the staged files unless committed.
}

void close_checked(GDALDatasetUniquePtr& dataset, const std::string& what) {
    QuietGdalErrors quiet;
    dataset.reset();  // flushes: GDAL 3.6 reports some write errors only here
    if (CPLGetLastErrorType() >= CE_Failure) throw Error("failed to write " + what + ": " + last_gdal_error());
}

void StagedOutput::commit(const ProgressCallback& progress) {
    close_checked(dataset_, spec_.path);
    std::string produced = staging_path_;
    if (!driver_can_create_) {
        QuietGdalErrors quiet;
        GDALDatasetUniquePtr staged(GDALDataset::Open(staging_path_.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (!staged) throw Error("cannot reopen the staged output: " + last_gdal_error());
        CPLStringList options;
        for (const std::string& option : spec_.creation_options) options.AddString(option.c_str());
        ProgressCallback report = progress ? progress : ProgressCallback([](double) { return true; });
        GDALDatasetUniquePtr converted(find_driver(spec_.format)->CreateCopy(
            converted_path_.c_str(), staged.get(), FALSE, options.List(), progress_adapter, &report));
        if (!converted) {
            if (CPLGetLastErrorNo() == CPLE_UserInterrupt) throw Cancelled();
            throw Error("cannot write " + spec_.path + " as " + spec_.format + ": " + last_gdal_error());
        }
        close_checked(converted, spec_.path);
        produced = converted_path_;
    }
    files_.commit(produced, produced == staging_path_ ? "" : staging_path_);
}

}  // namespace tiledndvi
