#include "tiledndvi/block_writer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tiledndvi/error.h"
#include "tiledndvi/gdal_errors.h"

namespace tiledndvi {

bool write_whole_blocks(GDALRasterBand& band, const Tile& window, const unsigned char* pixels, std::size_t row_bytes,
                        std::vector<unsigned char>& block_buffer) {
    int block_width = 0, block_height = 0;
    band.GetBlockSize(&block_width, &block_height);
    const std::int64_t raster_width = band.GetXSize(), raster_height = band.GetYSize();
    const auto covers = [&](std::int64_t start, std::int64_t length, std::int64_t block, std::int64_t size) {
        const std::int64_t end = start + length;
        return start % block == 0 && (end % block == 0 || end == size);
    };
    if (!covers(window.x, window.width, block_width, raster_width) ||
        !covers(window.y, window.height, block_height, raster_height))
        return false;

    const std::size_t pixel_size = GDALGetDataTypeSizeBytes(band.GetRasterDataType());
    const std::size_t block_bytes = static_cast<std::size_t>(block_width) * block_height * pixel_size;
    for (std::int64_t y = window.y; y < window.y + window.height; y += block_height) {
        for (std::int64_t x = window.x; x < window.x + window.width; x += block_width) {
            const std::int64_t rows = std::min<std::int64_t>(block_height, window.y + window.height - y);
            const std::int64_t columns = std::min<std::int64_t>(block_width, window.x + window.width - x);
            const unsigned char* first = pixels + (y - window.y) * row_bytes + (x - window.x) * pixel_size;
            const void* block = first;
            // The window's rows are the block's rows only for full blocks whose
            // rows lie back to back; otherwise gather them into a block-shaped buffer.
            if (columns != block_width || rows != block_height || row_bytes != block_width * pixel_size) {
                block_buffer.resize(block_bytes);
                std::fill(block_buffer.begin(), block_buffer.end(), 0);
                for (std::int64_t row = 0; row < rows; ++row)
                    std::memcpy(block_buffer.data() + row * block_width * pixel_size, first + row * row_bytes,
                                static_cast<std::size_t>(columns) * pixel_size);
                block = block_buffer.data();
            }
            if (band.WriteBlock(static_cast<int>(x / block_width), static_cast<int>(y / block_height),
                                const_cast<void*>(block)) != CE_None ||
                CPLGetLastErrorType() >= CE_Failure)
                throw Error("failed to write the output: " + last_gdal_error());
        }
    }
    return true;
}

void write_window(GDALRasterBand& band, const Tile& window, const unsigned char* pixels, std::size_t row_bytes,
                  std::vector<unsigned char>& block_buffer) {
    CPLErrorReset();
    if (write_whole_blocks(band, window, pixels, row_bytes, block_buffer)) return;
    const GDALDataType type = band.GetRasterDataType();
    const CPLErr status = band.RasterIO(
        GF_Write, static_cast<int>(window.x), static_cast<int>(window.y), static_cast<int>(window.width),
        static_cast<int>(window.height), const_cast<unsigned char*>(pixels), static_cast<int>(window.width),
        static_cast<int>(window.height), type, static_cast<GSpacing>(GDALGetDataTypeSizeBytes(type)),
        static_cast<GSpacing>(row_bytes), nullptr);
    if (status != CE_None || CPLGetLastErrorType() >= CE_Failure)
        throw Error("failed to write the output: " + last_gdal_error());
}

}  // namespace tiledndvi
