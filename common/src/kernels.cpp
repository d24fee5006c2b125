// The dispatch from GDAL data types to the typed kernels.
#include "tiledndvi/kernels.h"

#include <cstdint>
#include <string>

#include "tiledndvi/error.h"

namespace tiledndvi {

bool is_supported_input_type(GDALDataType type) {
    switch (type) {
        case GDT_Byte:
        case GDT_UInt16:
        case GDT_Int16:
        case GDT_UInt32:
        case GDT_Int32:
        case GDT_Float32:
        case GDT_Float64:
            return true;
        default:
            return false;
    }
}

bool is_supported_output_type(GDALDataType type) { return type == GDT_Float32 || type == GDT_Float64; }

namespace {

template <typename In, typename Out>
void run_typed(const KernelInputs& in, std::size_t count, void* out, double out_nodata) {
    const auto* a = static_cast<const In*>(in.a);
    const auto* b = static_cast<const In*>(in.b);
    const NoDataMatch<In> a_nodata = NoDataMatch<In>::from(in.a_nodata);
    const NoDataMatch<In> b_nodata = NoDataMatch<In>::from(in.b_nodata);
    // Constant strides let the compiler vectorize each case.
    switch (in.stride) {
        case 1:
            return normalized_difference_kernel<In, Out>(a, b, count, a_nodata, b_nodata, static_cast<Out>(out_nodata),
                                                         static_cast<Out*>(out), 1);
        case 2:
            return normalized_difference_kernel<In, Out>(a, b, count, a_nodata, b_nodata, static_cast<Out>(out_nodata),
                                                         static_cast<Out*>(out), 2);
        default:
            return normalized_difference_kernel<In, Out>(a, b, count, a_nodata, b_nodata, static_cast<Out>(out_nodata),
                                                         static_cast<Out*>(out), in.stride);
    }
}

template <typename T>
BandNoData stored_as(BandNoData nodata) {
    const NoDataMatch<T> match = NoDataMatch<T>::from(nodata);
    BandNoData stored;
    stored.has_value = match.active;
    stored.value = static_cast<double>(match.value);
    return stored;
}

template <typename Out>
void dispatch_input(const KernelInputs& in, std::size_t count, void* out, double out_nodata) {
    switch (in.input_type) {
        case GDT_Byte: return run_typed<std::uint8_t, Out>(in, count, out, out_nodata);
        case GDT_UInt16: return run_typed<std::uint16_t, Out>(in, count, out, out_nodata);
        case GDT_Int16: return run_typed<std::int16_t, Out>(in, count, out, out_nodata);
        case GDT_UInt32: return run_typed<std::uint32_t, Out>(in, count, out, out_nodata);
        case GDT_Int32: return run_typed<std::int32_t, Out>(in, count, out, out_nodata);
        case GDT_Float32: return run_typed<float, Out>(in, count, out, out_nodata);
        case GDT_Float64: return run_typed<double, Out>(in, count, out, out_nodata);
        default:
            throw Error(std::string("no normalized-difference kernel for input type ") +
                        GDALGetDataTypeName(in.input_type));
    }
}

}  // namespace

BandNoData nodata_as_stored(BandNoData nodata, GDALDataType band_type) {
    switch (band_type) {
        case GDT_Byte: return stored_as<std::uint8_t>(nodata);
        case GDT_UInt16: return stored_as<std::uint16_t>(nodata);
        case GDT_Int16: return stored_as<std::int16_t>(nodata);
        case GDT_UInt32: return stored_as<std::uint32_t>(nodata);
        case GDT_Int32: return stored_as<std::int32_t>(nodata);
        case GDT_Float32: return stored_as<float>(nodata);
        default: return stored_as<double>(nodata);
    }
}

void normalized_difference(const KernelInputs& inputs, std::size_t count, GDALDataType output_type, void* out,
                           double out_nodata) {
    switch (output_type) {
        case GDT_Float32: return dispatch_input<float>(inputs, count, out, out_nodata);
        case GDT_Float64: return dispatch_input<double>(inputs, count, out, out_nodata);
        default:
            throw Error(std::string("output type must be Float32 or Float64, not ") +
                        GDALGetDataTypeName(output_type));
    }
}

}  // namespace tiledndvi
