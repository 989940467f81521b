#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Vendor options byte for byte as Kea 2.2 sends them: the same configuration
# (data/kahu-dhcp4-vendor-options.conf: option 43 built from sub-options of
# vendor-encapsulated-options-space, globally and, merged with hex data, in a reservation;
# DOCSIS3 tftp-servers in vendor-4491 and in docsis3-v4; always-send options of a custom
# vendor-339 space; options 124 and 125) is served by the real Kea 2.2 and by Kahu, the same
# relayed DISCOVERs (lib/dhcp_probe.py: option 55, the client's own 125 with or without a
# DOCSIS ORO, option 60) go to each, and every OFFER must carry the same options with the same
# bytes in the same order. tcpdump -vv must decode the vendor options of Kahu's OFFERs as it
# decodes Kea's. Needs both servers: ignores KAHU_SERVER.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

lab_oasis
conf="$KAHU_SOURCE/tests/integration/data/kahu-dhcp4-vendor-options.conf"

# mac-last-byte/option=hex...: 55 is the parameter request list, 125 the client's V-I
# vendor-specific option (enterprise, data-len, sub-options; sub-option 1 of 4491 = DOCSIS ORO).
queries=(
    "21/55=0103062b7c7d"                   # 43 from global sub-options, 124; no enterprise: no 125
    "22/55=01/125=0000118b03010102"        # DOCSIS ORO asks for tftp-servers (vendor-4491 only)
    "23/55=01/125=00000153020100"          # enterprise 339: its always-send option
    "24/55=01/60=646f63736973332e30"       # vendor class alone: no vendor option
    "30/55=2b7d"                           # reservation: 43 hex merged with sub-option, 125 "4491"
    "25/55=2b/125=0000118b0401020201"      # 43 and the ORO answer together
    "26/55=7c/125=0000118b0401020304"      # 4491 without ORO, nothing always-send there
)

probe() { # server -> one line per query in $LAB_TMP/<server>.offers
    KAHU_SERVER=$1
    start_server "$conf"
    # ip netns exec directly (not nsx): $! must be tcpdump itself, to stop it after the run.
    ip netns exec "$(ns_name rtr)" tcpdump -i br20 -n -U --immediate-mode -s 0 -w "$LAB_TMP/$1.pcap" \
        "udp src port 67 and src host 172.18.20.20" \
        >"$LAB_TMP/tcpdump-$1.log" 2>&1 &
    LAB_PIDS+=($!)
    local cap=$!
    wait_for 5 "tcpdump" grep -q "listening on" "$LAB_TMP/tcpdump-$1.log"
    nsx rtr python3 "$KAHU_SOURCE/tests/integration/lib/dhcp_probe.py" 172.18.20.20 \
        172.18.10.254 "${queries[@]}" >"$LAB_TMP/$1.offers"
    sleep 0.3
    kill -TERM "$cap" 2>/dev/null || true
    wait "$cap" 2>/dev/null || true
    stop_server
    rm -f "$LAB_TMP/srv1-leases4.csv"
}

# The vendor option lines of tcpdump -vv's decode of the OFFERs (Debian 12's tcpdump names 43
# and prints 124 and 125 as enterprise number and data), in capture order.
decoded() { # server
    tcpdump -vv -n -r "$LAB_TMP/$1.pcap" 2>/dev/null |
        grep -E "^[[:space:]]+(Vendor-Option \(43\)|[A-Za-z-]+ \((124|125)\))" || true
}

probe kea
probe kahu
n=0
while IFS= read -r kea_line && IFS= read -r kahu_line <&3; do
    n=$((n + 1))
    [[ "$kea_line" != *"(no answer)"* ]] || fail "Kea did not answer ${kea_line%% *}"
    assert_eq "$kea_line" "$kahu_line" "OFFER options for ${kea_line%% *}"
done <"$LAB_TMP/kea.offers" 3<"$LAB_TMP/kahu.offers"
assert_eq "${#queries[@]}" "$n" "queries compared"
assert_eq "$(decoded kea)" "$(decoded kahu)" "tcpdump -vv decode of the vendor options"
assert_match "Vendor-Option \(43\)" "$(decoded kahu)" "tcpdump decodes option 43"

pass
