#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The lease_cmds hook and the DHCP path agree, with a real dhclient behind dhcrelay (Oasis
# standalone config + the library):
# - a lease added by lease4-add for a client's MAC and client-id (in the pool, cltt in the past)
#   is the address that client is offered and ACKed when it DISCOVERs, and again when it
#   restarts on its lease file (INIT-REBOOT); each time the lease's cltt moves forward;
# - a lease a client got is found by every get form: address, hw-address + subnet, client-id +
#   subnet, get-by-hw-address, get-by-client-id, get-by-hostname, get-all, get-all of its
#   subnet, get-page; subnet[10].assigned-addresses equals the leases get-all shows, after
#   lease4-del (one less) and lease4-add (one more).
# KAHU_SERVER=kea runs the same with Kea 2.2 and Debian's libdhcp_lease_cmds.so.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

if [[ $KAHU_SERVER == kea ]]; then
    LIB=/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so
else
    LIB=$KAHU_BUILD/hooks-lib/libdhcp_lease_cmds.so
    export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib # Kahu loads hook libraries from there only
fi
[[ -f "$LIB" ]] || fail "lease_cmds library not found: $LIB"
for tool in socat jq; do command -v "$tool" >/dev/null || fail "$tool not installed"; done

MAC_A=02:00:00:0a:00:51 MAC_B=02:00:00:0a:00:52
lab_oasis
lab_client_ns a "$MAC_A"
lab_client_ns b "$MAC_B"
conf="$LAB_TMP/lease-cmds.conf"
jq --arg lib "$LIB" '.Dhcp4["hooks-libraries"] = [{"library": $lib}]' \
    "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" >"$conf"
start_server "$conf"
start_relay 172.18.20.20
SOCK="$LAB_TMP/srv1-ctrl"
wait_for 10 "the control socket" test -S "$SOCK"

ctl() { # command [arguments-json]
    local body="{\"command\": \"$1\""
    [[ -n "${2:-}" ]] && body+=", \"arguments\": $2"
    printf '%s}' "$body" | socat -t 5 - "UNIX-CONNECT:$SOCK"
}
assigned() {
    ctl statistic-get '{"name": "subnet[10].assigned-addresses"}' |
        jq '.arguments["subnet[10].assigned-addresses"][0][0]'
}
leases_in_subnet() { # state-0 leases get-all shows in subnet 10
    ctl lease4-get-all '{"subnets": [10]}' | jq '[.arguments.leases[] | select(.state == 0)] | length'
}

# ---- A lease added by command is what the client gets and renews.
ADDR=172.18.10.150
now=$(date +%s)
out=$(ctl lease4-add "{\"ip-address\": \"$ADDR\", \"hw-address\": \"$MAC_A\",
    \"client-id\": \"01:$MAC_A\", \"valid-lft\": 3600, \"expire\": $((now + 1000)),
    \"hostname\": \"added-by-command\"}")
assert_eq 0 "$(jq '.result' <<<"$out")" "lease4-add for client a"
cltt0=$(ctl lease4-get "{\"ip-address\": \"$ADDR\"}" | jq '.arguments.cltt')
assert_eq $((now - 2600)) "$cltt0" "cltt of the added lease (expire - valid-lft)"
assert_eq 1 "$(assigned)" "assigned-addresses after lease4-add"

client_prepare a host-a
capture_start a
run_dhclient a || fail "client a got no lease"
capture_stop a
assert_eq "$ADDR" "$(client_var a new_ip_address)" "client a got the address added by command"
assert_match "Your-IP $ADDR" "$(capture_packet a ACK)" "client a was ACKed the added address"
assert_match "Your-IP $ADDR" "$(capture_packet a Offer)" "client a was offered the added address"
lease=$(ctl lease4-get "{\"ip-address\": \"$ADDR\"}")
cltt1=$(jq '.arguments.cltt' <<<"$lease")
((cltt1 >= now)) || fail "cltt after the DORA: expected >= $now, got $cltt1 (was $cltt0)"
log "ok: cltt moved from $cltt0 to $cltt1"
assert_eq "\"$MAC_A\"" "$(jq '.arguments["hw-address"]' <<<"$lease")" "hw-address kept"

sleep 1.1 # cltt has a one-second resolution
capture_start a
dhclient_renew a || fail "client a: INIT-REBOOT failed"
capture_stop a
assert_eq "$ADDR" "$(client_var a new_ip_address)" "client a kept the address after INIT-REBOOT"
assert_match "Requested-IP.*$ADDR" "$(capture_packet a Request)" "INIT-REBOOT asked for the address"
assert_match "Your-IP $ADDR" "$(capture_packet a ACK)" "the INIT-REBOOT was ACKed"
cltt2=$(ctl lease4-get "{\"ip-address\": \"$ADDR\"}" | jq '.arguments.cltt')
((cltt2 > cltt1)) || fail "cltt after INIT-REBOOT: expected > $cltt1, got $cltt2"
log "ok: cltt moved from $cltt1 to $cltt2"
assert_eq 1 "$(assigned)" "assigned-addresses after the client took the added lease"

