#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Renewing keeps the address and extends the lease (dhclient re-requesting its lease through
# the relay, and udhcpc's unicast RENEWING request straight to the server); releasing frees
# it (the lease file records the delete: Kea 2.2 appends the row with valid_lifetime 0).
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:11
lab_client_ns cli-b 02:00:00:0a:00:12
start_server "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_relay 172.18.20.20

# dhclient: bind, then restart on the same lease file (INIT-REBOOT request for that address).
client_prepare cli-a renew-a
run_dhclient cli-a || fail "dhclient got no lease"
a=$(client_var cli-a new_ip_address)
assert_ip_in_range "$a" 172.18.10.100 172.18.10.200 "dhclient address"
rows_before=$(lease_rows "$a" | wc -l)
sleep 1 # so that the renewed lease's expire is later
dhclient_renew cli-a || fail "dhclient renew failed"
assert_eq "$a" "$(client_var cli-a new_ip_address)" "dhclient address after renew"
assert_eq REBOOT "$(client_var cli-a reason)" "dhclient renewed its old lease (INIT-REBOOT)"
rows_after=$(lease_rows "$a" | wc -l)
((rows_after > rows_before)) || fail "renew wrote no lease row ($rows_before rows before, $rows_after after)"
exp1=$(lease_rows "$a" | sed -n "${rows_before}p" | cut -d, -f5)
exp2=$(lease_field "$a" 5)
((exp2 > exp1)) || fail "renew did not extend the lease: expire $exp1 then $exp2"
log "ok: dhclient renew extended expire $exp1 -> $exp2"

# udhcpc: bind, then SIGUSR1 -> unicast REQUEST (ciaddr set) to the server id, routed by the
# router, not relayed.
capture_start cli-b
start_udhcpc cli-b
b=$(client_var cli-b udhcpc_ip)
assert_ip_in_range "$b" 172.18.10.100 172.18.10.200 "udhcpc address"
assert_ne "$a" "$b" "udhcpc address (must differ from dhclient's)"
rows_before=$(lease_rows "$b" | wc -l)
sleep 1
udhcpc_renew cli-b
capture_stop cli-b
assert_eq "$b" "$(client_var cli-b udhcpc_ip)" "udhcpc address after renew"
renew_req=$(capture_packet cli-b Request)
assert_match "Client-IP $b" "$renew_req" "udhcpc renew carries ciaddr"
assert_match "> 172\.18\.20\.20\.67" "$renew_req" "udhcpc renew is unicast to the server"
rows_after=$(lease_rows "$b" | wc -l)
((rows_after > rows_before)) || fail "udhcpc renew wrote no lease row"
log "ok: udhcpc renew wrote a new lease row"

# Release: the client unicasts DHCPRELEASE; the lease is gone from the server's view.
dhclient_release cli-a
sleep 1
last=$(lease_rows "$a" | tail -n 1)
lifetime=$(cut -d, -f4 <<<"$last")
state=$(cut -d, -f10 <<<"$last")
if [[ "$lifetime" == 0 ]]; then
    log "ok: release wrote a delete row (valid_lifetime 0): $last"
elif [[ "$state" == 2 ]]; then
    log "ok: release wrote an expired-reclaimed row (state 2): $last"
else
    fail "after release, expected a row with valid_lifetime 0 or state 2 for $a, got '$last'"
fi
assert_eq "" "$(client_address cli-a)" "address on eth0 after release"

pass
