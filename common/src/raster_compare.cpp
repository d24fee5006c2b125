#include "tiledndvi/raster_compare.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "tiledndvi/band_pair.h"
#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"

namespace tiledndvi {

std::string first_difference(const std::string& first, const std::string& second) {
    GDALDatasetUniquePtr a = open_raster(first);
    GDALDatasetUniquePtr b = open_raster(second);
    const int width = a->GetRasterXSize(), height = a->GetRasterYSize();
    if (width != b->GetRasterXSize() || height != b->GetRasterYSize())
        return "sizes differ (" + std::to_string(width) + "x" + std::to_string(height) + " vs " +
               std::to_string(b->GetRasterXSize()) + "x" + std::to_string(b->GetRasterYSize()) + ")";
    if (a->GetRasterCount() != b->GetRasterCount()) return "band counts differ";
    for (int band = 1; band <= a->GetRasterCount(); ++band) {
        GDALRasterBand* band_a = a->GetRasterBand(band);
        GDALRasterBand* band_b = b->GetRasterBand(band);
        const GDALDataType type = band_a->GetRasterDataType();
        if (type != band_b->GetRasterDataType()) return "band " + std::to_string(band) + " types differ";
        const std::size_t size = GDALGetDataTypeSizeBytes(type);
        const int rows = std::max(1, static_cast<int>((std::size_t(4) << 20) / (size * width)));
        std::vector<unsigned char> row_a(size * width * rows), row_b(row_a.size());
        for (int y = 0; y < height; y += rows) {
            const int n = std::min(rows, height - y);
            QuietGdalErrors quiet;
            if (band_a->RasterIO(GF_Read, 0, y, width, n, row_a.data(), width, n, type, 0, 0) != CE_None)
                throw Error("failed to read " + first + ": " + last_gdal_error());
            if (band_b->RasterIO(GF_Read, 0, y, width, n, row_b.data(), width, n, type, 0, 0) != CE_None)
                throw Error("failed to read " + second + ": " + last_gdal_error());
            const std::size_t bytes = size * width * n;
            if (std::memcmp(row_a.data(), row_b.data(), bytes) != 0) {
                const auto mismatch = std::mismatch(row_a.begin(), row_a.begin() + bytes, row_b.begin());
                const std::size_t pixel = static_cast<std::size_t>(mismatch.first - row_a.begin()) / size;
                return "band " + std::to_string(band) + " differs at pixel (" + std::to_string(pixel % width) +
                       ", " + std::to_string(y + pixel / width) + ")";
            }
        }
    }
    return "";
}

}  // namespace tiledndvi
