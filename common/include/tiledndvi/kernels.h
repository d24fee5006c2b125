// Typed normalized-difference kernels and the one dispatch that picks a kernel
// from GDAL data types, once per buffer (never per pixel).
#pragma once

#include <cstddef>

#include <gdal.h>

#include "tiledndvi/numeric_rule.h"

namespace tiledndvi {

// Input pixel types the kernels are instantiated for.
bool is_supported_input_type(GDALDataType type);
// Output pixel types the kernels write directly (Float32, Float64).
bool is_supported_output_type(GDALDataType type);

// A band's NoData value as the band's own type stores it (a Float32 band's 0.1
// is the float nearest 0.1; -9999 cannot occur in UInt16 and never matches).
// Needed when a band is read as a wider working type than its own.
BandNoData nodata_as_stored(BandNoData nodata, GDALDataType band_type);

// Two input buffers of `count` pixels, both of `input_type`. Pixel i of a band
// is at element i * stride: 1 for separate buffers, 2 for a pixel-interleaved
// buffer holding a and b side by side (b = a + 1 element), as GDAL reads a
// pixel-interleaved file fastest.
struct KernelInputs {
    GDALDataType input_type = GDT_Unknown;
    const void* a = nullptr;  // minuend (NIR for NDVI)
    const void* b = nullptr;  // subtrahend (Red for NDVI)
    std::size_t stride = 1;
    BandNoData a_nodata;
    BandNoData b_nodata;
};

// out[i] = (a[i] - b[i]) / (a[i] + b[i]) under the numeric rule, for i < count.
// `out` is packed `output_type` (Float32 or Float64). Throws Error on a type it
// has no kernel for.
void normalized_difference(const KernelInputs& inputs, std::size_t count, GDALDataType output_type,
                           void* out, double out_nodata);

// Same rule, typed: what the dispatch expands to. Exposed for tests and callers
// that already know their types.
template <typename In, typename Out>
void normalized_difference_kernel(const In* a, const In* b, std::size_t count, NoDataMatch<In> a_nodata,
                                  NoDataMatch<In> b_nodata, Out out_nodata, Out* out, std::size_t stride = 1) {
    for (std::size_t i = 0; i < count; ++i)
        out[i] = normalized_difference_pixel<In, Out>(a[i * stride], b[i * stride], a_nodata, b_nodata, out_nodata);
}

}  // namespace tiledndvi
