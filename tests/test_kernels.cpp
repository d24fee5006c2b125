// Kernels: every input type against a scalar double-precision reference,
// including type extremes, NoData in either band, NaN, Inf and zero sums.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "tiledndvi/error.h"
#include "tiledndvi/kernels.h"

namespace {

using tiledndvi::BandNoData;
using tiledndvi::KernelInputs;

template <typename T> constexpr GDALDataType gdal_type_of();
template <> constexpr GDALDataType gdal_type_of<std::uint8_t>() { return GDT_Byte; }
template <> constexpr GDALDataType gdal_type_of<std::uint16_t>() { return GDT_UInt16; }
template <> constexpr GDALDataType gdal_type_of<std::int16_t>() { return GDT_Int16; }
template <> constexpr GDALDataType gdal_type_of<std::uint32_t>() { return GDT_UInt32; }
template <> constexpr GDALDataType gdal_type_of<std::int32_t>() { return GDT_Int32; }
template <> constexpr GDALDataType gdal_type_of<float>() { return GDT_Float32; }
template <> constexpr GDALDataType gdal_type_of<double>() { return GDT_Float64; }

// The reference, written independently of the kernels: the formula in double
// precision (exact sums for every integer type here), rounded once to Out.
template <typename Out, typename T>
Out reference(T a, T b, std::optional<double> a_nodata, std::optional<double> b_nodata, Out nodata) {
    const double da = a, db = b;
    if (!std::isfinite(da) || !std::isfinite(db)) return nodata;
    if ((a_nodata && a == static_cast<T>(*a_nodata)) || (b_nodata && b == static_cast<T>(*b_nodata))) return nodata;
    const double sum = da + db;
    if (sum == 0) return nodata;
    return static_cast<Out>((da - db) / sum);
}

template <typename Out>
bool same_bits(Out x, Out y) {
    if (std::isnan(x) && std::isnan(y)) return true;
    return std::memcmp(&x, &y, sizeof(Out)) == 0;
}

template <typename T>
std::vector<T> interesting_values() {
    using L = std::numeric_limits<T>;
    std::vector<T> values = {L::lowest(), static_cast<T>(L::lowest() + 1), T(0), T(1), T(2), T(3), T(100),
                             static_cast<T>(L::max() - 1), L::max()};
    if constexpr (std::is_signed_v<T>) values.insert(values.end(), {T(-1), T(-2), T(-100)});
    if constexpr (std::is_floating_point_v<T>)
        values.insert(values.end(), {T(0.1), T(-0.1), T(-0.0), L::min(), L::denorm_min(), L::quiet_NaN(),
                                     L::infinity(), -L::infinity(), T(1e-30), T(3.5), T(-3.5)});
    return values;
}

template <typename T>
class KernelTest : public ::testing::Test {};
using InputTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t, std::int32_t, float, double>;
TYPED_TEST_SUITE(KernelTest, InputTypes);

template <typename T, typename Out>
void check_all_pairs(std::optional<double> a_nodata, std::optional<double> b_nodata, Out out_nodata) {
    const std::vector<T> values = interesting_values<T>();
    std::vector<T> a, b;
    for (T x : values)
        for (T y : values) {
            a.push_back(x);
            b.push_back(y);
        }
    std::vector<Out> out(a.size());
    KernelInputs in;
    in.input_type = gdal_type_of<T>();
    in.a = a.data();
    in.b = b.data();
    if (a_nodata) in.a_nodata = BandNoData{true, *a_nodata};
    if (b_nodata) in.b_nodata = BandNoData{true, *b_nodata};
    constexpr GDALDataType out_type = std::is_same_v<Out, float> ? GDT_Float32 : GDT_Float64;
    tiledndvi::normalized_difference(in, a.size(), out_type, out.data(), out_nodata);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Out expected = reference<Out>(a[i], b[i], a_nodata, b_nodata, out_nodata);
        ASSERT_TRUE(same_bits(out[i], expected))
            << "a=" << +a[i] << " b=" << +b[i] << " got " << out[i] << " expected " << expected;
    }
}

TYPED_TEST(KernelTest, ExtremesMatchReferenceFloat32) {
    check_all_pairs<TypeParam, float>({}, {}, std::numeric_limits<float>::quiet_NaN());
}

TYPED_TEST(KernelTest, ExtremesMatchReferenceFloat64) {
    check_all_pairs<TypeParam, double>({}, {}, std::numeric_limits<double>::quiet_NaN());
}

TYPED_TEST(KernelTest, NoDataInEitherBand) {
    check_all_pairs<TypeParam, float>(1.0, {}, -9999.0f);
    check_all_pairs<TypeParam, float>({}, 100.0, -9999.0f);
    check_all_pairs<TypeParam, double>(0.0, 2.0, -2.0);
}

TYPED_TEST(KernelTest, RandomValuesMatchReference) {
    std::mt19937_64 random(42);
    using L = std::numeric_limits<TypeParam>;
    std::vector<TypeParam> a(100000), b(100000);
    for (std::size_t i = 0; i < a.size(); ++i) {
        if constexpr (std::is_integral_v<TypeParam>) {
            std::uniform_int_distribution<long long> pick(L::lowest(), L::max());
            a[i] = static_cast<TypeParam>(pick(random));
            b[i] = static_cast<TypeParam>(pick(random));
        } else {
            std::uniform_real_distribution<double> pick(-1e4, 1e4);
            a[i] = static_cast<TypeParam>(pick(random));
            b[i] = static_cast<TypeParam>(pick(random));
        }
    }
    std::vector<float> out(a.size());
    KernelInputs in;
    in.input_type = gdal_type_of<TypeParam>();
    in.a = a.data();
    in.b = b.data();
    tiledndvi::normalized_difference(in, a.size(), GDT_Float32, out.data(), std::nanf(""));
    for (std::size_t i = 0; i < a.size(); ++i)
        ASSERT_TRUE(same_bits(out[i], reference<float>(a[i], b[i], {}, {}, std::nanf(""))));
}

