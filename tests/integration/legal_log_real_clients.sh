#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# libdhcp_legal_log.so with real clients: the forensic file has Kea's lines (Kea 3.0's ARM and
# unit tests; Debian's Kea 2.2 has no such library to run side by side) for
# - a dhclient on the server's segment (no relay): assignment, renewal, release;
# - a dhclient behind the real dhcrelay -a (option 82 circuit-id "br10"): assignment with the
#   relay's address and circuit-id, renewal;
# - lease4-add, lease4-update and lease4-del through the control socket (and a failed
#   lease4-add, not logged), with libdhcp_lease_cmds.so;
# every line prefixed by Kea's timestamp, in <path>/<base-name>.<CCYYMMDD>.txt, mode 0640. (Each
# ACK has its line: dhclient may REQUEST more than once, so renewals are counted as "more".)
# Then a postrotate program confined to the script directory runs when the file rotates
# (time-unit second), and a path outside the forensic-log directories is refused at startup.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

for tool in socat jq dhclient dhcrelay; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
done
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
[[ -f $KAHU_HOOKS_PATH/libdhcp_legal_log.so ]] || fail "libdhcp_legal_log.so not built"
LEGAL=$LAB_TMP/legal
SCRIPTS=$LAB_TMP/scripts
mkdir -p "$LEGAL" "$SCRIPTS"
export KAHU_LEGAL_LOG_DIR=$LEGAL KAHU_HOOK_SCRIPTS_PATH=$SCRIPTS

MAC_D=02:00:00:14:00:41 MAC_R=02:00:00:0a:00:42
lab_router
lab_server_ns srv1 172.18.20.20
lab_client_ns direct "$MAC_D" br20
lab_client_ns relayed "$MAC_R"

write_config() { # dst legal-log-parameters-json
    jq --argjson p "$2" '.Dhcp4["hooks-libraries"] = [
            {"library": "libdhcp_lease_cmds.so"},
            {"library": "libdhcp_legal_log.so", "parameters": $p}]
        | .Dhcp4.subnet4 += [{"id": 10, "subnet": "172.18.10.0/24",
            "pools": [{"pool": "172.18.10.100-172.18.10.200"}],
            "option-data": [{"name": "routers", "data": "172.18.10.254"}]}]' \
        "$KAHU_SOURCE/tests/integration/data/kahu-dhcp4-direct-raw.conf" >"$1"
}
conf="$LAB_TMP/legal.conf"
write_config "$conf" "{\"path\": \"$LEGAL\", \"base-name\": \"kahu-legal\"}"
start_server "$conf"
RELAY_OPTS=-a start_relay 172.18.20.20
SOCK="$LAB_TMP/srv1-ctrl"
wait_for 10 "the control socket" test -S "$SOCK"
ctl() { # command arguments-json
    printf '{"command": "%s", "arguments": %s}' "$1" "$2" | socat -t 5 - "UNIX-CONNECT:$SOCK"
}

FILE=$LEGAL/kahu-legal.$(date +%Y%m%d).txt
STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]+ '
# The entries of the file, timestamps checked and cut.
entries() {
    [[ -f $FILE ]] || fail "no forensic file $FILE (have: $(ls "$LEGAL"))"
    local bad
    bad=$(grep -Ecv "^$STAMP" "$FILE" || true)
    ((bad == 0)) || fail "$bad lines of $FILE without Kea's timestamp"
    sed -E "s/^$STAMP//" "$FILE"
}
assert_last() { # expected-line what
    assert_eq "$1" "$(entries | tail -n 1)" "$2"
}

# ---- Directly attached: assignment, renewal, release.
client_prepare direct direct-box
run_dhclient direct || fail "direct dhclient got no lease"
d=$(client_var direct new_ip_address)
assert_ip_in_range "$d" 172.18.20.100 172.18.20.200 "direct client's address"
D_LINE="Address: $d has been assigned for 1 hrs 0 mins 0 secs to a device with hardware address: hwtype=1 $MAC_D, client-id: 01:$MAC_D"
assert_last "$D_LINE" "assignment line (direct)"
assert_eq 640 "$(stat -c %a "$FILE")" "mode of the forensic file"
n=$(entries | wc -l)
dhclient_renew direct || fail "direct dhclient renew failed"
assert_eq "$d" "$(client_var direct new_ip_address)" "address after renew"
(($(entries | wc -l) > n)) || fail "no line for the renewal ($n lines before)"
assert_last "$D_LINE" "renewal line (direct)"
dhclient_release direct
wait_for 5 "the release line" grep -q "Address: $d has been released" "$FILE"
assert_last "Address: $d has been released from a device with hardware address: hwtype=1 $MAC_D, client-id: 01:$MAC_D" \
    "release line (direct)"

