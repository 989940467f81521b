#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The reserved MAC AA:BB:CC:DD:EE:FF gets 172.18.10.101 and the reserved host name
# mon-client through the relay, even though it sends a host name of its own; a client with
# another MAC never gets the reserved address.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns mon aa:bb:cc:dd:ee:ff
lab_client_ns other 02:00:00:0a:00:02
start_server "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_relay 172.18.20.20

# The other client asks first, so a pool allocator that ignores reservations would hand it .101
# (.100 is the pool's first address, .101 the next).
client_prepare other other-box
run_dhclient other || fail "dhclient (other) got no lease"
other=$(client_var other new_ip_address)
assert_ne 172.18.10.101 "$other" "address of the unreserved client"

client_prepare mon somebox
capture_start mon
run_dhclient mon || fail "dhclient (reserved MAC) got no lease"
capture_stop mon

assert_eq 172.18.10.101 "$(client_var mon new_ip_address)" "reserved address"
assert_eq mon-client "$(client_var mon new_host_name)" "reserved host name in the ACK"
assert_eq 172.18.10.254 "$(client_var mon new_routers)" "routers"
assert_eq "1 3 6 12 15 51 53 54 58 59 61" "$(capture_options mon ACK)" "options in the ACK"
row=$(lease_rows 172.18.10.101 | tail -n 1)
assert_match "^172\.18\.10\.101,aa:bb:cc:dd:ee:ff,01:aa:bb:cc:dd:ee:ff,3600,[0-9]+,10,0,0,mon-client,0" \
    "$row" "lease CSV row"

pass
