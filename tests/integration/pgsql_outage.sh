#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# PostgreSQL goes away under a serving Kahu (the seed kahu-dhcp4-pgsql.conf on the socket
# directory, a /21 pool):
#  1. stop-retry-exit (80 tries 250 ms apart) under relayed load (lib/dora_load.py in the
#     router, 50 new DORA exchanges per second for 16 s, 16 worker threads): PostgreSQL stopped
#     (pg_ctl stop -m fast) after 4 s: PGSQL_LEASE_DB_LOST, the service is off (no ACK, packets
#     not even counted, kahu_dhcp4_lease_store_up 0), PostgreSQL restarted:
#     PGSQL_LEASE_DB_RECOVERED, ACKs resume, the server still runs, and every (MAC, address)
#     the server ACKed is a lease4 row;
#  2. serve-retry-exit (10 tries 500 ms apart): PostgreSQL stopped for good, the service stays
#     on while reconnecting (relayed DISCOVERs counted), then the server exits with status 1.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/postgres.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu's on-fail handling"
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_pgsql.so" ]] || fail "libdhcp_pgsql.so not built"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
load="$(dirname "$0")/lib/dora_load.py"
flood="$(dirname "$0")/lib/dhcp_flood.py"

postgres_start
postgres_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init pgsql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$PG_PORT" >/dev/null

policy_config() { # on-fail tries wait-ms -> config path
    jq --arg p "$1" --argjson tries "$2" --argjson wait "$3" --arg host "$PG_SOCKET_DIR" \
        --argjson port "$PG_PORT" '
        .Dhcp4["lease-database"] += {"host": $host, "port": $port, "on-fail": $p,
                                     "max-reconnect-tries": $tries, "reconnect-wait-time": $wait}
        | .Dhcp4.subnet4[0].subnet = "172.18.8.0/21"
        | .Dhcp4.subnet4[0].pools = [{"pool": "172.18.8.1 - 172.18.15.200"}]
        | .Dhcp4.subnet4[0].reservations = []' \
        "$KAHU_SOURCE/config/kahu-dhcp4-pgsql.conf" >"$LAB_TMP/$1.conf"
    echo "$LAB_TMP/$1.conf"
}
ctrl() { printf '%s' "$1" | socat -t 10 - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl"; }
received() { # pkt4-received
    ctrl '{"command": "statistic-get", "arguments": {"name": "pkt4-received"}}' |
        jq -r '.arguments["pkt4-received"][0][0]'
}
store_up() { # kahu_dhcp4_lease_store_up, from the metrics the server serves
    ctrl '{"command": "metrics-get"}' | jq -r '.arguments.metrics' |
        awk 'index($1, "kahu_dhcp4_lease_store_up{") == 1 {print $2}'
}
lost_count() { grep -c PGSQL_LEASE_DB_LOST "$SERVER_LOG_srv1" || true; }
acks() { wc -l <"$LAB_TMP/acks.txt"; }

lab_oasis

# --- 1. stop-retry-exit under load.
start_server "$(policy_config stop-retry-exit 80 250)"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 1 "$(store_up)" "kahu_dhcp4_lease_store_up with the database there"
nsx rtr python3 "$load" 172.18.20.20 172.18.10.254 50 16 >"$LAB_TMP/acks.txt" 2>"$LAB_TMP/load.err" &
load_pid=$!
LAB_PIDS+=("$load_pid")
sleep 4
postgres_stop
log "PostgreSQL stopped"
wait_for 15 "the server to notice the outage" grep -q PGSQL_LEASE_DB_LOST "$SERVER_LOG_srv1"
sleep 2
acks_before=$(acks)
received_before=$(received)
assert_eq 0 "$(store_up)" "kahu_dhcp4_lease_store_up while the database is away"
sleep 1.5
assert_eq "$acks_before" "$(acks)" "ACKs while the database is away"
assert_eq "$received_before" "$(received)" "pkt4-received while the database is away (service disabled)"
postgres_restart
log "PostgreSQL restarted"
wait_for 30 "the reconnection" grep -q PGSQL_LEASE_DB_RECOVERED "$SERVER_LOG_srv1"
assert_eq 1 "$(store_up)" "kahu_dhcp4_lease_store_up once the database is back"
wait "$load_pid" || fail "the load generator failed: $(cat "$LAB_TMP/load.err")"
log "load: $(cat "$LAB_TMP/load.err")"
kill -0 "$SERVER_PID_srv1" || fail "the server exited although the database came back"
total=$(acks)
((acks_before >= 50)) || fail "only $acks_before ACKs before the outage"
((total >= acks_before + 50)) || fail "only $((total - acks_before)) ACKs after the outage"
log "ok: $acks_before ACKs before the outage, $total in all"

# Every ACKed address is in lease4 with the MAC that got it.
postgres_sql kea <<<"SELECT regexp_replace(encode(hwaddr, 'hex'), '(..)(?=.)', '\\1:', 'g') || ' ' ||
    host('0.0.0.0'::inet + address) FROM lease4" | sort >"$LAB_TMP/rows.txt"
awk '{print $2, $3}' "$LAB_TMP/acks.txt" | sort >"$LAB_TMP/acked.txt"
assert_eq "$total" "$(sort -u "$LAB_TMP/acked.txt" | wc -l)" "distinct (MAC, address) ACKed"
missing=$(comm -23 "$LAB_TMP/acked.txt" "$LAB_TMP/rows.txt")
assert_eq 0 "$(grep -c . <<<"$missing" || true)" "ACKed leases missing from lease4 ($(head -3 <<<"$missing" | tr '\n' ' '))"
assert_eq "$(wc -l <"$LAB_TMP/rows.txt")" "$(postgres_sql kea <<<'SELECT SUM(leases) FROM lease4_stat WHERE state = 0')" \
    "lease4_stat counts every row"
stop_server

# --- 2. serve-retry-exit: the service stays on while retrying, then the server exits.
start_server "$(policy_config serve-retry-exit 10 500)"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
lost_before=$(lost_count)
((lost_before >= 1)) || fail "no PGSQL_LEASE_DB_LOST logged in part 1"
postgres_stop
log "PostgreSQL stopped for good"
nsx rtr python3 "$flood" discover 172.18.20.20 172.18.10.254 20 >/dev/null
lost_again() { (($(lost_count) > lost_before)); }
wait_for 15 "the outage to be noticed" lost_again
before=$(received)
nsx rtr python3 "$flood" discover 172.18.20.20 172.18.10.254 20 >/dev/null
sleep 0.5
(($(received) >= before + 20)) || fail "serve-retry-exit: packets not processed while reconnecting"
log "ok: serve-retry-exit keeps the service on while reconnecting"
end=$((SECONDS + 30))
while kill -0 "$SERVER_PID_srv1" 2>/dev/null; do
    ((SECONDS < end)) || fail "serve-retry-exit: still running 30 s after the outage"
    sleep 0.5
done
set +e
wait "$SERVER_PID_srv1"
rc=$?
set -e
SERVER_PID_srv1=""
assert_eq 1 "$rc" "serve-retry-exit: exit status after the tries"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_RECONNECT_FAILED could not reconnect to .* after 10 tries \(on-fail serve-retry-exit\)" \
    "reason logged"
pass