TEST(Kernel, EveryBytePairMatchesReference) {
    std::vector<std::uint8_t> a, b;
    for (int x = 0; x < 256; ++x)
        for (int y = 0; y < 256; ++y) {
            a.push_back(static_cast<std::uint8_t>(x));
            b.push_back(static_cast<std::uint8_t>(y));
        }
    std::vector<float> out(a.size());
    KernelInputs in;
    in.input_type = GDT_Byte;
    in.a = a.data();
    in.b = b.data();
    tiledndvi::normalized_difference(in, a.size(), GDT_Float32, out.data(), std::nanf(""));
    for (std::size_t i = 0; i < a.size(); ++i) {
        const int sum = a[i] + b[i];
        if (sum == 0) {
            EXPECT_TRUE(std::isnan(out[i]));
        } else {
            const float expected = static_cast<float>(static_cast<double>(a[i] - b[i]) / sum);
            ASSERT_EQ(out[i], expected) << +a[i] << " " << +b[i];
        }
    }
}

TEST(Kernel, NoOverflowAtUInt16AndInt32Extremes) {
    // 65535 + 65535 overflows every 16-bit type; INT32_MIN - INT32_MAX every 32-bit one.
    const std::uint16_t ua[] = {65535, 65535, 1};
    const std::uint16_t ub[] = {65535, 0, 65535};
    float out[3];
    KernelInputs in;
    in.input_type = GDT_UInt16;
    in.a = ua;
    in.b = ub;
    tiledndvi::normalized_difference(in, 3, GDT_Float32, out, std::nanf(""));
    EXPECT_EQ(out[0], 0.0f);
    EXPECT_EQ(out[1], 1.0f);
    EXPECT_EQ(out[2], static_cast<float>(-65534.0 / 65536.0));

    const std::int32_t ia[] = {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
    const std::int32_t ib[] = {std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::max()};
    double dout[2];
    in.input_type = GDT_Int32;
    in.a = ia;
    in.b = ib;
    tiledndvi::normalized_difference(in, 2, GDT_Float64, dout, std::nan(""));
    EXPECT_EQ(dout[0], (-2147483648.0 - 2147483647.0) / -1.0);  // sum is -1: a large, exact result
    EXPECT_EQ(dout[1], 0.0);
}

TEST(Kernel, NoDataThatCannotOccurInTheTypeNeverMatches) {
    const std::uint16_t a[] = {0, 9999};
    const std::uint16_t b[] = {1, 1};
    float out[2];
    KernelInputs in;
    in.input_type = GDT_UInt16;
    in.a = a;
    in.b = b;
    in.a_nodata = BandNoData{true, -9999.0};  // not a UInt16 value
    tiledndvi::normalized_difference(in, 2, GDT_Float32, out, std::nanf(""));
    EXPECT_EQ(out[0], -1.0f);
    EXPECT_EQ(out[1], static_cast<float>(9998.0 / 10000.0));
}

TEST(Kernel, Float32NoDataComparedAsFloat) {
    const float a[] = {0.1f, 0.2f};
    const float b[] = {0.3f, 0.3f};
    float out[2];
    KernelInputs in;
    in.input_type = GDT_Float32;
    in.a = a;
    in.b = b;
    in.a_nodata = BandNoData{true, 0.1};  // the double 0.1 names the float 0.1f
    tiledndvi::normalized_difference(in, 2, GDT_Float32, out, -2.0);
    EXPECT_EQ(out[0], -2.0f);
    EXPECT_NE(out[1], -2.0f);
}

TEST(Kernel, NodataAsStoredFollowsTheBandType) {
    EXPECT_FALSE(tiledndvi::nodata_as_stored({true, -9999.0}, GDT_UInt16).has_value);
    EXPECT_FALSE(tiledndvi::nodata_as_stored({true, 0.5}, GDT_Int16).has_value);
    EXPECT_EQ(tiledndvi::nodata_as_stored({true, 0.1}, GDT_Float32).value, static_cast<double>(0.1f));
    EXPECT_EQ(tiledndvi::nodata_as_stored({true, -9999.0}, GDT_Int16).value, -9999.0);
    EXPECT_FALSE(tiledndvi::nodata_as_stored({true, std::nan("")}, GDT_Float64).has_value);
}

TEST(Kernel, RejectsUnsupportedTypes) {
    std::int16_t a[2] = {}, b[2] = {};
    float out[1];
    KernelInputs in;
    in.input_type = GDT_CInt16;
    in.a = a;
    in.b = b;
    EXPECT_THROW(tiledndvi::normalized_difference(in, 1, GDT_Float32, out, 0), tiledndvi::Error);
    in.input_type = GDT_Int16;
    EXPECT_THROW(tiledndvi::normalized_difference(in, 1, GDT_Int16, out, 0), tiledndvi::Error);
}

}  // namespace
