#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The lease file is Kea's, both ways, with live clients:
#  1. Kahu serves two clients and stops; the real Kea 2.2 starts on the SAME lease file and
#     the clients renew (INIT-REBOOT) from Kea and keep their addresses; a new client gets
#     neither of them.
#  2. Kea serves two new clients on a fresh file and stops; Kahu starts on Kea's file, the
#     clients renew from Kahu and keep their addresses; a new client gets neither.
# Needs both servers: ignores KAHU_SERVER.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
for i in 1 2 3 4 5 6; do lab_client_ns "cli-$i" "02:00:00:0a:00:7$i"; done
conf="$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf"
start_relay 172.18.20.20

as() { # kahu|kea  -> start that server on srv1's lease file
    KAHU_SERVER=$1
    start_server "$conf"
}

get() { # role
    run_dhclient "$1" >&2 || fail "dhclient ($1, $KAHU_SERVER) got no lease"
    client_var "$1" new_ip_address
}

keep() { # role address
    dhclient_renew "$1" || fail "dhclient ($1) renew from $KAHU_SERVER failed"
    assert_eq "$2" "$(client_var "$1" new_ip_address)" "$1's address renewed from $KAHU_SERVER"
    assert_match "^$2,02:00:00:0a:00:7${1#cli-},.*,3600," "$(lease_rows "$2" | tail -n 1)" \
        "$KAHU_SERVER's CSV row for $1"
}

# --- 1. Kahu writes, Kea reads -------------------------------------------------------------------
as kahu
a1=$(get cli-1)
a2=$(get cli-2)
assert_ne "$a1" "$a2" "second client's address"
stop_server
log "lease file header written by Kahu: $(head -n 1 "$SERVER_LEASES_srv1")"

as kea
# A new client first: a server that did not load the file would offer it $a1 (iterative
# allocation from the start of the pool). A renewing client alone proves nothing, since a
# server ACKs an INIT-REBOOT for a free address too.
a3=$(get cli-3)
assert_ne "$a1" "$a3" "new client (Kea) vs cli-1"
assert_ne "$a2" "$a3" "new client (Kea) vs cli-2"
keep cli-2 "$a2"
keep cli-1 "$a1"
stop_server

# --- 2. Kea writes, Kahu reads -------------------------------------------------------------------
mv "$SERVER_LEASES_srv1" "$LAB_TMP/phase1-leases4.csv"
rm -f "$SERVER_LEASES_srv1".* # Kea's .2 / .completed LFC files, if any
as kea
a4=$(get cli-4)
a5=$(get cli-5)
assert_ne "$a4" "$a5" "second client's address (Kea)"
stop_server
log "lease file header written by Kea: $(head -n 1 "$SERVER_LEASES_srv1")"
kea_rows=$(wc -l <"$SERVER_LEASES_srv1")

as kahu
a6=$(get cli-6) # first, as above
assert_ne "$a4" "$a6" "new client (Kahu) vs cli-4"
assert_ne "$a5" "$a6" "new client (Kahu) vs cli-5"
keep cli-5 "$a5"
keep cli-4 "$a4"
stop_server
# Kahu appended to Kea's file rather than starting it over.
((kea_rows >= 3)) || fail "Kea wrote only $kea_rows lines"
assert_eq "$(head -n 1 "$LAB_TMP/phase1-leases4.csv" | cut -d, -f1-4)" \
    "$(head -n 1 "$SERVER_LEASES_srv1" | cut -d, -f1-4)" "header columns 1-4"
(($(wc -l <"$SERVER_LEASES_srv1") > kea_rows)) || fail "Kahu appended nothing to Kea's file"

# And Kea reads the mixed file back: a new client gets none of the three leases, and cli-6
# (whose lease only Kahu wrote) keeps its address.
as kea
a3b=$(get cli-3)
for x in "$a4" "$a5" "$a6"; do assert_ne "$x" "$a3b" "new client (Kea, mixed file) vs $x"; done
keep cli-6 "$a6"
stop_server

pass
