#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The database goes away under a serving Kahu (on-fail stop-retry-exit, 20 tries 500 ms
# apart): the next write fails, DHCP service is disabled (packets are not even counted),
# MariaDB comes back, Kahu reconnects, enables the service, and the waiting client gets its
# lease; every address a client was ACKed is a row in lease4. Then MariaDB stays away: after
# the tries Kahu exits with status 1. Finally retry-on-startup: a server started before
# MariaDB waits for it.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu's on-fail handling"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
mariadb_start
mariadb_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init mysql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$MARIADB_PORT" >/dev/null
flood="$(dirname "$0")/lib/dhcp_flood.py"
received() { # pkt4-received from the control socket
    printf '{"command": "statistic-get", "arguments": {"name": "pkt4-received"}}' |
        socat - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" | jq -r '.arguments["pkt4-received"][0][0]'
}
store_up() { # kahu_dhcp4_lease_store_up, from the metrics the server serves
    printf '{"command": "metrics-get"}' | socat - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" |
        jq -r '.arguments.metrics' | awk 'index($1, "kahu_dhcp4_lease_store_up{") == 1 {print $2}'
}
discovers() { nsx rtr python3 "$flood" discover 172.18.20.20 172.18.10.254 50 >/dev/null; sleep 0.5; }

jq '.Dhcp4["lease-database"] += {"max-reconnect-tries": 20, "reconnect-wait-time": 500,
                                 "on-fail": "stop-retry-exit"}' \
    "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$LAB_TMP/outage.conf"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:61
lab_client_ns cli-b 02:00:00:0a:00:62
lab_client_ns cli-c 02:00:00:0a:00:63
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/outage.conf"
start_relay 172.18.20.20
run_dhclient cli-a || fail "cli-a got no lease"
addr_a=$(client_var cli-a new_ip_address)
assert_eq 1 "$(store_up)" "kahu_dhcp4_lease_store_up with the database there"

# Outage with recovery.
mariadb_stop
log "MariaDB stopped"
run_dhclient cli-b &
client_b=$!
wait_for 30 "the server to notice the outage" grep -q MYSQL_LEASE_DB_LOST "$SERVER_LOG_srv1"
assert_eq 0 "$(store_up)" "kahu_dhcp4_lease_store_up while the database is away"
# stop-retry-exit: the service is off while reconnecting; packets are not even counted.
before=$(received)
discovers
assert_eq "$before" "$(received)" "pkt4-received while the database is away (service disabled)"
mariadb_restart
log "MariaDB restarted"
wait_for 15 "the reconnection" grep -q MYSQL_LEASE_DB_RECOVERED "$SERVER_LOG_srv1"
assert_eq 1 "$(store_up)" "kahu_dhcp4_lease_store_up once the database is back"
wait "$client_b" || fail "cli-b got no lease after the database came back"
addr_b=$(client_var cli-b new_ip_address)
assert_ip_in_range "$addr_b" 172.18.10.100 172.18.10.200 "cli-b's address"
for a in "$addr_a" "$addr_b"; do
    assert_eq 1 "$(mariadb_sql kea <<<"SELECT COUNT(*) FROM lease4 WHERE address = $(ip_to_int "$a")")" \
        "ACKed address $a is in lease4"
done
kill -0 "$SERVER_PID_srv1" || fail "the server exited although the database came back"
before=$(received)
discovers
(($(received) >= before + 50)) || fail "service not enabled again after the recovery"
log "ok: service enabled again after the recovery"

# Outage without recovery: stop-retry-exit ends the server after 20 tries.
mariadb_stop
log "MariaDB stopped for good"
run_dhclient cli-c &
LAB_PIDS+=("$!")
wait_for 30 "the second outage to be noticed" \
    bash -c "[[ \$(grep -c MYSQL_LEASE_DB_LOST '$SERVER_LOG_srv1') -ge 2 ]]"
end=$((SECONDS + 30))
while kill -0 "$SERVER_PID_srv1" 2>/dev/null; do
    ((SECONDS < end)) || fail "the server still runs 30 s after the database went away"
    sleep 0.5
done
set +e
wait "$SERVER_PID_srv1"
rc=$?
set -e
assert_eq 1 "$rc" "exit status after the tries ran out"
assert_file_has "$SERVER_LOG_srv1" "MYSQL_LEASE_DB_RECONNECT_FAILED.*20 tries" "reason logged"
SERVER_PID_srv1=""

# retry-on-startup: a server started while MariaDB is still down waits for it (tries 40 x 500 ms).
jq '.Dhcp4["lease-database"] += {"retry-on-startup": true, "max-reconnect-tries": 40}' \
    "$LAB_TMP/outage.conf" >"$LAB_TMP/startup.conf"
(sleep 3; _mariadb_run) &
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/startup.conf"
MARIADB_PID=$(cat "$MARIADB_DIR/mariadbd.pid")
LAB_PIDS+=("$MARIADB_PID")
assert_file_has "$SERVER_LOG_srv1" "MYSQL_LEASE_DB_STARTUP_RETRY" "the start-up waited for the database"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_LEASE_DB opening mysql lease database: MySQL backend 22.0.*\(2 leases\)" \
    "then opened it with the leases of before"
pass
