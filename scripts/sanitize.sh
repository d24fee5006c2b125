#!/usr/bin/env bash
# The whole test suite (every CTest test: core, CLI, GDAL plugin, QGIS) on a
# build with AddressSanitizer + UndefinedBehaviorSanitizer (gcc), in
# build-sanitize/. Any report fails the test that triggered it: ASan errors exit
# non-zero, UB aborts (-fno-sanitize-recover), leaks in our programs fail at exit.
#
# Usage: scripts/sanitize.sh [extra ctest arguments, e.g. -L gdal_plugin]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SANITIZE_BUILD_DIR:-$top/build-sanitize}
jobs=${JOBS:-$(nproc)}

"$top/scripts/install-deps.sh"

# The GDAL plugin and the QGIS provider are loaded into host programs that are
# not built with ASan (gdal_translate, gdalinfo, python3, qgis_process.bin,
# qgis.bin): the ASan runtime must then be the first library of the process,
# hence LD_PRELOAD, which every process the tests start inherits (harmless for
# our own programs, which link the same libasan). Those hosts, and the shells and
# Xvfb around them, leak by design at exit (GDAL's, Qt's and Python's caches), so
# leak checking is off for every process and switched back on for this project's
# own executables by one file each in $build/sanitize/ (named after the program:
# %b; written by cmake/sanitize_leak_checks.cmake).
# libstdc++ is preloaded too: python3 is a C program that loads libstdc++ only
# with GDAL, too late for ASan to find the real __cxa_throw (a CHECK failure at
# the first C++ exception, e.g. one thrown inside PROJ).
libasan=$(g++ -print-file-name=libasan.so)
libstdcxx=$(g++ -print-file-name=libstdc++.so)
for library in "$libasan" "$libstdcxx"; do
  [ -e "$library" ] || { echo "sanitize: $library not found" >&2; exit 1; }
done
export LD_PRELOAD="$libasan $libstdcxx${LD_PRELOAD:+ $LD_PRELOAD}"
export ASAN_OPTIONS="detect_leaks=0:include_if_exists=$build/sanitize/%b${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$top/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# -O1: fast enough to run everything, keeps frames for readable reports.
# Assertions stay on (no NDEBUG).
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_COMPILER=g++ -DBUILD_TESTING=ON -DTILEDNDVI_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$jobs"
cd "$build"
ctest --output-on-failure -j"$jobs" "$@"
