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

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || { echo "SKIP: the pair is two Kahu servers"; exit 0; }
for tool in socat jq; do command -v $tool >/dev/null || fail "$tool is required"; done
export KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib"
[[ -f "$KAHU_HOOKS_PATH/libdhcp_ha.so" ]] || fail "libdhcp_ha.so not built in $KAHU_HOOKS_PATH"

lab_oasis two
# Client-ids 01:02:00:00:00:00:10 and :11 hash to 209 (odd: dhcp2) and 214 (even: dhcp1).
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:10

for n in 1 2; do
    jq '.Dhcp4["hooks-libraries"] |= map(select(.library | endswith("libdhcp_ha.so")))
        | .Dhcp4["hooks-libraries"][0].parameters["high-availability"][0] += {
            "heartbeat-delay": 1000, "max-response-delay": 3000, "max-unacked-clients": 0,
            "send-lease-updates": false, "sync-leases": false}' \
        "$KAHU_SOURCE/config/kahu-dhcp4-load-balancing-dhcp$n.conf" >"$LAB_TMP/ha$n.conf"
done
start_server "$LAB_TMP/ha1.conf" srv1
start_server "$LAB_TMP/ha2.conf" srv2
start_relay 172.18.20.20 172.18.20.21

for role in srv1 srv2; do
    end=$((SECONDS + 20))
    until [[ "$(ha_state $role)" == load-balancing ]]; do
        ((SECONDS < end)) || fail "$role never reached load-balancing (state $(ha_state $role))"
        sleep 0.5
    done
done
log "both servers in load-balancing"

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
end=$((SECONDS + 20))
until [[ "$(ha_state srv1)" == partner-down ]]; do
    ((SECONDS < end)) || fail "dhcp1 never went to partner-down (state $(ha_state srv1))"
    sleep 0.5
done
assert_eq '["dhcp1","dhcp2"]' \
    "$(ctrl srv1 '{"command": "ha-heartbeat"}' | jq -c .arguments.scopes)" "partner-down scopes"
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c (dhcp2's scope) got no lease in partner-down"
assert_eq 172.18.20.20 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp1"

pass
