#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# HA with the MySQL lease store: a hot-standby pair of kahu-dhcp4 (the Oasis hot-standby
# configs with libdhcp_lease_cmds.so + libdhcp_ha.so, shorter delays), each server on its own
# database (kea1, kea2) in one throw-away MariaDB made with kahu-admin db-init. A real dhclient
# through dhcrelay gets a lease from the primary; the lease row is in both servers' lease4
# tables (the primary's own write and the lease4-update it sent the standby before the ACK).
# Then the primary stops, the standby goes to partner-down and serves a new client from its
# own database, and the primary, restarted, syncs that lease into its own lease4 table.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "the pair is two Kahu servers"
for tool in socat jq; do command -v $tool >/dev/null || fail "$tool is required"; done
ADMIN=$KAHU_BUILD/core/kahu-admin
export KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib"
for lib in libdhcp_ha.so libdhcp_lease_cmds.so libdhcp_mysql.so; do
    [[ -f "$KAHU_HOOKS_PATH/$lib" ]] || fail "$lib not built in $KAHU_HOOKS_PATH"
done

mariadb_start
for n in 1 2; do
    mariadb_create_db "kea$n" "kea$n" "motdepasse$n"
    "$ADMIN" db-init mysql -u "kea$n" -p "motdepasse$n" -n "kea$n" -h 127.0.0.1 \
        -P "$MARIADB_PORT" >/dev/null
done

lab_oasis two
lab_client_ns cli-a 02:00:00:00:00:20
lab_client_ns cli-b 02:00:00:00:00:21

for n in 1 2; do
    jq --arg n "$n" '.Dhcp4["hooks-libraries"][1].parameters["high-availability"][0] += {
            "heartbeat-delay": 1000, "max-response-delay": 3000, "max-unacked-clients": 0}
        | .Dhcp4["lease-database"] = {"type": "mysql", "host": "localhost", "name": ("kea" + $n),
            "user": ("kea" + $n), "password": ("motdepasse" + $n)}' \
        "$KAHU_SOURCE/config/kahu-dhcp4-hot-standby-dhcp$n.conf" >"$LAB_TMP/ha$n.conf"
done
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/ha1.conf" srv1
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/ha2.conf" srv2
assert_file_has "$SERVER_LOG_srv1" "MYSQL_LEASE_DB_OPENED" "dhcp1's store opened"
assert_file_has "$SERVER_LOG_srv2" "MYSQL_LEASE_DB_OPENED" "dhcp2's store opened"
start_relay 172.18.20.20 172.18.20.21

row() { # database address -> hwaddr and state of the lease4 row
    mariadb_sql "$1" <<<"SELECT HEX(hwaddr), state FROM lease4 WHERE address = $(ip_to_int "$2")"
}

wait_state srv1 hot-standby
wait_state srv2 hot-standby

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.20 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by the primary"
a=$(client_var cli-a new_ip_address)
assert_eq "$(printf '020000000020\t0')" "$(row kea1 "$a")" "cli-a's lease in dhcp1's lease4"
assert_eq "$(printf '020000000020\t0')" "$(row kea2 "$a")" "cli-a's lease in dhcp2's lease4"

# The primary stops: the standby serves from its own database and the primary, back, syncs.
stop_server srv1
wait_state srv2 partner-down
client_prepare cli-b host-b
run_dhclient cli-b || fail "cli-b got no lease in partner-down"
assert_eq 172.18.20.21 "$(client_var cli-b new_dhcp_server_identifier)" "cli-b served by the standby"
b=$(client_var cli-b new_ip_address)
assert_eq "$(printf '020000000021\t0')" "$(row kea2 "$b")" "cli-b's lease in dhcp2's lease4"
[[ -z "$(row kea1 "$b")" ]] || fail "cli-b's lease already in dhcp1's lease4 before the sync"

MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/ha1.conf" srv1
wait_state srv1 hot-standby
wait_state srv2 hot-standby
assert_eq "$(printf '020000000021\t0')" "$(row kea1 "$b")" "cli-b's lease synced into dhcp1's lease4"

pass
