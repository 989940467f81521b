#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Two kahu-dhcp4 servers with libdhcp_ha.so in load-balancing (the Oasis HA configs, with the
# dedicated HA listener on ens18:8001) find each other by heartbeats and reach
# load-balancing; dhclients behind dhcrelay are answered by the server the RFC 3074 hash of
# their client-id picks (Kea's split, checked live on Kea 2.2); the HA part of status-get
# and ha-heartbeat answer over the control socket; when dhcp2 dies dhcp1 goes to
# partner-down and serves dhcp2's clients too.
#
# Lease updates and lease sync are turned off here: they need libdhcp_lease_cmds.so on the
# partner, which this test does not load.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require

lab_oasis two
# Client-ids 01:02:00:00:00:00:10 and :11 hash to 209 (odd: dhcp2) and 214 (even: dhcp1).
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:10

ha_start_pair load-balancing kahu kahu "$HA_ALONE"

wait_state srv1 load-balancing 20
wait_state srv2 load-balancing 20

hb=$(ctrl srv1 '{"command": "ha-heartbeat"}')
assert_eq "HA peer status returned." "$(jq -r .text <<<"$hb")" "ha-heartbeat text"
assert_eq '["dhcp1"]' "$(jq -c .arguments.scopes <<<"$hb")" "dhcp1's scopes"
status=$(ctrl srv2 '{"command": "status-get"}')
ha=$(jq -c '.arguments["high-availability"][0]' <<<"$status")
assert_eq load-balancing "$(jq -r '.["ha-mode"]' <<<"$ha")" "status-get ha-mode"
assert_eq secondary "$(jq -r '.["ha-servers"].local.role' <<<"$ha")" "status-get local role"
assert_eq load-balancing "$(jq -r '.["ha-servers"].remote["last-state"]' <<<"$ha")" \
    "status-get remote last-state"

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.21 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by dhcp2"
client_prepare cli-b host-b
run_dhclient cli-b || fail "cli-b got no lease"
assert_eq 172.18.20.20 "$(client_var cli-b new_dhcp_server_identifier)" "cli-b served by dhcp1"

# dhcp2 dies: dhcp1 notices within max-response-delay and takes over dhcp2's scope.
stop_server srv2
wait_state srv1 partner-down 20
assert_eq '["dhcp1","dhcp2"]' \
    "$(ctrl srv1 '{"command": "ha-heartbeat"}' | jq -c .arguments.scopes)" "partner-down scopes"
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c (dhcp2's scope) got no lease in partner-down"
assert_eq 172.18.20.20 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp1"

pass
