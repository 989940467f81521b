#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# DDNS in an HA load-balancing pair of kahu-dhcp4 servers (the Oasis HA configs as shipped,
# with lease updates, plus dhcp-ddns and a qualifying suffix): only the server that answers a
# client sends its NameChangeRequests, as in Kea; the partner, which gets the lease through
# lease4-update, sends none. Each server's DDNS daemon is a UDP recorder on its own loopback
# (127.0.0.1:53001 in its namespace), so what each server sent is known exactly.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

ha_require python3

lab_oasis two
# Client-ids 01:02:00:00:00:00:10 and :11 hash to 209 (odd: dhcp2) and 214 (even: dhcp1).
lab_client_ns cli-a 02:00:00:00:00:10
lab_client_ns cli-b 02:00:00:00:00:11

# A DDNS daemon stand-in per server: every datagram (16-bit length + JSON) as one JSON line.
for n in 1 2; do
    ip netns exec "$(ns_name "srv$n")" python3 -u -c '
import json, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53001))
print("ready", flush=True)
while True:
    d = s.recv(65535)
    print(json.dumps(json.loads(d[2:2 + int.from_bytes(d[:2], "big")])), flush=True)
' >"$LAB_TMP/ncr$n.jsonl" &
    LAB_PIDS+=($!)
done
for n in 1 2; do wait_for 10 "NCR recorder of srv$n" grep -q ready "$LAB_TMP/ncr$n.jsonl"; done

ha_start_pair load-balancing kahu kahu \
    '.Dhcp4["dhcp-ddns"] = {"enable-updates": true, "server-ip": "127.0.0.1", "server-port": 53001}
     | .Dhcp4["ddns-qualifying-suffix"] = "example.org"'
wait_state srv1 load-balancing
wait_state srv2 load-balancing

ncrs() { # n change-type fqdn -> how many such requests server n sent
    grep -v '^ready' "$LAB_TMP/ncr$1.jsonl" |
        jq -s --argjson t "$2" --arg f "$3" '[.[] | select(.["change-type"] == $t and .fqdn == $f)] | length'
}

client_prepare cli-a host-a
run_dhclient cli-a || fail "cli-a got no lease"
assert_eq 172.18.20.21 "$(client_var cli-a new_dhcp_server_identifier)" "cli-a served by dhcp2"
client_prepare cli-b host-b
run_dhclient cli-b || fail "cli-b got no lease"
assert_eq 172.18.20.20 "$(client_var cli-b new_dhcp_server_identifier)" "cli-b served by dhcp1"
addr_a=$(client_var cli-a new_ip_address)
in_both "$addr_a"
in_both "$(client_var cli-b new_ip_address)"
# The partner's copy of the lease keeps the name and the directions (lease4-update).
lease=$(ctrl srv1 "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$addr_a\"}}")
assert_eq "host-a.example.org true true" \
    "$(jq -r '.arguments | "\(.hostname) \(.["fqdn-fwd"]) \(.["fqdn-rev"])"' <<<"$lease")" \
    "dhcp1's copy of dhcp2's lease"
wait_for 5 "dhcp2's add for host-a" test "$(ncrs 2 0 host-a.example.org.)" = 1
wait_for 5 "dhcp1's add for host-b" test "$(ncrs 1 0 host-b.example.org.)" = 1
sleep 1
assert_eq 0 "$(ncrs 1 0 host-a.example.org.)" "adds for host-a from dhcp1 (the partner)"
assert_eq 0 "$(ncrs 2 0 host-b.example.org.)" "adds for host-b from dhcp2 (the partner)"

# The release goes to dhcp2, which removes the records; dhcp1 sends nothing for it.
dhclient_release cli-a
wait_for 10 "dhcp2's remove for host-a" test "$(ncrs 2 1 host-a.example.org.)" = 1
sleep 1
assert_eq 0 "$(ncrs 1 1 host-a.example.org.)" "removes for host-a from dhcp1 (the partner)"
log "ok: each NameChangeRequest came from the server that answered the client, once"
dhclient_stop cli-b
pass
