#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The Oasis deployment on a real PostgreSQL 15 (lib/postgres.bash), then Kea 2.2 on the same
# database and the other way round:
#  1. kahu-admin db-init pgsql makes schema 13.0; the seed config (kahu-dhcp4-pgsql.conf, which
#     Kea 2.2's -t accepts as it is) with only paths adjusted and "host" set to the socket
#     directory (the server's namespace has its own loopback): the library is loaded by itself,
#     a real dhclient through dhcrelay gets a lease, the lease4 row has Kea's encoding and
#     lease4_stat counts it;
#  2. the server restarted on the same database (with libdhcp_lease_cmds.so) counts the lease,
#     lease4-get-all shows it, the client's renewal extends it, a second client's RELEASE takes
#     its lease out of lease4 and lease4_stat;
#  3. Kea 2.2 started on that database (same file) counts Kahu's lease and ACKs the renewing
#     client the same address; the row Kea rewrites equals the one Kahu wrote;
#  4. on a database made by Debian's kea-admin db-init pgsql, Kea 2.2 leases a client; Kahu
#     started on it counts the lease, ACKs that client's renewal with the same address and
#     writes the row Kea wrote; a new client gets another address.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/postgres.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "uses kahu-admin and runs both servers itself"
ADMIN=$KAHU_BUILD/core/kahu-admin
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_pgsql.so" ]] || fail "libdhcp_pgsql.so not built"
command -v kea-admin >/dev/null || fail "kea-admin (Debian kea-admin) not installed"
[[ -x "$KEA_DHCP4" ]] || fail "$KEA_DHCP4 not installed"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
SEED=$KAHU_SOURCE/config/kahu-dhcp4-pgsql.conf

postgres_start
postgres_create_db kea kea motdepasse
postgres_create_db keadb kea motdepasse
out=$("$ADMIN" db-init pgsql -u kea -p motdepasse -n kea -h 127.0.0.1 -P "$PG_PORT")
log "$out"
assert_match "Database version reported after initialization: 13.0" "$out" "db-init"
assert_eq 13.0 "$("$ADMIN" db-version pgsql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$PG_PORT")" "db-version"

# The seed file as the operator runs it, but for the database's address: the socket directory.
on_socket() { # database -> a copy of the seed file for that database, on the socket
    jq --arg host "$PG_SOCKET_DIR" --argjson port "$PG_PORT" --arg name "$1" \
        '.Dhcp4["lease-database"] += {"host": $host, "port": $port, "name": $name}' \
        "$SEED" >"$LAB_TMP/$1.conf"
    echo "$LAB_TMP/$1.conf"
}
CONF=$(on_socket kea)
assert_eq '{"type":"postgresql","host":"'"$PG_SOCKET_DIR"'","name":"kea","user":"kea","password":"motdepasse","port":'"$PG_PORT"'}' \
    "$(jq -c '.Dhcp4["lease-database"]' "$CONF")" "lease-database of the test's copy"
assert_eq "$(jq -S 'del(.Dhcp4["lease-database"])' "$SEED")" \
    "$(jq -S 'del(.Dhcp4["lease-database"])' "$CONF")" "the rest of the seed file unchanged"
sql() { postgres_sql "${1:-kea}"; }
num_of() { ip_to_int "$1"; }
# The columns of a lease4 row, expire aside; then whether expire is now + 3600 (± 100 s).
row_of() { # address [database]
    sql "${2:-kea}" <<<"SELECT encode(hwaddr, 'hex'), encode(client_id, 'hex'), valid_lifetime,
        subnet_id, fqdn_fwd, fqdn_rev, quote_nullable(hostname), state,
        quote_nullable(user_context),
        abs(extract(epoch from expire) - extract(epoch from now()) - 3600) < 100
        FROM lease4 WHERE address = $(num_of "$1")"
}
expire_of() { # address [database]
    sql "${2:-kea}" <<<"SELECT extract(epoch from expire)::bigint FROM lease4 WHERE address = $(num_of "$1")"
}
stat_rows() { sql "${1:-kea}" <<<'SELECT subnet_id, state, leases FROM lease4_stat ORDER BY 1, 2'; }
assigned() { # the running server's subnet[10].assigned-addresses
    printf '{"command": "statistic-get", "arguments": {"name": "subnet[10].assigned-addresses"}}' |
        socat -t 10 - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" |
        jq -r '.arguments["subnet[10].assigned-addresses"][0][0]'
}
served() { # role -> the address it got (a new lease, or its renewal)
    run_dhclient "$1" >&2 || fail "dhclient in $1 got no lease from $KAHU_SERVER"
    client_var "$1" new_ip_address
}
renewed() { # role -> the address it got on INIT-REBOOT (dhclient restarted on its lease file)
    dhclient_stop "$1"
    served "$1"
}

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:21
lab_client_ns cli-b 02:00:00:0a:00:22
lab_client_ns cli-c 02:00:00:0a:00:23
lab_client_ns cli-d 02:00:00:0a:00:24

