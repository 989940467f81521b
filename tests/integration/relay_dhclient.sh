#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A dhclient in VLAN 10 gets an address from the pool through dhcrelay (Oasis standalone
# config, udp sockets); the ACK carries exactly the options of the Oasis README; the lease
# is on disk.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:01
start_server "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_relay 172.18.20.20

client_prepare cli-a laptop-a
capture_start cli-a
run_dhclient cli-a || fail "dhclient got no lease"
capture_stop cli-a

addr=$(client_var cli-a new_ip_address)
assert_ip_in_range "$addr" 172.18.10.100 172.18.10.200 "leased address"
assert_eq "$addr" "$(client_address cli-a)" "address configured on eth0"
assert_eq 255.255.255.0 "$(client_var cli-a new_subnet_mask)" "subnet mask"
assert_eq 172.18.10.254 "$(client_var cli-a new_routers)" "routers"
assert_eq 172.18.20.1 "$(client_var cli-a new_domain_name_servers)" "DNS servers"
assert_eq oasis.local "$(client_var cli-a new_domain_name)" "domain name"
assert_eq laptop-a "$(client_var cli-a new_host_name)" "host name echoed"
assert_eq 3600 "$(client_var cli-a new_dhcp_lease_time)" "lease time"
assert_eq 1800 "$(client_var cli-a new_dhcp_renewal_time)" "T1"
assert_eq 3150 "$(client_var cli-a new_dhcp_rebinding_time)" "T2"
assert_eq 172.18.20.20 "$(client_var cli-a new_dhcp_server_identifier)" "server id"

# Exactly: 1 mask, 3 router, 6 DNS, 12 host name, 15 domain name, 51 lease time,
# 53 message type, 54 server id, 58 T1, 59 T2, 61 client id (RFC 6842 echo).
assert_eq "1 3 6 12 15 51 53 54 58 59 61" "$(capture_options cli-a ACK)" "options in the ACK"
client_id=$(capture_packet cli-a ACK | grep -E 'Client-ID' | sed 's/^[[:space:]]*//')
assert_eq "Client-ID (61), length 7: ether 02:00:00:0a:00:01" "$client_id" "client id in the ACK"

# The lease CSV: address,hwaddr,client_id,valid_lifetime,expire,subnet_id,...,hostname,state
row=$(lease_rows "$addr" | tail -n 1)
assert_match "^$addr,02:00:00:0a:00:01,01:02:00:00:0a:00:01,3600,[0-9]+,10,0,0,laptop-a,0" \
    "$row" "lease CSV row"

pass
