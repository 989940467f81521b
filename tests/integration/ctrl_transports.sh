#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The control-channel transports as operators use them, on loopback and unix sockets under a
# temporary directory (no namespaces): socat against the unix socket (framing, two commands on
# one connection, garbage, huge input), curl against the HTTP and HTTPS listeners (basic auth
# right/wrong/missing, client certificate required and missing, Kea's content-type rule), and
# the real kea-shell and curl through kahu-ctrl-agent forwarding to a real kea-dhcp4 2.2.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
ECHO=$KAHU_BUILD/tests/core/control/echo_server/kahu-control-echo
AGENT=$KAHU_BUILD/core/kahu-ctrl-agent
SHELL_BIN=$KAHU_BUILD/core/kahu-shell
T=$(mktemp -d /tmp/kahu-ctrl.XXXXXX)
# The server writes only in its own directories: this run's.
export KAHU_DHCP_DATA_DIR=$T KAHU_LOG_FILE_DIR=$T KAHU_CONTROL_SOCKET_DIR=$T
PIDS=()
cleanup() {
    local rc=$?
    rc=$(lab_exit_status "$rc")
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if ((LAB_FAILED)); then
        for f in "$T"/*.log; do echo "--- $f"; tail -20 "$f"; done >&2
    fi
    [[ -n "${KAHU_KEEP:-}" ]] || rm -rf "$T"
    exit "$rc"
}
trap cleanup EXIT
for tool in socat curl openssl kea-shell /usr/sbin/kea-dhcp4; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
done
export KAHU_CONTROL_SOCKET_DIR=$T
# Ports from the pid so parallel runs do not collide.
P1=$((20000 + $$ % 10000)) P2=$((P1 + 1)) P3=$((P1 + 2)) P4=$((P1 + 3))

wait_for() { # what command...
    local what=$1; shift
    for _ in $(seq 50); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    fail "$what did not come up"
}

# --- certificates: a CA, a server certificate for 127.0.0.1, a client certificate ----------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=kahu-test-ca \
    -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null
for who in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$who" -keyout "$T/$who.key" \
        -out "$T/$who.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' >"$T/$who.ext"
    openssl x509 -req -in "$T/$who.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
        -days 2 -extfile "$T/$who.ext" -out "$T/$who.pem" 2>/dev/null
done

# --- the listeners, answering with an echo of each command --------------------------------
cat >"$T/echo.json" <<JSON
{"control-sockets": [
  {"socket-type": "unix", "socket-name": "$T/echo.sock"},
  {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": $P1,
   "authentication": {"type": "basic", "realm": "kahu-test",
                      "clients": [{"user": "admin", "password": "s3cret"}]},
   "http-headers": [{"name": "X-Kahu", "value": "yes"}]},
  {"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": $P2,
   "trust-anchor": "$T/ca.pem", "cert-file": "$T/server.pem", "key-file": "$T/server.key",
   "cert-required": true}
]}
JSON
"$ECHO" "$T/echo.json" >"$T/echo.log" 2>&1 &
PIDS+=($!)
wait_for "kahu-control-echo" grep -q ready "$T/echo.log"

log "unix socket with socat"
assert_eq 600 "$(stat -c %a "$T/echo.sock")" "socket file mode"
out=$(printf '{"command": "version-get"}' | socat -t 5 - UNIX-CONNECT:"$T/echo.sock")
assert_eq version-get "$(jq -r .arguments.command <<<"$out")" "one command answered"
out=$(printf '{"command": "a"}{"command": "b"}' | socat -t 5 - UNIX-CONNECT:"$T/echo.sock")
assert_eq a "$(jq -r .arguments.command <<<"$out")" "two commands: the first is answered"
assert_eq 1 "$(jq -s length <<<"$out")" "two commands: one answer, then closed"
out=$(printf 'this is not json' | socat -t 5 - UNIX-CONNECT:"$T/echo.sock")
assert_eq 1 "$(jq -r .result <<<"$out")" "garbage gets result 1"
out=$(printf '{"command": "x",}' | socat -t 5 - UNIX-CONNECT:"$T/echo.sock")
assert_eq 1 "$(jq -r .result <<<"$out")" "trailing comma gets result 1"
out=$( (printf '{"command": "x", "arguments": {"a": "'; head -c 2000000 /dev/zero | tr '\0' x;
        printf '"}}') | socat -t 5 - UNIX-CONNECT:"$T/echo.sock" 2>/dev/null || true)
assert_eq 1 "$(jq -r .result <<<"$out")" "2 MB command gets result 1"
out=$(printf '{"command": "still-alive"}' | socat -t 5 - UNIX-CONNECT:"$T/echo.sock")
assert_eq still-alive "$(jq -r .arguments.command <<<"$out")" "listener serves after abuse"

log "HTTP with basic auth"
URL=http://127.0.0.1:$P1/
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
assert_eq 401 "$(code -H 'Content-Type: application/json' -d '{"command":"x"}' "$URL")" \
    "missing credentials"
assert_eq 401 "$(code -u admin:wrong -H 'Content-Type: application/json' -d '{"command":"x"}' \
    "$URL")" "wrong password"
hdrs=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d '{}' "$URL")
assert_match 'WWW-Authenticate: Basic realm="kahu-test"' "$hdrs" "401 names the realm"
out=$(curl -s -u admin:s3cret -H 'Content-Type: application/json' -d '{"command":"status-get"}' \
    "$URL")
assert_eq status-get "$(jq -r '.[0].arguments.command' <<<"$out")" "right credentials: a list"
assert_eq 127.0.0.1 "$(jq -r '.[0].arguments["remote-address"]' <<<"$out")" "remote-address added"
assert_eq 400 "$(code -u admin:s3cret -H 'Content-Type: application/json; charset=utf-8' \
    -d '{"command":"x"}' "$URL")" "content type with parameters"
assert_eq 400 "$(code -u admin:s3cret "$URL")" "GET"
hdrs=$(curl -s -D - -o /dev/null -u admin:s3cret -H 'Content-Type: application/json' \
    -d '{"command":"x"}' "$URL")
assert_match 'X-Kahu: yes' "$hdrs" "http-headers are sent"

log "HTTPS with a required client certificate"
SURL=https://127.0.0.1:$P2/
out=$(curl -s --cacert "$T/ca.pem" --cert "$T/client.pem" --key "$T/client.key" \
    -H 'Content-Type: application/json' -d '{"command":"tls"}' "$SURL")
assert_eq tls "$(jq -r '.[0].arguments.command' <<<"$out")" "client certificate accepted"
if curl -s --cacert "$T/ca.pem" -H 'Content-Type: application/json' -d '{"command":"x"}' \
    "$SURL" >/dev/null 2>&1; then
    fail "a client without a certificate must be refused"
fi
log "ok: no client certificate, no answer"

# --- kahu-ctrl-agent forwarding to a real kea-dhcp4 2.2 -----------------------------------
log "kahu-ctrl-agent in front of kea-dhcp4"
cat >"$T/kea.conf" <<JSON
{"Dhcp4": {"interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": "$T/kea4.sock"},
  "lease-database": {"type": "memfile", "persist": false}, "subnet4": []}}
JSON
KEA_PIDFILE_DIR=$T KEA_LOCKFILE_DIR=$T /usr/sbin/kea-dhcp4 -c "$T/kea.conf" >"$T/kea.log" 2>&1 &
PIDS+=($!)
wait_for "kea-dhcp4" test -S "$T/kea4.sock"
cat >"$T/ca.conf" <<JSON
// comments are part of Kea's dialect
{"Control-agent": {"http-host": "127.0.0.1", "http-port": $P3,
  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "$T/kea4.sock"}},
  "authentication": {"type": "basic", "realm": "kea-control-agent",
                     "clients": [{"user": "op", "password": "pw"}]}}}
JSON
"$AGENT" -t "$T/ca.conf" || fail "kahu-ctrl-agent -t rejected a valid config"
printf '{"Control-agent": {"http-port": 1, "bogus": 2}}' >"$T/bad.conf"
err=$("$AGENT" -t "$T/bad.conf" 2>&1 || true)
assert_match 'bad.conf:1:[0-9]+.*bogus' "$err" "unknown key named with file:line:col"
"$AGENT" -c "$T/ca.conf" >"$T/agent.log" 2>&1 &
PIDS+=($!)
wait_for "kahu-ctrl-agent" curl -s "http://127.0.0.1:$P3/"

out=$(kea-shell --port "$P3" --auth-user op --auth-password pw --service dhcp4 version-get \
    </dev/null)
assert_eq 2.2.0 "$(jq -r '.[0].text' <<<"$out")" "kea-shell version-get through the agent"
out=$(echo '"name": "pkt4-received"' | kea-shell --port "$P3" --auth-user op --auth-password pw \
    --service dhcp4 statistic-get)
assert_eq 0 "$(jq -r '.[0].result' <<<"$out")" "kea-shell statistic-get with stdin arguments"
out=$(kea-shell --port "$P3" --auth-user op --auth-password wrong list-commands </dev/null 2>&1 \
    || true)
assert_match 'HTTP Error 401' "$out" "kea-shell with a wrong password"
out=$(curl -s -u op:pw -H 'Content-Type: application/json' \
    -d '{"command": "list-commands", "service": ["dhcp4"]}' "http://127.0.0.1:$P3/")
assert_eq 0 "$(jq -r '.[0].result' <<<"$out")" "curl list-commands forwarded"
out=$(curl -s -u op:pw -H 'Content-Type: application/json' \
    -d '{"command": "list-commands", "service": ["dhcp6"]}' "http://127.0.0.1:$P3/")
assert_eq "forwarding socket is not configured for the server type dhcp6" \
    "$(jq -r '.[0].text' <<<"$out")" "unconfigured service"
out=$("$SHELL_BIN" --port "$P3" --auth-user op --auth-password pw status-get </dev/null)
assert_match '"pid":' "$out" "kahu-shell status-get from the agent itself"

log "kahu-ctrl-agent over HTTPS with kea-shell --ca/--cert/--key"
cat >"$T/ca-tls.conf" <<JSON
{"Control-agent": {"http-host": "127.0.0.1", "http-port": $P4,
  "trust-anchor": "$T/ca.pem", "cert-file": "$T/server.pem", "key-file": "$T/server.key",
  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "$T/kea4.sock"}}}}
JSON
"$AGENT" -c "$T/ca-tls.conf" >"$T/agent-tls.log" 2>&1 &
PIDS+=($!)
wait_for "kahu-ctrl-agent (TLS)" grep -q CTRL_AGENT_HTTP_SERVICE_STARTED "$T/agent-tls.log"
out=$(kea-shell --host 127.0.0.1 --port "$P4" --ca "$T/ca.pem" --cert "$T/client.pem" \
    --key "$T/client.key" --service dhcp4 version-get </dev/null)
assert_eq 2.2.0 "$(jq -r '.[0].text' <<<"$out")" "kea-shell over HTTPS"
out=$("$SHELL_BIN" --port "$P4" --ca "$T/ca.pem" --cert "$T/client.pem" --key "$T/client.key" \
    --service dhcp4 version-get </dev/null)
assert_eq 2.2.0 "$(jq -r '.[0].text' <<<"$out")" "kahu-shell over HTTPS"
if "$SHELL_BIN" --port "$P4" --ca "$T/ca.pem" version-get </dev/null >/dev/null 2>&1; then
    fail "kahu-shell without a client certificate must be refused"
fi
log "ok: HTTPS agent refuses a client without a certificate"

pass
