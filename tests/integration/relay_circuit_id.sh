#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A reservation by circuit-id: the real `dhcrelay -a` inserts option 82 with the circuit-id
# "br10" (the name of the interface the client is on) and the client behind it gets the
# address and host name reserved for that circuit, although it has a hw-address reservation
# too (circuit-id comes first in host-reservation-identifiers). Before that, a client relayed
# without option 82 asks first and does not get the circuit's address.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns other 02:00:00:0a:00:02
lab_client_ns port 02:00:00:0a:00:03

conf="$LAB_TMP/circuit-id.conf"
jq '.Dhcp4["host-reservation-identifiers"] = ["circuit-id", "hw-address", "client-id"]
    | .Dhcp4.subnet4[0].reservations = [
        {"circuit-id": "'"'br10'"'", "ip-address": "172.18.10.100", "hostname": "port-br10"},
        {"hw-address": "02:00:00:0a:00:03", "ip-address": "172.18.10.120"}]' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$conf"
start_server "$conf"

# No option 82: the client carries no circuit-id, and .100 (the pool's first address, which
# an allocator ignoring the reservation would hand out first) is somebody else's.
start_relay 172.18.20.20
client_prepare other other-box
run_dhclient other || fail "dhclient (no option 82) got no lease"
assert_eq 172.18.10.101 "$(client_var other new_ip_address)" "address of the client without circuit-id"
stop_relay

RELAY_OPTS=-a start_relay 172.18.20.20
client_prepare port somebox
capture_start port
run_dhclient port || fail "dhclient behind dhcrelay -a got no lease"
capture_stop port
assert_eq 172.18.10.100 "$(client_var port new_ip_address)" "address reserved for circuit-id br10"
assert_eq port-br10 "$(client_var port new_host_name)" "host name reserved for circuit-id br10"
assert_eq 172.18.10.254 "$(client_var port new_routers)" "routers"
# dhcrelay strips option 82 from the answer before the client sees it.
assert_eq "1 3 6 12 15 51 53 54 58 59 61" "$(capture_options port ACK)" "options in the ACK"
row=$(lease_rows 172.18.10.100 | tail -n 1)
assert_match "^172\.18\.10\.100,02:00:00:0a:00:03,01:02:00:00:0a:00:03,3600,[0-9]+,10,0,0,port-br10,0" \
    "$row" "lease CSV row"
assert_eq "" "$(lease_rows 172.18.10.120)" "no lease for the hw-address reservation"

pass
