#include "pixel_functions.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include "pixel_function_arguments.h"
#include "threads.h"
#include "tiledndvi/kernels.h"
#include "tiledndvi/numeric_rule.h"

namespace tiledndvi::gdal_plugin {

namespace {

// Argument metadata GDAL reads at registration. GDAL 3.6 acts on the builtin
// (the band's NoDataValue, passed as "NoData") and ignores the rest, which
// documents the arguments a VRT may set.
const char* const ndvi_metadata =
    "<PixelFunctionArgumentsList>"
    "<Argument type='builtin' value='NoData' optional='true' "
    "description='Output NoData: the band&apos;s NoDataValue (NaN when absent)'/>"
    "<Argument name='red_nodata' type='double' optional='true' "
    "description='NoData value of the red source (the first), in its SourceTransferType'/>"
    "<Argument name='nir_nodata' type='double' optional='true' "
    "description='NoData value of the NIR source (the second), in its SourceTransferType'/>"
    "</PixelFunctionArgumentsList>";

const char* const normalized_difference_metadata =
    "<PixelFunctionArgumentsList>"
    "<Argument type='builtin' value='NoData' optional='true' "
    "description='Output NoData: the band&apos;s NoDataValue (NaN when absent)'/>"
    "<Argument name='a_nodata' type='double' optional='true' "
    "description='NoData value of source A (the first), in its SourceTransferType'/>"
    "<Argument name='b_nodata' type='double' optional='true' "
    "description='NoData value of source B (the second), in its SourceTransferType'/>"
    "</PixelFunctionArgumentsList>";

// One call's buffers and rules, resolved once before the typed loop.
struct Call {
    const void* first = nullptr;  // sources[0], packed rows of `width`
    const void* second = nullptr;
    void* out = nullptr;
    int width = 0;
    int height = 0;
    GDALDataType buffer_type = GDT_Unknown;
    int pixel_space = 0;
    int line_space = 0;
    PixelFunctionArguments arguments;
    bool first_is_minuend = false;
};

// Rows are written straight into the caller's buffer when it is packed
// Float32 or Float64; otherwise through a per-thread row copied with
// GDALCopyWords (other types, pixel spacing, misalignment). Float32 buffers
// stage as Float32 so every path rounds exactly like the CLI's Float32 output;
// other types get the Float64 result converted once (rounded, clamped, NaN -> 0).
// Each row goes through the core's dispatch, normalized_difference().
bool compute(const Call& call, GDALDataType source_type) {
    const GDALDataType staging_type = call.buffer_type == GDT_Float32 ? GDT_Float32 : GDT_Float64;
    const int staging_size = GDALGetDataTypeSizeBytes(staging_type);
    const bool direct = call.buffer_type == staging_type && call.pixel_space == staging_size &&
                        call.line_space % staging_size == 0 &&
                        reinterpret_cast<std::uintptr_t>(call.out) % staging_size == 0;
    const std::size_t width = static_cast<std::size_t>(call.width);
    const std::size_t source_row_bytes = width * GDALGetDataTypeSizeBytes(source_type);
    const long long pixels = static_cast<long long>(call.width) * call.height;
    const bool parallel = pixels >= parallel_threshold_pixels && call.height > 1;
    const int threads = parallel ? plugin_thread_count() : 1;
    std::atomic<bool> failed{false};

    // `if`: small buffers never start a parallel region, so they neither pay
    // for one nor leave OpenMP workers spinning after it.
#pragma omp parallel num_threads(threads) if (parallel && threads > 1)
    {
        std::vector<unsigned char> staging;
        try {
            if (!direct) staging.resize(width * staging_size);
        } catch (const std::bad_alloc&) {
            failed = true;
        }
        KernelInputs inputs;
        inputs.input_type = source_type;
        inputs.a_nodata = call.first_is_minuend ? call.arguments.first_nodata : call.arguments.second_nodata;
        inputs.b_nodata = call.first_is_minuend ? call.arguments.second_nodata : call.arguments.first_nodata;
#pragma omp for schedule(static)
        for (int y = 0; y < call.height; ++y) {
            if (failed) continue;
            const auto* first_row = static_cast<const unsigned char*>(call.first) + y * source_row_bytes;
            const auto* second_row = static_cast<const unsigned char*>(call.second) + y * source_row_bytes;
            inputs.a = call.first_is_minuend ? first_row : second_row;
            inputs.b = call.first_is_minuend ? second_row : first_row;
            unsigned char* out_row =
                static_cast<unsigned char*>(call.out) + static_cast<std::ptrdiff_t>(y) * call.line_space;
            try {
                normalized_difference(inputs, width, staging_type, direct ? out_row : staging.data(),
                                      call.arguments.output_nodata);
            } catch (const std::exception&) {
                failed = true;  // only for types rejected before; never expected
                continue;
            }
            if (!direct)
                GDALCopyWords(staging.data(), staging_type, staging_size, out_row, call.buffer_type, call.pixel_space,
                              call.width);
        }
    }
    if (failed) {
        CPLError(CE_Failure, CPLE_AppDefined, "failed to compute a buffer of %dx%d pixels", call.width, call.height);
        return false;
    }
    return true;
}

CPLErr run(const FunctionSpec& spec, void** sources, int source_count, void* out, int width, int height,
           GDALDataType source_type, GDALDataType buffer_type, int pixel_space, int line_space,
           CSLConstList argument_list) {
    if (source_count != 2) {
        CPLError(CE_Failure, CPLE_AppDefined, "%s: needs exactly 2 sources (%s, then %s), but the VRT band has %d",
                 spec.name, spec.first_source, spec.second_source, source_count);
        return CE_Failure;
    }
    if (!is_supported_input_type(source_type)) {
        CPLError(CE_Failure, CPLE_AppDefined,
                 "%s: sources of type %s are not supported; set <SourceTransferType> to the sources' type (Byte, "
                 "UInt16, Int16, UInt32, Int32, Float32 or Float64)",
                 spec.name, GDALGetDataTypeName(source_type));
        return CE_Failure;
    }
    if (buffer_type == GDT_Unknown || GDALGetDataTypeSizeBytes(buffer_type) <= 0) {
        CPLError(CE_Failure, CPLE_AppDefined, "%s: cannot write pixels of type %s", spec.name,
                 GDALGetDataTypeName(buffer_type));
        return CE_Failure;
    }
    Call call;
    if (!fetch_arguments(spec, argument_list, call.arguments)) return CE_Failure;
    if (width <= 0 || height <= 0) return CE_None;
    call.first = sources[0];
    call.second = sources[1];
    call.out = out;
    call.width = width;
    call.height = height;
    call.buffer_type = buffer_type;
    call.pixel_space = pixel_space;
    call.line_space = line_space;
    call.first_is_minuend = spec.first_is_minuend;
    return compute(call, source_type) ? CE_None : CE_Failure;
}

}  // namespace

CPLErr ndvi_pixel_function(void** sources, int source_count, void* out, int width, int height, GDALDataType source_type,
                           GDALDataType buffer_type, int pixel_space, int line_space, CSLConstList arguments) {
    return run(ndvi_spec, sources, source_count, out, width, height, source_type, buffer_type, pixel_space, line_space,
               arguments);
}

CPLErr normalized_difference_pixel_function(void** sources, int source_count, void* out, int width, int height,
                                            GDALDataType source_type, GDALDataType buffer_type, int pixel_space,
                                            int line_space, CSLConstList arguments) {
    return run(normalized_difference_spec, sources, source_count, out, width, height, source_type, buffer_type,
               pixel_space, line_space, arguments);
}

void register_pixel_functions() {
    GDALAddDerivedBandPixelFuncWithArgs(ndvi_spec.name, ndvi_pixel_function, ndvi_metadata);
    GDALAddDerivedBandPixelFuncWithArgs(normalized_difference_spec.name, normalized_difference_pixel_function,
                                        normalized_difference_metadata);
}

}  // namespace tiledndvi::gdal_plugin
