#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# `outbound-interface: use-routing`: the server listens on ens18 only, but its routing table
# reaches the client VLAN (and so the relay's giaddr 172.18.10.254) through a second link,
# "uplink". With same-as-inbound the replies to the relay leave by ens18, where the query came
# in; with use-routing they leave by uplink, from uplink's address (the kernel's choice, as
# with Kea), still naming 172.18.20.20 as server, and the client gets its lease (dhcrelay
# listens upstream on both links).
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
srv=$(ns_name srv1)
rtr=$(ns_name rtr)
ip -n "$rtr" link add r-up type veth peer name uplink netns "$srv"
ip -n "$rtr" addr add 172.18.30.254/24 dev r-up
ip -n "$rtr" link set r-up up
ip -n "$srv" addr add 172.18.30.20/24 dev uplink
ip -n "$srv" link set uplink up
ip -n "$srv" route add 172.18.10.0/24 via 172.18.30.254 dev uplink

lab_client_ns cli-a 02:00:00:0a:00:31
lab_client_ns cli-b 02:00:00:0a:00:32
RELAY_UPSTREAM="br20 r-up" start_relay 172.18.20.20

# Captures the server's DHCP replies (source port 67, to the relay) on each of its links.
CAPTURES=()
capture_links() { # tag
    local dev
    CAPTURES=()
    for dev in ens18 uplink; do
        ip netns exec "$srv" tcpdump -i "$dev" -n -U --immediate-mode -s 0 \
            -w "$LAB_TMP/$1-$dev.pcap" "udp src port 67 and dst host 172.18.10.254" \
            >"$LAB_TMP/tcpdump-$1-$dev.log" 2>&1 &
        LAB_PIDS+=($!)
        CAPTURES+=($!)
        wait_for 5 "tcpdump on $dev" grep -q "listening on" "$LAB_TMP/tcpdump-$1-$dev.log"
    done
}
replies_on() { # tag dev [source address]
    tcpdump -n -r "$LAB_TMP/$1-$2.pcap" 2>/dev/null |
        grep -c "IP ${3:-[0-9.]*}\.67 > 172.18.10.254.67:" || true
}
stop_captures() {
    local pid
    sleep 0.3
    for pid in "${CAPTURES[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

conf="$LAB_TMP/inbound.conf"
jq '.Dhcp4["interfaces-config"]["outbound-interface"] = "same-as-inbound"' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$conf"
start_server "$conf"
capture_links inbound
client_prepare cli-a inbound-a
run_dhclient cli-a || fail "dhclient got no lease with same-as-inbound"
stop_captures
assert_ip_in_range "$(client_var cli-a new_ip_address)" 172.18.10.100 172.18.10.200 \
    "address with same-as-inbound"
assert_eq 2 "$(replies_on inbound ens18 172.18.20.20)" \
    "same-as-inbound: OFFER and ACK leave by ens18 from its address"
assert_eq 0 "$(replies_on inbound uplink)" "same-as-inbound: nothing leaves by uplink"
stop_server

conf="$LAB_TMP/routing.conf"
jq '.Dhcp4["interfaces-config"]["outbound-interface"] = "use-routing"' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$conf"
start_server "$conf"
capture_links routing
client_prepare cli-b routed-b
run_dhclient cli-b || fail "dhclient got no lease with use-routing"
stop_captures
addr=$(client_var cli-b new_ip_address)
assert_ip_in_range "$addr" 172.18.10.100 172.18.10.200 "address with use-routing"
assert_eq 172.18.20.20 "$(client_var cli-b new_dhcp_server_identifier)" "server id"
assert_eq 0 "$(replies_on routing ens18)" "use-routing: nothing leaves by ens18"
assert_eq 2 "$(replies_on routing uplink 172.18.30.20)" \
    "use-routing: OFFER and ACK leave by uplink from its address"
assert_match "^$addr,02:00:00:0a:00:32," "$(lease_rows "$addr" | tail -n 1)" "lease CSV row"

pass
