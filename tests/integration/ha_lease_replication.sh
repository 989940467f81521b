#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A load-balancing pair of kahu-dhcp4 servers with libdhcp_lease_cmds.so and libdhcp_ha.so
# (the Oasis HA configs as shipped, shorter delays): every lease a client gets from one
# server is in both lease files (lease4-update before the ACK); with dhcp2 down dhcp1 serves
# alone; when dhcp2 comes back it syncs dhcp1's leases (lease4-get-page) and both return to
# load-balancing.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require

lab_oasis two
# Client-ids 01:02:00:00:00:00:10 and :11 hash to 209 (odd: dhcp2) and 214 (even: dhcp1).
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:12

ha_start_pair load-balancing kahu kahu

wait_state srv1 load-balancing
wait_state srv2 load-balancing

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.21 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by dhcp2"
client_prepare cli-b host-b
run_dhclient cli-b || fail "cli-b got no lease"
assert_eq 172.18.20.20 "$(client_var cli-b new_dhcp_server_identifier)" "cli-b served by dhcp1"
addr_a=$(client_var cli-a new_ip_address)
addr_b=$(client_var cli-b new_ip_address)
[[ "$addr_a" != "$addr_b" ]] || fail "both clients got $addr_a"
in_both "$addr_a"
in_both "$addr_b"
assert_eq "$addr_a" "$(ctrl srv1 "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$addr_a\"}}" \
    | jq -r '.arguments["ip-address"]')" "dhcp1 knows dhcp2's lease (lease4-get)"

# dhcp2 down: dhcp1 serves everybody; the lease cannot reach dhcp2.
stop_server srv2
wait_state srv1 partner-down
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c got no lease in partner-down"
assert_eq 172.18.20.20 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp1"
addr_c=$(client_var cli-c new_ip_address)
for a in "$addr_a" "$addr_b"; do [[ "$addr_c" != "$a" ]] || fail "$addr_c handed out twice"; done
[[ -z "$(lease_rows "$addr_c" srv2)" ]] || fail "dhcp2 has $addr_c though it was down"

# dhcp2 back: it syncs from dhcp1 and both return to load-balancing.
start_server "$LAB_TMP/ha2.conf" srv2
wait_state srv2 load-balancing
wait_state srv1 load-balancing
grep -q "HA_SYNC" "$SERVER_LOG_srv2" || log "note: no HA_SYNC log line in dhcp2's log"
assert_eq "$addr_c" "$(ctrl srv2 "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$addr_c\"}}" \
    | jq -r '.arguments["ip-address"]')" "dhcp2 synced the lease given while it was down"

pass
