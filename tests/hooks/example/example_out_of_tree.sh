#!/bin/bash
# SPDX-License-Identifier: MPL-2.0
# Installs the SDK into a temporary prefix, builds hooks/example against it out of tree, and
# runs the example's load test on the library it produced.
# Usage: example_out_of_tree.sh <kahu build dir> <example source dir> <work dir> <kahu_example_hook_tests>
set -euo pipefail
build=$1 source=$2 work=$3 tests=$4
rm -rf "$work"
mkdir -p "$work"
for component in core sdk; do
    cmake --install "$build" --prefix "$work/prefix" --component "$component"
done
test -f "$work/prefix/lib/cmake/Kahu/KahuConfig.cmake" \
    || test -n "$(find "$work/prefix" -name KahuConfig.cmake)"
cmake -S "$source" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$work/build" -j2
lib=$(find "$work/build" -name libdhcp_example.so | head -n1)
test -n "$lib"
KAHU_EXAMPLE_HOOK_DIR=$(dirname "$lib") "$tests" --gtest_filter='ExampleHook*'
