#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The Oasis operators' Kea files run unchanged, byte for byte, with Kea's directories:
#  1. every kea-dhcp4 file (but the as-written one) passes `kahu-dhcp4 -t`, and every
#     kea-ctrl-agent file `kahu-ctrl-agent -t`, with nothing set but the hooks directory;
#  2. the standalone file and the agent file serve for real in the Oasis namespaces: /var/lib,
#     /var/log and /run are this run's directories (a private mount namespace), so the server
#     writes /var/lib/kea/kea-leases4.csv and /run/kea/kea4-ctrl-socket exactly as configured;
#     a dhclient behind dhcrelay gets its lease and kea-shell reads it through the agent;
#  3. what the server creates has no world access (lease file, log, lease4-write copy 0640,
#     control socket 0600);
#  4. the control API cannot write outside the server's directories: lease4-write, config-set
#     moving the lease file or a log, config-write are refused, nothing is created, the running
#     configuration stays;
#  5. a host name holding a line break and a comma (lease4-add) comes back identical after a
#     restart, and the file keeps one row per lease.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

OASIS=$KAHU_SOURCE/tests/data/oasis
BIN=$KAHU_BUILD/core/kahu-dhcp4
AGENT=$KAHU_BUILD/core/kahu-ctrl-agent
HOOKS=$KAHU_BUILD/hooks-lib
SEED=$OASIS/kea-dhcp4-standalone.conf
[[ -x "$BIN" && -x "$AGENT" ]] || fail "build first ($BIN)"

# --- 1. -t on every seed file, from /, with an empty environment but the hooks directory.
for f in "$OASIS"/kea-dhcp4-*.conf; do
    [[ $f == *as-written* ]] && continue
    out=$(cd / && env -i PATH="$PATH" KAHU_HOOKS_PATH="$HOOKS" "$BIN" -t "$f" 2>&1) ||
        fail "$(basename "$f") does not pass -t unchanged: $out"
done
for f in "$OASIS"/kea-ctrl-agent-*.conf; do
    out=$(cd / && env -i PATH="$PATH" "$AGENT" -t "$f" 2>&1) ||
        fail "$(basename "$f") does not pass kahu-ctrl-agent -t unchanged: $out"
done
log "ok: every seed file passes -t unchanged"

# --- 2. Serve with the standalone file as written.
ROOT=$LAB_TMP/root # what the server sees as /var/lib, /var/log and /run
mkdir -p "$ROOT/var-lib/kea" "$ROOT/var-log/kea" "$ROOT/run" # /run/kea: the server makes it
LEASES=$ROOT/var-lib/kea/kea-leases4.csv
SOCK=$ROOT/run/kea/kea4-ctrl-socket

# Runs a program in srv1 with Kea's directories mapped into $ROOT, in the background; sets PID.
in_server_root() { # program args...
    ip netns exec "$(ns_name srv1)" unshare -m --propagation private bash -c '
        mount --bind "$1/var-lib" /var/lib && mount --bind "$1/var-log" /var/log &&
        mount --bind "$1/run" /run && shift && exec "$@"' _ "$ROOT" "$@" &
    PID=$!
    LAB_PIDS+=("$PID")
}
start_seed_server() {
    in_server_root env -i PATH="$PATH" KAHU_HOOKS_PATH="$HOOKS" "$BIN" -c "$SEED" \
        >>"$LAB_TMP/srv1-server.log" 2>&1
    SERVER=$PID
    wait_for 15 "the server's control socket" test -S "$SOCK"
}
stop_seed_server() {
    kill -TERM "$SERVER"
    wait "$SERVER" 2>/dev/null || true
}
cmd() { # json -> the answer (one command per connection, Kea's framing)
    printf '%s' "$1" | socat -t 10 - "UNIX-CONNECT:$SOCK"
}

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:01
start_seed_server
in_server_root env -i PATH="$PATH" "$AGENT" -c "$OASIS/kea-ctrl-agent-dhcp1.conf" \
    >"$LAB_TMP/agent.log" 2>&1
start_relay 172.18.20.20
client_prepare cli-a laptop-a
run_dhclient cli-a || fail "dhclient got no lease from the seed configuration"
addr=$(client_var cli-a new_ip_address)
assert_ip_in_range "$addr" 172.18.10.100 172.18.10.200 "leased address"
assert_file_has "$LEASES" "^$addr,02:00:00:0a:00:01," "lease row in /var/lib/kea/kea-leases4.csv"

wait_for 10 "the agent on 172.18.20.20:8000" nsx rtr curl -s -o /dev/null http://172.18.20.20:8000/
got=$(nsx rtr kea-shell --host 172.18.20.20 --port 8000 --service dhcp4 config-get </dev/null)
assert_eq /var/lib/kea/kea-leases4.csv \
    "$(jq -r '.[0].arguments.Dhcp4["lease-database"].name' <<<"$got")" "kea-shell config-get"
got=$(nsx rtr kea-shell --host 172.18.20.20 --port 8000 --service dhcp4 \
    statistic-get <<<'"name": "subnet[10].assigned-addresses"')
assert_eq 1 "$(jq -r '.[0].arguments["subnet[10].assigned-addresses"][0][0]' <<<"$got")" \
    "kea-shell statistic-get assigned-addresses"
log "ok: the seed files serve unchanged; kea-shell reaches the server through the agent"

