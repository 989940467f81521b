#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The HA_<scope> client classes: a load-balancing pair of kahu-dhcp4 whose subnet has no
# pool for everyone, only one pool per scope (`client-class: "HA_dhcp1"` / "HA_dhcp2", the
# split Kea's documentation recommends). Each dhclient behind dhcrelay gets an address from
# its own scope's pool, from the server the hash picks; in partner-down the surviving server
# serves the other scope's clients from the other scope's pool. Without the class attached
# by libdhcp_ha.so no pool would be usable and no client would get an address.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

[[ "${KAHU_SERVER:-kahu}" == kahu ]] || { echo "SKIP: the pair is two Kahu servers"; exit 0; }
for tool in socat jq; do command -v $tool >/dev/null || fail "$tool is required"; done
export KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib"
[[ -f "$KAHU_HOOKS_PATH/libdhcp_ha.so" ]] || fail "libdhcp_ha.so not built in $KAHU_HOOKS_PATH"

lab_oasis two
# Client-ids 01:02:00:00:00:00:10 and :11 hash to dhcp2's and dhcp1's scope.
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:10

for n in 1 2; do
    jq '.Dhcp4["hooks-libraries"] |= map(select(.library | endswith("libdhcp_ha.so")))
        | .Dhcp4["hooks-libraries"][0].parameters["high-availability"][0] += {
            "heartbeat-delay": 1000, "max-response-delay": 3000, "max-unacked-clients": 0,
            "send-lease-updates": false, "sync-leases": false}
        | .Dhcp4.subnet4[0].pools = [
            {"pool": "172.18.10.100-172.18.10.149", "client-class": "HA_dhcp1"},
            {"pool": "172.18.10.150-172.18.10.200", "client-class": "HA_dhcp2"}]' \
        "$KAHU_SOURCE/config/kahu-dhcp4-load-balancing-dhcp$n.conf" >"$LAB_TMP/ha$n.conf"
done
start_server "$LAB_TMP/ha1.conf" srv1
start_server "$LAB_TMP/ha2.conf" srv2
start_relay 172.18.20.20 172.18.20.21

ctrl() { # role json
    printf '%s' "$2" | nsx "$1" socat -t 5 - "UNIX-CONNECT:$LAB_TMP/$1-ctrl"
}
ha_state() { # role
    ctrl "$1" '{"command": "ha-heartbeat"}' | jq -r '.arguments.state // empty'
}
last_octet() { # address
    echo "${1##*.}"
}

for role in srv1 srv2; do
    end=$((SECONDS + 20))
    until [[ "$(ha_state $role)" == load-balancing ]]; do
        ((SECONDS < end)) || fail "$role never reached load-balancing (state $(ha_state $role))"
        sleep 0.5
    done
done
log "both servers in load-balancing"

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.21 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by dhcp2"
a=$(last_octet "$(client_var cli-a new_ip_address)")
((a >= 150 && a <= 200)) || fail "cli-a got .$a, outside the HA_dhcp2 pool"

client_prepare cli-b host-b
run_dhclient cli-b || fail "cli-b got no lease"
assert_eq 172.18.20.20 "$(client_var cli-b new_dhcp_server_identifier)" "cli-b served by dhcp1"
b=$(last_octet "$(client_var cli-b new_ip_address)")
((b >= 100 && b <= 149)) || fail "cli-b got .$b, outside the HA_dhcp1 pool"

# dhcp2 dies: dhcp1 serves dhcp2's scope, still classified HA_dhcp2.
stop_server srv2
end=$((SECONDS + 20))
until [[ "$(ha_state srv1)" == partner-down ]]; do
    ((SECONDS < end)) || fail "dhcp1 never went to partner-down (state $(ha_state srv1))"
    sleep 0.5
done
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c (dhcp2's scope) got no lease in partner-down"
assert_eq 172.18.20.20 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp1"
c=$(last_octet "$(client_var cli-c new_ip_address)")
((c >= 150 && c <= 200)) || fail "cli-c got .$c, outside the HA_dhcp2 pool"

pass
