#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Reservations by client-id and by DUID, through the relay: dhclient's
# `send dhcp-client-identifier` sets option 61. A client-id of its own gets the in-pool
# address reserved for that client-id (and its host name); a type-255 client-id (RFC 4361:
# IAID then DUID) gets the out-of-pool address reserved for the DUID. A client with the
# default client-id (01 + MAC) asks first and gets neither.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns other 02:00:00:0a:00:02
lab_client_ns cid 02:00:00:0a:00:04
lab_client_ns duid 02:00:00:0a:00:05

CLIENT_ID=00:6b:61:68:75:2d:63:69:64 # type 0, "kahu-cid"
DUID=00:01:00:01:2a:2b:2c:2d:02:00:00:0a:00:05
conf="$LAB_TMP/client-id.conf"
jq --arg cid "$CLIENT_ID" --arg duid "$DUID" '
    .Dhcp4.subnet4[0].reservations = [
        {"client-id": $cid, "ip-address": "172.18.10.100", "hostname": "cid-client"},
        {"duid": $duid, "ip-address": "172.18.10.20", "hostname": "duid-client"}]' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$conf"
start_server "$conf"
start_relay 172.18.20.20

client_prepare other other-box
run_dhclient other || fail "dhclient (default client-id) got no lease"
assert_eq 172.18.10.101 "$(client_var other new_ip_address)" "address of the unreserved client"

# The client identifier replaces the library's `= hardware` line.
with_client_id() { # role client-id
    local conf
    conf="$(client_dir "$1")/dhclient.conf"
    sed -i "s/^send dhcp-client-identifier .*/send dhcp-client-identifier $2;/" "$conf"
    grep -q "^send dhcp-client-identifier $2;" "$conf" || fail "dhclient.conf of $1 not rewritten"
}

client_prepare cid somebox
with_client_id cid "$CLIENT_ID"
capture_start cid
run_dhclient cid || fail "dhclient with its own client-id got no lease"
capture_stop cid
assert_eq 172.18.10.100 "$(client_var cid new_ip_address)" "address reserved for the client-id"
assert_eq cid-client "$(client_var cid new_host_name)" "host name reserved for the client-id"
assert_match "Client-ID.*(6b:61:68:75|kahu-cid|0x6b61)" "$(capture_packet cid ACK)" \
    "the ACK echoes the client-id"
assert_match "^172\.18\.10\.100,02:00:00:0a:00:04,$CLIENT_ID,3600,[0-9]+,10,0,0,cid-client,0" \
    "$(lease_rows 172.18.10.100 | tail -n 1)" "lease CSV row of the client-id reservation"

client_prepare duid anotherbox
with_client_id duid "ff:00:00:00:07:$DUID"
run_dhclient duid || fail "dhclient with a DUID client-id got no lease"
assert_eq 172.18.10.20 "$(client_var duid new_ip_address)" "out-of-pool address reserved for the DUID"
assert_eq duid-client "$(client_var duid new_host_name)" "host name reserved for the DUID"
assert_match "^172\.18\.10\.20,02:00:00:0a:00:05,ff:00:00:00:07:$DUID,3600,[0-9]+,10,0,0,duid-client,0" \
    "$(lease_rows 172.18.10.20 | tail -n 1)" "lease CSV row of the DUID reservation"

pass
