#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Builds the Packet4 libFuzzer target with clang (the GCC-built libkahu_core.so cannot be linked
# into a sanitizer/libFuzzer binary, so packet4.cc is compiled in directly) and runs it for a
# bounded time over the seed corpus. Any crash, leak or sanitizer report fails the test.
# Usage: run_fuzzer.sh <source-dir> <work-dir> [seconds]
set -euo pipefail
src=$1
work=$2
seconds=${3:-20}

cxx=""
for c in clang++-14 clang++; do
    if command -v "$c" >/dev/null 2>&1; then
        cxx=$c
        break
    fi
done
if [[ -z $cxx ]]; then
    echo "FAIL: clang++ not found; the fuzz test needs clang 14 and libclang-rt-14-dev" >&2
    exit 1
fi

mkdir -p "$work/corpus" "$work/artifacts"
bin=$work/packet4_fuzzer
inputs=("$src/core/src/dhcp/packet4.cc" "$src/tests/fuzz/packet4_fuzzer.cc"
        "$src/core/include/kahu/dhcp/packet4.h")
rebuild=0
[[ -x $bin ]] || rebuild=1
for f in "${inputs[@]}"; do
    [[ $f -nt $bin ]] && rebuild=1
done
if ((rebuild)); then
    echo "building $bin with $cxx"
    "$cxx" -std=c++20 -O1 -g -fno-omit-frame-pointer \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$src/core/include" "$src/core/src/dhcp/packet4.cc" "$src/tests/fuzz/packet4_fuzzer.cc" \
        -o "$bin.tmp"
    mv "$bin.tmp" "$bin"
fi

# New inputs go to the work corpus; the seeds in the source tree stay read-only.
exec "$bin" "$work/corpus" "$src/tests/fuzz/corpus" -max_total_time="$seconds" -timeout=5 \
    -max_len=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/"