# Kea 2.2 takes the seed file as it is (-t opens the interfaces it names: in srv1, ens18).
out=$(nsx srv1 env KEA_PIDFILE_DIR="$LAB_TMP" KEA_LOCKFILE_DIR="$LAB_TMP" "$KEA_DHCP4" -t "$SEED" 2>&1) ||
    { echo "$out" >&2; fail "Kea 2.2 refuses $(basename "$SEED")"; }
log "ok: kea-dhcp4 2.2 -t accepts $(basename "$SEED")"

# --- 1. Kahu on kahu-admin's database.
start_server "$CONF"
assert_file_has "$SERVER_LOG_srv1" "DHCP4_HOOK_STORE_LIBRARY_ADDED.*libdhcp_pgsql.so" \
    "the library was loaded without being listed"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_OPENED postgresql://kea@$PG_SOCKET_DIR:$PG_PORT/kea: schema 13.0" \
    "store opened on the socket directory"
assert_file_has "$SERVER_LOG_srv1" "DHCP4_MULTI_THREADING_INFO enabled: yes, number of threads: 4, queue size: [0-9]+; 16 worker threads" \
    "a blocking store gets 4 x thread-pool-size workers"
if grep -q motdepasse "$SERVER_LOG_srv1"; then fail "the password is in the log"; fi
# The host went to libpq unchanged: the connection is on the socket (no client address).
assert_eq "1|0" "$(sql postgres <<<"SELECT (count(*) FILTER (WHERE client_addr IS NULL) > 0)::int,
    count(*) FILTER (WHERE client_addr IS NOT NULL) FROM pg_stat_activity
    WHERE datname = 'kea' AND usename = 'kea'")" \
    "Kahu's connections: on the socket | over TCP"
start_relay 172.18.20.20

client_prepare cli-a laptop-a
addr_a=$(served cli-a)
assert_ip_in_range "$addr_a" 172.18.10.100 172.18.10.200 "leased address"
row_a=$(row_of "$addr_a")
assert_eq "0200000a0021|010200000a0021|3600|10|f|f|'laptop-a'|0|''|t" "$row_a" \
    "lease4 row (hwaddr, client-id, lifetime, subnet, fqdn, hostname, state, context, expire)"
assert_eq "10|0|1" "$(stat_rows)" "lease4_stat counts the lease"

# --- 2. Restart on the same database, with libdhcp_lease_cmds.so.
stop_server
jq --arg lib "$KAHU_BUILD/hooks-lib/libdhcp_lease_cmds.so" \
    '.Dhcp4["hooks-libraries"] = [{"library": $lib}]' "$CONF" >"$LAB_TMP/lease-cmds.conf"
start_server "$LAB_TMP/lease-cmds.conf"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_LEASE_DB opening postgresql lease database: PostgreSQL backend 13.0.*\(1 leases\)" \
    "restart sees the lease"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 1 "$(assigned)" "assigned-addresses after the restart"
get_all() {
    printf '{"command": "lease4-get-all"}' | socat -t 10 - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl" |
        jq -c '[.result, ([.arguments.leases[] | [."ip-address", ."hw-address", ."subnet-id",
            ."valid-lft", .hostname]] | sort)]'
}
assert_eq "[0,[[\"$addr_a\",\"02:00:00:0a:00:21\",10,3600,\"laptop-a\"]]]" "$(get_all)" \
    "lease4-get-all reads the lease from the database"
expire_before=$(expire_of "$addr_a")
sleep 2 # so that the renewal's expire is later
assert_eq "$addr_a" "$(renewed cli-a)" "Kahu renews cli-a's address"
expire_after=$(expire_of "$addr_a")
((expire_after >= expire_before + 2)) ||
    fail "the renewal did not extend the lease: expire $expire_before, then $expire_after"