# --- 3. Modes.
assert_eq 640 "$(stat -c %a "$LEASES")" "lease file mode"
assert_eq 600 "$(stat -c %a "$SOCK")" "control socket mode"
assert_eq 750 "$(stat -c %a "$ROOT/run/kea")" "socket directory mode"

# --- 4. The control API cannot be turned against the machine. The standalone file loads no
# hook library; from here on the server runs it with Kea's lease commands added (Debian's path).
stop_seed_server
SEED=$LAB_TMP/standalone-lease-cmds.conf
jq '.Dhcp4["hooks-libraries"] = [{"library":
    "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}]' \
    "$OASIS/kea-dhcp4-standalone.conf" >"$SEED"
start_seed_server
refused() { # what json regex
    local a
    a=$(cmd "$2")
    assert_eq 1 "$(jq -r .result <<<"$a")" "$1: result"
    assert_match "$3" "$(jq -r .text <<<"$a")" "$1: text"
}
refused "lease4-write /etc" '{"command":"lease4-write","arguments":{"filename":"/etc/kahu-evil.csv"}}' \
    "invalid path specified: '/etc/kahu-evil.csv', supported path is '.*' or '/var/lib/kea'"
refused "lease4-write ../" \
    '{"command":"lease4-write","arguments":{"filename":"/var/lib/kea/../../../etc/kahu-evil.csv"}}' \
    "supported path is"
[[ ! -e /etc/kahu-evil.csv && ! -e $ROOT/etc ]] || fail "lease4-write created a file outside"
a=$(cmd '{"command":"lease4-write","arguments":{"filename":"/var/lib/kea/copy.csv"}}')
assert_eq 0 "$(jq -r .result <<<"$a")" "lease4-write into /var/lib/kea: $a"
assert_eq 640 "$(stat -c %a "$ROOT/var-lib/kea/copy.csv")" "lease4-write copy mode"
assert_file_has "$ROOT/var-lib/kea/copy.csv" "^$addr," "the lease in the copy"

running=$(cmd '{"command":"config-get"}' | jq -c '.arguments | del(.hash)')
moved=$(jq -c '{command: "config-set", arguments: (.
    | .Dhcp4["lease-database"].name = "/tmp/kahu-moved-leases.csv")}' <<<"$running")
refused "config-set lease file /tmp" "$moved" \
    "lease-database.name: invalid path specified: '/tmp/kahu-moved-leases.csv'"
logged=$(jq -c '{command: "config-set", arguments: (.
    | .Dhcp4.loggers[0]["output-options"][0].output = "/etc/kahu-evil.log")}' <<<"$running")
refused "config-set log /etc" "$logged" "output: invalid path specified: '/etc/kahu-evil.log'"
refused "config-write /etc" '{"command":"config-write","arguments":{"filename":"/etc/kahu-evil.json"}}' \
    "must be in the same directory as the config file"
[[ ! -e /tmp/kahu-moved-leases.csv && ! -e /etc/kahu-evil.log && ! -e /etc/kahu-evil.json ]] ||
    fail "a refused command created a file"
assert_eq "$running" "$(cmd '{"command":"config-get"}' | jq -c '.arguments | del(.hash)')" \
    "running configuration after the refusals"
# A log file inside Kea's log directory is fine, and is created 0640.
logok=$(jq -c '{command: "config-set", arguments: (.
    | .Dhcp4.loggers[0]["output-options"][0].output = "/var/log/kea/kea-dhcp4.log")}' <<<"$running")
assert_eq 0 "$(cmd "$logok" | jq -r .result)" "config-set with a log in /var/log/kea"
wait_for 5 "the log file" test -s "$ROOT/var-log/kea/kea-dhcp4.log"
assert_eq 640 "$(stat -c %a "$ROOT/var-log/kea/kea-dhcp4.log")" "log file mode"
log "ok: paths outside the directories are refused, nothing is written, modes are 0640/0600"

# --- 5. A line break in a host name cannot break the lease file.
evil=$'evil\n172.18.10.199,02:00:00:00:00:99,,3600,1,10,0,0,,0,&#x2c, end'
add=$(jq -cn --arg h "$evil" '{command: "lease4-add", arguments:
    {"ip-address": "172.18.10.150", "hw-address": "02:00:00:00:01:50", hostname: $h,
     "user-context": {"note\n": "a,b&c"}}}')
before=$(wc -l <"$LEASES")
assert_eq 0 "$(cmd "$add" | jq -r .result)" "lease4-add with a line break in the host name"
stop_seed_server
assert_eq $((before + 1)) "$(wc -l <"$LEASES")" "lines in the lease file after one lease4-add"
assert_eq 0 "$(grep -c '^172.18.10.199,' "$LEASES" || true)" "no row forged by the line break"
start_seed_server
got=$(cmd '{"command":"lease4-get","arguments":{"ip-address":"172.18.10.150"}}')
assert_eq 0 "$(jq -r .result <<<"$got")" "the lease is there after the restart: $got"
assert_eq "$evil" "$(jq -r .arguments.hostname <<<"$got")" "host name after the restart"
assert_eq '{"note\n":"a,b&c"}' "$(jq -c '.arguments["user-context"]' <<<"$got")" "user-context"
log "ok: one row per change, and the lease reads back identically after a restart"
pass
