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

template <typename T>
inline bool is_nodata(T v, const NoDataMatch<T>& nodata) {
    if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(v)) return true;
    }
    return nodata.active && v == nodata.value;
}

// (a - b) / (a + b) under the rule above; Out is float or double.
template <typename In, typename Out>
inline Out normalized_difference_pixel(In a, In b, const NoDataMatch<In>& a_nodata,
                                       const NoDataMatch<In>& b_nodata, Out out_nodata) {
    const double da = static_cast<double>(a);
    const double db = static_cast<double>(b);
    const double sum = da + db;
    // Computed unconditionally (a zero sum gives Inf/NaN, never a trap) so the
    // loop calling this stays branch-free and vectorizes.
    const double quotient = (da - db) / sum;
    const bool nodata = is_nodata(a, a_nodata) || is_nodata(b, b_nodata) || sum == 0.0;
    return nodata ? out_nodata : static_cast<Out>(quotient);
}

}  // namespace tiledndvi
