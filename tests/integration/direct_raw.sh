#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Raw-socket mode: clients on the server's own segment (no relay; broadcast DISCOVERs from
# 0.0.0.0) get addresses from a subnet on the server's interface, with dhclient and udhcpc.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_router
lab_server_ns srv1 172.18.20.20
lab_client_ns cli-a 02:00:00:14:00:01 br20
lab_client_ns cli-b 02:00:00:14:00:02 br20
start_server "$KAHU_SOURCE/tests/integration/data/kahu-dhcp4-direct-raw.conf"

client_prepare cli-a direct-a
capture_start cli-a
run_dhclient cli-a || fail "dhclient got no lease"
capture_stop cli-a
a=$(client_var cli-a new_ip_address)
assert_ip_in_range "$a" 172.18.20.100 172.18.20.200 "dhclient address"
assert_eq 172.18.20.254 "$(client_var cli-a new_routers)" "routers"
assert_eq 172.18.20.20 "$(client_var cli-a new_dhcp_server_identifier)" "server id"
assert_eq "1 3 6 12 15 51 53 54 58 59 61" "$(capture_options cli-a ACK)" "options in the ACK"
ack=$(capture_packet cli-a ACK)
assert_match "172\.18\.20\.20\.67 > ($a|255\.255\.255\.255)\.68" "$ack" "ACK sent from the server to the client"
assert_match "^$a,02:00:00:14:00:01,01:02:00:00:14:00:01,3600,[0-9]+,20," \
    "$(lease_rows "$a" | tail -n 1)" "lease CSV row (dhclient)"

run_udhcpc cli-b || fail "udhcpc got no lease"
b=$(client_var cli-b udhcpc_ip)
assert_ip_in_range "$b" 172.18.20.100 172.18.20.200 "udhcpc address"
assert_ne "$a" "$b" "udhcpc address (must differ from dhclient's)"
assert_eq 172.18.20.254 "$(client_var cli-b udhcpc_router)" "udhcpc routers"
assert_eq 3600 "$(client_var cli-b udhcpc_lease)" "udhcpc lease time"
assert_match "^$b,02:00:00:14:00:02,01:02:00:00:14:00:02,3600,[0-9]+,20," \
    "$(lease_rows "$b" | tail -n 1)" "lease CSV row (udhcpc)"

pass
