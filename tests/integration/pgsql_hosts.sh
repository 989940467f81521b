#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Reservations in PostgreSQL (hosts-database), with real parts: a PostgreSQL 15 database made by
# Debian's kea-admin 2.2 (schema 13.0, Kea's hosts and dhcp4_options tables), a host and its
# option inserted with plain SQL as an IPAM would, then kahu-dhcp4 (leases in memfile,
# "hosts-database": {"type": "postgresql", ...} on the server's socket, libdhcp_pgsql.so loaded
# by itself) serving real dhclients through the relay. Checked: the client the database names
# gets its reserved address, host name and option; another client gets a pool address, never
# the reserved one; a host inserted while the server runs is served within a digest refresh;
# after PostgreSQL restarts under the server, the reserved client is served again;
# Kea 2.2 (its PostgreSQL host data source) on the same file and database gives the same
# reserved address, host name and option.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/postgres.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "runs both servers itself"
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_pgsql.so" ]] || fail "libdhcp_pgsql.so not built"
command -v kea-admin >/dev/null || fail "kea-admin (Debian kea-admin) not installed"
[[ -x "$KEA_DHCP4" ]] || fail "$KEA_DHCP4 not installed"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib

postgres_start
postgres_create_db kea kea motdepasse
kea-admin db-init pgsql -u kea -p motdepasse -n kea -h 127.0.0.1 -P "$PG_PORT" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }
assert_eq "13.0" "$(postgres_sql kea <<<"SELECT version || '.' || minor FROM schema_version")" \
    "kea-admin 2.2's schema version"

# What an IPAM writes: a host by MAC in subnet 10, with its own DNS server (option 6).
postgres_sql kea <<'SQL'
INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname)
    VALUES (decode('0200000A0061', 'hex'), 0, 10, '172.18.10.150'::inet - '0.0.0.0'::inet,
            'db-host');
INSERT INTO dhcp4_options (code, formatted_value, space, persistent, host_id, scope_id)
    VALUES (6, '172.18.20.53', 'dhcp4', false, currval('hosts_host_id_seq'), 3);
SQL

# The Oasis standalone file with its reservations, plus the hosts database. The server's
# namespace has its own loopback: it reaches PostgreSQL on the socket directory.
jq --arg host "$PG_SOCKET_DIR" --argjson port "$PG_PORT" \
    '.Dhcp4["hosts-database"] = {"type": "postgresql", "host": $host, "port": $port,
        "name": "kea", "user": "kea", "password": "motdepasse"}' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$LAB_TMP/dhcp4-hosts.json"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:61
lab_client_ns cli-b 02:00:00:0a:00:62
lab_client_ns cli-c 02:00:00:0a:00:63
start_relay 172.18.20.20

start_server "$LAB_TMP/dhcp4-hosts.json"
assert_file_has "$SERVER_LOG_srv1" \
    "DHCPSRV_HOSTS_DB opening postgresql hosts database: postgresql://kea@$PG_SOCKET_DIR:$PG_PORT/kea" \
    "the hosts database is opened"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_HOST_DIGEST_LOADED .*: 1 host\(s\) known" \
    "the digest holds the host"
if grep -q motdepasse "$SERVER_LOG_srv1"; then fail "the password is in the server's log"; fi
# Kea's outage keys in a hosts database are checked but not applied: the server says so.
jq '.Dhcp4["hosts-database"] += {"on-fail": "serve-retry-continue", "max-reconnect-tries": 3}' \
    "$LAB_TMP/srv1.conf" >"$LAB_TMP/dhcp4-hosts-onfail.json" # the running server's file
out=$(KAHU_CONTROL_SOCKET_DIR=$LAB_TMP KAHU_DHCP_DATA_DIR=$LAB_TMP KAHU_LOG_FILE_DIR=$LAB_TMP \
    "$KAHU_BUILD/core/kahu-dhcp4" -T "$LAB_TMP/dhcp4-hosts-onfail.json" 2>&1) ||
    fail "-T with on-fail in the hosts database: $out"
assert_match "PGSQL_HOST_DB_RECOVERY_NOT_APPLIED Dhcp4.hosts-database: on-fail, max-reconnect-tries not applied to a hosts database" \
    "$out" "on-fail in a hosts database: said not applied"

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
assert_ne db-host "$(client_var cli-b new_host_name)" "cli-b is not given cli-a's host name"

# A host the IPAM inserts while the server runs is what the client gets next: the store's
# digest of known hosts notices the change within digest-refresh-time (1 s by default).
postgres_sql kea <<'SQL'
INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname)
    VALUES (decode('0200000A0063', 'hex'), 0, 10, '172.18.10.160'::inet - '0.0.0.0'::inet,
            'late-host');
SQL
sleep 1.5
assert_file_has "$SERVER_LOG_srv1" "PGSQL_HOST_DIGEST_RELOADED .*: the hosts table changed, 2 host\(s\) known" \
    "the digest saw the new host"
client_prepare cli-c pc-c
run_dhclient cli-c || fail "cli-c got no lease"
assert_eq 172.18.10.160 "$(client_var cli-c new_ip_address)" "a host inserted at run time"
assert_eq late-host "$(client_var cli-c new_host_name)" "its host name"
log "ok: Kahu: cli-a -> 172.18.10.150 (db-host, DNS 172.18.20.53), cli-b -> $b, cli-c -> 172.18.10.160"

# PostgreSQL restarted under the running server: its pooled connections are dead. The first
# operation that meets one (the digest's change check, once a second, or a lookup, whose query
# is then dropped as Kea drops it) fails and takes the other idle ones with it; the client is
# looked up on a new connection.
postgres_restart
dhclient_renew cli-a || fail "cli-a was not served after PostgreSQL restarted"
assert_eq 172.18.10.150 "$(client_var cli-a new_ip_address)" "cli-a's reservation after the restart"
assert_eq db-host "$(client_var cli-a new_host_name)" "cli-a's host name after the restart"
kill -0 "$SERVER_PID_srv1" || fail "the server exited when PostgreSQL restarted"
dhclient_stop cli-a
dhclient_stop cli-b
dhclient_stop cli-c
stop_server

# Kea 2.2 on the same file and database: the same reservation.
rm -f "$LAB_TMP"/srv1-leases4.csv* "$(client_dir cli-a)/dhclient.leases"
KAHU_SERVER=kea start_server "$LAB_TMP/dhcp4-hosts.json"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_PGSQL_HOST_DB .*name=kea" \
    "Kea 2.2 opens its PostgreSQL host data source"
client_prepare cli-a pc-a
run_dhclient cli-a || fail "cli-a got no lease from Kea 2.2"
assert_eq 172.18.10.150 "$(client_var cli-a new_ip_address)" "Kea 2.2 gives cli-a the same address"
assert_eq db-host "$(client_var cli-a new_host_name)" "Kea 2.2 gives cli-a the same host name"
assert_eq 172.18.20.53 "$(client_var cli-a new_domain_name_servers)" \
    "Kea 2.2 gives cli-a the same option 6"
dhclient_stop cli-a
stop_server
pass