log "ok: the renewal moved expire from $expire_before to $expire_after"
assert_eq "$row_a" "$(row_of "$addr_a")" "the renewed row"

client_prepare cli-b laptop-b
addr_b=$(served cli-b)
assert_ne "$addr_a" "$addr_b" "cli-b's address"
assert_eq "10|0|2" "$(stat_rows)" "lease4_stat counts the second lease"
dhclient_release cli-b
counted_once() { [[ $(sql <<<'SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 0') == 1 ]]; }
wait_for 10 "the released lease to leave lease4_stat" counted_once
assert_eq 0 "$(sql <<<"SELECT count(*) FROM lease4 WHERE address = $(num_of "$addr_b")")" \
    "the released lease's row"
assert_eq "[0,[[\"$addr_a\",\"02:00:00:0a:00:21\",10,3600,\"laptop-a\"]]]" "$(get_all)" \
    "lease4-get-all after the release"
stop_server

# --- 3. Kea 2.2 on the same database and file: cli-a's renewal gets the same address.
KAHU_SERVER=kea
start_server "$CONF"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_PGSQL_DB opening PostgreSQL lease database" \
    "Kea 2.2 opened kahu-admin's database"
wait_for 10 "Kea's control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 1 "$(assigned)" "Kea 2.2 counts Kahu's lease"
expire_before=$(expire_of "$addr_a")
sleep 2
assert_eq "$addr_a" "$(renewed cli-a)" "Kea 2.2 renews the address Kahu leased"
expire_after=$(expire_of "$addr_a")
((expire_after >= expire_before + 2)) ||
    fail "Kea's renewal did not extend the lease: expire $expire_before, then $expire_after"
assert_eq "$row_a" "$(row_of "$addr_a")" "the row Kea 2.2 rewrote is the one Kahu wrote"
assert_eq "10|0|1" "$(stat_rows)" "lease4_stat after Kea's renewal"
stop_server
KAHU_SERVER=kahu

# --- 4. The other way round, on a database made by Debian's kea-admin 2.2.
kea-admin db-init pgsql -u kea -p motdepasse -n keadb -h 127.0.0.1 -P "$PG_PORT" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }
assert_eq "13|0" "$(sql keadb <<<'SELECT version, minor FROM schema_version')" \
    "kea-admin 2.2 made schema 13.0"
CONF=$(on_socket keadb)
KAHU_SERVER=kea
start_server "$CONF"
client_prepare cli-c laptop-c
addr_c=$(served cli-c)
assert_ip_in_range "$addr_c" 172.18.10.100 172.18.10.200 "Kea 2.2's address for cli-c"
row_c=$(row_of "$addr_c" keadb)
assert_eq "0200000a0023|010200000a0023|3600|10|f|f|'laptop-c'|0|''|t" "$row_c" \
    "the lease4 row Kea 2.2 wrote"
stop_server
KAHU_SERVER=kahu

start_server "$CONF"
assert_file_has "$SERVER_LOG_srv1" "PGSQL_LEASE_DB_OPENED postgresql://kea@$PG_SOCKET_DIR:$PG_PORT/keadb: schema 13.0" \
    "Kahu opened kea-admin's database"
assert_file_has "$SERVER_LOG_srv1" "DHCPSRV_LEASE_DB opening postgresql lease database: .*/keadb\) \(1 leases\)" \
    "Kahu sees Kea's lease"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_eq 1 "$(assigned)" "Kahu counts Kea's lease"
expire_before=$(expire_of "$addr_c" keadb)
sleep 2
assert_eq "$addr_c" "$(renewed cli-c)" "Kahu renews the address Kea 2.2 leased"
expire_after=$(expire_of "$addr_c" keadb)
((expire_after >= expire_before + 2)) ||
    fail "Kahu's renewal did not extend Kea's lease: expire $expire_before, then $expire_after"
assert_eq "$row_c" "$(row_of "$addr_c" keadb)" "the row Kahu rewrote is the one Kea 2.2 wrote"
client_prepare cli-d laptop-d
addr_d=$(served cli-d)
assert_ne "$addr_c" "$addr_d" "a new client on Kahu: not Kea's address"
assert_eq "10|0|2" "$(stat_rows keadb)" "Kea 2.2's triggers count both servers' leases"
pass
