#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The same control commands against the real Kea 2.2 and Kahu, on equivalent configs, answer
# with the same shapes: result code, "text" present or not, and the keys of "arguments" (values
# ignored). Documented differences sit on the allow-list in lib/ctrl_shapes.py, one reason each.
# Then Kahu only: SIGHUP and config-reload pick up the same edit of the config file.
# No namespaces: "interfaces": [] opens no DHCP socket, only the unix control sockets.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/loopback.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
KEA_DHCP4=${KEA_DHCP4:-/usr/sbin/kea-dhcp4}
KAHU=$KAHU_BUILD/core/kahu-dhcp4
for tool in socat jq python3; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
[[ -x "$KEA_DHCP4" ]] || fail "kea-dhcp4 not found: $KEA_DHCP4"
[[ -x "$KAHU" ]] || fail "kahu-dhcp4 not found: $KAHU"

loopback_setup shapes

config() { # name valid-lifetime -> the config file's text
    cat <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": "$TMP/$1.sock"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$TMP/$1.leases.csv"},
  "valid-lifetime": $2,
  "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
               "pools": [{"pool": "192.0.2.100 - 192.0.2.200"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "$TMP/$1.log"}],
               "severity": "INFO"}]
}}
JSON
}
config kea 3600 >"$TMP/kea.conf"
config kahu 3600 >"$TMP/kahu.conf"

KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP "$KEA_DHCP4" -c "$TMP/kea.conf" >"$TMP/kea.out" 2>&1 &
KEA_PID=$!
PIDS+=("$KEA_PID")
KAHU_PIDFILE_DIR=$TMP KAHU_CONTROL_SOCKET_DIR=$TMP "$KAHU" -c "$TMP/kahu.conf" \
    >"$TMP/kahu.out" 2>&1 &
KAHU_PID=$!
PIDS+=("$KAHU_PID")
wait_for 10 "Kea's control socket" test -S "$TMP/kea.sock"
wait_for 10 "Kahu's control socket" test -S "$TMP/kahu.sock"

python3 "$(dirname "$0")/lib/ctrl_shapes.py" "$TMP/kea.sock" "$TMP/kahu.sock" "$TMP" ||
    fail "control answers of Kea and Kahu differ in shape (table above)"

# Both got "shutdown" last: each must exit.
wait_for 10 "Kea exits after shutdown" bash -c "! kill -0 $KEA_PID 2>/dev/null"
wait_for 10 "Kahu exits after shutdown" bash -c "! kill -0 $KAHU_PID 2>/dev/null"
log "ok: both servers exited after shutdown"

# Kahu: SIGHUP and config-reload are the same reload of the file.
KAHU_PIDFILE_DIR=$TMP KAHU_CONTROL_SOCKET_DIR=$TMP "$KAHU" -c "$TMP/kahu.conf" \
    >"$TMP/kahu2.out" 2>&1 &
KAHU_PID=$!
PIDS+=("$KAHU_PID")
wait_for 10 "Kahu's control socket" bash -c \
    "printf '{\"command\":\"status-get\"}' | socat -t 5 - UNIX-CONNECT:$TMP/kahu.sock | grep -q result"
lifetime() {
    printf '{"command":"config-get"}' | socat -t 5 - "UNIX-CONNECT:$TMP/kahu.sock" |
        jq '.arguments.Dhcp4["valid-lifetime"]'
}
wait_lifetime() { # expected: SIGHUP reloads asynchronously
    local end=$((SECONDS + 10))
    until [[ "$(lifetime)" == "$1" ]]; do
        ((SECONDS < end)) || fail "SIGHUP: valid-lifetime still $(lifetime), expected $1"
        sleep 0.2
    done
}
assert_eq 3600 "$(lifetime)" "valid-lifetime at start"
config kahu 1200 >"$TMP/kahu.conf"
kill -HUP "$KAHU_PID"
wait_lifetime 1200
assert_eq 1200 "$(lifetime)" "valid-lifetime after SIGHUP"
config kahu 900 >"$TMP/kahu.conf"
out=$(printf '{"command":"config-reload"}' | socat -t 5 - "UNIX-CONNECT:$TMP/kahu.sock")
assert_eq 0 "$(jq '.result' <<<"$out")" "config-reload result"
assert_eq 900 "$(lifetime)" "valid-lifetime after config-reload"
# Back the other way: the same edit through each path gives the same running config.
config kahu 1200 >"$TMP/kahu.conf"
out=$(printf '{"command":"config-reload"}' | socat -t 5 - "UNIX-CONNECT:$TMP/kahu.sock")
by_command=$(printf '{"command":"config-get"}' | socat -t 5 - "UNIX-CONNECT:$TMP/kahu.sock" |
    jq -S '.arguments.Dhcp4')
config kahu 900 >"$TMP/kahu.conf"
kill -HUP "$KAHU_PID"
wait_lifetime 900
config kahu 1200 >"$TMP/kahu.conf"
kill -HUP "$KAHU_PID"
wait_lifetime 1200
by_signal=$(printf '{"command":"config-get"}' | socat -t 5 - "UNIX-CONNECT:$TMP/kahu.sock" |
    jq -S '.arguments.Dhcp4')
[[ "$by_command" == "$by_signal" ]] ||
    fail "config-get after config-reload differs from config-get after SIGHUP:
$(diff <(echo "$by_command") <(echo "$by_signal"))"
log "ok: config-get after config-reload equals config-get after SIGHUP"
kill -TERM "$KAHU_PID"
pass
