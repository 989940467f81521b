#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# DDNS all Kahu against PowerDNS: kahu-dhcp4 names real dhclients (host-name option, through
# the relay) and sends NameChangeRequests to kahu-dhcp-ddns, which updates PowerDNS
# (pdns_server with the gsqlite3 backend, dnsupdate on, updates only with the TSIG key
# HMAC-SHA256 through TSIG-ALLOW-DNSUPDATE). Checked: after the lease, A, PTR and DHCID are in
# the DNS; a second client asking for the same name does not take it; after the release they
# are gone; a lease that expires without its client (dhclient stopped, no release) is
# reclaimed and its records go too; lease4-resend-ddns puts them back; an update signed with
# a wrong key is refused by PowerDNS and nothing is added; ddns-* keys set in client classes
# (a Kahu extension) name a class's clients their own way or keep them out of the DNS.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

for tool in pdns_server sqlite3 dig jq socat dhclient dhcrelay; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
SCHEMA=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
[[ -f $SCHEMA ]] || skip "pdns-backend-sqlite3 is not installed"
[[ -e /usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so ]] ||
    ls /usr/lib/*/pdns/libgsqlite3backend.so >/dev/null 2>&1 || skip "no gsqlite3 backend"
KAHU_D2="$KAHU_BUILD/core/kahu-dhcp-ddns"
[[ -x "$KAHU_D2" ]] || fail "kahu-dhcp-ddns not built: $KAHU_D2"
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_lease_cmds.so" ]] || fail "libdhcp_lease_cmds.so not built"
export KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib"

SECRET=$(head -c 32 /dev/urandom | base64)
WRONG=$(head -c 32 /dev/urandom | base64)
KEY=ddns-key
ZONE=example.org
REVZONE=10.18.172.in-addr.arpa

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:41
lab_client_ns cli-b 02:00:00:0a:00:42
lab_client_ns cli-c 02:00:00:0a:00:43
lab_client_ns cli-d 02:00:00:0a:00:44
start_relay 172.18.20.20

# PowerDNS in the server namespace, on its loopback, zones in SQLite.
PDNS_DIR="$LAB_TMP/pdns"
mkdir -p "$PDNS_DIR"
chmod 700 "$PDNS_DIR"
sqlite3 "$PDNS_DIR/pdns.sqlite3" <"$SCHEMA"
sqlite3 "$PDNS_DIR/pdns.sqlite3" <<SQL
INSERT INTO domains (name, type) VALUES ('$ZONE', 'NATIVE'), ('$REVZONE', 'NATIVE');
INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
  SELECT id, name, 'SOA', 'ns.$ZONE hostmaster.$ZONE 1 3600 600 86400 300', 300, 0, 0, 1 FROM domains;
INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)
  SELECT id, name, 'NS', 'ns.$ZONE', 300, 0, 0, 1 FROM domains;
INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('$KEY', 'hmac-sha256', '$SECRET');
INSERT INTO domainmetadata (domain_id, kind, content)
  SELECT id, 'TSIG-ALLOW-DNSUPDATE', '$KEY' FROM domains;
SQL
cat >"$PDNS_DIR/pdns.conf" <<CONF
launch=gsqlite3
gsqlite3-database=$PDNS_DIR/pdns.sqlite3
local-address=127.0.0.1
local-port=53
dnsupdate=yes
allow-dnsupdate-from=127.0.0.0/8
socket-dir=$PDNS_DIR
daemon=no
guardian=no
disable-syslog=yes
write-pid=no
loglevel=6
CONF
ip netns exec "$(ns_name srv1)" pdns_server --config-dir="$PDNS_DIR" >"$LAB_TMP/pdns.log" 2>&1 &
PDNS_PID=$!
LAB_PIDS+=("$PDNS_PID")
wait_for 15 "PowerDNS answering" nsx srv1 dig +short +time=1 +tries=1 @127.0.0.1 "$ZONE" SOA
log "PowerDNS $(pdns_server --version 2>&1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1) running"

start_d2() { # secret
    cat >"$LAB_TMP/d2.json" <<D2
{ "DhcpDdns": {
    "ip-address": "127.0.0.1", "port": 53001, "dns-server-timeout": 1000,
    "tsig-keys": [ { "name": "$KEY", "algorithm": "HMAC-SHA256", "secret": "$1" } ],
    "forward-ddns": { "ddns-domains": [ { "name": "$ZONE.", "key-name": "$KEY",
        "dns-servers": [ { "ip-address": "127.0.0.1" } ] } ] },
    "reverse-ddns": { "ddns-domains": [ { "name": "$REVZONE.", "key-name": "$KEY",
        "dns-servers": [ { "ip-address": "127.0.0.1" } ] } ] },
    "loggers": [ { "name": "kea-dhcp-ddns", "output_options": [ { "output": "stdout" } ],
                   "severity": "DEBUG", "debuglevel": 50 } ] } }
D2
    "$KAHU_D2" -t "$LAB_TMP/d2.json" >/dev/null || fail "kahu-dhcp-ddns refused its config"
    ip netns exec "$(ns_name srv1)" "$KAHU_D2" -c "$LAB_TMP/d2.json" >>"$LAB_TMP/d2.log" 2>&1 &
    D2_PID=$!
    LAB_PIDS+=("$D2_PID")
    wait_for 15 "kahu-dhcp-ddns listening" bash -c \
        "ip netns exec $(ns_name srv1) ss -H -uln 'sport = :53001' | grep -q 53001"
}
stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    local end=$((SECONDS + 10))
    while kill -0 "$1" 2>/dev/null && ((SECONDS < end)); do sleep 0.1; done
}

# kahu-dhcp4: a short lifetime and a reclaim timer of one second, so a lease whose client
# went away expires and is reclaimed within the test.
cat >"$LAB_TMP/dhcp4.json" <<DHCP
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "ens18" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "lfc-interval": 0 },
    "control-socket": { "socket-type": "unix", "socket-name": "ctrl" },
    "hooks-libraries": [ { "library": "libdhcp_lease_cmds.so" } ],
    "expired-leases-processing": { "reclaim-timer-wait-time": 1, "hold-reclaimed-time": 3600,
                                   "flush-reclaimed-timer-wait-time": 0 },
    "valid-lifetime": 1200,
    "subnet4": [ { "id": 10, "subnet": "172.18.10.0/24",
                   "pools": [ { "pool": "172.18.10.100 - 172.18.10.150" } ],
                   "option-data": [ { "name": "routers", "data": "172.18.10.254" } ] } ],
    "dhcp-ddns": { "enable-updates": true, "server-ip": "127.0.0.1", "server-port": 53001 },
    "ddns-qualifying-suffix": "$ZONE.",
    "ddns-override-client-update": true,
    "client-classes": [
        { "name": "lab", "test": "pkt4.mac == 0x0200000a0044",
          "ddns-replace-client-name": "always", "ddns-generated-prefix": "lab" },
        { "name": "quiet", "test": "option[12].text == 'quiet'", "ddns-send-updates": false } ],
    "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ],
                   "severity": "DEBUG", "debuglevel": 55 } ] } }
DHCP

answer() { nsx srv1 dig +short @127.0.0.1 "$1" "$2"; }
has_record() { [[ -n "$(answer "$1" "$2")" ]]; }
gone() { ! has_record "$1" A && ! has_record "$2" PTR && ! has_record "$1" DHCID; }
reverse_of() { awk -F. '{print $4"."$3"."$2"."$1".in-addr.arpa."}' <<<"$1"; }
ctrl() { echo "$1" | socat -t 5 - "UNIX-CONNECT:$LAB_TMP/srv1-ctrl"; }

start_d2 "$SECRET"
start_server "$LAB_TMP/dhcp4.json"

# 1. A lease: A, PTR and DHCID.
client_prepare cli-a alpha
run_dhclient cli-a || fail "cli-a got no lease"
a=$(client_var cli-a new_ip_address)
rev=$(reverse_of "$a")
wait_for 15 "A record of alpha" has_record "alpha.$ZONE." A
wait_for 15 "PTR record of $a" has_record "$rev" PTR
assert_eq "$a" "$(answer "alpha.$ZONE." A)" "A of alpha"
assert_eq "alpha.$ZONE." "$(answer "$rev" PTR)" "PTR of $a"
has_record "alpha.$ZONE." DHCID || fail "no DHCID for alpha"
assert_eq "alpha.$ZONE." "$(client_var cli-a new_host_name)." "host name the client was given"
log "ok: alpha -> $a: A, PTR, DHCID $(answer "alpha.$ZONE." DHCID)"

# 2. Another client claiming the same name does not take it over.
client_prepare cli-b alpha
run_dhclient cli-b || fail "cli-b got no lease"
b=$(client_var cli-b new_ip_address)
wait_for 15 "kahu-dhcp-ddns refusing the second client" grep -q DHCP_DDNS_FORWARD_REPLACE_REJECTED "$LAB_TMP/d2.log"
assert_eq "$a" "$(answer "alpha.$ZONE." A)" "A of alpha after the conflict"

# 3. Release: the records go.
dhclient_release cli-a
wait_for 15 "alpha's records gone after the release" gone "alpha.$ZONE." "$rev"
log "ok: released: A, PTR and DHCID of alpha gone"

# 4. Expiry: cli-c leaves without a release; its 4 s lease is reclaimed and the records go.
client_prepare cli-c gamma
run_dhclient cli-c || fail "cli-c got no lease"
c=$(client_var cli-c new_ip_address)
crev=$(reverse_of "$c")
wait_for 15 "A record of gamma" has_record "gamma.$ZONE." A
dhclient_stop cli-c
# The lease is cut to 4 s from now by lease4-update (the client is gone), then reclaimed.
lease=$(ctrl "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$c\"}}" | jq -c '.arguments')
ctrl "{\"command\": \"lease4-update\", \"arguments\": $(jq -c '.["valid-lft"] = 4 | del(.state)' <<<"$lease")}" | jq -e '.result == 0' >/dev/null ||
    fail "lease4-update of gamma's lease failed"
wait_for 20 "gamma's records gone after expiry and reclamation" gone "gamma.$ZONE." "$crev"
grep -q 'DHCPSRV_DHCP_DDNS_NCR_SENT.*"change-type":1.*"fqdn":"gamma' "$SERVER_LOG_srv1" ||
    fail "no remove NCR for gamma in the server log"
log "ok: expired and reclaimed: A, PTR and DHCID of gamma gone"

# 5. lease4-resend-ddns puts cli-b's records back after we delete them by hand.
bname=$(ctrl "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$b\"}}" | jq -r '.arguments.hostname')
assert_eq "alpha.$ZONE" "$bname" "cli-b's lease keeps the name it asked for (option 12: no trailing dot)"
ctrl "{\"command\": \"lease4-del\", \"arguments\": {\"ip-address\": \"$b\", \"update-ddns\": true}}" | jq -e '.result == 0' >/dev/null ||
    fail "lease4-del failed"
ctrl "{\"command\": \"lease4-add\", \"arguments\": {\"ip-address\": \"$b\", \"hw-address\": \"02:00:00:0a:00:42\", \"hostname\": \"beta.$ZONE.\", \"fqdn-fwd\": true, \"fqdn-rev\": true}}" |
    jq -e '.result == 0' >/dev/null || fail "lease4-add failed"
resend=$(ctrl "{\"command\": \"lease4-resend-ddns\", \"arguments\": {\"ip-address\": \"$b\"}}")
assert_eq "NCR generated for: $b, hostname: beta.$ZONE." "$(jq -r .text <<<"$resend")" "lease4-resend-ddns"
wait_for 15 "A record of beta after lease4-resend-ddns" has_record "beta.$ZONE." A
assert_eq "$b" "$(answer "beta.$ZONE." A)" "A of beta"

# 6. ddns-* keys in client classes: the "lab" class (cli-d's MAC) gets names generated with
# its own prefix in place of the one sent; the "quiet" class (host name quiet) no updates.
client_prepare cli-d laptop
run_dhclient cli-d || fail "cli-d got no lease"
d=$(client_var cli-d new_ip_address)
dname="lab-${d//./-}.$ZONE."
wait_for 15 "A record of $dname" has_record "$dname" A
assert_eq "$d" "$(answer "$dname" A)" "A of the lab class's client"
assert_eq "$dname" "$(answer "$(reverse_of "$d")" PTR)" "PTR of the lab class's client"
has_record "laptop.$ZONE." A && fail "the lab class's client kept the name it sent"
client_prepare cli-c quiet
seen=$(wc -l <"$SERVER_LOG_srv1")
run_dhclient cli-c || fail "cli-c got no lease (quiet)"
q=$(client_var cli-c new_ip_address)
qlease=$(ctrl "{\"command\": \"lease4-get\", \"arguments\": {\"ip-address\": \"$q\"}}")
assert_eq "false false" "$(jq -r '.arguments | "\(.["fqdn-fwd"]) \(.["fqdn-rev"])"' <<<"$qlease")" \
    "the quiet class's lease asks for no DNS update"
tail -n +$((seen + 1)) "$SERVER_LOG_srv1" | grep -q "DHCPSRV_DHCP_DDNS_NCR_SENT.*\"ip-address\":\"$q\"" &&
    fail "a NameChangeRequest went out for the quiet class's client"
has_record "quiet.$ZONE." A && fail "the quiet class's client is in the DNS"
log "ok: classes: lab -> $dname; quiet -> no update"
dhclient_stop cli-c

# 7. A wrong key: PowerDNS refuses the update, nothing is added.
stop_pid "$D2_PID"
mv "$LAB_TMP/d2.log" "$LAB_TMP/d2-right-key.log" # what follows is the wrong key's
start_d2 "$WRONG"
client_prepare cli-a delta
run_dhclient cli-a || fail "cli-a got no lease (wrong key)"
wait_for 30 "kahu-dhcp-ddns giving up with a wrong key" grep -q DHCP_DDNS_ADD_FAILED "$LAB_TMP/d2.log"
has_record "delta.$ZONE." A && fail "an update with a wrong key got through"
grep -qE 'DHCP_DDNS_(INVALID_RESPONSE|[A-Z_]+_REJECTED)' "$LAB_TMP/d2.log" ||
    fail "kahu-dhcp-ddns did not log PowerDNS's refusal"
log "ok: wrong key refused: $(grep -m1 -oE 'DHCP_DDNS_(INVALID_RESPONSE|[A-Z_]+_REJECTED).{0,90}' "$LAB_TMP/d2.log")"
dhclient_stop cli-a
dhclient_stop cli-b
dhclient_stop cli-d
pass
