#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A client rebooting with a lease from another network (INIT-REBOOT REQUEST for 10.99.0.5,
# relayed from VLAN 10):
#  - with the Oasis config as written (authoritative not set = false) the server stays silent
#    (Kea 2.2: DHCP4_NO_LEASE_INIT_REBOOT, it has no lease for that client), so the client gives
#    up on its old address and DISCOVERs a new one;
#  - with "authoritative": true the server answers DHCPNAK at once.
# Either way the client ends up with a pool address.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:21
conf="$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_server "$conf"
start_relay 172.18.20.20

log "phase 1: Oasis config (not authoritative)"
client_prepare cli-a wanderer
preseed_dhclient_lease cli-a 10.99.0.5 10.99.0.1
capture_start cli-a
run_dhclient cli-a || fail "dhclient got no lease after its INIT-REBOOT went unanswered"
capture_stop cli-a
req=$(capture_packet cli-a Request 1)
assert_match "Requested-IP \(50\), length 4: 10\.99\.0\.5" "$req" "first REQUEST asks for 10.99.0.5"
assert_eq 0 "$(capture_count cli-a NACK)" "DHCPNAKs from a non-authoritative server"
assert_ip_in_range "$(client_var cli-a new_ip_address)" 172.18.10.100 172.18.10.200 \
    "address after starting over"
dhclient_stop cli-a

log "phase 2: authoritative"
stop_server
jq '.Dhcp4.authoritative = true' "$conf" >"$LAB_TMP/authoritative.conf"
start_server "$LAB_TMP/authoritative.conf"
preseed_dhclient_lease cli-a 10.99.0.5 10.99.0.1
capture_start cli-a
run_dhclient cli-a || fail "dhclient got no lease after the NAK"
capture_stop cli-a
nak=$(capture_packet cli-a NACK) || fail "no DHCPNAK in the capture"
log "ok: DHCPNAK seen; options in it: $(capture_options cli-a NACK)"
assert_match "Server-ID \(54\), length 4: 172\.18\.20\.20" "$nak" "server id in the NAK"
assert_match "Client-Ethernet-Address 02:00:00:0a:00:21" "$nak" "NAK addressed to the client"
assert_match "Gateway-IP 172\.18\.10\.254" "$nak" "NAK went through the relay"
assert_eq "53 54 61" "$(capture_options cli-a NACK)" "options in the NAK"
assert_eq "" "$(lease_rows 10.99.0.5)" "lease rows for 10.99.0.5"
assert_ip_in_range "$(client_var cli-a new_ip_address)" 172.18.10.100 172.18.10.200 \
    "address after the NAK"

pass
