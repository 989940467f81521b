#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The command line is kea-dhcp4's (Kea ARM "Starting and Stopping the DHCPv4 Server"): -v/-V/-W print and exit 0; no -c, a bad
# flag, an out-of-range port → usage and exit 1; -t accepts every shipped config and rejects
# every file of the bad-config corpus with "file:line:col: ..." on stderr, including the Oasis
# load-balancing file as written (the misplaced 'heartbeat-delay' on line 41).
# No namespaces: nothing here opens a socket (-t never does).
#
# KAHU_SERVER=kea runs the generic flag checks against kea-dhcp4; the config-corpus checks are
# Kahu's (Kea's messages have another shape), so they run only for Kahu.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
KAHU_SERVER=${KAHU_SERVER:-kahu}
# The Oasis operators' Kea files, byte for byte.
OASIS=$KAHU_SOURCE/tests/data/oasis
case "$KAHU_SERVER" in
kea) BIN=${KEA_DHCP4:-/usr/sbin/kea-dhcp4} ;;
kahu) BIN=$KAHU_BUILD/core/kahu-dhcp4 ;;
*) fail "KAHU_SERVER must be kahu or kea" ;;
esac
[[ -x "$BIN" ]] || fail "server binary not found: $BIN"

TMP=$(mktemp -d /tmp/kahu-cli.XXXXXX)
cleanup() {
    local rc=$?
    rc=$(lab_exit_status "$rc")
    if ((rc != 0)); then echo "[$LAB_SCRIPT_NAME] kept $TMP" >&2; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
# -t must not touch a real PID or lock directory, whatever the implementation does.
export KEA_PIDFILE_DIR=$TMP KAHU_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP

# Runs the server with a 10 s guard; sets RC, OUT, ERR.
run() {
    set +e
    timeout 10 "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    set -e
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
    ((RC != 124)) || fail "'$(basename "$BIN") $*' still running after 10 s"
}

# --- version and reports ----------------------------------------------------------------------
run -v
assert_eq 0 "$RC" "-v exit status"
assert_match '^[0-9]+\.[0-9]+\.[0-9]+' "$OUT" "-v prints a version"
assert_eq 1 "$(wc -l <"$TMP/out")" "-v output lines (the version only)"
version=$OUT

run -V
assert_eq 0 "$RC" "-V exit status"
[[ -n "$OUT" ]] || fail "-V printed nothing on stdout"
assert_eq "$version" "$(head -n 1 "$TMP/out" | awk '{print $1}')" "-V first word (the version)"

run -W
assert_eq 0 "$RC" "-W exit status"
[[ -n "$OUT" ]] || fail "-W printed nothing on stdout"
log "ok: -W printed $(wc -l <"$TMP/out") lines"

# --- usage errors -------------------------------------------------------------------------------
run
assert_eq 1 "$RC" "exit status without -c"
assert_match 'Configuration file not specified\.' "$ERR" "message without -c"
assert_match 'Usage:' "$ERR" "usage without -c"

run -x
assert_eq 1 "$RC" "exit status of an unknown flag"
assert_match 'Usage:' "$ERR" "usage after an unknown flag"

run -c "$TMP/none.conf" extra-argument
assert_eq 1 "$RC" "exit status with an extraneous argument"
assert_match 'Usage:' "$ERR" "usage after an extraneous argument"

for flags in "-p 0" "-p 70000" "-p abc" "-P 0" "-P 70000"; do
    # shellcheck disable=SC2086  # the flag and its value are two words
    run $flags -c "$TMP/none.conf"
    assert_eq 1 "$RC" "exit status of $flags"
    assert_match '1-65535' "$ERR" "message of $flags names the range"
done

if [[ "$KAHU_SERVER" != kahu ]]; then
    pass
    exit 0
fi

# --- -t on the shipped configs -------------------------------------------------------------------
# The HA configs name Kea's hook paths (/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_*.so),
# which a Kahu that validates libraries on -t (as Kea does) cannot load: when -t fails on a
# hook library and only then, the same file without hooks-libraries must pass. The build's hook
# directory is the hooks directory: the mysql config needs libdhcp_mysql.so (loaded by itself).
for conf in "$KAHU_SOURCE"/config/kahu-dhcp4*.conf; do
    KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib run -t "$conf"
    if ((RC != 0)) && grep -qi 'hook' <<<"$ERR" && jq -e '.Dhcp4["hooks-libraries"]' "$conf" >/dev/null; then
        log "NOTE: -t $(basename "$conf") fails on its hook libraries (${ERR:0:200}); checking it without them"
        jq 'del(.Dhcp4["hooks-libraries"])' "$conf" >"$TMP/$(basename "$conf")"
        KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib run -t "$TMP/$(basename "$conf")"
    fi
    assert_eq 0 "$RC" "-t $(basename "$conf") exit status (stderr: ${ERR:0:300})"
done
# The agent's configuration (the one the kahu-ctrl-agent package installs).
if [[ $KAHU_SERVER == kahu ]]; then
    set +e
    "$KAHU_BUILD/core/kahu-ctrl-agent" -t "$KAHU_SOURCE/config/kahu-ctrl-agent.conf" 2>"$TMP/err"
    RC=$?
    set -e
    assert_eq 0 "$RC" "kahu-ctrl-agent -t kahu-ctrl-agent.conf exit status ($(head -c 300 "$TMP/err"))"
fi

# kahu-ctrl-agent and kahu-dhcp-ddns read the same flags (main/daemon_flags.cc), each with its
# own set: -v prints the same version, a flag it lacks or no -c gives its usage and 1.
server_bin=$BIN
for daemon in kahu-ctrl-agent kahu-dhcp-ddns; do
    BIN=$KAHU_BUILD/core/$daemon
    run -v
    assert_eq "0 $version" "$RC $OUT" "$daemon -v"
    run -p 67 -c "$TMP/none.conf"
    assert_eq 1 "$RC" "$daemon -p (kahu-dhcp4's flag only)"
    assert_match "Usage: $daemon" "$ERR" "$daemon usage after -p"
    run -d
    assert_eq 1 "$RC" "$daemon without -c"
    assert_match 'configuration file not specified' "$ERR" "$daemon message without -c"
done
BIN=$server_bin

# -t with -d says so (Kea: "Syntax check OK").
run -d -t "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
assert_eq 0 "$RC" "-d -t exit status"
assert_match 'Syntax check OK' "$OUT$ERR" "-d -t message"

# -t does not need the lease file, the socket or the PID directory: a config naming a lease
# file in a (data) directory that does not exist still checks OK (Kea's -t opens no database).
jq '.Dhcp4["lease-database"].name = "/nonexistent/dir/leases.csv"' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$TMP/nolease.conf"
KAHU_DHCP_DATA_DIR=/nonexistent/dir run -t "$TMP/nolease.conf"
assert_eq 0 "$RC" "-t with an unreachable lease file (stderr: ${ERR:0:300})"
[[ ! -e "$TMP/nolease.kahu-dhcp4.pid" ]] || fail "-t wrote a PID file"

# -t on a file that does not exist.
run -t "$TMP/missing.conf"
assert_eq 1 "$RC" "-t on a missing file"
assert_match 'missing\.conf' "$ERR" "-t on a missing file names it"

# --- -t on the bad-config corpus ------------------------------------------------------------------
# Each file's first line is "// expect: <text>"; stderr must hold "<path>:<line>:<col>: " (the
# file itself, or the included file the error is in) and that text, and the exit status must
# be 1. Include paths are relative to the working directory, as in Kea: run from the source.
cd "$KAHU_SOURCE"
n=0
for bad in "$KAHU_SOURCE"/tests/data/config/bad/*.json; do
    expect=$(sed -n '1s|^// expect: ||p' "$bad")
    run -t "$bad"
    name=$(basename "$bad")
    assert_eq 1 "$RC" "-t $name exit status"
    [[ "$ERR" =~ /bad/[^[:space:]/]+\.(json|inc):[0-9]+:[0-9]+:\  ]] ||
        fail "-t $name: stderr does not name the file as file:line:col: '$ERR'"
    [[ -z "$expect" || "$ERR" == *"$expect"* ]] ||
        fail "-t $name: stderr lacks '$expect': '$ERR'"
    n=$((n + 1))
done
log "ok: $n bad configs rejected with file:line:col"
((n >= 20)) || fail "bad-config corpus has only $n files"

# A file that does not exist as a Kahu bad file: the Oasis load-balancing config as written,
# with 'heartbeat-delay' at the hooks-libraries entry (line 41), not in its parameters.
as_written=$OASIS/kea-dhcp4-load-balancing-as-written.conf
[[ -f "$as_written" ]] || fail "$as_written missing"
run -t "$as_written"
assert_eq 1 "$RC" "-t as-written exit status"
assert_match "kea-dhcp4-load-balancing-as-written\.conf:41:[0-9]+: .*'heartbeat-delay'" "$ERR" \
    "-t as-written message"

# -c on a bad file: the server does not start, same message, exit 1.
run -c "$KAHU_SOURCE/tests/data/config/bad/missing_comma.json"
assert_eq 1 "$RC" "-c on a bad config exit status"
assert_match 'missing_comma\.json:3:5: ' "$ERR$OUT" "-c on a bad config message"

# Kea validates hook libraries on -t (open, version(); Kea's library_manager.cc): a library that does
# not exist fails the check, naming it. Last, so that the checks above run whatever this says.
jq '.Dhcp4["hooks-libraries"] = [{"library": "/nonexistent/libkahu_nothing.so"}]' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$TMP/nohook.conf"
run -t "$TMP/nohook.conf"
assert_eq 1 "$RC" "-t with a missing hook library exit status"
assert_match 'libkahu_nothing\.so' "$ERR" "-t with a missing hook library names it"

pass
