#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Scale-out on a real 3-node MariaDB Galera cluster (lib/galera.bash; Debian's galera-4): two
# Kahu servers, each on a different node (srv1 -> gal1, srv2 -> gal2), serve the same subnet at
# once with the random allocator, each under its own relayed load (lib/dora_load.py, new DORA
# exchanges per second, every ACK recorded on the client side). Halfway, gal1 is killed with
# SIGKILL. Then:
#   - no address was ACKed to two clients;
#   - every ACKed lease, from either server, is a lease4 row with that client's MAC on both
#     surviving nodes, and on gal1 once it has rejoined;
#   - srv2 kept serving through the kill; srv1 noticed its database gone and, per on-fail
#     stop-retry-exit, exited when the tries ran out;
#   - srv1 restarted on the rejoined gal1 serves again, and a real dhclient behind dhcrelay
#     (relaying to both servers) gets a lease that all three nodes hold;
#   - kahu-admin db-upgrade --no-stat-triggers drops Kea's lease4 statistics triggers on the
#     whole cluster, and leases are still served without them.
# The cluster runs with the schema as Kea makes it (triggers on): every new lease also writes
# the subnet's lease4_stat row, so writes through the two nodes conflict, and the nodes do not
# retry (lib/galera.bash): the servers' own retry is what keeps every exchange.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/galera.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "uses kahu-admin"
[[ -f "$GALERA_PROVIDER" ]] || skip "galera-4 is not installed"
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_mysql.so" ]] || fail "libdhcp_mysql.so not built"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
load="$(dirname "$0")/lib/dora_load.py"
RATE=${GALERA_RATE:-60}   # new clients per second and server
SECONDS_LOAD=20

lab_oasis two
galera_start
galera_sql 1 <<SQL
CREATE DATABASE kea;
CREATE USER 'kea'@'172.18.20.%' IDENTIFIED BY 'motdepasse';
GRANT ALL ON kea.* TO 'kea'@'172.18.20.%';
SQL
out=$(nsx gal1 "$KAHU_BUILD/core/kahu-admin" db-init mysql -u kea -p motdepasse -n kea \
    -h "${GALERA_ADDR[1]}")
assert_match "Database version reported after initialization: 22.0" "$out" "db-init on gal1"
assert_eq 22.0 "$(galera_sql 3 kea <<<'SELECT CONCAT(version, ".", minor) FROM schema_version')" \
    "the schema reached gal3"

# One configuration per server; they differ only in the node they use. 16,000 addresses,
# random picks: two servers rarely try the same one, and when they do the database decides.
config() { # node-address output
    jq --arg h "$1" '.Dhcp4["lease-database"] += {"host": $h, "max-reconnect-tries": 3,
                                                  "reconnect-wait-time": 500}
        | .Dhcp4.subnet4[0] += {"subnet": "172.18.0.0/16", "allocator": "random",
                                "pools": [{"pool": "172.18.32.1 - 172.18.95.254"}],
                                "reservations": [],
                                "relay": {"ip-addresses": ["172.18.10.254", "172.18.10.253"]}}' \
        "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$2"
}
config "${GALERA_ADDR[1]}" "$LAB_TMP/a.conf"
config "${GALERA_ADDR[2]}" "$LAB_TMP/b.conf"
start_server "$LAB_TMP/a.conf" srv1
start_server "$LAB_TMP/b.conf" srv2
assert_file_has "$SERVER_LOG_srv1" "MYSQL_LEASE_DB_OPENED.*mysql://kea@172.18.20.31:?[0-9]*/kea" "srv1 on gal1"
assert_file_has "$SERVER_LOG_srv2" "MYSQL_LEASE_DB_OPENED.*mysql://kea@172.18.20.32:?[0-9]*/kea" "srv2 on gal2"

# Two relays' worth of load, one per server.
ip -n "$(ns_name rtr)" addr add 172.18.10.253/24 dev br10
nsx rtr python3 "$load" 172.18.20.20 172.18.10.254 "$RATE" "$SECONDS_LOAD" \
    >"$LAB_TMP/acks-a.txt" 2>"$LAB_TMP/load-a.err" &
load_a=$!
nsx rtr python3 "$load" 172.18.20.21 172.18.10.253 "$RATE" "$SECONDS_LOAD" \
    >"$LAB_TMP/acks-b.txt" 2>"$LAB_TMP/load-b.err" &
load_b=$!
sleep 8
galera_kill 1
a_at_kill=$(wc -l <"$LAB_TMP/acks-a.txt")
b_at_kill=$(wc -l <"$LAB_TMP/acks-b.txt")
wait "$load_a" || fail "load on srv1 failed: $(cat "$LAB_TMP/load-a.err")"
wait "$load_b" || fail "load on srv2 failed: $(cat "$LAB_TMP/load-b.err")"
log "srv1 load: $(cat "$LAB_TMP/load-a.err"); $a_at_kill ACKs when gal1 died"
log "srv2 load: $(cat "$LAB_TMP/load-b.err"); $b_at_kill ACKs when gal1 died"
a_total=$(wc -l <"$LAB_TMP/acks-a.txt")
b_total=$(wc -l <"$LAB_TMP/acks-b.txt")
((a_at_kill >= RATE * 3)) || fail "srv1 ACKed only $a_at_kill before the kill"
((b_at_kill >= RATE * 3)) || fail "srv2 ACKed only $b_at_kill before the kill"
((b_total - b_at_kill >= RATE * 4)) || fail "srv2 ACKed only $((b_total - b_at_kill)) after the kill"
log "ok: srv2 kept serving: $((b_total - b_at_kill)) ACKs after gal1 died"

