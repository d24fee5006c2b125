#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) in build-fuzz/
# and runs each for FUZZ_SECONDS (default 60) from its seed corpus in
# fuzz/corpus/<target>/. Fails on the first crash, leak, UB or timeout; the
# input that caused it is left in build-fuzz/artifacts/ (add it to the seed
# corpus once fixed). New interesting inputs go to build-fuzz/corpus/<target>/,
# never into the repository.
#
# Usage: scripts/fuzz.sh [TARGET...]   (default: all three)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-$(nproc)}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(connection_string_fuzzer pixel_function_arguments_fuzzer cli_options_fuzzer)

"$top/scripts/install-deps.sh"
# Only what the fuzzers link: no tests, no plugin or provider modules.
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DBUILD_FUZZERS=ON -DBUILD_TESTING=OFF -DBUILD_GDAL_PLUGIN=OFF -DBUILD_QGIS_PROVIDER=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
  name=${target%_fuzzer}
  seeds="$top/fuzz/corpus/$target"
  [ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds" >&2; exit 1; }
  mkdir -p "$build/corpus/$target"
  dict=()
  [ -f "$top/fuzz/$name.dict" ] && dict=(-dict="$top/fuzz/$name.dict")
  echo "== $target: ${seconds} s from $(ls "$seeds" | wc -l) seeds"
  # The seeds first, as they are: a fixed crash must stay fixed.
  "$build/fuzz/$target" -runs=0 "$seeds" > "$build/$target.seeds.log" 2>&1 || {
    tail -n 60 "$build/$target.seeds.log" >&2
    echo "fuzz: $target FAILED on a seed of $seeds" >&2
    exit 1
  }
  "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" "${dict[@]}" "$build/corpus/$target" "$seeds" \
    > "$build/$target.log" 2>&1 || {
      tail -n 60 "$build/$target.log" >&2
      echo "fuzz: $target FAILED; the input is in $build/artifacts/ (log: $build/$target.log)" >&2
      exit 1
    }
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^Done' "$build/$target.log" || true
done
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
