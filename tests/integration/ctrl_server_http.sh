#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# kahu-dhcp4's own HTTP control socket (Kea 3.0 "control-sockets" with an "http" entry and basic
# authentication), driven by the real kea-shell and curl with no agent in between: commands are
# answered in the agent's list shape, the configuration hash matches the unix socket's, a wrong
# or missing password gets 401, Kea's content-type rule holds, and shutdown stops the server.
# Loopback only: "interfaces": [] opens no DHCP socket.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
KAHU=$KAHU_BUILD/core/kahu-dhcp4
for tool in curl socat kea-shell jq; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
T=$(mktemp -d /tmp/kahu-http.XXXXXX)
# The server writes only in its own directories: this run's.
export KAHU_DHCP_DATA_DIR=$T KAHU_LOG_FILE_DIR=$T KAHU_CONTROL_SOCKET_DIR=$T
PID=
cleanup() {
    local rc=$?
    rc=$(lab_exit_status "$rc")
    [[ -n "$PID" ]] && kill "$PID" 2>/dev/null || true
    wait 2>/dev/null || true
    ((rc == 0)) || tail -20 "$T/kahu.log" >&2 || true
    [[ -n "${KAHU_KEEP:-}" ]] || rm -rf "$T"
    exit "$rc"
}
trap cleanup EXIT
PORT=$((31000 + $$ % 9000))

cat >"$T/kahu.conf" <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-sockets": [
    {"socket-type": "unix", "socket-name": "$T/kahu4.sock"},
    {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": $PORT,
     "authentication": {"type": "basic", "realm": "kahu-test",
                        "clients": [{"user": "admin", "password": "s3cret"}]}}
  ],
  "lease-database": {"type": "memfile", "name": "$T/leases.csv"},
  "subnet4": [{"id": 1, "subnet": "10.1.0.0/24", "pools": [{"pool": "10.1.0.10-10.1.0.20"}]}],
  "loggers": [{"name": "kea-dhcp4", "output-options": [{"output": "stdout"}], "severity": "INFO"}]
}}
JSON
KAHU_PIDFILE_DIR=$T KAHU_CONTROL_SOCKET_DIR=$T "$KAHU" -c "$T/kahu.conf" >"$T/kahu.log" 2>&1 &
PID=$!
wait_for 10 "the HTTP control socket" curl -s -o /dev/null "http://127.0.0.1:$PORT/"

post() { # body [curl options...]
    local body=$1
    shift
    curl -s -X POST -H 'Content-Type: application/json' -d "$body" "$@" "http://127.0.0.1:$PORT/"
}
code() { # body [curl options...]
    local body=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        -d "$body" "$@" "http://127.0.0.1:$PORT/"
}

out=$(post '{"command": "status-get"}' -u admin:s3cret)
assert_eq 0 "$(jq '.[0].result' <<<"$out")" "status-get over HTTP (answer list)"
assert_eq "$PID" "$(jq '.[0].arguments.pid' <<<"$out")" "status-get pid"

out=$(printf '' | kea-shell --host 127.0.0.1 --port "$PORT" --auth-user admin \
    --auth-password s3cret config-hash-get)
http_hash=$(jq -r '.[0].arguments.hash' <<<"$out")
unix_hash=$(printf '{"command": "config-hash-get"}' | socat -t 5 - "UNIX-CONNECT:$T/kahu4.sock" |
    jq -r '.arguments.hash')
assert_match '^[0-9A-F]{64}$' "$http_hash" "config-hash-get through kea-shell"
assert_eq "$unix_hash" "$http_hash" "same configuration hash on the unix and HTTP sockets"

out=$(printf '"name": "pkt4-received"' | kea-shell --host 127.0.0.1 --port "$PORT" \
    --auth-user admin --auth-password s3cret statistic-get)
assert_eq 0 "$(jq '.[0].arguments["pkt4-received"][0][0]' <<<"$out")" "statistic-get with arguments"

assert_eq 401 "$(code '{"command": "status-get"}' -u admin:wrong)" "wrong password"
assert_eq 401 "$(code '{"command": "status-get"}')" "missing credentials"
assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' -u admin:s3cret -X POST \
    -H 'Content-Type: application/json; charset=utf-8' -d '{"command": "status-get"}' \
    "http://127.0.0.1:$PORT/")" "content type with a parameter (Kea: 400)"

out=$(post '{"command": "shutdown"}' -u admin:s3cret)
assert_eq 0 "$(jq '.[0].result' <<<"$out")" "shutdown over HTTP"
wait_for 5 "the server to exit" bash -c "! kill -0 $PID 2>/dev/null"
PID=
pass
