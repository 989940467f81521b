#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Kahu and the real Kea 2.2 on one MariaDB database made by Debian's kea-admin 2.2 (schema
# 14.0, no pool_id column): Kahu serves on it without changing the schema; Kea 2.2 started on
# the same database afterwards sees Kahu's lease (it hands a new client another address and
# counts it in its statistics); then Kahu started again sees Kea's lease too. Finally
# kahu-admin db-upgrade brings the database to 22.0 and Kahu serves on the result.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "runs both servers itself"
command -v kea-admin >/dev/null || fail "kea-admin (Debian kea-admin) not installed"
[[ -x "$KEA_DHCP4" ]] || fail "$KEA_DHCP4 not installed"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
CONF=$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf

mariadb_start
mariadb_create_db kea kea motdepasse
kea-admin db-init mysql -u kea -p motdepasse -n kea -h localhost -x "--socket=$MARIADB_SOCKET" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }
assert_eq "$(printf '14\t0')" "$(mariadb_sql kea <<<'SELECT version, minor FROM schema_version')" \
    "kea-admin 2.2 made schema 14.0"
schema_before=$(mariadb_sql kea <<<'SHOW CREATE TABLE lease4')

served() { # role-of-client -> prints the address it got
    run_dhclient "$1" >&2 || fail "dhclient in $1 got no lease from $KAHU_SERVER"
    client_var "$1" new_ip_address
}
assigned() { # the server's subnet[10].assigned-addresses
    printf '{"command": "statistic-get", "arguments": {"name": "subnet[10].assigned-addresses"}}' |
        socat - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" | jq -r '.arguments["subnet[10].assigned-addresses"][0][0]'
}
count_rows() { mariadb_sql kea <<<'SELECT COUNT(*) FROM lease4'; }

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:51
lab_client_ns cli-b 02:00:00:0a:00:52
lab_client_ns cli-c 02:00:00:0a:00:53
lab_client_ns cli-d 02:00:00:0a:00:54
start_relay 172.18.20.20

# 1. Kahu on Kea 2.2's database.
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$CONF"
assert_file_has "$SERVER_LOG_srv1" "MYSQL_LEASE_DB_OPENED.*schema 14.0" "Kahu opened schema 14.0"
addr_a=$(served cli-a)
assert_eq 1 "$(count_rows)" "Kahu's lease is in lease4"
assert_eq "$(printf '10\t0\t1')" "$(mariadb_sql kea <<<'SELECT subnet_id, state, leases FROM lease4_stat')" \
    "Kea 2.2's trigger counted Kahu's lease"
assert_eq "$schema_before" "$(mariadb_sql kea <<<'SHOW CREATE TABLE lease4')" "schema unchanged"
stop_server

# 2. Kea 2.2 on the same database sees Kahu's lease.
KAHU_SERVER=kea
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$CONF"
wait_for 10 "Kea's control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 1 "$(assigned)" "Kea 2.2 counts Kahu's lease"
addr_b=$(served cli-b)
assert_ne "$addr_a" "$addr_b" "Kea 2.2 did not hand out Kahu's address again"
assert_eq 2 "$(count_rows)" "Kea's lease is in lease4"
stop_server
KAHU_SERVER=kahu

# 3. Kahu again: it sees Kea's lease.
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$CONF"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 2 "$(assigned)" "Kahu counts both leases"
addr_c=$(served cli-c)
assert_ne "$addr_a" "$addr_c" "third client: not Kahu's first address"
assert_ne "$addr_b" "$addr_c" "third client: not Kea's address"
# Kea's row reads back the way Kea wrote it (hostname, client-id, lifetime).
row=$(mariadb_sql kea <<<"SELECT HEX(hwaddr), valid_lifetime, hostname FROM lease4 WHERE address = $(ip_to_int "$addr_b")")
assert_eq "$(printf '0200000A0052\t3600\tcli-b')" "$row" "Kea's row"
stop_server

# 4. kahu-admin db-upgrade: 14.0 -> 22.0, leases and counts kept; Kahu serves on it.
out=$("$KAHU_BUILD/core/kahu-admin" db-upgrade mysql -u kea -p motdepasse -n kea -h localhost \
    -x "--socket=$MARIADB_SOCKET")
log "$out"
assert_match "Database version reported after upgrade: 22.0" "$out" "db-upgrade"
assert_eq 3 "$(count_rows)" "leases kept by the upgrade"
assert_eq 3 "$(mariadb_sql kea <<<'SELECT SUM(leases) FROM lease4_pool_stat WHERE state = 0')" \
    "lease4_pool_stat filled by the upgrade"
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$CONF"
assert_file_has "$SERVER_LOG_srv1" "MYSQL_LEASE_DB_OPENED.*schema 22.0" "Kahu opened the upgraded schema"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 3 "$(assigned)" "Kahu counts the leases after the upgrade"
served cli-d >/dev/null
assert_eq 4 "$(mariadb_sql kea <<<'SELECT SUM(leases) FROM lease4_stat WHERE state = 0')" \
    "the new triggers count a lease written after the upgrade (lease4_stat)"
assert_eq 4 "$(mariadb_sql kea <<<'SELECT SUM(leases) FROM lease4_pool_stat WHERE state = 0')" \
    "the new triggers count a lease written after the upgrade (lease4_pool_stat)"
pass
