#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Runs kahu_mysql_store_tests (the lease store and the host store) against a throw-away
# MariaDB: on a schema 22.0 database made by kahu-admin db-init, on a schema 14.0 database
# made by Debian's kea-admin 2.2, and on one made by kea-admin 2.2 and moved to 22.0 by
# kahu-admin db-upgrade (lease and host tables). Also checks that db-upgrade adds the host
# tables to a 22.0 database that lacks them and changes nothing on a second run.
# Usage: mysql_store_test.sh <kahu_mysql_store_tests> <kahu-admin>
set -euo pipefail
LAB_SCRIPT_NAME=mysql_store_test.sh
source "$(dirname "$0")/../../integration/lib/assert.bash"
LAB_TMP=$(mktemp -d /tmp/kahu-mysql-store.XXXXXX)
cleanup() { local rc=$?; mariadb_stop; ((rc == 0)) && rm -rf "$LAB_TMP"; exit "$rc"; }
trap cleanup EXIT
source "$(dirname "$0")/../../integration/lib/mariadb.bash"
tests=$1 admin=$2

mariadb_start
mariadb_create_db kahu22 kea motdepasse
mariadb_create_db kea14 kea motdepasse
mariadb_create_db kea14up kea motdepasse
mariadb_create_db nohosts kea motdepasse
"$admin" db-init mysql -u kea -p motdepasse -n kahu22 -h 127.0.0.1 -P "$MARIADB_PORT" >/dev/null
kea-admin db-init mysql -u kea -p motdepasse -n kea14 -h localhost -x "--socket=$MARIADB_SOCKET" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }
kea-admin db-init mysql -u kea -p motdepasse -n kea14up -h localhost -x "--socket=$MARIADB_SOCKET" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }
# A 2.2 host with an IPv6 reservation and an option, to be carried through the upgrade.
mariadb_sql kea14up <<'SQL'
INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address)
    VALUES (UNHEX('020000000001'), 0, 1, INET_ATON('10.0.0.1'));
INSERT INTO ipv6_reservations (address, prefix_len, type, host_id)
    VALUES ('2001:db8::1', 128, 0, LAST_INSERT_ID());
INSERT INTO dhcp4_options (code, formatted_value, space, persistent, host_id, scope_id)
    VALUES (6, '10.0.0.53', 'dhcp4', 0, (SELECT host_id FROM hosts), 3);
SQL
"$admin" db-upgrade mysql -u kea -p motdepasse -n kea14up -h 127.0.0.1 -P "$MARIADB_PORT" \
    >"$LAB_TMP/upgrade.log" 2>&1 || { cat "$LAB_TMP/upgrade.log"; fail "kahu-admin db-upgrade"; }
columns() { # db: the host columns that changed from 14.0 to 22.0
    mariadb_sql "$1" <<'SQL'
SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE) FROM information_schema.COLUMNS
 WHERE TABLE_SCHEMA = DATABASE() AND ((TABLE_NAME = 'hosts' AND COLUMN_NAME = 'dhcp_identifier')
    OR (TABLE_NAME IN ('dhcp4_options', 'dhcp6_options') AND COLUMN_NAME = 'cancelled')
    OR (TABLE_NAME = 'ipv6_reservations' AND COLUMN_NAME = 'address'))
 ORDER BY TABLE_NAME
SQL
}
want="dhcp4_options.cancelled tinyint(1)
dhcp6_options.cancelled tinyint(1)
hosts.dhcp_identifier varbinary(255)
ipv6_reservations.address binary(16)"
assert_eq "$want" "$(columns kea14up)" "kea-admin 2.2's host tables in 22.0 form after db-upgrade"
assert_eq "$want" "$(columns kahu22)" "db-init's host tables in 22.0 form"
assert_eq "2001:db8::1 10.0.0.53" "$(mariadb_sql kea14up <<<'SELECT INET6_NTOA(r.address), o.formatted_value
    FROM ipv6_reservations r JOIN dhcp4_options o ON o.host_id = r.host_id' | tr '\t' ' ')" \
    "the 2.2 host's IPv6 reservation and option survive the upgrade"

# A 22.0 database without host tables (as db-init made it before they were added): db-upgrade
# adds them; a second run changes nothing.
"$admin" db-init mysql -u kea -p motdepasse -n nohosts -h 127.0.0.1 -P "$MARIADB_PORT" >/dev/null
mariadb_sql nohosts <<<'DROP TABLE dhcp4_options, dhcp6_options, ipv6_reservations, hosts,
    host_identifier_type, dhcp_option_scope'
"$admin" db-upgrade mysql -u kea -p motdepasse -n nohosts -h 127.0.0.1 -P "$MARIADB_PORT" \
    >"$LAB_TMP/upgrade.log" 2>&1 || { cat "$LAB_TMP/upgrade.log"; fail "kahu-admin db-upgrade (no hosts)"; }
assert_eq "$want" "$(columns nohosts)" "db-upgrade adds the host tables to a 22.0 database"
"$admin" db-upgrade mysql -u kea -p motdepasse -n nohosts -h 127.0.0.1 -P "$MARIADB_PORT" \
    >"$LAB_TMP/upgrade.log" 2>&1 || { cat "$LAB_TMP/upgrade.log"; fail "kahu-admin db-upgrade (again)"; }
assert_eq "$want" "$(columns nohosts)" "a second db-upgrade leaves them as they are"

for db in kahu22 kea14 kea14up; do
    log "schema of $db: $(mariadb_sql "$db" <<<'SELECT CONCAT_WS(".", version, minor) FROM schema_version')"
    MYSQL_UNIX_PORT=$MARIADB_SOCKET KAHU_TEST_MYSQL_NAME=$db "$tests" --gtest_brief=1
done
pass