# ---- A lease a client got, by every get form.
client_prepare b laptop-b
run_dhclient b || fail "client b got no lease"
B=$(client_var b new_ip_address)
assert_ip_in_range "$B" 172.18.10.100 172.18.10.200 "client b's address"
assert_ne "$ADDR" "$B" "client b's address"
lease=$(ctl lease4-get "{\"ip-address\": \"$B\"}")
assert_eq 0 "$(jq '.result' <<<"$lease")" "lease4-get by address"
want=$(jq -cS '.arguments' <<<"$lease")
assert_eq "\"$MAC_B\"" "$(jq '.arguments["hw-address"]' <<<"$lease")" "hw-address of b's lease"
assert_eq "\"01:$MAC_B\"" "$(jq '.arguments["client-id"]' <<<"$lease")" "client-id of b's lease"
assert_eq 10 "$(jq '.arguments["subnet-id"]' <<<"$lease")" "subnet-id of b's lease"
assert_eq 3600 "$(jq '.arguments["valid-lft"]' <<<"$lease")" "valid-lft of b's lease"
hostname=$(jq -r '.arguments.hostname' <<<"$lease")
log "hostname stored for b: '$hostname'"

same() { # what answer-jq-filter answer
    assert_eq "$want" "$(jq -cS "$2" <<<"$3")" "$1 gives the same lease"
}
same "lease4-get by hw-address + subnet" .arguments \
    "$(ctl lease4-get "{\"identifier-type\": \"hw-address\", \"identifier\": \"$MAC_B\", \"subnet-id\": 10}")"
same "lease4-get by client-id + subnet" .arguments \
    "$(ctl lease4-get "{\"identifier-type\": \"client-id\", \"identifier\": \"01:$MAC_B\", \"subnet-id\": 10}")"
same "lease4-get-by-hw-address" '.arguments.leases | if length == 1 then .[0] else . end' \
    "$(ctl lease4-get-by-hw-address "{\"hw-address\": \"$MAC_B\"}")"
same "lease4-get-by-client-id" '.arguments.leases | if length == 1 then .[0] else . end' \
    "$(ctl lease4-get-by-client-id "{\"client-id\": \"01:$MAC_B\"}")"
if [[ -n "$hostname" ]]; then
    same "lease4-get-by-hostname" '.arguments.leases | if length == 1 then .[0] else . end' \
        "$(ctl lease4-get-by-hostname "{\"hostname\": \"$hostname\"}")"
fi
pick=".arguments.leases[] | select(.[\"ip-address\"] == \"$B\")"
same "lease4-get-all" "$pick" "$(ctl lease4-get-all)"
same "lease4-get-all subnet 10" "$pick" "$(ctl lease4-get-all '{"subnets": [10]}')"
same "lease4-get-page" "$pick" "$(ctl lease4-get-page '{"from": "start", "limit": 1000}')"
same "lease4-get-page from the address before, limit 1" '.arguments.leases[0]' \
    "$(ctl lease4-get-page "{\"from\": \"${B%.*}.$((${B##*.} - 1))\", \"limit\": 1}")"

# ---- Statistics follow lease4-del and lease4-add.
assert_eq 2 "$(assigned)" "assigned-addresses with two clients"
assert_eq "$(leases_in_subnet)" "$(assigned)" "assigned-addresses = leases in get-all"
assert_eq 0 "$(ctl lease4-del "{\"ip-address\": \"$B\"}" | jq '.result')" "lease4-del b's lease"
assert_eq 1 "$(assigned)" "assigned-addresses after lease4-del"
assert_eq "$(leases_in_subnet)" "$(assigned)" "assigned-addresses = leases in get-all after del"
assert_eq 3 "$(ctl lease4-get "{\"ip-address\": \"$B\"}" | jq '.result')" "b's lease is gone"
assert_eq 0 "$(ctl lease4-add "$want" | jq '.result')" "lease4-add of b's lease JSON as it was"
assert_eq 2 "$(assigned)" "assigned-addresses after lease4-add"
assert_eq "$(leases_in_subnet)" "$(assigned)" "assigned-addresses = leases in get-all after add"
assert_eq "$(jq -c 'del(.cltt)' <<<"$want")" \
    "$(ctl lease4-get "{\"ip-address\": \"$B\"}" | jq -cS '.arguments | del(.cltt)')" \
    "the lease added back from get's JSON (cltt is now: add takes expire, not cltt)"

# The re-added lease is honoured too: b restarts on its lease file and keeps its address.
dhclient_renew b || fail "client b: INIT-REBOOT after the re-add failed"
assert_eq "$B" "$(client_var b new_ip_address)" "client b kept its address after del + add"
pass
