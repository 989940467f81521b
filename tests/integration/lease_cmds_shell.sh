#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The lease_cmds hook as an operator uses it: kahu-dhcp4 with libdhcp_lease_cmds.so behind
# kahu-ctrl-agent, every lease4-* command through the real kea-shell and through curl; paging
# through 10,000 leases (loaded from a Kea CSV written before start, rows shuffled) with
# lease4-get-page at limit 1000 returns each lease exactly once, in ascending address order; the
# lease4-* commands are in list-commands while the library is loaded and gone (answering 2)
# after a config-reload without it, and back after one with it.
# KAHU_SERVER=kea runs the same against kea-dhcp4 2.2 + kea-ctrl-agent + Debian's library, with
# 2.2's result codes (1 for conflicts, lease4-write unsupported) and its wipe texts.
# Loopback only (HTTP on 127.0.0.1), "interfaces": [] opens no DHCP socket.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/loopback.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
KAHU_SERVER=${KAHU_SERVER:-kahu}
case "$KAHU_SERVER" in
kahu)
    SERVER=$KAHU_BUILD/core/kahu-dhcp4
    AGENT=$KAHU_BUILD/core/kahu-ctrl-agent
    LIB=$KAHU_BUILD/hooks-lib/libdhcp_lease_cmds.so
    export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib # Kahu loads hook libraries from there only
    CONFLICT=4 WRITE=0 WIPE_SUFFIX=" WARNING: lease4-wipe is deprecated!"
    ;;
kea)
    SERVER=${KEA_DHCP4:-/usr/sbin/kea-dhcp4}
    AGENT=/usr/sbin/kea-ctrl-agent
    LIB=/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so
    CONFLICT=1 WRITE=2 WIPE_SUFFIX=""
    ;;
*) fail "KAHU_SERVER must be kahu or kea" ;;
esac
for tool in socat curl kea-shell jq python3; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
[[ -x "$SERVER" ]] || fail "server not found: $SERVER"
[[ -x "$AGENT" ]] || fail "control agent not found: $AGENT"
[[ -f "$LIB" ]] || fail "lease_cmds library not found: $LIB"

loopback_setup lease-shell
PORT=$((21000 + $$ % 9000))
SOCK=$TMP/ctrl.sock
N=10000

config() { # with|without (the library)
    local hooks='[]'
    [[ $1 == with ]] && hooks="[{\"library\": \"$LIB\"}]"
    cat <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": "$SOCK"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$TMP/leases4.csv",
                     "lfc-interval": 0},
  "valid-lifetime": 3600,
  "hooks-libraries": $hooks,
  "subnet4": [{"id": 1, "subnet": "10.1.0.0/16", "pools": [{"pool": "10.1.0.1 - 10.1.255.254"}]},
              {"id": 2, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "$TMP/server.log"}],
               "severity": "INFO"}]
}}
JSON
}

# 10,000 unexpired leases in subnet 1, rows in random order (a server that answered pages in
# file order would fail the ordering check). Kea 2.2 header: both servers read it.
python3 - "$TMP/generated.csv" "$N" <<'EOF'
import random, sys, time
path, n = sys.argv[1], int(sys.argv[2])
now = int(time.time())
rows = []
for i in range(n):
    a = 0x0A010001 + i                      # 10.1.0.1 ...
    ip = "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)
    mac = "02:11:00:00:%02x:%02x" % (i >> 8, i & 255)
    rows.append("%s,%s,01:%s,3600,%d,1,0,0,host-%d,0,\n" % (ip, mac, mac, now + 3000 + i % 500, i))
random.seed(7)
random.shuffle(rows)
with open(path, "w") as f:
    f.write("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
            "hostname,state,user_context\n")
    f.writelines(rows)
EOF
cp "$TMP/generated.csv" "$TMP/leases4.csv" # the server may rewrite its file (LFC) at start

config with >"$TMP/dhcp4.conf"
cat >"$TMP/agent.conf" <<JSON
{"Control-agent": {"http-host": "127.0.0.1", "http-port": $PORT,
  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "$SOCK"}}}}
