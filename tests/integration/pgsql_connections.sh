#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# How many PostgreSQL connections a loaded Kahu uses: at most thread-pool-size at once, as Kea's
# one connection per thread, although the server runs 4 x thread-pool-size workers for a
# database store (more writers would only queue on the subnet's lease4_stat row lock).
#  1. thread-pool-size 2 (8 workers) under relayed load (lib/dora_load.py in the router, 300 new
#     DORA exchanges per second for 5 s): PostgreSQL's pg_stat_activity, sampled every 0.1 s,
#     never shows more than 2 of the server's connections (application_name kahu); every
#     (MAC, address) the server ACKed is a lease4 row.
#  2. config-reload to thread-pool-size 4: the limit follows the active configuration (at most
#     4 under the same load, the old store's connections closed).
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/postgres.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu's connection limit"
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_pgsql.so" ]] || fail "libdhcp_pgsql.so not built"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
load="$(dirname "$0")/lib/dora_load.py"

postgres_start
postgres_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init pgsql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$PG_PORT" >/dev/null

config() { # thread-pool-size -> config path (the seed configuration on the socket directory)
    jq --argjson n "$1" --arg host "$PG_SOCKET_DIR" --argjson port "$PG_PORT" '
        .Dhcp4["lease-database"] += {"host": $host, "port": $port}
        | .Dhcp4["multi-threading"]["thread-pool-size"] = $n
        | .Dhcp4.subnet4[0].subnet = "172.18.0.0/20"
        | .Dhcp4.subnet4[0].pools = [{"pool": "172.18.0.1 - 172.18.15.200"}]
        | .Dhcp4.subnet4[0].reservations = []' \
        "$KAHU_SOURCE/config/kahu-dhcp4-pgsql.conf" >"$LAB_TMP/tps-$1.json"
    echo "$LAB_TMP/tps-$1.json"
}
ctrl() { printf '%s' "$1" | socat -t 30 - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl"; }
connections() { # the server's connections now: "all active"
    postgres_sql <<<"SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity
                     WHERE datname = 'kea' AND application_name = 'kahu'" | tr '|' ' '
}

# Load for 5 s while sampling; prints "<most connections> <most active> <samples> <ACKs>".
loaded() { # ack-file
    nsx rtr python3 "$load" 172.18.20.20 172.18.10.254 300 5 >"$1" 2>"$LAB_TMP/load.err" &
    local pid=$! most=0 active=0 samples=0 all act
    LAB_PIDS+=("$pid")
    while kill -0 "$pid" 2>/dev/null; do
        read -r all act < <(connections)
        ((all > most)) && most=$all
        ((act > active)) && active=$act
        samples=$((samples + 1))
        sleep 0.1
    done
    wait "$pid" || fail "the load generator failed: $(cat "$LAB_TMP/load.err")"
    echo "$most $active $samples $(wc -l <"$1")"
}

lab_oasis

# --- 1. thread-pool-size 2.
start_server "$(config 2)"
wait_for 10 "the control socket" test -S "$LAB_TMP/srv1-ctrl"
assert_file_has "$SERVER_LOG_srv1" "DHCP4_MULTI_THREADING_INFO .*number of threads: 2.* 8 worker threads" \
    "8 workers for thread-pool-size 2"
read -r most active samples acks < <(loaded "$LAB_TMP/acks1.txt")
log "thread-pool-size 2: at most $most connections ($active active) in $samples samples; $acks ACKs"
((samples >= 10)) || fail "only $samples samples of pg_stat_activity during the load"
((acks >= 1000)) || fail "only $acks ACKs of 1,500 DORA exchanges"
((most >= 1 && most <= 2)) || fail "$most connections at once with thread-pool-size 2 (limit 2)"
((active <= 2)) || fail "$active active statements at once with thread-pool-size 2"

# Every ACKed address is in lease4 with the MAC that got it.
postgres_sql kea <<<"SELECT regexp_replace(encode(hwaddr, 'hex'), '(..)(?=.)', '\\1:', 'g') || ' ' ||
    host('0.0.0.0'::inet + address) FROM lease4" | sort >"$LAB_TMP/rows.txt"
awk '{print $2, $3}' "$LAB_TMP/acks1.txt" | sort -u >"$LAB_TMP/acked.txt"
missing=$(comm -23 "$LAB_TMP/acked.txt" "$LAB_TMP/rows.txt")
assert_eq 0 "$(grep -c . <<<"$missing" || true)" "ACKed leases missing from lease4 ($(head -3 <<<"$missing" | tr '\n' ' '))"

# --- 2. The limit follows a reload.
prepare_config "$(config 4)" "$LAB_TMP/srv1.conf" srv1 # the file the server was started on
reply=$(ctrl '{"command": "config-reload"}')
assert_eq 0 "$(jq -r .result <<<"$reply")" "config-reload to thread-pool-size 4 ($reply)"
wait_for 10 "the 16 workers" grep -q "DHCP4_MULTI_THREADING_INFO .*number of threads: 4.* 16 worker threads" \
    "$SERVER_LOG_srv1"
read -r most active samples acks < <(loaded "$LAB_TMP/acks2.txt")
log "thread-pool-size 4: at most $most connections ($active active) in $samples samples; $acks ACKs"
((acks >= 1000)) || fail "only $acks ACKs of 1,500 DORA exchanges after the reload"
((most >= 1 && most <= 4)) || fail "$most connections at once with thread-pool-size 4 (limit 4)"
read -r all _ < <(connections)
((all <= 4)) || fail "$all connections after the load: the old configuration's were not closed"
pass
