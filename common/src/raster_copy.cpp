#include "tiledndvi/raster_copy.h"

#include <algorithm>
#include <array>
#include <numeric>

#include <cpl_string.h>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/block_writer.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"
#include "tiledndvi/scoped_config.h"

namespace tiledndvi {

namespace {

std::vector<int> all_bands_if_empty(GDALDataset& source, const std::vector<int>& bands) {
    if (!bands.empty()) return bands;
    std::vector<int> all(source.GetRasterCount());
    std::iota(all.begin(), all.end(), 1);
    return all;
}

void copy_band_description(GDALRasterBand& from, GDALRasterBand& to) {
    int has_nodata = FALSE;
    const double nodata = from.GetNoDataValue(&has_nodata);
    if (has_nodata) to.SetNoDataValue(nodata);
    to.SetColorInterpretation(from.GetColorInterpretation());
    if (from.GetColorTable() != nullptr) to.SetColorTable(from.GetColorTable());
    if (from.GetDescription()[0] != '\0') to.SetDescription(from.GetDescription());
    int has_offset = FALSE, has_scale = FALSE;
    const double offset = from.GetOffset(&has_offset), scale = from.GetScale(&has_scale);
    if (has_offset && offset != 0.0) to.SetOffset(offset);
    if (has_scale && scale != 1.0) to.SetScale(scale);
    if (from.GetUnitType()[0] != '\0') to.SetUnitType(from.GetUnitType());
    if (from.GetMetadata() != nullptr) to.SetMetadata(from.GetMetadata());
}

}  // namespace

GDALDatasetUniquePtr create_like(GDALDriver& driver, const std::string& path, GDALDataset& source,
                                 const Tile& window, const std::vector<int>& bands,
                                 const std::vector<std::string>& creation_options) {
    if (driver.GetMetadataItem(GDAL_DCAP_CREATE) == nullptr) return nullptr;
    const std::vector<int> chosen = all_bands_if_empty(source, bands);
    CPLStringList options;
    for (const std::string& option : creation_options) options.AddString(option.c_str());
    const GDALDataType type = source.GetRasterBand(chosen.front())->GetRasterDataType();
    // GDAL pixel-interleaves a multi-band GeoTIFF by default, as copy_rows reads.
    GDALDatasetUniquePtr target(driver.Create(path.c_str(), static_cast<int>(window.width),
                                              static_cast<int>(window.height), static_cast<int>(chosen.size()),
                                              type, options.List()));
    if (!target) throw Error("cannot create " + path + ": " + last_gdal_error());

    std::array<double, 6> transform{};
    if (source.GetGeoTransform(transform.data()) == CE_None) {
        transform[0] += window.x * transform[1] + window.y * transform[2];
        transform[3] += window.x * transform[4] + window.y * transform[5];
        target->SetGeoTransform(transform.data());
    }
    if (source.GetSpatialRef() != nullptr) target->SetSpatialRef(source.GetSpatialRef());
    if (source.GetMetadata() != nullptr) target->SetMetadata(source.GetMetadata());
    for (std::size_t i = 0; i < chosen.size(); ++i)
        copy_band_description(*source.GetRasterBand(chosen[i]), *target->GetRasterBand(static_cast<int>(i) + 1));
    if (CPLGetLastErrorType() >= CE_Failure) throw Error("cannot create " + path + ": " + last_gdal_error());
    return target;
}

GDALDatasetUniquePtr open_for_copy(const std::string& path) {
    ScopedThreadConfig direct("GTIFF_DIRECT_IO", "YES");
    return open_raster(path);
}

void copy_rows(GDALDataset& source, const std::vector<int>& bands, std::int64_t y, std::int64_t height,
               const std::vector<CopyTarget>& targets, const ProgressCallback& progress, std::size_t swath_bytes) {
    if (height <= 0 || targets.empty()) return;
    std::vector<int> chosen = all_bands_if_empty(source, bands);
    const GDALDataType type = source.GetRasterBand(chosen.front())->GetRasterDataType();
    const std::size_t pixel_bytes = static_cast<std::size_t>(GDALGetDataTypeSizeBytes(type)) * chosen.size();
    // The swath spans the columns the targets take, as whole rows of them.
    std::int64_t x_begin = targets.front().source_x, x_end = 0;
    for (const CopyTarget& target : targets) {
        x_begin = std::min(x_begin, target.source_x);
        x_end = std::max(x_end, target.source_x + target.dataset->GetRasterXSize());
    }
    const std::int64_t width = x_end - x_begin;
    const std::size_t row_bytes = static_cast<std::size_t>(width) * pixel_bytes;
    const std::int64_t swath_rows =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(swath_bytes / row_bytes), 1, height);
    std::vector<unsigned char> swath(static_cast<std::size_t>(swath_rows) * row_bytes);
    const GSpacing band_space = GDALGetDataTypeSizeBytes(type);
    const GSpacing pixel_space = static_cast<GSpacing>(pixel_bytes);
    const GSpacing line_space = static_cast<GSpacing>(row_bytes);
    std::vector<unsigned char> block_buffer;
    // Sources a VRT opens while reading (its tiles) read directly too.
    ScopedThreadConfig direct("GTIFF_DIRECT_IO", "YES");

    for (std::int64_t done = 0; done < height; done += swath_rows) {
        const int rows = static_cast<int>(std::min(swath_rows, height - done));
        CPLErrorReset();
        if (source.RasterIO(GF_Read, static_cast<int>(x_begin), static_cast<int>(y + done), static_cast<int>(width),
                            rows, swath.data(), static_cast<int>(width), rows, type, static_cast<int>(chosen.size()),
                            chosen.data(), pixel_space, line_space, band_space, nullptr) != CE_None ||
            CPLGetLastErrorType() >= CE_Failure)
            throw Error("failed to read " + std::string(source.GetDescription()) + ": " +
                        last_gdal_error("read error without a GDAL message (is the file truncated?)"));
        for (const CopyTarget& target : targets) {
            GDALDataset& dataset = *target.dataset;
            const int target_bands = dataset.GetRasterCount();
            unsigned char* first = swath.data() + static_cast<std::size_t>(target.source_x - x_begin) * pixel_bytes;
            Tile part;
            part.y = target.target_y + done;
            part.width = dataset.GetRasterXSize();
            part.height = rows;
            if (target_bands == 1 &&
                write_whole_blocks(*dataset.GetRasterBand(1), part, first, row_bytes, block_buffer))
                continue;
            std::vector<int> target_band_list(target_bands);
            std::iota(target_band_list.begin(), target_band_list.end(), 1);
            if (dataset.RasterIO(GF_Write, 0, static_cast<int>(target.target_y + done), dataset.GetRasterXSize(), rows,
                                 first, dataset.GetRasterXSize(), rows, type, target_bands, target_band_list.data(),
                                 pixel_space, line_space, band_space, nullptr) != CE_None ||
                CPLGetLastErrorType() >= CE_Failure)
                throw Error("failed to write " + std::string(dataset.GetDescription()) + ": " + last_gdal_error());
        }
        if (progress && !progress(static_cast<double>(done + rows) / static_cast<double>(height))) throw Cancelled();
    }
}

}  // namespace tiledndvi
