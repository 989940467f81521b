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

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || { echo "SKIP: the pair is two Kahu servers"; exit 0; }
for tool in socat jq; do command -v $tool >/dev/null || fail "$tool is required"; done
export KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib"
[[ -f "$KAHU_HOOKS_PATH/libdhcp_ha.so" ]] || fail "libdhcp_ha.so not built in $KAHU_HOOKS_PATH"

lab_oasis two
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:10

for n in 1 2; do
    jq '.Dhcp4["hooks-libraries"] |= map(select(.library | endswith("libdhcp_ha.so")))
        | .Dhcp4["hooks-libraries"][0].parameters["high-availability"][0] += {
            "heartbeat-delay": 1000, "max-response-delay": 3000, "max-unacked-clients": 0,
            "send-lease-updates": false, "sync-leases": false}' \
        "$KAHU_SOURCE/config/kahu-dhcp4-hot-standby-dhcp$n.conf" >"$LAB_TMP/ha$n.conf"
done
start_server "$LAB_TMP/ha1.conf" srv1
start_server "$LAB_TMP/ha2.conf" srv2
start_relay 172.18.20.20 172.18.20.21

for role in srv1 srv2; do
    end=$((SECONDS + 20))
    until [[ "$(ha_state $role)" == hot-standby ]]; do
        ((SECONDS < end)) || fail "$role never reached hot-standby (state $(ha_state $role))"
        sleep 0.5
    done
done
log "both servers in hot-standby"

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
end=$((SECONDS + 20))
until [[ "$(ha_state srv2)" == partner-down ]]; do
    ((SECONDS < end)) || fail "dhcp2 never went to partner-down (state $(ha_state srv2))"
    sleep 0.5
done
assert_eq '["dhcp1"]' \
    "$(ctrl srv2 '{"command": "ha-heartbeat"}' | jq -c .arguments.scopes)" "partner-down scopes"
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c got no lease from the standby in partner-down"
assert_eq 172.18.20.21 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp2"

pass
