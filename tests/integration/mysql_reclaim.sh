#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Lease reclamation on the mysql store: a client takes a 6 s lease and goes away; after it
# expires the reclaim timer (1 s) finds it with the expired-lease query, marks the row
# expired-reclaimed (state 2, kept for hold-reclaimed-time) through the optimistic update, and
# lease4_stat stops counting it; Kahu's own statistics agree (assigned 0, reclaimed 1).
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "uses kahu-admin"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
mariadb_start
mariadb_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init mysql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$MARIADB_PORT" >/dev/null
jq '.Dhcp4 += {"valid-lifetime": 6, "renew-timer": 100, "rebind-timer": 200}
    | .Dhcp4["expired-leases-processing"] += {"reclaim-timer-wait-time": 1}' \
    "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$LAB_TMP/short.conf"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:91
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/short.conf"
start_relay 172.18.20.20
run_dhclient cli-a || fail "no lease"
dhclient_stop cli-a
addr=$(client_var cli-a new_ip_address)
num=$(ip_to_int "$addr")
assert_eq 0 "$(mariadb_sql kea <<<"SELECT state FROM lease4 WHERE address = $num")" "state while bound"
assert_eq 1 "$(mariadb_sql kea <<<'SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 0')" \
    "counted while bound"

wait_for 20 "the lease to be reclaimed" bash -c "[[ \$(mariadb --no-defaults \
    --socket='$MARIADB_SOCKET' -uroot -N -B kea -e 'SELECT state FROM lease4 WHERE address = $num') == 2 ]]"
log "ok: the row is expired-reclaimed (state 2)"
assert_eq 0 "$(mariadb_sql kea <<<'SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 0')" \
    "lease4_stat no longer counts it"
stat() {
    printf '{"command": "statistic-get", "arguments": {"name": "%s"}}' "$1" |
        socat - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" | jq -r ".arguments[\"$1\"][0][0]"
}
assert_eq 0 "$(stat 'subnet[10].assigned-addresses')" "Kahu's assigned-addresses"
assert_eq 1 "$(stat 'reclaimed-leases')" "Kahu's reclaimed-leases"
pass
