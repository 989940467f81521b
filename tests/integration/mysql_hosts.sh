#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Reservations in MySQL (hosts-database), with real parts: a MariaDB database made by Debian's
# kea-admin 2.2 (schema 14.0, Kea's hosts and dhcp4_options tables), a host and its option
# inserted with plain SQL as an IPAM would, then kahu-dhcp4 (leases in memfile,
# "hosts-database": {"type": "mysql", ...}, libdhcp_mysql.so loaded by itself) serving real
# dhclients through the relay. Checked: the client the database names gets its reserved
# address, host name and option; another client asking for that address is refused; a host
# inserted while the server runs is served within a digest refresh; Kea 2.2 on the same file
# and database gives the same reserved address.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "runs both servers itself"
command -v kea-admin >/dev/null || fail "kea-admin (Debian kea-admin) not installed"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib

mariadb_start
mariadb_create_db kea kea motdepasse
kea-admin db-init mysql -u kea -p motdepasse -n kea -h localhost -x "--socket=$MARIADB_SOCKET" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }

# What an IPAM writes: a host by MAC in subnet 10, with its own DNS server (option 6).
mariadb_sql kea <<'SQL'
INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname)
    VALUES (UNHEX('0200000A0061'), 0, 10, INET_ATON('172.18.10.150'), 'db-host');
INSERT INTO dhcp4_options (code, formatted_value, space, persistent, host_id, scope_id)
    VALUES (6, '172.18.20.53', 'dhcp4', 0, LAST_INSERT_ID(), 3);
SQL

# The Oasis standalone file with its reservations, plus the hosts database.
jq '.Dhcp4["hosts-database"] = {"type": "mysql", "host": "localhost", "name": "kea",
        "user": "kea", "password": "motdepasse"}' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$LAB_TMP/dhcp4-hosts.json"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:61
lab_client_ns cli-b 02:00:00:0a:00:62
lab_client_ns cli-c 02:00:00:0a:00:63
start_relay 172.18.20.20

MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/dhcp4-hosts.json"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_HOSTS_DB.*mysql" "the hosts database is opened"

client_prepare cli-a pc-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.10.150 "$(client_var cli-a new_ip_address)" "cli-a's reserved address"
assert_eq db-host "$(client_var cli-a new_host_name)" "cli-a's reserved host name"
assert_eq 172.18.20.53 "$(client_var cli-a new_domain_name_servers)" "cli-a's option 6 from its host"

# Another client is served from the pool, never the reserved address.
client_prepare cli-b pc-b
run_dhclient cli-b || fail "cli-b got no lease"
b=$(client_var cli-b new_ip_address)
assert_ne 172.18.10.150 "$b" "cli-b is not given cli-a's reserved address"

# A host the IPAM inserts while the server runs is what the client gets next: the store's
# digest of known hosts notices the change within digest-refresh-time (1 s by default).
assert_file_has "$SERVER_LOG_srv1" "MYSQL_HOST_DIGEST_LOADED.*1 host" "the digest holds the host"
mariadb_sql kea <<'SQL'
INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname)
    VALUES (UNHEX('0200000A0063'), 0, 10, INET_ATON('172.18.10.160'), 'late-host');
SQL
sleep 1.5
client_prepare cli-c pc-c
run_dhclient cli-c || fail "cli-c got no lease"
assert_eq 172.18.10.160 "$(client_var cli-c new_ip_address)" "a host inserted at run time"
log "ok: Kahu: cli-a -> 172.18.10.150 (db-host, DNS 172.18.20.53), cli-b -> $b, cli-c -> 172.18.10.160"
dhclient_stop cli-a
dhclient_stop cli-b
dhclient_stop cli-c
stop_server

# Kea 2.2 on the same file and database: the same reserved address.
rm -f "$LAB_TMP"/srv1-leases4.csv* "$(client_dir cli-a)/dhclient.leases"
KAHU_SERVER=kea MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/dhcp4-hosts.json"
client_prepare cli-a pc-a
run_dhclient cli-a || fail "cli-a got no lease from Kea 2.2"
assert_eq 172.18.10.150 "$(client_var cli-a new_ip_address)" "Kea 2.2 gives cli-a the same address"
dhclient_stop cli-a
stop_server
pass
