#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A config-set that moves or removes the control socket is answered on the connection it came
# in on, before the old socket goes away (as Kea does): the operator's tool gets "result": 0,
# the new socket (or HTTP port) answers, the old path is gone. Runs with the real Kea 2.2 too
# (KAHU_SERVER=kea). Loopback only: the server has no interfaces.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/loopback.bash"
loopback_setup ctrl-move
command -v socat >/dev/null || fail "socat not installed"
command -v curl >/dev/null || fail "curl not installed"

server=${KAHU_SERVER:-kahu}
if [[ $server == kea ]]; then
    bin=/usr/sbin/kea-dhcp4
else
    bin=${KAHU_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}/core/kahu-dhcp4
fi
[[ -x $bin ]] || fail "server binary not found: $bin"
PORT=$((23000 + $$ % 9000))

config() { # socket-entry-json
    jq -n --arg leases "$TMP/leases4.csv" --argjson sock "$1" '{Dhcp4: {
        "interfaces-config": {interfaces: []},
        "lease-database": {type: "memfile", name: $leases},
        "control-socket": $sock,
        subnet4: [{id: 1, subnet: "192.0.2.0/24", pools: [{pool: "192.0.2.10 - 192.0.2.20"}]}]}}'
}
config "{\"socket-type\": \"unix\", \"socket-name\": \"$TMP/ctrl-a\"}" >"$TMP/dhcp4.conf"
KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP KAHU_PIDFILE_DIR=$TMP \
    "$bin" -c "$TMP/dhcp4.conf" >"$TMP/server.log" 2>&1 &
PIDS+=("$!")
wait_for 10 "the control socket" test -S "$TMP/ctrl-a"

ask() { # socket json -> the answer text
    printf '%s' "$2" | socat -t 5 - "UNIX-CONNECT:$1"
}
set_config() { # socket new-socket-entry-json -> answer
    ask "$1" "$(jq -cn --argjson c "$(config "$2")" '{command: "config-set", arguments: $c}')"
}

# --- move the unix socket: a -> b -------------------------------------------------------------
answer=$(set_config "$TMP/ctrl-a" "{\"socket-type\": \"unix\", \"socket-name\": \"$TMP/ctrl-b\"}")
log "config-set over ctrl-a answered: $answer"
assert_eq 0 "$(jq -r .result <<<"$answer")" "config-set moving the socket: result"
wait_for 10 "the new control socket" test -S "$TMP/ctrl-b"
assert_eq 0 "$(ask "$TMP/ctrl-b" '{"command": "version-get"}' | jq -r .result)" "version-get on ctrl-b"
wait_for 10 "the old socket to go" test ! -e "$TMP/ctrl-a"

if [[ $server == kahu ]]; then
    # --- move to HTTP and back: the HTTP client gets its answer too ----------------------------
    answer=$(set_config "$TMP/ctrl-b" "{\"socket-type\": \"http\", \"socket-address\": \"127.0.0.1\", \"socket-port\": $PORT}")
    assert_eq 0 "$(jq -r .result <<<"$answer")" "config-set moving to HTTP: result"
    wait_for 10 "the HTTP listener" curl -s -o /dev/null "http://127.0.0.1:$PORT/"
    body=$(jq -cn --argjson c "$(config "{\"socket-type\": \"unix\", \"socket-name\": \"$TMP/ctrl-c\"}")" \
        '{command: "config-set", arguments: $c}')
    answer=$(curl -s --max-time 10 -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/")
    log "config-set over HTTP answered: $answer"
    assert_eq 0 "$(jq -r '.[0].result // .result' <<<"$answer")" "config-set over HTTP moving back to unix: result"
    wait_for 10 "ctrl-c" test -S "$TMP/ctrl-c"
    wait_for 15 "the HTTP port to close" bash -c "! curl -s -o /dev/null http://127.0.0.1:$PORT/"
    cur="$TMP/ctrl-c"
else
    cur="$TMP/ctrl-b"
fi

# --- remove the control socket altogether ------------------------------------------------------
answer=$(ask "$cur" "$(jq -cn --argjson c "$(config null | jq 'del(.Dhcp4["control-socket"])')" \
    '{command: "config-set", arguments: $c}')")
log "config-set removing the socket answered: $answer"
assert_eq 0 "$(jq -r .result <<<"$answer")" "config-set removing the socket: result"
wait_for 10 "the socket to go" test ! -e "$cur"
kill -0 "${PIDS[0]}" 2>/dev/null || fail "the server exited"
pass
