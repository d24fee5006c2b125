// The project's one numeric rule for a normalized difference (A - B) / (A + B);
// NDVI is A = NIR, B = Red. Every adapter (engine, CLI, GDAL plugin, QGIS) goes
// through normalized_difference_pixel(), so they all give the same bits.
//
//   * The quotient is computed in double precision from the exact input values
//     (every supported input type converts to double exactly, and A - B, A + B of
//     two integers of 32 bits or less are exact in double), then rounded once to
//     the output type. No clamping.
//   * A pixel is NoData when A or B equals its band's NoData value (compared in
//     the band's own data type), or is not finite (NaN, +-Inf), or when
//     A + B == 0. NoData pixels get the output NoData value (NaN by default).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tiledndvi {

// A band's NoData value as the band itself declares it (GDAL's GetNoDataValue).
struct BandNoData {
    bool has_value = false;
    double value = 0.0;
};

// The NoData value converted to the pixel type T, or "never matches" when the
// declared value cannot occur in T (e.g. -9999 in a UInt16 band, 0.5 in Int16).
template <typename T>
struct NoDataMatch {
    bool active = false;
    T value{};

    static NoDataMatch from(BandNoData nodata) {
        NoDataMatch match;
        if (!nodata.has_value || std::isnan(nodata.value)) return match;  // NaN is always NoData anyway
        const double v = nodata.value;
        if constexpr (std::is_integral_v<T>) {
            if (v != std::floor(v) || v < static_cast<double>(std::numeric_limits<T>::lowest()) ||
                v > static_cast<double>(std::numeric_limits<T>::max()))
                return match;
            match.value = static_cast<T>(v);
        } else if constexpr (std::is_same_v<T, float>) {
            // GDAL stores a Float32 band's NoData as the float it rounds to.
            if (std::isfinite(v) && std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max()))
                return match;
            match.value = static_cast<float>(v);
        } else {
            match.value = static_cast<T>(v);
        }
        match.active = true;
        return match;
    }
};

// Branch-free (bitwise, not short-circuit) so kernel loops vectorize.
template <typename T>
inline bool is_nodata(T v, const NoDataMatch<T>& nodata) {
    bool result = nodata.active & (v == nodata.value);
    if constexpr (std::is_floating_point_v<T>) {
        result |= !(std::fabs(v) <= std::numeric_limits<T>::max());  // NaN or +-Inf
    }
    return result;
}

// True when single precision gives the same bits as the rule for In -> Out:
// 8- and 16-bit integers have exact float sums and differences (|x| < 2^24),
// and for division a double rounding double -> float is innocuous because
// 53 >= 2 * 24 + 2 (Figueroa, "When is double rounding innocuous?", 1995), so
// float(a - b) / float(a + b) == float(double(a - b) / double(a + b)). Twice the
// SIMD lanes of double; tests compare both against the double formula.
template <typename In, typename Out>
constexpr bool float_math_is_exact = std::is_integral_v<In> && sizeof(In) <= 2 && std::is_same_v<Out, float>;

// (a - b) / (a + b) under the rule above; Out is float or double.
template <typename In, typename Out>
inline Out normalized_difference_pixel(In a, In b, const NoDataMatch<In>& a_nodata,
                                       const NoDataMatch<In>& b_nodata, Out out_nodata) {
    using Math = std::conditional_t<float_math_is_exact<In, Out>, float, double>;
    const Math ma = static_cast<Math>(a);
    const Math mb = static_cast<Math>(b);
    const Math sum = ma + mb;
    // Computed unconditionally (a zero sum gives Inf/NaN, never a trap) so the
    // loop calling this stays branch-free and vectorizes.
    const Math quotient = (ma - mb) / sum;
    const bool nodata = is_nodata(a, a_nodata) | is_nodata(b, b_nodata) | (sum == Math(0));
    return nodata ? out_nodata : static_cast<Out>(quotient);
}

}  // namespace tiledndvi