JSON
env KEA_PIDFILE_DIR="$TMP" KEA_LOCKFILE_DIR="$TMP" KAHU_PIDFILE_DIR="$TMP" \
    KAHU_CONTROL_SOCKET_DIR="$TMP" "$SERVER" -c "$TMP/dhcp4.conf" >"$TMP/server.out" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
env KEA_PIDFILE_DIR="$TMP" KEA_LOCKFILE_DIR="$TMP" KAHU_PIDFILE_DIR="$TMP" \
    KAHU_CONTROL_SOCKET_DIR="$TMP" "$AGENT" -c "$TMP/agent.conf" >"$TMP/agent.out" 2>&1 &
PIDS+=("$!")
wait_for 20 "the server's control socket" test -S "$SOCK"
wait_for 10 "the control agent" curl -s -o /dev/null "http://127.0.0.1:$PORT/"

shell() { # command [arguments-inside-the-map] -> the answer (the list's only element)
    printf '%s' "${2:-}" | kea-shell --host 127.0.0.1 --port "$PORT" --service dhcp4 "$1" |
        jq -c '.[0]'
}
post() { # command [arguments-json] -> the answer, through curl
    local body="{\"command\": \"$1\", \"service\": [\"dhcp4\"]"
    [[ -n "${2:-}" ]] && body+=", \"arguments\": $2"
    curl -s -X POST -H 'Content-Type: application/json' -d "$body}" \
        "http://127.0.0.1:$PORT/" | jq -c '.[0]'
}
check() { # what expected-result expected-text-regex answer
    assert_eq "$2" "$(jq '.result' <<<"$4")" "$1: result"
    [[ -z "$3" ]] || assert_match "$3" "$(jq -r '.text' <<<"$4")" "$1: text"
}

# ---- list-commands with the library
cmds=$(shell list-commands)
for c in lease4-add lease4-del lease4-get lease4-get-all lease4-get-page lease4-get-by-client-id \
    lease4-get-by-hostname lease4-get-by-hw-address lease4-resend-ddns lease4-update lease4-wipe; do
    assert_eq true "$(jq --arg c "$c" '.arguments | index($c) != null' <<<"$cmds")" \
        "list-commands (library loaded) has $c"
done
if [[ $KAHU_SERVER == kahu ]]; then
    assert_eq true "$(jq '.arguments | index("lease4-write") != null' <<<"$cmds")" \
        "list-commands has lease4-write"
fi

# ---- every command through kea-shell, then through curl
HW=0a:0b:0c:0d:0e:01 CID=01:0a:0b:0c:0d:0e:01
check "kea-shell lease4-add" 0 "^Lease for address 192.0.2.10, subnet-id 2 added.$" \
    "$(shell lease4-add "\"ip-address\": \"192.0.2.10\", \"hw-address\": \"$HW\", \"client-id\": \"$CID\", \"hostname\": \"Shell.Example\", \"expire\": 1900000000, \"valid-lft\": 1000, \"user-context\": {\"k\": [1, 2]}")"
check "curl lease4-add" 0 "^Lease for address 192.0.2.11, subnet-id 2 added.$" \
    "$(post lease4-add '{"ip-address": "192.0.2.11", "hw-address": "0a:0b:0c:0d:0e:02"}')"
check "curl lease4-add again" "$CONFLICT" "^IPv4 lease already exists.$" \
    "$(post lease4-add '{"ip-address": "192.0.2.11", "hw-address": "0a:0b:0c:0d:0e:02"}')"
out=$(shell lease4-get '"ip-address": "192.0.2.10"')
check "kea-shell lease4-get" 0 "^IPv4 lease found.$" "$out"
assert_eq '{"client-id":"01:0a:0b:0c:0d:0e:01","cltt":1899999000,"fqdn-fwd":false,"fqdn-rev":false,"hostname":"shell.example","hw-address":"0a:0b:0c:0d:0e:01","ip-address":"192.0.2.10","state":0,"subnet-id":2,"user-context":{"k":[1,2]},"valid-lft":1000}' \
    "$(jq -cS '.arguments' <<<"$out")" "kea-shell lease4-get lease JSON"
