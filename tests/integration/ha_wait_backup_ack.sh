#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# passive-backup with wait-backup-ack: dhcp1 (primary) answers a client behind dhcrelay only
# once dhcp2 (backup) has acknowledged the lease update, so the lease is in the backup's lease
# file by the time the client has its ACK; with the backup down the update fails and the
# primary drops the query: the client gets no lease (Kea's behaviour, reference 8.5).
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require

lab_oasis two
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11

for n in 1 2; do
    jq '.Dhcp4["hooks-libraries"][1].parameters["high-availability"][0] |=
          (.mode = "passive-backup" | .peers[1].role = "backup" | .["wait-backup-ack"] = true)' \
        "$KAHU_SOURCE/config/kahu-dhcp4-load-balancing-dhcp$n.conf" >"$LAB_TMP/pb$n.conf"
done
start_server "$LAB_TMP/pb1.conf" srv1
start_server "$LAB_TMP/pb2.conf" srv2
start_relay 172.18.20.20 172.18.20.21

wait_for 15 "dhcp1 in passive-backup" bash -c "[[ \$(printf '%s' '{\"command\": \"ha-heartbeat\"}' | socat -t 5 - UNIX-CONNECT:$LAB_TMP/srv1-ctrl | jq -r .arguments.state) == passive-backup ]]"
assert_eq backup "$(ha_state srv2)" "dhcp2's state"

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.20 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by dhcp1"
addr=$(client_var cli-a new_ip_address)
# No waiting: the backup acknowledged the update before the primary sent the ACK.
grep -q "^$addr," "$SERVER_LEASES_srv2" || fail "$addr not in the backup's lease file at the ACK"
[[ -n "$(lease_rows "$addr" srv1)" ]] || fail "$addr missing from dhcp1's lease file"
log "$addr was in the backup's lease file when the client got its ACK"

# The backup is down: the update cannot be acknowledged, the primary drops the REQUEST. The
# DISCOVER is still answered (no lease update for an OFFER); dhclient would retry its
# REQUEST for minutes, so it gets 25 s.
stop_server srv2
client_prepare cli-b host-b
dir=$(client_dir cli-b)
if DHCLIENT_TIMEOUT=25 run_dhclient cli-b; then
    fail "cli-b got a lease $(client_var cli-b new_ip_address) without the backup's ack"
fi
assert_file_has "$dir/dhclient.log" "DHCPOFFER of 172.18.10." "dhcp1 still offers"
if grep -q DHCPACK "$dir/dhclient.log"; then fail "cli-b got a DHCPACK"; fi
log "no ACK for cli-b while the backup is down"

pass
