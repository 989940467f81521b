#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Global reservations (Dhcp4.reservations), switched on with Kea 2.2's deprecated
# `"reservation-mode": "global"`, which the server maps to reservations-global true and
# reservations-in-subnet false: a client reserved globally by hw-address gets its out-of-pool
# address and host name through the relay, and the subnet's own reservation (AA:BB:...:FF ->
# .101) is no longer honoured. Kahu also warns that reservation-mode is deprecated, naming the
# file position, and keeps an in-pool global address from other clients (Kea 2.2 warns not and
# checks only subnet reservations there, so those two checks are Kahu's alone).
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns other 02:00:00:0a:00:02
lab_client_ns glob 02:00:00:0a:00:07
lab_client_ns mon aa:bb:cc:dd:ee:ff

conf="$LAB_TMP/global.conf"
jq '.Dhcp4["reservation-mode"] = "global"
    | .Dhcp4.reservations = [
        {"hw-address": "02:00:00:0a:00:07", "ip-address": "172.18.10.50", "hostname": "global-client"},
        {"client-id": "00:6e:6f:62:6f:64:79", "ip-address": "172.18.10.100"}]' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$conf"
start_server "$conf"
start_relay 172.18.20.20

if [[ $KAHU_SERVER == kahu ]]; then
    assert_match "DHCP4_CONFIG_SYNTAX_WARNING .*srv1\.conf:[0-9]+:[0-9]+: Dhcp4\.reservation-mode: 'reservation-mode' is deprecated" \
        "$(grep DHCP4_CONFIG_SYNTAX_WARNING "$SERVER_LOG_srv1" || true)" "deprecation warning with position"
    client_prepare other other-box
    run_dhclient other || fail "dhclient (unreserved) got no lease"
    assert_eq 172.18.10.101 "$(client_var other new_ip_address)" \
        "an unreserved client skips the in-pool global reservation"
fi

client_prepare glob somebox
capture_start glob
run_dhclient glob || fail "dhclient (global reservation) got no lease"
capture_stop glob
assert_eq 172.18.10.50 "$(client_var glob new_ip_address)" "globally reserved address"
assert_eq global-client "$(client_var glob new_host_name)" "globally reserved host name"
assert_eq 172.18.10.254 "$(client_var glob new_routers)" "routers"
assert_match "^172\.18\.10\.50,02:00:00:0a:00:07,01:02:00:00:0a:00:07,3600,[0-9]+,10,0,0,global-client,0" \
    "$(lease_rows 172.18.10.50 | tail -n 1)" "lease CSV row"

# The subnet reservation is off in "global" mode: the MAC it names gets a pool address and
# keeps the host name it sent.
client_prepare mon monbox
run_dhclient mon || fail "dhclient (subnet-reserved MAC) got no lease"
mon=$(client_var mon new_ip_address)
assert_ne 172.18.10.101 "$mon" "subnet reservation ignored in global mode"
assert_ip_in_range "$mon" 172.18.10.100 172.18.10.200 "pool address of the subnet-reserved MAC"

pass