# ---- Behind dhcrelay -a: giaddr and circuit-id "br10" (62:72:31:30).
client_prepare relayed relayed-box
run_dhclient relayed || fail "relayed dhclient got no lease"
r=$(client_var relayed new_ip_address)
assert_ip_in_range "$r" 172.18.10.100 172.18.10.200 "relayed client's address"
R_LINE="Address: $r has been assigned for 1 hrs 0 mins 0 secs to a device with hardware address: hwtype=1 $MAC_R, client-id: 01:$MAC_R connected via relay at address: 172.18.10.254, identified by circuit-id: 62:72:31:30 (br10)"
assert_last "$R_LINE" "assignment line (relayed)"
dhclient_renew relayed || fail "relayed dhclient renew failed"
assert_last "$R_LINE" "renewal line (relayed)"

# ---- Lease commands.
out=$(ctl lease4-add '{"ip-address": "172.18.10.150", "hw-address": "1a:1b:1c:1d:1e:1f",
    "client-id": "686f776479", "valid-lft": 86400, "comment": "bench unit"}')
assert_eq 0 "$(jq .result <<<"$out")" "lease4-add answer"
assert_last 'Administrator added a lease of address: 172.18.10.150 to a device with hardware address: 1a:1b:1c:1d:1e:1f, client-id: 686f776479 (howdy) for 1 days 0 hrs 0 mins 0 secs, context: { "comment": "bench unit" }' \
    "lease4-add line"
out=$(ctl lease4-add '{"ip-address": "172.18.10.150", "hw-address": "1a:1b:1c:1d:1e:1f"}')
assert_ne 0 "$(jq .result <<<"$out")" "second lease4-add of the same address"
out=$(ctl lease4-update '{"ip-address": "172.18.10.150", "hw-address": "1a:1b:1c:1d:1e:20",
    "subnet-id": 10}')
assert_eq 0 "$(jq .result <<<"$out")" "lease4-update answer"
assert_last "Administrator updated information on the lease of address: 172.18.10.150 to a device with hardware address: 1a:1b:1c:1d:1e:20" \
    "lease4-update line (the failed add wrote nothing)"
out=$(ctl lease4-del '{"ip-address": "172.18.10.150"}')
assert_eq 0 "$(jq .result <<<"$out")" "lease4-del answer"
assert_last "Administrator deleted the lease for address: 172.18.10.150" "lease4-del line"
out=$(ctl lease4-del "{\"identifier-type\": \"hw-address\", \"identifier\": \"$MAC_R\", \"subnet-id\": 10}")
assert_eq 0 "$(jq .result <<<"$out")" "lease4-del by hw-address answer"
assert_last "Administrator deleted a lease for a device identified by: hw-address of $MAC_R" \
    "lease4-del by identifier line"
assert_eq 4 "$(entries | grep -c '^Administrator')" "command lines (the failed lease4-add has none)"
assert_eq 0 "$(entries | grep -Evc '^(Address: [0-9.]+ has been (assigned for 1 hrs 0 mins 0 secs to|released from) a device with hardware address: hwtype=1 |Administrator )')" \
    "lines of another form"
log "ok: $(wc -l <"$FILE") forensic lines in $FILE"
stop_relay
stop_server srv1

# ---- Rotation (time-unit second, count 1): a new file once a second has passed, and the
# postrotate program is told the new file's name.
cat >"$SCRIPTS/rotated" <<EOF
#!/bin/sh
echo "\$1" >> "$LAB_TMP/rotated.list"
EOF
chmod 0755 "$SCRIPTS/rotated"
write_config "$conf" "{\"path\": \"$LEGAL\", \"base-name\": \"rot\", \"time-unit\": \"second\",
    \"count\": 1, \"postrotate\": \"rotated\"}"
start_server "$conf"
client_prepare direct direct-box
run_dhclient direct || fail "dhclient got no lease (rotation)"
sleep 1.1
dhclient_renew direct || fail "dhclient renew failed (rotation)"
wait_for 5 "postrotate" test -s "$LAB_TMP/rotated.list"
files=$(find "$LEGAL" -name 'rot.T*.txt' | sort)
(($(wc -l <<<"$files") >= 2)) || fail "expected at least 2 files of base-name rot, got: $files"
assert_match "^$LEGAL/rot\.T[0-9]{20}\.txt$" "$(head -n 1 <<<"$files")" "second-unit file name"
assert_eq "$(tail -n 1 <<<"$files")" "$(tail -n 1 "$LAB_TMP/rotated.list")" "postrotate argument"
stop_server srv1

# ---- Confinement: a path outside the forensic-log directories is refused at startup.
write_config "$conf" '{"path": "/tmp"}'
prepare_config "$conf" "$LAB_TMP/refused.conf" srv1
ip netns exec "$(ns_name srv1)" timeout 10 "$KAHU_BUILD/core/kahu-dhcp4" -c "$LAB_TMP/refused.conf" \
    >"$LAB_TMP/refused.log" 2>&1 && fail "server started with path /tmp"
assert_match "parameters\.path: invalid path specified: '/tmp'" "$(cat "$LAB_TMP/refused.log")" \
    "refusal of path /tmp"
log "ok: path /tmp refused: $(grep -o "invalid path specified.*" "$LAB_TMP/refused.log" | head -n 1)"

pass
