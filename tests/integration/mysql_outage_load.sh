#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# MariaDB stopped and restarted while relayed clients keep arriving (lib/dora_load.py, 80 new
# DORA exchanges per second for 16 s, 4 worker threads): on-fail stop-retry-exit with 40 tries
# 250 ms apart keeps the server running, no ACK is sent while the database is away, ACKs resume
# after it is back, and every address the server ACKed is a lease4 row with that client's MAC.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/mariadb.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || skip "Kahu's on-fail handling"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
load="$(dirname "$0")/lib/dora_load.py"
mariadb_start
mariadb_create_db kea kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init mysql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$MARIADB_PORT" >/dev/null
jq '.Dhcp4["lease-database"] += {"max-reconnect-tries": 40, "reconnect-wait-time": 250}
    | .Dhcp4.subnet4[0].subnet = "172.18.8.0/21"
    | .Dhcp4.subnet4[0].pools = [{"pool": "172.18.8.1 - 172.18.15.200"}]
    | .Dhcp4.subnet4[0].reservations = []' \
    "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$LAB_TMP/load.conf"

lab_oasis
MYSQL_UNIX_PORT=$MARIADB_SOCKET start_server "$LAB_TMP/load.conf"
nsx rtr python3 "$load" 172.18.20.20 172.18.10.254 80 16 >"$LAB_TMP/acks.txt" 2>"$LAB_TMP/load.err" &
load_pid=$!
sleep 4
mariadb_stop
down_at=$(date +%s.%N)
log "MariaDB stopped"
sleep 3
acks_before=$(wc -l <"$LAB_TMP/acks.txt")
sleep 1
assert_eq "$acks_before" "$(wc -l <"$LAB_TMP/acks.txt")" "no ACK while the database is away"
mariadb_restart
log "MariaDB restarted"
wait "$load_pid" || fail "the load generator failed: $(cat "$LAB_TMP/load.err")"
log "load: $(cat "$LAB_TMP/load.err")"
kill -0 "$SERVER_PID_srv1" || fail "the server exited"
assert_file_has "$SERVER_LOG_srv1" MYSQL_LEASE_DB_LOST "outage noticed"
assert_file_has "$SERVER_LOG_srv1" MYSQL_LEASE_DB_RECOVERED "reconnected"
total=$(wc -l <"$LAB_TMP/acks.txt")
((acks_before >= 80)) || fail "only $acks_before ACKs before the outage"
((total >= acks_before + 80)) || fail "only $((total - acks_before)) ACKs after the outage"
log "ok: $acks_before ACKs before the outage, $total in all"

# Every ACKed address is in lease4 with the MAC that got it.
mariadb_sql kea <<<"SELECT CONCAT(LOWER(INSERT(INSERT(INSERT(INSERT(INSERT(HEX(hwaddr),11,0,':'),9,0,':'),7,0,':'),5,0,':'),3,0,':')), ' ', INET_NTOA(address)) FROM lease4" |
    sort >"$LAB_TMP/rows.txt"
awk '{print $2, $3}' "$LAB_TMP/acks.txt" | sort >"$LAB_TMP/acked.txt"
missing=$(comm -23 "$LAB_TMP/acked.txt" "$LAB_TMP/rows.txt" | wc -l)
assert_eq 0 "$missing" "ACKed leases missing from lease4 ($(comm -23 "$LAB_TMP/acked.txt" "$LAB_TMP/rows.txt" | head -3 | tr '\n' ' '))"
pass