out=$(post lease4-get "{\"identifier-type\": \"client-id\", \"identifier\": \"$CID\", \"subnet-id\": 2}")
check "curl lease4-get by client-id" 0 "" "$out"
assert_eq '"192.0.2.10"' "$(jq '.arguments["ip-address"]' <<<"$out")" "curl lease4-get address"
check "kea-shell lease4-get-by-hw-address" 0 "^1 IPv4 lease\(s\) found.$" \
    "$(shell lease4-get-by-hw-address "\"hw-address\": \"$HW\"")"
check "curl lease4-get-by-hw-address" 0 "^1 IPv4 lease\(s\) found.$" \
    "$(post lease4-get-by-hw-address "{\"hw-address\": \"$HW\"}")"
check "kea-shell lease4-get-by-client-id" 0 "^1 IPv4 lease\(s\) found.$" \
    "$(shell lease4-get-by-client-id "\"client-id\": \"$CID\"")"
check "curl lease4-get-by-client-id" 0 "^1 IPv4 lease\(s\) found.$" \
    "$(post lease4-get-by-client-id "{\"client-id\": \"$CID\"}")"
check "kea-shell lease4-get-by-hostname" 0 "^1 IPv4 lease\(s\) found.$" \
    "$(shell lease4-get-by-hostname '"hostname": "SHELL.example"')"
check "curl lease4-get-by-hostname (a CSV lease)" 0 "^1 IPv4 lease\(s\) found.$" \
    "$(post lease4-get-by-hostname '{"hostname": "host-4242"}')"
check "kea-shell lease4-get-all subnet 2" 0 "^2 IPv4 lease\(s\) found.$" \
    "$(shell lease4-get-all '"subnets": [2]')"
check "kea-shell lease4-update" 0 "^IPv4 lease updated.$" \
    "$(shell lease4-update "\"ip-address\": \"192.0.2.10\", \"hw-address\": \"$HW\", \"hostname\": \"renamed\"")"
check "curl lease4-update missing" "$CONFLICT" "^failed to update the lease with address 192.0.2.12 " \
    "$(post lease4-update '{"ip-address": "192.0.2.12", "hw-address": "0a:0b:0c:0d:0e:03"}')"
check "curl lease4-update force-create" 0 "^IPv4 lease added.$" \
    "$(post lease4-update '{"ip-address": "192.0.2.12", "hw-address": "0a:0b:0c:0d:0e:03", "force-create": true}')"
assert_eq '"renamed"' "$(post lease4-get '{"ip-address": "192.0.2.10"}' | jq '.arguments.hostname')" \
    "hostname after lease4-update"
ddns=$([[ $KAHU_SERVER == kahu ]] && echo 4 || echo 1)
check "kea-shell lease4-resend-ddns" "$ddns" "^DDNS updating is not enabled$" \
    "$(shell lease4-resend-ddns '"ip-address": "192.0.2.10"')"
check "curl lease4-resend-ddns" "$ddns" "^DDNS updating is not enabled$" \
    "$(post lease4-resend-ddns '{"ip-address": "192.0.2.10"}')"
if ((WRITE == 0)); then
    check "kea-shell lease4-write" 0 "^IPv4 lease database into '$TMP/shell-written.csv'.$" \
        "$(shell lease4-write "\"filename\": \"$TMP/shell-written.csv\"")"
    check "curl lease4-write" 0 "" "$(post lease4-write "{\"filename\": \"$TMP/curl-written.csv\"}")"
    assert_eq $((N + 3)) "$(grep -c '^[0-9]' "$TMP/curl-written.csv")" "rows lease4-write wrote"
else
    check "kea-shell lease4-write" "$WRITE" "" "$(shell lease4-write "\"filename\": \"$TMP/w.csv\"")"
fi
check "kea-shell lease4-del" 0 "^IPv4 lease deleted.$" \
    "$(shell lease4-del '"ip-address": "192.0.2.12"')"
