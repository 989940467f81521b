# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# Logging and assertions shared by every integration test (netns.bash sources it; tests that
# need no namespaces, like cli_flags.sh, source it alone). Needs LAB_SCRIPT_NAME; pass() clears
# LAB_FAILED, which the caller's EXIT trap reads; skip() exits with LAB_SKIP_STATUS.

LAB_SCRIPT_NAME=${LAB_SCRIPT_NAME:-$(basename "${0}")}
LAB_FAILED=${LAB_FAILED:-1}
LAB_SKIPPED=0
LAB_SKIP_STATUS=77 # ctest's SKIP_RETURN_CODE for these scripts (tests/CMakeLists.txt)

log() { printf '[%s %s] %s\n' "$LAB_SCRIPT_NAME" "$(date +%T)" "$*"; }

# ---------------------------------------------------------------------------------------------
# Assertions: each prints what was expected and what came, then fails the script.

fail() {
    printf '\nFAIL: %s\n' "$*" >&2
    exit 1
}

assert_eq() { # expected actual what
    [[ "$1" == "$2" ]] || fail "$3: expected '$1', got '$2'"
    log "ok: $3 = '$2'"
}

assert_ne() { # unexpected actual what
    [[ "$1" != "$2" ]] || fail "$3: expected anything but '$1', got it"
    log "ok: $3 = '$2' (not '$1')"
}

assert_match() { # regex actual what
    [[ "$2" =~ $1 ]] || fail "$3: expected to match /$1/, got '$2'"
    log "ok: $3: '${BASH_REMATCH[0]}'"
}

assert_ip_in_range() { # ip low high what  (dotted quads, same /24 or not: compared as numbers)
    local n lo hi
    n=$(ip_to_int "$1") lo=$(ip_to_int "$2") hi=$(ip_to_int "$3")
    ((n >= lo && n <= hi)) || fail "$4: expected an address in $2-$3, got '$1'"
    log "ok: $4 = $1 (in $2-$3)"
}

assert_file_has() { # file regex what
    grep -Eq -- "$2" "$1" || {
        echo "--- $1:" >&2
        cat "$1" >&2 || true
        fail "$3: expected a line matching /$2/ in $1"
    }
    log "ok: $3"
}

ip_to_int() {
    local IFS=. a b c d
    read -r a b c d <<<"$1"
    [[ -n "$d" ]] || { echo -1; return; }
    echo $(((a << 24) + (b << 16) + (c << 8) + d))
}

pass() {
    LAB_FAILED=0
    log "PASS"
}

# Ends the test as skipped: exit status 77, which ctest reports as "Skipped", never as passed.
# Only for what this machine or this run cannot check (KAHU_SERVER=kea on a Kahu-only test, a
# missing optional tool, no root); a missing part of the build is a fail.
skip() { # why
    printf '\nSKIP: %s\n' "$*"
    LAB_FAILED=0
    LAB_SKIPPED=1
    exit "$LAB_SKIP_STATUS"
}

# The status an EXIT trap exits with, from the one it caught: 0 without pass() is a failure,
# and so is 77 that did not come from skip() (a command that happened to exit 77).
lab_exit_status() { # caught-status
    local rc=$1
    if ((rc == LAB_SKIP_STATUS)); then
        ((LAB_SKIPPED)) && echo "$rc" || echo 1
    elif ((rc == 0)) && ((LAB_FAILED)); then
        echo 1
    else
        echo "$rc"
    fi
}

# Polls a command until it succeeds; fails the test after the timeout (seconds).
wait_for() { # timeout what command...
    local timeout=$1 what=$2
    shift 2
    local end=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < end)) || fail "timed out after ${timeout}s waiting for $what"
        sleep 0.2
    done
}
