#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The operators' control path on a real kahu-dhcp4 (Oasis "Administration"): the real kea-shell
# and curl through kahu-ctrl-agent (the Oasis agent config, ports and socket path adjusted) to the
# server's unix socket, and socat straight to the socket. Checks what an operator relies on:
# status-get, list-commands, version-get, config-get with hash, statistic-get after a real client
# got a lease, dhcp-disable stopping service and dhcp-enable restoring it, a broken config-set
# leaving the running configuration serving, and shutdown.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "checks Kahu's own control channel"
for tool in socat curl kea-shell jq; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
AGENT=$KAHU_BUILD/core/kahu-ctrl-agent
PORT=$((21000 + $$ % 9000))

lab_oasis
lab_client_ns a 02:00:00:0a:00:41
lab_client_ns b 02:00:00:0a:00:42
start_server "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_relay 172.18.20.20
SOCK="$LAB_TMP/srv1-ctrl"
wait_for 10 "the control socket" test -S "$SOCK"

# The agent: the Oasis file with the port and socket path of this lab.
jq --arg sock "$SOCK" --argjson port "$PORT" \
    '.["Control-agent"]["http-host"] = "127.0.0.1" | .["Control-agent"]["http-port"] = $port
     | .["Control-agent"]["control-sockets"].dhcp4["socket-name"] = $sock
     | del(.["Control-agent"].loggers)' \
    "$KAHU_SOURCE/tests/data/oasis/kea-ctrl-agent-dhcp1.conf" >"$LAB_TMP/agent.conf"
KAHU_CONTROL_SOCKET_DIR="$LAB_TMP" "$AGENT" -c "$LAB_TMP/agent.conf" >"$LAB_TMP/agent.log" 2>&1 &
LAB_PIDS+=("$!")
wait_for 10 "kahu-ctrl-agent" curl -s -o /dev/null "http://127.0.0.1:$PORT/"

shell() { # command [arguments-inside-the-map]
    printf '%s' "${2:-}" | kea-shell --host 127.0.0.1 --port "$PORT" --service dhcp4 "$1"
}
direct() { # command-json
    printf '%s' "$1" | socat -t 5 - "UNIX-CONNECT:$SOCK"
}

# The agent's own commands (no "service"): config-test and config-reload of its file.
agent() { # command [arguments-inside-the-map]
    printf '%s' "${2:-}" | kea-shell --host 127.0.0.1 --port "$PORT" "$1"
}
assert_eq 0 "$(agent config-reload | jq '.[0].result')" "agent config-reload"
wait_for 10 "the agent after its reload" curl -s -o /dev/null "http://127.0.0.1:$PORT/"
good=$(jq -c '.["Control-agent"]' "$LAB_TMP/agent.conf")
assert_eq 0 "$(agent config-test "\"Control-agent\": $good" | jq '.[0].result')" \
    "agent config-test with its own configuration"
assert_eq 1 "$(agent config-test '"Control-agent": {"http-port": "x"}' | jq '.[0].result')" \
    "agent config-test with a broken configuration"

out=$(shell status-get)
assert_eq 0 "$(jq '.[0].result' <<<"$out")" "status-get result"
assert_eq "$SERVER_PID_srv1" "$(jq '.[0].arguments.pid' <<<"$out")" "status-get pid"
assert_eq true "$(jq '.[0].arguments["multi-threading-enabled"]' <<<"$out")" "multi-threading"
assert_eq '"ready"' "$(jq '.[0].arguments.sockets.status' <<<"$out")" "sockets status"
for key in uptime reload thread-pool-size packet-queue-size packet-queue-statistics; do
    assert_eq true "$(jq ".[0].arguments | has(\"$key\")" <<<"$out")" "status-get has $key"
done

out=$(shell list-commands)
for c in build-report config-get config-reload config-set config-test config-write \
    dhcp-disable dhcp-enable leases-reclaim list-commands shutdown status-get statistic-get \
    statistic-get-all version-get server-tag-get; do
    assert_eq true "$(jq --arg c "$c" '.[0].arguments | index($c) != null' <<<"$out")" \
        "list-commands has $c"
done

out=$(shell version-get)
assert_eq "\"$("$KAHU_BUILD/core/kahu-dhcp4" -v)\"" "$(jq '.[0].text' <<<"$out")" "version-get text"

out=$(shell config-get)
assert_eq 10 "$(jq '.[0].arguments.Dhcp4.subnet4[0].id' <<<"$out")" "config-get subnet id"
hash=$(jq -r '.[0].arguments.hash' <<<"$out")
assert_match '^[0-9A-F]{64}$' "$hash" "config-get hash"
assert_eq "\"$hash\"" "$(shell config-hash-get | jq '.[0].arguments.hash')" "config-hash-get"

# A real client, then the statistics an operator would read.
client_prepare a laptop-a
run_dhclient a || fail "dhclient got no lease"
out=$(curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"command":"statistic-get","service":["dhcp4"],"arguments":{"name":"pkt4-ack-sent"}}' \
    "http://127.0.0.1:$PORT/")
assert_eq 1 "$(jq '.[0].arguments["pkt4-ack-sent"][0][0]' <<<"$out")" "pkt4-ack-sent after one lease"
out=$(direct '{"command": "statistic-get", "arguments": {"name": "subnet[10].assigned-addresses"}}')
assert_eq 1 "$(jq '.arguments["subnet[10].assigned-addresses"][0][0]' <<<"$out")" \
    "assigned-addresses through the unix socket"

# dhcp-disable stops service; dhcp-enable restores it.
assert_eq 0 "$(shell dhcp-disable | jq '.[0].result')" "dhcp-disable"
client_prepare b laptop-b
if run_dhclient b; then fail "a client got a lease while the service was disabled"; fi
log "ok: no lease while disabled"
assert_eq 0 "$(shell dhcp-enable | jq '.[0].result')" "dhcp-enable"
run_dhclient b || fail "dhclient got no lease after dhcp-enable"
log "ok: lease after dhcp-enable"

# A broken config-set is refused and the running configuration keeps serving.
bad=$(jq -c '.Dhcp4 | .["valid-lifetime"] = "long"' "$LAB_TMP/srv1.conf")
out=$(shell config-set "\"Dhcp4\": $bad")
assert_eq 1 "$(jq '.[0].result' <<<"$out")" "config-set with a broken config"
assert_match "valid-lifetime" "$(jq -r '.[0].text' <<<"$out")" "config-set error names the key"
assert_eq "\"$hash\"" "$(shell config-hash-get | jq '.[0].arguments.hash')" "config unchanged"
dhclient_renew a || fail "renew after the refused config-set"
log "ok: still serving after the refused config-set"

# Unknown command and unknown top-level key, answered like Kea.
assert_eq 2 "$(direct '{"command": "no-such-command"}' | jq '.result')" "unknown command"
assert_eq 1 "$(direct '{"command": "status-get", "foo": 1}' | jq '.result')" "unsupported key"

out=$(shell shutdown)
assert_eq 0 "$(jq '.[0].result' <<<"$out")" "shutdown"
wait_for 5 "the server to exit" bash -c "! kill -0 $SERVER_PID_srv1 2>/dev/null"
pass
