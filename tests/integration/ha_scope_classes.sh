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
source "$(dirname "$0")/lib/ha.bash"

ha_require

lab_oasis two
# Client-ids 01:02:00:00:00:00:10 and :11 hash to dhcp2's and dhcp1's scope.
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11
lab_client_ns cli-c 02:00:00:00:00:10

ha_start_pair load-balancing kahu kahu "$HA_ALONE
    | .Dhcp4.subnet4[0].pools = [
        {\"pool\": \"172.18.10.100-172.18.10.149\", \"client-class\": \"HA_dhcp1\"},
        {\"pool\": \"172.18.10.150-172.18.10.200\", \"client-class\": \"HA_dhcp2\"}]"

last_octet() { # address
    echo "${1##*.}"
}

wait_state srv1 load-balancing 20
wait_state srv2 load-balancing 20

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
wait_state srv1 partner-down 20
client_prepare cli-c host-c
run_dhclient cli-c || fail "cli-c (dhcp2's scope) got no lease in partner-down"
assert_eq 172.18.20.20 "$(client_var cli-c new_dhcp_server_identifier)" "cli-c served by dhcp1"
c=$(last_octet "$(client_var cli-c new_ip_address)")
((c >= 150 && c <= 200)) || fail "cli-c got .$c, outside the HA_dhcp2 pool"

pass
