#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# What pgsql_outage.sh leaves out (it covers stop-retry-exit and serve-retry-exit), as
# mysql_on_fail.sh and the end of mysql_outage.sh do for MariaDB; PostgreSQL 15 from
# lib/postgres.bash, the server on the socket directory, dhclients through dhcrelay:
#  1. serve-retry-continue (6 tries 500 ms apart): PostgreSQL stopped under a serving server:
#     PGSQL_LEASE_DB_LOST, the service stays on (relayed DISCOVERs counted), the store reported
#     down (kahu_dhcp4_lease_store_up 0); after the tries PGSQL_LEASE_DB_RECONNECT_FAILED and the
#     server keeps running; PostgreSQL restarted: a new client gets a lease that is a lease4 row;
#  2. retry-on-startup (40 tries 500 ms apart): a server started while PostgreSQL is down logs
#     PGSQL_LEASE_DB_STARTUP_RETRY, waits for it, opens the table with the leases of before and
#     serves a new client.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/postgres.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu's on-fail handling"
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_pgsql.so" ]] || fail "libdhcp_pgsql.so not built"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
flood="$(dirname "$0")/lib/dhcp_flood.py"
ctrl() { printf '%s' "$1" | socat -t 10 - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl"; }
received() {
    ctrl '{"command": "statistic-get", "arguments": {"name": "pkt4-received"}}' |
        jq -r '.arguments["pkt4-received"][0][0]'
}
store_up() { # kahu_dhcp4_lease_store_up, from the metrics the server serves
    ctrl '{"command": "metrics-get"}' | jq -r '.arguments.metrics' |
        awk 'index($1, "kahu_dhcp4_lease_store_up{") == 1 {print $2}'
}
discovers() { nsx rtr python3 "$flood" discover 172.18.20.20 172.18.10.254 20 >/dev/null; sleep 0.5; }
policy_config() { # name jq-additions-to-lease-database -> config path
    jq --arg host "$PG_SOCKET_DIR" --argjson port "$PG_PORT" \
        ".Dhcp4[\"lease-database\"] += {\"host\": \$host, \"port\": \$port} + $2" \
        "$KAHU_SOURCE/config/kahu-dhcp4-pgsql.conf" >"$LAB_TMP/$1.conf"
    echo "$LAB_TMP/$1.conf"
}
row_count() { # address -> lease4 rows for it
    postgres_sql kea <<<"SELECT count(*) FROM lease4 WHERE address = $(ip_to_int "$1")"
}

postgres_start
postgres_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init pgsql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$PG_PORT" >/dev/null
lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:81
lab_client_ns cli-b 02:00:00:0a:00:82
lab_client_ns cli-c 02:00:00:0a:00:83
lab_client_ns cli-d 02:00:00:0a:00:84
start_relay 172.18.20.20

# --- 1. serve-retry-continue
start_server "$(policy_config continue '{"on-fail": "serve-retry-continue",
    "max-reconnect-tries": 6, "reconnect-wait-time": 500}')"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_OPENED .*: schema 13.0, on-fail serve-retry-continue" \
    "the store opened with serve-retry-continue"
run_dhclient cli-a || fail "cli-a got no lease"
addr_a=$(client_var cli-a new_ip_address)
assert_eq 1 "$(row_count "$addr_a")" "cli-a's lease is a row"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 1 "$(store_up)" "kahu_dhcp4_lease_store_up with the database there"
postgres_stop
log "PostgreSQL stopped"
DHCLIENT_TIMEOUT=15 run_dhclient cli-b >/dev/null 2>&1 & # its exchange finds the database gone
LAB_PIDS+=("$!")
wait_for 10 "the outage to be noticed" grep -q PGSQL_LEASE_DB_LOST "$SERVER_LOG_srv1"
before=$(received)
discovers
after=$(received)
((after >= before + 20)) ||
    fail "serve-retry-continue: packets not processed while reconnecting ($before, then $after)"
log "ok: serve-retry-continue keeps the service on while reconnecting (pkt4-received $before -> $after)"
assert_eq 0 "$(store_up)" "kahu_dhcp4_lease_store_up while the database is away"
wait_for 15 "the tries to run out" grep -q PGSQL_LEASE_DB_RECONNECT_FAILED "$SERVER_LOG_srv1"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_RECONNECT_FAILED could not reconnect to postgresql://kea@$PG_SOCKET_DIR:$PG_PORT/kea after 6 tries \(on-fail serve-retry-continue\)" \
    "the tries ran out"
sleep 1
kill -0 "$SERVER_PID_srv1" || fail "serve-retry-continue: the server exited"
log "ok: serve-retry-continue keeps running after the tries"
before=$(received)
discovers
(($(received) >= before + 20)) || fail "serve-retry-continue: packets not processed after the tries"
log "ok: the service is still on after the tries"
postgres_restart
log "PostgreSQL restarted"
run_dhclient cli-c || fail "no lease once the database is back (serve-retry-continue)"
addr_c=$(client_var cli-c new_ip_address)
assert_ne "$addr_a" "$addr_c" "cli-c's address"
assert_eq 1 "$(row_count "$addr_c")" "the lease after the outage is a row"
assert_eq 1 "$(store_up)" "kahu_dhcp4_lease_store_up once the database is back and used"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_RECOVERED reconnected to" "the loss ended"
stop_server

# --- 2. retry-on-startup: a server started before PostgreSQL waits for it.
leases_before=$(postgres_sql kea <<<'SELECT count(*) FROM lease4')
postgres_stop
(sleep 3; _postgres_run) &
start_server "$(policy_config startup '{"retry-on-startup": true, "max-reconnect-tries": 40,
    "reconnect-wait-time": 500}')"
PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid") # started by the subshell: stop it at exit
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_STARTUP_RETRY cannot connect to postgresql://kea@$PG_SOCKET_DIR:$PG_PORT/kea: .*retry-on-startup: try 1 of 40 in 500 ms" \
    "the start-up waited for the database"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_LEASE_DB opening postgresql lease database: PostgreSQL backend 13.0.*\($leases_before leases\)" \
    "then opened it with the $leases_before leases of before"
run_dhclient cli-d || fail "cli-d got no lease from the server that waited"
addr_d=$(client_var cli-d new_ip_address)
assert_eq 1 "$(row_count "$addr_d")" "cli-d's lease is a row"
assert_eq 1 "$(row_count "$addr_a")" "cli-a's lease is still a row"
pass
