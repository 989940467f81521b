#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The other two on-fail policies (mysql_outage.sh covers stop-retry-exit):
#  - serve-retry-continue: while MariaDB is away the service stays on (packets are counted),
#    after the tries the server keeps running, and once MariaDB is back a client gets a lease;
#  - serve-retry-exit: the service stays on while retrying, and the server exits with status 1
#    when the tries run out.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu's on-fail handling"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
flood="$(dirname "$0")/lib/dhcp_flood.py"
received() {
    printf '{"command": "statistic-get", "arguments": {"name": "pkt4-received"}}' |
        socat - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" | jq -r '.arguments["pkt4-received"][0][0]'
}
discovers() { nsx rtr python3 "$flood" discover 172.18.20.20 172.18.10.254 20 >/dev/null; sleep 0.5; }
policy_config() { # on-fail -> config path
    jq --arg p "$1" '.Dhcp4["lease-database"] += {"max-reconnect-tries": 6,
        "reconnect-wait-time": 500, "on-fail": $p}' \
        "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$LAB_TMP/$1.conf"
    echo "$LAB_TMP/$1.conf"
}

mariadb_start
mariadb_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init mysql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$MARIADB_PORT" >/dev/null
lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:71
lab_client_ns cli-b 02:00:00:0a:00:72
lab_client_ns cli-c 02:00:00:0a:00:73
lab_client_ns cli-d 02:00:00:0a:00:74
start_relay 172.18.20.20

# serve-retry-continue
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$(policy_config serve-retry-continue)"
run_dhclient cli-a || fail "cli-a got no lease"
mariadb_stop
run_dhclient cli-b >/dev/null 2>&1 & # its REQUEST finds the database gone
LAB_PIDS+=("$!")
wait_for 10 "the outage to be noticed" grep -q MYSQL_LEASE_DB_LOST "$SERVER_LOG_srv1"
before=$(received)
discovers
(($(received) >= before + 20)) || fail "serve-retry-continue: packets not processed while reconnecting"
log "ok: serve-retry-continue keeps the service on while reconnecting"
wait_for 15 "the tries to run out" grep -q MYSQL_LEASE_DB_RECONNECT_FAILED "$SERVER_LOG_srv1"
sleep 1
kill -0 "$SERVER_PID_srv1" || fail "serve-retry-continue: the server exited"
log "ok: serve-retry-continue keeps running after the tries"
mariadb_restart
run_dhclient cli-c || fail "no lease once the database is back (serve-retry-continue)"
addr_c=$(client_var cli-c new_ip_address)
assert_eq 1 "$(mariadb_sql kea <<<"SELECT COUNT(*) FROM lease4 WHERE address = $(ip_to_int "$addr_c")")" \
    "the lease after the outage is a row"
stop_server

# serve-retry-exit
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$(policy_config serve-retry-exit)"
mariadb_stop
run_dhclient cli-d >/dev/null 2>&1 &
LAB_PIDS+=("$!")
wait_for 10 "the outage to be noticed" grep -q MYSQL_LEASE_DB_LOST "$SERVER_LOG_srv1"
before=$(received)
discovers
(($(received) >= before + 20)) || fail "serve-retry-exit: packets not processed while reconnecting"
log "ok: serve-retry-exit keeps the service on while reconnecting"
end=$((SECONDS + 20))
while kill -0 "$SERVER_PID_srv1" 2>/dev/null; do
    ((SECONDS < end)) || fail "serve-retry-exit: still running 20 s after the outage"
    sleep 0.5
done
set +e
wait "$SERVER_PID_srv1"
rc=$?
set -e
assert_eq 1 "$rc" "serve-retry-exit: exit status after the tries"
SERVER_PID_srv1=""
pass
