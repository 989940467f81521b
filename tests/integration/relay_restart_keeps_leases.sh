#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Leases survive a server restart: two clients bind, the server stops (SIGTERM) and starts
# again on the same lease file; both clients renew and keep their addresses, and a new
# client gets neither of them.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:31
lab_client_ns cli-b 02:00:00:0a:00:32
lab_client_ns cli-c 02:00:00:0a:00:33
conf="$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_server "$conf"
start_relay 172.18.20.20

run_dhclient cli-a || fail "dhclient (a) got no lease"
run_dhclient cli-b || fail "dhclient (b) got no lease"
a=$(client_var cli-a new_ip_address)
b=$(client_var cli-b new_ip_address)
assert_ne "$a" "$b" "second client's address"

stop_server
assert_match "^$a,02:00:00:0a:00:31,.*,3600," "$(lease_rows "$a" | tail -n 1)" "CSV row of a after stop"
assert_match "^$b,02:00:00:0a:00:32,.*,3600," "$(lease_rows "$b" | tail -n 1)" "CSV row of b after stop"
start_server "$conf"

# Renew in the reverse order of allocation, so an allocator that lost its state would hand
# b the first free address.
dhclient_renew cli-b || fail "dhclient (b) renew failed"
dhclient_renew cli-a || fail "dhclient (a) renew failed"
assert_eq "$b" "$(client_var cli-b new_ip_address)" "b's address after restart"
assert_eq "$a" "$(client_var cli-a new_ip_address)" "a's address after restart"

run_dhclient cli-c || fail "dhclient (c) got no lease"
c=$(client_var cli-c new_ip_address)
assert_ne "$a" "$c" "new client's address vs a"
assert_ne "$b" "$c" "new client's address vs b"
assert_match "^$a,02:00:00:0a:00:31,.*,3600," "$(lease_rows "$a" | tail -n 1)" "CSV row of a at the end"
assert_match "^$b,02:00:00:0a:00:32,.*,3600," "$(lease_rows "$b" | tail -n 1)" "CSV row of b at the end"

pass