check "curl lease4-del by hw-address" 0 "^IPv4 lease deleted.$" \
    "$(post lease4-del '{"identifier-type": "hw-address", "identifier": "0a:0b:0c:0d:0e:02", "subnet-id": 2}')"
check "curl lease4-del missing" 3 "^IPv4 lease not found.$" \
    "$(post lease4-del '{"ip-address": "192.0.2.12"}')"
check "kea-shell lease4-wipe subnet 2" 0 "^Deleted 1 IPv4 lease\(s\) from subnet\(s\) 2$WIPE_SUFFIX$" \
    "$(shell lease4-wipe '"subnet-id": 2')"
check "curl lease4-wipe subnet 2 again" 3 "^Deleted 0 IPv4 lease\(s\) from subnet\(s\) 2$WIPE_SUFFIX$" \
    "$(post lease4-wipe '{"subnet-id": 2}')"
check "curl lease4-add (argument error)" 1 "hw-address" "$(post lease4-add '{"ip-address": "192.0.2.13"}')"

# ---- 10,000 leases: get-all, then pages of 1000 through kea-shell and through curl
out=$(curl -s -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/" \
    -d '{"command": "lease4-get-all", "service": ["dhcp4"], "arguments": {"subnets": [1]}}')
assert_eq "0 $N IPv4 lease(s) found. $N" \
    "$(jq -r '.[0] | "\(.result) \(.text) \(.arguments.leases | length)"' <<<"$out")" \
    "curl lease4-get-all subnet 1: result, text, leases"
for via in shell curl; do
    python3 "$(dirname "$0")/lib/lease_pages.py" "$via" "$PORT" 1000 20 >"$TMP/pages-$via.txt" ||
        fail "$via: paging through lease4-get-page failed"
    assert_eq "$N" "$(wc -l <"$TMP/pages-$via.txt")" "$via: leases over all pages"
    assert_eq "$N" "$(sort -u "$TMP/pages-$via.txt" | wc -l)" "$via: distinct leases over all pages"
    sort -t . -k1,1n -k2,2n -k3,3n -k4,4n "$TMP/pages-$via.txt" >"$TMP/sorted-$via.txt"
    cmp -s "$TMP/pages-$via.txt" "$TMP/sorted-$via.txt" ||
        fail "$via: pages not in ascending address order (first difference: $(diff "$TMP/pages-$via.txt" "$TMP/sorted-$via.txt" | head -n 3 | tr '\n' ' '))"
    log "ok: $via: pages in ascending order"
    # Exactly the CSV's leases (the subnet-2 ones were wiped).
    cut -d, -f1 "$TMP/generated.csv" | grep '^10\.1\.' | sort -t . -k1,1n -k2,2n -k3,3n -k4,4n \
        >"$TMP/expected.txt"
    cmp -s "$TMP/expected.txt" "$TMP/sorted-$via.txt" || fail "$via: pages are not the CSV's leases"
    log "ok: $via: every lease of the CSV exactly once"
done

# ---- without the library: the commands are gone; with it again: back
config without >"$TMP/dhcp4.conf"
check "config-reload without the library" 0 "" "$(shell config-reload)"
cmds=$(shell list-commands)
assert_eq 0 "$(jq '[.arguments[] | select(startswith("lease4-"))] | length' <<<"$cmds")" \
    "lease4-* commands in list-commands without the library"
assert_eq true "$(jq '.arguments | index("list-commands") != null' <<<"$cmds")" \
    "list-commands still lists itself"
check "lease4-get without the library" 2 "^'lease4-get' command not supported.$" \
    "$(post lease4-get '{"ip-address": "10.1.0.1"}')"
config with >"$TMP/dhcp4.conf"
check "config-reload with the library" 0 "" "$(shell config-reload)"
assert_eq true "$(shell list-commands | jq '.arguments | index("lease4-get-page") != null')" \
    "lease4-get-page back in list-commands"
check "lease4-get after reloading the library" 0 "^IPv4 lease found.$" \
    "$(post lease4-get '{"ip-address": "10.1.0.1"}')"

pass
