#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Builds and runs Kahu's libFuzzer targets (docs/testing.md, "Fuzzing").
#
#   run_fuzzer.sh build <source-dir> <fuzz-build-dir>
#       Configures tests/fuzz as a project of its own with clang (ASan + UBSan + libFuzzer) in
#       <fuzz-build-dir> and builds every fuzzer there, through ccache when it is installed.
#   run_fuzzer.sh run <source-dir> <fuzz-build-dir> <target> [seconds] [work-dir] [libFuzzer flags...]
#       Runs <target>_fuzzer for `seconds` (default 20) over its seeds (tests/fuzz/corpus/<target>,
#       read-only). With a work dir, what it finds is kept in <work-dir>/<target>/corpus for the
#       next run; without one (the ctest runs: the same time every run, whatever came before)
#       it starts from the seeds in a scratch corpus. Any crash, leak, timeout or sanitizer
#       report fails it (libFuzzer exits non-zero) and leaves the input in
#       <work-dir or fuzz-build-dir>/artifacts/<target>/.
#   run_fuzzer.sh long <source-dir> <fuzz-build-dir> [seconds] [work-dir]
#       build, then run every target in turn for `seconds` each (default 3600), keeping the
#       corpus in the work dir (default <fuzz-build-dir>/work).
#
# KAHU_FUZZ_JOBS=n (long runs) fuzzes with n processes (libFuzzer -fork=n).
set -euo pipefail

usage() {
    sed -n '3,19p' "$0" >&2
    exit 2
}

find_clang() {
    for c in clang++-14 clang++; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return
        fi
    done
    echo "FAIL: clang++ not found; the fuzz tests need clang 14 and libclang-rt-14-dev" >&2
    exit 1
}

do_build() {
    local src build=$2
    src=$(cd "$1" && pwd) # ccache wants an absolute base directory
    local cxx
    cxx=$(find_clang)
    local args=(-S "$src/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER="$cxx")
    if command -v ninja >/dev/null 2>&1 && [[ ! -f $build/Makefile ]]; then
        args+=(-G Ninja)
    fi
    if command -v ccache >/dev/null 2>&1; then
        args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
        # As tools/run-tests: the cache lives outside the checkout and hits from any clone.
        if [[ -z ${CCACHE_DIR:-} ]] &&
            { [[ -w /var/cache/kahu-ccache ]] || [[ ! -e /var/cache/kahu-ccache && -w /var/cache ]]; }; then
            export CCACHE_DIR=/var/cache/kahu-ccache
        fi
        export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$src}
        export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
    fi
    local start=$SECONDS
    cmake "${args[@]}" >/dev/null
    nice -n 10 cmake --build "$build" -j"$(nproc)"
    echo "fuzzers built in $((SECONDS - start)) s in $build"
}

do_run() {
    local src=$1 build=$2 target=$3 seconds=${4:-20} work=${5:-}
    if [[ $work == -* ]]; then # no work dir, libFuzzer flags follow
        work=""
        shift 4
    else
        shift $(($# < 5 ? $# : 5))
    fi
    local bin=$build/${target}_fuzzer
    if [[ ! -x $bin ]]; then
        echo "FAIL: $bin not built (run: $0 build $src $build)" >&2
        exit 1
    fi
    local seeds=$src/tests/fuzz/corpus/$target
    local corpus artifacts scratch=""
    if [[ -n $work ]]; then
        corpus=$work/$target/corpus
        artifacts=$work/artifacts/$target
    else
        scratch=$(mktemp -d "${TMPDIR:-/tmp}/kahu-fuzz-$target.XXXXXX")
        trap "rm -rf '$scratch'" EXIT # expanded now: scratch is local
        corpus=$scratch
        artifacts=$build/artifacts/$target
    fi
    mkdir -p "$corpus" "$artifacts"
    local flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                 -artifact_prefix="$artifacts/")
    local dict=$src/tests/fuzz/dict/${target/packet4/dhcp4}.dict # packet4 shares dhcp4's
    [[ -f $dict ]] && flags+=(-dict="$dict")
    if [[ ${KAHU_FUZZ_JOBS:-1} -gt 1 ]]; then
        flags+=(-fork="$KAHU_FUZZ_JOBS")
    fi
    # Leaks are fatal (libFuzzer's default with ASan), as is any UBSan report.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
    # New inputs go to the first directory; the seeds in the source tree stay read-only.
    "$bin" "${flags[@]}" "$@" "$corpus" "$seeds"
}

cmd=${1:-}
[[ $# -ge 3 ]] || usage
case $cmd in
build)
    do_build "$2" "$3"
    ;;
run)
    [[ $# -ge 4 ]] || usage
    src=$2 build=$3 target=$4
    shift 4
    do_run "$src" "$build" "$target" "$@"
    ;;
long)
    src=$2 build=$3 seconds=${4:-3600} work=${5:-$3/work}
    do_build "$src" "$build"
    for main in "$src"/tests/fuzz/*_fuzzer.cc; do # one target per <name>_fuzzer.cc
        t=$(basename "$main" _fuzzer.cc)
        echo "=== $t: ${seconds} s"
        nice -n 10 bash "$0" run "$src" "$build" "$t" "$seconds" "$work"
    done
    ;;
*)
    usage
    ;;
esac