galera_wait_size 2 2
galera_wait_size 3 2
assert_file_has "$SERVER_LOG_srv1" MYSQL_LEASE_DB_LOST "srv1 saw its database go"
wait_for 20 "srv1 to exit (on-fail stop-retry-exit, 3 tries)" bash -c "! kill -0 $SERVER_PID_srv1 2>/dev/null"
assert_file_has "$SERVER_LOG_srv1" MYSQL_LEASE_DB_RECONNECT_FAILED "srv1 gave up after its tries"
kill -0 "$SERVER_PID_srv2" || fail "srv2 exited"

# No address went to two clients.
cat "$LAB_TMP/acks-a.txt" "$LAB_TMP/acks-b.txt" | awk '{print $2, $3}' | sort -u >"$LAB_TMP/acked.txt"
dups=$(awk '{print $2}' "$LAB_TMP/acked.txt" | sort | uniq -d | wc -l)
assert_eq 0 "$dups" "addresses ACKed to two clients ($(awk '{print $2}' "$LAB_TMP/acked.txt" | sort | uniq -d | head -3 | tr '\n' ' '))"
log "ok: $(wc -l <"$LAB_TMP/acked.txt") ACKed leases, no address twice"

# Every ACKed lease is on the nodes that survived.
rows() { # node
    galera_sql "$1" kea <<<"SET SESSION wsrep_sync_wait = 1; SELECT CONCAT(LOWER(INSERT(INSERT(INSERT(INSERT(INSERT(HEX(hwaddr),11,0,':'),9,0,':'),7,0,':'),5,0,':'),3,0,':')), ' ', INET_NTOA(address)) FROM lease4" |
        sort >"$LAB_TMP/rows-$1.txt"
}
check_node() { # node
    rows "$1"
    local missing
    missing=$(comm -23 "$LAB_TMP/acked.txt" "$LAB_TMP/rows-$1.txt" | wc -l)
    assert_eq 0 "$missing" "ACKed leases missing on gal$1 ($(comm -23 "$LAB_TMP/acked.txt" "$LAB_TMP/rows-$1.txt" | head -3 | tr '\n' ' '))"
    log "ok: gal$1 holds all $(wc -l <"$LAB_TMP/acked.txt") ACKed leases ($(wc -l <"$LAB_TMP/rows-$1.txt") rows)"
}
check_node 2
check_node 3
# The nodes do not retry a conflicting autocommit statement themselves (lib/galera.bash), so
# every conflict reached a server, which must have run the statement again.
conflicts=0
for n in 2 3; do conflicts=$((conflicts + $(galera_status "$n" wsrep_local_cert_failures))); done
log "certification conflicts on gal2 and gal3: $conflicts"
if grep -E "DHCP4_PACKET_PROCESS_STD_EXCEPTION.*\(1213\)" "$SERVER_LOG_srv1" "$SERVER_LOG_srv2"; then
    fail "a conflict reached the packet path as an error"
fi

# gal1 rejoins and catches up; srv1 starts on it again and serves.
galera_restart 1
check_node 1
start_server "$LAB_TMP/a.conf" srv1
nsx rtr python3 "$load" 172.18.20.20 172.18.10.254 20 3 >"$LAB_TMP/acks-a2.txt" 2>"$LAB_TMP/load-a2.err"
(($(wc -l <"$LAB_TMP/acks-a2.txt") >= 30)) || fail "srv1 after restart: $(cat "$LAB_TMP/load-a2.err")"
log "ok: srv1 on the rejoined gal1: $(cat "$LAB_TMP/load-a2.err")"

# A real client behind a relay that forwards to both servers: whichever answers, all three
# nodes hold its lease.
start_relay 172.18.20.20 172.18.20.21
lab_client_ns cli-a 02:00:00:0a:00:01
client_prepare cli-a laptop-a
run_dhclient cli-a || fail "dhclient got no lease"
addr=$(client_var cli-a new_ip_address)
assert_ip_in_range "$addr" 172.18.32.1 172.18.95.254 "leased address"
for n in 1 2 3; do
    assert_eq "0200000A0001" "$(galera_sql "$n" kea <<<"SET SESSION wsrep_sync_wait = 1; SELECT HEX(hwaddr) FROM lease4 WHERE address = INET_ATON('$addr')")" \
        "dhclient's lease on gal$n"
done

# kahu-admin db-upgrade --no-stat-triggers (the guide's advice for several writing servers):
# the triggers go on every node, the counts are emptied, and leases no longer touch them.
assert_eq 3 "$(galera_sql 2 kea <<<"SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = 'kea' AND event_object_table = 'lease4'")" \
    "Kea's lease4 triggers before"
out=$(nsx gal2 "$KAHU_BUILD/core/kahu-admin" db-upgrade mysql -u kea -p motdepasse -n kea \
    -h "${GALERA_ADDR[2]}" --no-stat-triggers)
assert_match "Dropped the lease4 statistics triggers" "$out" "db-upgrade --no-stat-triggers"
for n in 1 3; do
    assert_eq 0 "$(galera_sql "$n" kea <<<"SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = 'kea' AND event_object_table = 'lease4'")" \
        "lease4 triggers on gal$n after"
done
nsx rtr python3 "$load" 172.18.20.21 172.18.10.253 20 2 >"$LAB_TMP/acks-b2.txt" 2>"$LAB_TMP/load-b2.err"
(($(wc -l <"$LAB_TMP/acks-b2.txt") >= 20)) || fail "srv2 without the triggers: $(cat "$LAB_TMP/load-b2.err")"
assert_eq 0 "$(galera_sql 3 kea <<<"SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM lease4_stat")" \
    "lease4_stat stays empty"
pass
