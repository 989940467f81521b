#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The Oasis MySQL deployment on a real MariaDB: kahu-admin db-init makes the schema, the seed
# config (kahu-dhcp4-mysql.conf; paths only adjusted, no hooks-libraries: the server loads
# libdhcp_mysql.so by itself), a real dhclient through dhcrelay gets a lease, the row is in
# lease4 with Kea's encoding, lease4_stat counts it; RELEASE removes it from the count; the
# server restarted on the same database (with libdhcp_lease_cmds.so) still knows the lease
# (statistics and lease4-get-all agree); a SIGHUP reload keeps serving.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "uses kahu-admin"
ADMIN=$KAHU_BUILD/core/kahu-admin
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_mysql.so" ]] || fail "libdhcp_mysql.so not built"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib

mariadb_start
mariadb_create_db kea kea motdepasse
out=$("$ADMIN" db-init mysql -u kea -p motdepasse -n kea -h 127.0.0.1 -P "$MARIADB_PORT")
log "$out"
assert_match "Database version reported after initialization: 22.0" "$out" "db-init"
assert_eq 22.0 "$("$ADMIN" db-version mysql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$MARIADB_PORT")" "db-version"
out=$("$ADMIN" db-init mysql -u kea -p motdepasse -n kea -h 127.0.0.1 -P "$MARIADB_PORT" 2>&1) &&
    fail "db-init on a non-empty database succeeded"
assert_match "expected an empty database kea" "$out" "db-init refuses a used database"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:01
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf"
assert_file_has "$SERVER_LOG_srv1" "DHCP4_HOOK_STORE_LIBRARY_ADDED.*libdhcp_mysql.so" \
    "the library was loaded without being listed"
assert_file_has "$SERVER_LOG_srv1" "MYSQL_LEASE_DB_OPENED.*schema 22.0" "store opened"
assert_file_has "$SERVER_LOG_srv1" "mysql://kea@localhost/kea" "store description"
assert_file_has "$SERVER_LOG_srv1" "DHCP4_MULTI_THREADING_INFO enabled: yes, number of threads: 4, queue size: [0-9]+; 16 worker threads" \
    "a blocking store gets 4 x thread-pool-size workers"
if grep -q motdepasse "$SERVER_LOG_srv1"; then fail "the password is in the log"; fi
start_relay 172.18.20.20

client_prepare cli-a laptop-a
run_dhclient cli-a || fail "dhclient got no lease"
addr=$(client_var cli-a new_ip_address)
assert_ip_in_range "$addr" 172.18.10.100 172.18.10.200 "leased address"
num=$(ip_to_int "$addr")

row=$(mariadb_sql kea <<SQL
SELECT HEX(hwaddr), HEX(client_id), valid_lifetime, subnet_id, hostname, state, pool_id,
       UNIX_TIMESTAMP(expire) - UNIX_TIMESTAMP(NOW()) BETWEEN 3500 AND 3600
FROM lease4 WHERE address = $num;
SQL
)
assert_eq "$(printf '0200000A0001\t010200000A0001\t3600\t10\tlaptop-a\t0\t0\t1')" "$row" \
    "lease4 row (hwaddr, client-id, lifetime, subnet, hostname, state, pool, expire)"
assert_eq "$(printf '10\t0\t1')" "$(mariadb_sql kea <<<'SELECT subnet_id, state, leases FROM lease4_stat')" \
    "lease4_stat counts the lease"

# A second start on the same database, now with libdhcp_lease_cmds.so: the lease is still
# there, still counted, and lease4-get-all reads it from the database.
stop_server
jq --arg lib "$KAHU_BUILD/hooks-lib/libdhcp_lease_cmds.so" \
    '.Dhcp4["hooks-libraries"] = [{"library": $lib}]' \
    "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$LAB_TMP/mysql-lease-cmds.conf"
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/mysql-lease-cmds.conf"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_LEASE_DB opening mysql lease database: MySQL backend 22.0.*\(1 leases\)" \
    "restart sees the lease"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
stat=$(printf '{"command": "statistic-get", "arguments": {"name": "subnet[10].assigned-addresses"}}' |
    socat - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl")
assert_match '"subnet\[10\].assigned-addresses": *\[ *\[ *1,' "$stat" "assigned-addresses after restart"
get_all() {
    printf '{"command": "lease4-get-all"}' | socat - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" |
        jq -c '[.result, ([.arguments.leases[] | [."ip-address", ."hw-address", ."subnet-id"]] | sort)]'
}
assert_eq "[0,[[\"$addr\",\"02:00:00:0a:00:01\",10]]]" "$(get_all)" \
    "lease4-get-all shows the client's lease"

# A reload keeps the store (same lease-database) and loads the library again: still serving.
kill -HUP "$SERVER_PID_srv1"
wait_for 10 "the reload" grep -q DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS "$SERVER_LOG_srv1"
lab_client_ns cli-b 02:00:00:0a:00:02
run_dhclient cli-b || fail "no lease after the reload"
assert_eq "$(printf '10\t0\t2')" "$(mariadb_sql kea <<<'SELECT subnet_id, state, leases FROM lease4_stat')" \
    "lease4_stat counts the second lease"
addr_b=$(client_var cli-b new_ip_address)
assert_match "\"$addr_b\",\"02:00:00:0a:00:02\",10" "$(get_all)" \
    "lease4-get-all shows the second client's lease"

dhclient_release cli-a
wait_for 10 "the released lease to leave lease4_stat" \
    bash -c "[[ \$(mariadb --no-defaults --socket='$MARIADB_SOCKET' -uroot -N -B kea \
        -e 'SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 0') == 1 ]]"
pass
