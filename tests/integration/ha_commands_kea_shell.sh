#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The HA commands an operator sends with the real kea-shell to a load-balancing pair of
# kahu-dhcp4 servers (straight to dhcp1's dedicated listener, as to a Kea 2.4+ server):
# ha-maintenance-start / -cancel move both servers, ha-scopes changes what dhcp1 serves,
# ha-sync pulls dhcp2's leases, ha-reset sends dhcp1 back through waiting to
# load-balancing; the answers carry Kea's texts.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require kea-shell

lab_oasis two
for n in 1 2; do
    jq '.Dhcp4["hooks-libraries"][1].parameters["high-availability"][0] += {
            "heartbeat-delay": 1000, "max-response-delay": 3000, "max-unacked-clients": 0}' \
        "$KAHU_SOURCE/config/kahu-dhcp4-load-balancing-dhcp$n.conf" >"$LAB_TMP/ha$n.conf"
done
start_server "$LAB_TMP/ha1.conf" srv1
start_server "$LAB_TMP/ha2.conf" srv2

# kea-shell in dhcp1's namespace against its listener; prints the answer list's first entry.
# kea-shell reads the arguments' inner text from stdin and wraps it in braces itself.
shell() { # command [arguments-text]
    printf '%s' "${2:-}" | nsx srv1 kea-shell --host 172.18.20.20 --port 8001 --service dhcp4 \
        "$1" | jq -c '.[0]'
}
expect() { # answer result text
    assert_eq "$2" "$(jq -r .result <<<"$1")" "result of: $3"
    assert_eq "$3" "$(jq -r .text <<<"$1")" "text"
}

wait_state srv1 load-balancing
wait_state srv2 load-balancing

expect "$(shell ha-maintenance-start)" 0 "Server is now in the partner-in-maintenance state and its partner is in-maintenance state. The partner can be now safely shut down."
assert_eq partner-in-maintenance "$(ha_state srv1)" "dhcp1 after ha-maintenance-start"
assert_eq in-maintenance "$(ha_state srv2)" "dhcp2 after ha-maintenance-start"
expect "$(shell ha-maintenance-cancel)" 0 "Server maintenance successfully canceled."
assert_eq load-balancing "$(ha_state srv1)" "dhcp1 after ha-maintenance-cancel"
assert_eq load-balancing "$(ha_state srv2)" "dhcp2 after ha-maintenance-cancel"
expect "$(shell ha-maintenance-cancel)" 1 "Unable to cancel maintenance request because the server is not in the partner-in-maintenance state."

expect "$(shell ha-scopes '"scopes": ["dhcp1", "dhcp2"]')" 0 "New HA scopes configured."
assert_eq '["dhcp1","dhcp2"]' "$(ctrl srv1 '{"command": "ha-heartbeat"}' | jq -c .arguments.scopes)" \
    "dhcp1's scopes after ha-scopes"
expect "$(shell ha-scopes '"scopes": ["bogus"]')" 1 "invalid server name specified 'bogus' while enabling/disabling HA scopes"
expect "$(shell ha-scopes '"scopes": ["dhcp1"]')" 0 "New HA scopes configured."

# A lease only dhcp2 has (added there directly), then ha-sync on dhcp1 pulls it.
ctrl srv2 '{"command": "lease4-add", "arguments": {"ip-address": "172.18.10.150", "hw-address": "02:00:00:00:01:50"}}' >/dev/null
expect "$(shell ha-sync '"server-name": "dhcp2"')" 0 "Lease database synchronization complete."
assert_eq 172.18.10.150 "$(ctrl srv1 '{"command": "lease4-get", "arguments": {"ip-address": "172.18.10.150"}}' \
    | jq -r '.arguments["ip-address"]')" "dhcp1 has the lease after ha-sync"
expect "$(shell ha-sync '"server-name": "dhcp1"')" 1 "'dhcp1' points to local server but should point to a partner"

expect "$(shell ha-continue)" 0 "HA state machine is not paused."
expect "$(shell ha-reset)" 0 "HA state machine reset."
wait_state srv1 load-balancing

pass
