#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Two kahu-dhcp4 servers with libdhcp_ha.so in hot-standby (the Oasis HA configs, with the
# dedicated HA listener on ens18:8001) reach hot-standby; the primary answers every client
# behind dhcrelay and the standby none; when the primary dies the standby goes to
# partner-down and serves the clients.
#
# Lease updates and lease sync are turned off here: they need libdhcp_lease_cmds.so on the
# partner, which this test does not load.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require

lab_oasis two
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:10

ha_start_pair hot-standby kahu kahu "$HA_ALONE"

wait_state srv1 hot-standby 20
wait_state srv2 hot-standby 20

hb=$(ctrl srv1 '{"command": "ha-heartbeat"}')
assert_eq "HA peer status returned." "$(jq -r .text <<<"$hb")" "ha-heartbeat text"
assert_eq '["dhcp1"]' "$(jq -c .arguments.scopes <<<"$hb")" "dhcp1's scopes"
assert_eq '[]' "$(ctrl srv2 '{"command": "ha-heartbeat"}' | jq -c .arguments.scopes)" \
    "the standby's scopes"
status=$(ctrl srv2 '{"command": "status-get"}')
ha=$(jq -c '.arguments["high-availability"][0]' <<<"$status")
assert_eq hot-standby "$(jq -r '.["ha-mode"]' <<<"$ha")" "status-get ha-mode"
assert_eq standby "$(jq -r '.["ha-servers"].local.role' <<<"$ha")" "status-get local role"
assert_eq hot-standby "$(jq -r '.["ha-servers"].remote["last-state"]' <<<"$ha")" \
    "status-get remote last-state"

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.20 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by dhcp1"
client_prepare cli-b host-b
run_dhclient cli-b || fail "cli-b got no lease"
assert_eq 172.18.20.20 "$(client_var cli-b new_dhcp_server_identifier)" "cli-b served by dhcp1"

# The primary dies: the standby notices within max-response-delay and takes over.
stop_server srv1
wait_state srv2 partner-down 20
assert_eq '["dhcp1"]' \
    "$(ctrl srv2 '{"command": "ha-heartbeat"}' | jq -c .arguments.scopes)" "partner-down scopes"
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c got no lease from the standby in partner-down"
assert_eq 172.18.20.21 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp2"

pass
