#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Golden comparison of the lease_cmds hook: real Kea 2.2 with Debian's libdhcp_lease_cmds.so and
# Kahu with its own libdhcp_lease_cmds.so, started from the same configuration (only paths
# differ), get the same sequence of ~70 commands over their unix control sockets: add in every
# shape (all fields, user-context + comment, upper-case hostname, declined), get by address and
# identifier, get-all (all, by subnets), get-by-hw-address/-client-id/-hostname, update (with
# and without force-create), delete by address and identifier, argument errors, paging, wipe,
# resend-ddns, write, and the subnet statistics in between. lib/lease_golden.py compares every
# answer in full (lease JSON included; a cltt of "now" on both sides compares equal); the
# differences Kea 2.6 introduced are its ALLOWED list, one reason each.
# No namespaces: "interfaces": [] opens no DHCP socket, only the unix control sockets.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/loopback.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
KEA_DHCP4=${KEA_DHCP4:-/usr/sbin/kea-dhcp4}
KEA_LEASE_CMDS=${KEA_LEASE_CMDS:-/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so}
KAHU=$KAHU_BUILD/core/kahu-dhcp4
KAHU_LEASE_CMDS=$KAHU_BUILD/hooks-lib/libdhcp_lease_cmds.so
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib # Kahu loads hook libraries from there only
for tool in socat jq python3; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
[[ -x "$KEA_DHCP4" ]] || fail "kea-dhcp4 not found: $KEA_DHCP4"
[[ -f "$KEA_LEASE_CMDS" ]] || fail "Kea's lease_cmds library not found: $KEA_LEASE_CMDS (kea-common)"
[[ -x "$KAHU" ]] || fail "kahu-dhcp4 not found: $KAHU"
[[ -f "$KAHU_LEASE_CMDS" ]] || fail "Kahu's lease_cmds library not built: $KAHU_LEASE_CMDS"

loopback_setup lease-golden

config() { # name library -> the config file's text; everything but paths is the same
    cat <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": "$TMP/$1.sock"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$TMP/$1.leases.csv",
                     "lfc-interval": 0},
  "valid-lifetime": 3600,
  "hooks-libraries": [{"library": "$2"}],
  "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
               "pools": [{"pool": "192.0.2.100 - 192.0.2.200"}]},
              {"id": 2, "subnet": "198.51.100.0/24",
               "pools": [{"pool": "198.51.100.10 - 198.51.100.50"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "$TMP/$1.log"}],
               "severity": "INFO"}]
}}
JSON
}
config kea "$KEA_LEASE_CMDS" >"$TMP/kea.conf"
config kahu "$KAHU_LEASE_CMDS" >"$TMP/kahu.conf"

KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP "$KEA_DHCP4" -c "$TMP/kea.conf" >"$TMP/kea.out" 2>&1 &
PIDS+=("$!")
KAHU_PIDFILE_DIR=$TMP KAHU_CONTROL_SOCKET_DIR=$TMP "$KAHU" -c "$TMP/kahu.conf" \
    >"$TMP/kahu.out" 2>&1 &
PIDS+=("$!")
wait_for 10 "Kea's control socket" test -S "$TMP/kea.sock"
wait_for 10 "Kahu's control socket" test -S "$TMP/kahu.sock"

# Both must have loaded the library: lease4-add is in list-commands.
for srv in kea kahu; do
    cmds=$(printf '{"command":"list-commands"}' | socat -t 5 - "UNIX-CONNECT:$TMP/$srv.sock")
    assert_eq true "$(jq '.arguments | index("lease4-add") != null' <<<"$cmds")" \
        "$srv lists lease4-add"
done

python3 "$(dirname "$0")/lib/lease_golden.py" "$TMP/kea.sock" "$TMP/kahu.sock" "$TMP" ||
    fail "lease command answers of Kea 2.2 and Kahu differ (table above)"
pass
