#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# libdhcp_stat_cmds.so against Kea 2.2's own: the same configuration (naming Kea's library
# paths; Kahu loads its libraries of the same names) on kea-dhcp4 and on kahu-dhcp4, the same
# leases added with lease4-add (default, declined, expired), then every form of
# stat-lease4-get, good and bad, on both unix sockets. The answers must be the same, the
# timestamp aside (it must have Kea's form). Loopback only: no DHCP socket.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/loopback.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
KEA_HOOKS=/usr/lib/x86_64-linux-gnu/kea/hooks
for tool in socat jq; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
[[ -x /usr/sbin/kea-dhcp4 && -f $KEA_HOOKS/libdhcp_stat_cmds.so ]] ||
    skip "Kea 2.2 with libdhcp_stat_cmds.so is not installed"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib

loopback_setup stat-cmds
config() { # socket lease-file
    cat <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": "$1"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$2", "lfc-interval": 0},
  "hooks-libraries": [{"library": "$KEA_HOOKS/libdhcp_stat_cmds.so"},
                      {"library": "$KEA_HOOKS/libdhcp_lease_cmds.so"}],
  "subnet4": [{"id": 10, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"},
                                                             {"pool": "192.0.2.200/30"}]},
              {"id": 20, "subnet": "198.51.100.0/24",
               "pools": [{"pool": "198.51.100.10 - 198.51.100.19"}]},
              {"id": 35, "subnet": "203.0.113.0/24"}]
}}
JSON
}
config "$TMP/kea.sock" "$TMP/kea-leases.csv" >"$TMP/kea.json"
config "$TMP/kahu.sock" "$TMP/kahu-leases.csv" >"$TMP/kahu.json"
env KEA_PIDFILE_DIR="$TMP" KEA_LOCKFILE_DIR="$TMP" /usr/sbin/kea-dhcp4 -c "$TMP/kea.json" \
    >"$TMP/kea.out" 2>&1 &
PIDS+=("$!")
"$KAHU_BUILD/core/kahu-dhcp4" -c "$TMP/kahu.json" >"$TMP/kahu.out" 2>&1 &
PIDS+=("$!")
wait_for 20 "Kea's control socket" test -S "$TMP/kea.sock"
wait_for 20 "Kahu's control socket" test -S "$TMP/kahu.sock"

cmd() { # server json
    printf '%s' "$2" | socat -t 10 - "UNIX-CONNECT:$TMP/$1.sock"
}
for server in kea kahu; do
    for lease in '"ip-address": "192.0.2.11", "hw-address": "02:00:00:00:00:01"' \
        '"ip-address": "192.0.2.12", "hw-address": "02:00:00:00:00:02", "state": 1' \
        '"ip-address": "192.0.2.13", "hw-address": "02:00:00:00:00:03", "valid-lft": 1, "expire": 1000000000' \
        '"ip-address": "198.51.100.15", "hw-address": "02:00:00:00:00:04"'; do
        answer=$(cmd "$server" "{\"command\": \"lease4-add\", \"arguments\": {$lease}}")
        assert_eq 0 "$(jq .result <<<"$answer")" "$server lease4-add {$lease}"
    done
done

compared=0
for args in '' '{}' '{"subnet-id": 10}' '{"subnet-id": 20}' '{"subnet-id": 35}' '{"subnet-id": 30}' \
    '{"subnet-range": {"first-subnet-id": 10, "last-subnet-id": 20}}' \
    '{"subnet-range": {"first-subnet-id": 11, "last-subnet-id": 40}}' \
    '{"subnet-range": {"first-subnet-id": 21, "last-subnet-id": 30}}' \
    '{"subnet-range": {"first-subnet-id": 20, "last-subnet-id": 10}}' \
    '{"subnet-range": {"first-subnet-id": 10, "last-subnet-id": 10}}' \
    '{"subnet-range": {"first-subnet-id": 10}}' '{"subnet-range": 5}' \
    '{"subnet-id": 10, "subnet-range": {"first-subnet-id": 10, "last-subnet-id": 20}}' \
    '{"subnet-id": "x"}' '{"subnet-id": 0}' '{"subnet-id": -1}' '{"other": 1}' '5'; do
    body='{"command": "stat-lease4-get"'
    [[ -n $args ]] && body+=", \"arguments\": $args"
    body+='}'
    kea=$(cmd kea "$body")
    kahu=$(cmd kahu "$body")
    stamp=$(jq -r '.arguments."result-set".timestamp // empty' <<<"$kahu")
    [[ -z $stamp ]] || assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}$' \
        "$stamp" "timestamp of $body"
    strip='del(.arguments."result-set".timestamp?) | del(.arguments?|select(. == {}))'
    assert_eq "$(jq -cS "$strip" <<<"$kea")" "$(jq -cS "$strip" <<<"$kahu")" "stat-lease4-get $args"
    compared=$((compared + 1))
done
pass "stat-lease4-get answers as Kea 2.2's library in $compared cases"
