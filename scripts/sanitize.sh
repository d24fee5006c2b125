#!/usr/bin/env bash
# The whole test suite (every CTest test: core, CLI, GDAL plugin, QGIS) on a
# build with AddressSanitizer + UndefinedBehaviorSanitizer (gcc), in
# build-sanitize/. Any report fails the test that triggered it: ASan errors exit
# non-zero, UB aborts (-fno-sanitize-recover), leaks in our programs fail at exit.
# The one test ASan cannot run (see asan_excluded) runs on a UBSan-only build in
# build-sanitize-ubsan/.
#
# Usage: scripts/sanitize.sh [extra ctest arguments, e.g. -L gdal_plugin]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SANITIZE_BUILD_DIR:-$top/build-sanitize}
jobs=${JOBS:-$(nproc)}

# Scale.CliWritesA50000x50000RasterInBudget asserts the Release build's budget
# of the CLI (peak RSS under 100 MiB, under 60 s). ASan's shadow memory,
# quarantine and redzones add about 50 MiB (measured 151 MiB) and its
# instrumented -O1 code is 3-4x slower (49 s), so under ASan it would fail for
# the sanitizer's cost, not the program's. It runs under UBSan alone instead.
asan_excluded='^Scale\.CliWritesA50000x50000RasterInBudget$'

"$top/scripts/install-deps.sh"

# -O1: fast enough to run everything, keeps frames for readable reports.
# Assertions stay on (no NDEBUG).
configure() {  # configure BUILD_DIR SANITIZERS [cmake options]
  local dir=$1 sanitizers=$2; shift 2
  cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DCMAKE_CXX_COMPILER=g++ -DBUILD_TESTING=ON -DTILEDNDVI_SANITIZE=ON -DTILEDNDVI_SANITIZERS="$sanitizers" \
    "$@" >/dev/null
}
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

echo "== ASan + UBSan: every test but $asan_excluded"
(
  # The GDAL plugin and the QGIS provider are loaded into host programs that
  # are not built with ASan (gdal_translate, gdalinfo, python3, qgis_process.bin,
  # qgis.bin): the ASan runtime must then be the first library of the process,
  # hence LD_PRELOAD, which every process the tests start inherits (harmless for
  # our own programs, which link the same libasan). libstdc++ is preloaded too:
  # python3 is a C program that loads libstdc++ only with GDAL, too late for
  # ASan to find the real __cxa_throw (a CHECK failure at the first C++
  # exception, e.g. one thrown inside PROJ).
  libasan=$(g++ -print-file-name=libasan.so)
  libstdcxx=$(g++ -print-file-name=libstdc++.so)
  for library in "$libasan" "$libstdcxx"; do
    [ -e "$library" ] || { echo "sanitize: $library not found" >&2; exit 1; }
  done
  export LD_PRELOAD="$libasan $libstdcxx${LD_PRELOAD:+ $LD_PRELOAD}"
  # Those hosts, and the shells and Xvfb around them, leak by design at exit
  # (GDAL's, Qt's and Python's caches), so leak checking is off for every
  # process and switched back on for this project's own executables by one file
  # each in $build/sanitize/ (named after the program: %b; written by
  # cmake/sanitize_leak_checks.cmake).
  export ASAN_OPTIONS="detect_leaks=0:include_if_exists=$build/sanitize/%b${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export LSAN_OPTIONS="suppressions=$top/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

  configure "$build" address,undefined
  cmake --build "$build" -j"$jobs"
  # Except in gdal_plugin_tests: it loads the plugin with dlopen (through GDAL),
  # whose thread_local (common/src/gdal_errors.cpp) is then dynamic TLS, and at
  # exit gcc 12's LeakSanitizer reads a bogus dynamic-TLS range of the OpenMP
  # workers still alive and dies ("Tracer caught signal 11", glibc 2.36; a
  # dlopen'ed library whose thread_local std::string an OpenMP worker set is
  # enough, with gcc 12 and clang 14 alike). Its tests keep ASan and UBSan; the
  # core they run is leak-checked through the CLI and the other test programs.
  echo "detect_leaks=0" > "$build/sanitize/gdal_plugin_tests"
  cd "$build"
  ctest --output-on-failure -j"$jobs" -E "$asan_excluded" "$@"
)

echo "== UBSan alone: $asan_excluded"
ubsan_build=${build}-ubsan
configure "$ubsan_build" undefined -DBUILD_GDAL_PLUGIN=OFF -DBUILD_QGIS_PROVIDER=OFF
cmake --build "$ubsan_build" -j"$jobs" --target tiledndvi scale_tests
cd "$ubsan_build"
# Without extra arguments the test must exist (a rename must not skip it
# silently); with them (e.g. -L gdal_plugin) it may fall outside the selection.
no_tests=error
[ $# -eq 0 ] || no_tests=ignore
ctest --output-on-failure --no-tests="$no_tests" -R "$asan_excluded" "$@"
