#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# kahu-dhcp-ddns end to end with real parts: Kea 2.2's kea-dhcp4 sends NameChangeRequests for
# real dhclient leases (host-name option, through the relay), kahu-dhcp-ddns updates BIND 9
# (named, TSIG HMAC-SHA256, a forward and an in-addr.arpa zone). Checked: after the lease the
# A, DHCID and PTR records are there; a second client asking for the same name does not take
# it (RFC 4703 conflict resolution); after the release they are gone; a wrong TSIG secret is
# refused by BIND and logged with a message ID and counted; with BIND stopped, a remove is
# tried three times and given up. The same scenario then runs with
# Kea 2.2's kea-dhcp-ddns, and the zones (dig AXFR with the TTLs, the SOA left out) must be
# the same at every step. Two more runs put kahu-dhcp4 in front of kahu-dhcp-ddns and in front
# of Kea's kea-dhcp-ddns: their zones must match Kea 2.2's kea-dhcp4 + kea-dhcp-ddns at every
# step too. Last, Kea 2.6's conflict-resolution-mode values check-exists-with-dhcid and
# no-check-without-dhcid, sent straight to kahu-dhcp-ddns, against BIND.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

for tool in named dig jq socat dhclient dhcrelay "$KEA_DHCP4"; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
KEA_D2=${KEA_D2:-/usr/sbin/kea-dhcp-ddns}
KAHU_D2="$KAHU_BUILD/core/kahu-dhcp-ddns"
[[ -x "$KAHU_D2" ]] || fail "kahu-dhcp-ddns not built: $KAHU_D2"
[[ -x "$KEA_D2" ]] || skip "Kea's kea-dhcp-ddns is not installed (kea-dhcp-ddns-server)"

SECRET=$(head -c 32 /dev/urandom | base64)
WRONG=$(head -c 32 /dev/urandom | base64)
KEY=ddns-key.
ZONE=example.org
REVZONE=10.18.172.in-addr.arpa

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:31
lab_client_ns cli-b 02:00:00:0a:00:32
start_relay 172.18.20.20

# BIND in the server namespace, on its loopback.
start_named() { # tag [keep: start again on the zones as they are]
    local dir="$LAB_TMP/named-$1"
    if [[ "${2:-}" != keep ]]; then
    mkdir -p "$dir"
    chmod 700 "$dir"
    rm -f "$dir"/*.jnl
    cat >"$dir/named.conf" <<NAMED
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    listen-on port 53 { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    allow-transfer { 127.0.0.1; };
};
controls { };
key "$KEY" { algorithm hmac-sha256; secret "$SECRET"; };
zone "$ZONE" { type primary; file "$ZONE.db"; allow-update { key "$KEY"; }; };
zone "$REVZONE" { type primary; file "$REVZONE.db"; allow-update { key "$KEY"; }; };
NAMED
    for z in $ZONE $REVZONE; do
        cat >"$dir/$z.db" <<DB
\$TTL 300
@ IN SOA ns.$ZONE. hostmaster.$ZONE. 1 3600 600 86400 300
@ IN NS ns.$ZONE.
DB
    done
    echo "ns.$ZONE. 300 IN A 127.0.0.1" >>"$dir/$ZONE.db"
    fi
    # Not through nsx (a function: $! would be its subshell): the pid is named's own.
    ip netns exec "$(ns_name srv1)" named -g -c "$dir/named.conf" >"$LAB_TMP/named-$1.log" 2>&1 &
    NAMED_PID=$!
    LAB_PIDS+=("$NAMED_PID")
    wait_for 15 "named ($1)" nsx srv1 dig +short +time=1 +tries=1 @127.0.0.1 "$ZONE" SOA
}

stop_pid() { # pid
    kill -TERM "$1" 2>/dev/null || true
    local end=$((SECONDS + 10))
    while kill -0 "$1" 2>/dev/null && ((SECONDS < end)); do sleep 0.1; done
}

d2_config() { # secret dst
    cat >"$2" <<D2
{
"DhcpDdns": {
    "ip-address": "127.0.0.1",
    "port": 53001,
    "dns-server-timeout": 1000,
    "ncr-protocol": "UDP",
    "ncr-format": "JSON",
    "control-socket": { "socket-type": "unix", "socket-name": "$LAB_TMP/d2-ctrl" },
    "tsig-keys": [ { "name": "$KEY", "algorithm": "HMAC-SHA256", "secret": "$1" } ],
    "forward-ddns": { "ddns-domains": [
        { "name": "$ZONE.", "key-name": "$KEY", "dns-servers": [ { "ip-address": "127.0.0.1", "port": 53 } ] } ] },
    "reverse-ddns": { "ddns-domains": [
        { "name": "$REVZONE.", "key-name": "$KEY", "dns-servers": [ { "ip-address": "127.0.0.1", "port": 53 } ] } ] },
    "loggers": [ { "name": "kea-dhcp-ddns", "output_options": [ { "output": "stdout" } ], "severity": "DEBUG", "debuglevel": 50 } ]
}
}
D2
}

start_d2() { # kind(kahu|kea) secret [log tag=kind]
    local bin conf="$LAB_TMP/d2-$1.json"
    bin=$([[ $1 == kahu ]] && echo "$KAHU_D2" || echo "$KEA_D2")
    d2_config "$2" "$conf"
    "$bin" -t "$conf" >/dev/null || fail "$1 D2 refused its config"
    D2_LOG="$LAB_TMP/d2-${3:-$1}.log"
    ip netns exec "$(ns_name srv1)" env KAHU_CONTROL_SOCKET_DIR="$LAB_TMP" KEA_CONTROL_SOCKET_DIR="$LAB_TMP" \
        KEA_PIDFILE_DIR="$LAB_TMP" KEA_LOCKFILE_DIR="$LAB_TMP" "$bin" -c "$conf" >>"$D2_LOG" 2>&1 &
    D2_PID=$!
    LAB_PIDS+=("$D2_PID")
    wait_for 15 "$1 D2 listening" bash -c "ip netns exec $(ns_name srv1) ss -H -uln 'sport = :53001' | grep -q 53001"
    log "$1 D2 running (pid $D2_PID)"
}

d2_command() { # json
    echo "$1" | nsx srv1 socat -t 5 - "UNIX-CONNECT:$LAB_TMP/d2-ctrl"
}

# Kea 2.2's kea-dhcp4 with DDNS on (the with-ddns.json shape), its NCRs to 127.0.0.1:53001.
cat >"$LAB_TMP/dhcp4.json" <<DHCP
{
"Dhcp4": {
    "interfaces-config": { "interfaces": [ "ens18" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "lfc-interval": 0 },
    "valid-lifetime": 1200,
    "renew-timer": 600,
    "rebind-timer": 1000,
    "subnet4": [ { "id": 10, "subnet": "172.18.10.0/24",
                   "pools": [ { "pool": "172.18.10.100 - 172.18.10.150" } ],
                   "option-data": [ { "name": "routers", "data": "172.18.10.254" } ] } ],
    "dhcp-ddns": { "enable-updates": true, "server-ip": "127.0.0.1", "server-port": 53001,
                   "sender-ip": "127.0.0.1", "sender-port": 0, "max-queue-size": 1024,
                   "ncr-protocol": "UDP", "ncr-format": "JSON" },
    "ddns-send-updates": true,
    "ddns-override-no-update": true,
    "ddns-override-client-update": true,
    "ddns-replace-client-name": "never",
    "ddns-qualifying-suffix": "$ZONE.",
    "ddns-update-on-renew": false,
    "ddns-use-conflict-resolution": true,
    "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ], "severity": "DEBUG", "debuglevel": 50 } ]
}
}
DHCP

# Both zones, one record a line: name TTL type rdata (no SOA; an authoritative transfer has
# no TTL countdown, so the TTLs, the NCR's lease-length, are compared too).
zones() {
    local z
    for z in $ZONE $REVZONE; do
        nsx srv1 dig +nocmd +nostats +nocomments +noclass @127.0.0.1 "$z" AXFR |
            awk '$3 != "SOA" && $1 !~ /^;/ && NF'
    done | sort -u
}

has_record() { # name type
    [[ -n "$(nsx srv1 dig +short @127.0.0.1 "$1" "$2")" ]]
}

scenario() { # d2-kind [dhcp-kind=kea] -> snapshots in $LAB_TMP/<kind>-<step>.txt
    local d2=$1 dhcp=${2:-kea} kind=$1
    [[ $dhcp == kea ]] || kind="$1-$dhcp"
    start_named "$kind"
    start_d2 "$d2" "$SECRET" "$kind"
    KAHU_SERVER=$dhcp start_server "$LAB_TMP/dhcp4.json"
    rm -rf "$(client_dir cli-a)" "$(client_dir cli-b)"

    client_prepare cli-a alpha
    run_dhclient cli-a || fail "cli-a got no lease"
    local a rev
    a=$(client_var cli-a new_ip_address)
    rev=$(awk -F. '{print $4"."$3"."$2"."$1".in-addr.arpa."}' <<<"$a")
    wait_for 15 "A record of alpha ($kind)" has_record "alpha.$ZONE." A
    wait_for 15 "PTR record of $a ($kind)" has_record "$rev" PTR
    assert_eq "$a" "$(nsx srv1 dig +short @127.0.0.1 "alpha.$ZONE." A)" "A of alpha ($kind)"
    assert_eq "alpha.$ZONE." "$(nsx srv1 dig +short @127.0.0.1 "$rev" PTR)" "PTR of $a ($kind)"
    has_record "alpha.$ZONE." DHCID || fail "no DHCID for alpha ($kind)"
    has_record "$rev" DHCID || fail "no DHCID for $rev ($kind)"
    zones >"$LAB_TMP/$kind-1-lease.txt"
    log "$kind: after the lease: $(wc -l <"$LAB_TMP/$kind-1-lease.txt") records"

    # A second client asking for the same name: refused by the DHCID prerequisite.
    client_prepare cli-b alpha
    run_dhclient cli-b || fail "cli-b got no lease"
    local b
    b=$(client_var cli-b new_ip_address)
    assert_ne "$a" "$b" "second client's address"
    wait_for 15 "$kind D2 refusing the second client" grep -q "DHCP_DDNS_FORWARD_REPLACE_REJECTED" "$D2_LOG"
    sleep 0.5
    assert_eq "$a" "$(nsx srv1 dig +short @127.0.0.1 "alpha.$ZONE." A)" "A of alpha after the conflict ($kind)"
    zones >"$LAB_TMP/$kind-2-conflict.txt"
    log "$kind: after the conflicting client: $(wc -l <"$LAB_TMP/$kind-2-conflict.txt") records"

    # Release: the records go.
    dhclient_release cli-a
    local gone=0
    for _ in $(seq 50); do
        if ! has_record "alpha.$ZONE." A && ! has_record "$rev" PTR; then gone=1; break; fi
        sleep 0.2
    done
    ((gone)) || fail "records of alpha still there after the release ($kind)"
    has_record "alpha.$ZONE." DHCID && fail "DHCID of alpha still there after the release ($kind)"
    zones >"$LAB_TMP/$kind-3-release.txt"
    log "$kind: after the release: $(wc -l <"$LAB_TMP/$kind-3-release.txt") records"

    # The DNS server down: cli-b's release asks for a remove; each try times out
    # (dns-server-timeout), three tries on the only server. kea-dhcp-ddns then gives the
    # request up; kahu-dhcp-ddns holds it and tries again later, and a new client's add waits
    # behind it: once BIND is back both are carried out, nothing is lost.
    stop_pid "$NAMED_PID"
    dhclient_release cli-b
    if [[ $d2 == kea ]]; then
        wait_for 20 "$kind D2 giving up on a dead DNS server" grep -q DHCP_DDNS_REMOVE_FAILED "$D2_LOG"
        grep -c DHCP_DDNS_FORWARD_REMOVE_ADDRS_IO_ERROR "$D2_LOG" >"$LAB_TMP/$kind-4-dns-down.txt" || true
        log "$kind: DNS server down: $(cat "$LAB_TMP/$kind-4-dns-down.txt") DHCP_DDNS_FORWARD_REMOVE_ADDRS_IO_ERROR, then DHCP_DDNS_REMOVE_FAILED"
        start_named "$kind"
    else
        wait_for 20 "$kind D2 holding the request while the DNS server is down" grep -q DHCP_DDNS_REQUEST_HELD "$D2_LOG"
        awk '/DHCP_DDNS_REQUEST_HELD/ {exit} /DHCP_DDNS_FORWARD_REMOVE_ADDRS_IO_ERROR/ {n++} END {print n + 0}' \
            "$D2_LOG" >"$LAB_TMP/$kind-4-dns-down.txt"
        log "$kind: DNS server down: $(cat "$LAB_TMP/$kind-4-dns-down.txt") DHCP_DDNS_FORWARD_REMOVE_ADDRS_IO_ERROR, then DHCP_DDNS_REQUEST_HELD"
        client_prepare cli-a omega
        run_dhclient cli-a || fail "cli-a got no lease while the DNS server is down"
        local o
        o=$(client_var cli-a new_ip_address)
        wait_for 15 "$kind D2 receiving omega's add" grep -q "DHCP_DDNS_NCR_RECEIVED.*omega" "$D2_LOG"
        start_named "$kind" keep
        wait_for 40 "omega's records once BIND is back ($kind)" has_record "omega.$ZONE." A
        assert_eq "$o" "$(nsx srv1 dig +short @127.0.0.1 "omega.$ZONE." A)" "A of omega, added while the DNS server was down ($kind)"
        grep -q DHCP_DDNS_REMOVE_FAILED "$D2_LOG" && fail "$kind D2 gave a request up"
        dhclient_release cli-a
        wait_for 15 "omega's records removed ($kind)" grep -q "DHCP_DDNS_REMOVE_SUCCEEDED.*omega" "$D2_LOG"
        log "ok: $kind: the requests made while BIND was down were carried out when it came back"
    fi

    if [[ $kind == kahu ]]; then # kahu-dhcp-ddns behind Kea's kea-dhcp4
        local stats
        stats=$(d2_command '{"command": "statistic-get-all"}')
        log "kahu-dhcp-ddns statistics: $(jq -c '.arguments | map_values(.[0][0])' <<<"$stats")"
        (($(jq '.arguments["ncr-received"][0][0]' <<<"$stats") >= 3)) || fail "ncr-received < 3"
        (($(jq '.arguments["key[ddns-key.].update-success"][0][0]' <<<"$stats") >= 4)) ||
            fail "key[ddns-key.].update-success < 4"
        # A wrong secret: BIND answers NOTAUTH/BADSIG, logged with a message ID and counted.
        stop_pid "$D2_PID"
        start_d2 kahu "$WRONG"
        client_prepare cli-a alpha
        run_dhclient cli-a || fail "cli-a got no lease (wrong key run)"
        wait_for 30 "kahu-dhcp-ddns giving up with a wrong key" grep -q "DHCP_DDNS_ADD_FAILED" "$D2_LOG"
        grep -q "DHCP_DDNS_INVALID_RESPONSE.*TSIG error BADSIG" "$D2_LOG" ||
            fail "no DHCP_DDNS_INVALID_RESPONSE ... BADSIG in the log"
        has_record "alpha.$ZONE." A && fail "an update with a wrong key got through"
        grep -q "request has invalid signature: TSIG ${KEY%.}: tsig verify failure (BADSIG)" "$LAB_TMP/named-$kind.log" ||
            fail "BIND did not log the bad signature"
        stats=$(d2_command '{"command": "statistic-get", "arguments": {"name": "key[ddns-key.].update-error"}}')
        local errs
        errs=$(jq '.arguments["key[ddns-key.].update-error"][0][0]' <<<"$stats")
        assert_eq 3 "$errs" "key[ddns-key.].update-error after a refused key (3 tries)"
        log "ok: wrong key: $(grep -c DHCP_DDNS_INVALID_RESPONSE "$D2_LOG") DHCP_DDNS_INVALID_RESPONSE lines, update-error $errs"
        dhclient_stop cli-a
    fi
    stop_server
    stop_pid "$D2_PID"
    stop_pid "$NAMED_PID"
    rm -f "$(client_dir cli-a)/dhclient.leases" "$(client_dir cli-b)/dhclient.leases"
}

scenario kahu
# A fresh lease file for each run: the same clients must look new to the DHCP server.
rm -f "$LAB_TMP"/srv1-leases4.csv*
scenario kea
rm -f "$LAB_TMP"/srv1-leases4.csv*
# All Kahu: kahu-dhcp4 sends the NameChangeRequests, kahu-dhcp-ddns updates BIND.
scenario kahu kahu
rm -f "$LAB_TMP"/srv1-leases4.csv*
# kahu-dhcp4 in front of Kea's own kea-dhcp-ddns.
scenario kea kahu

assert_eq "$(cat "$LAB_TMP/kea-4-dns-down.txt")" "$(cat "$LAB_TMP/kahu-4-dns-down.txt")" \
    "tries of a remove with the DNS server down (kea-dhcp-ddns, kahu-dhcp-ddns)"
for step in 1-lease 2-conflict 3-release; do
    if ! diff -u "$LAB_TMP/kea-$step.txt" "$LAB_TMP/kahu-$step.txt"; then
        fail "zones differ after step $step (kea-dhcp-ddns vs kahu-dhcp-ddns)"
    fi
    log "ok: $step: the same $(wc -l <"$LAB_TMP/kahu-$step.txt") records with kahu-dhcp-ddns and kea-dhcp-ddns ($(grep -cw DHCID "$LAB_TMP/kahu-$step.txt" || true) DHCID)"
    if ! diff -u "$LAB_TMP/kea-$step.txt" "$LAB_TMP/kahu-kahu-$step.txt"; then
        fail "zones differ after step $step (Kea 2.2 + kea-dhcp-ddns vs kahu-dhcp4 + kahu-dhcp-ddns)"
    fi
    log "ok: $step: kahu-dhcp4 + kahu-dhcp-ddns leave the same records as Kea 2.2 + kea-dhcp-ddns"
    if ! diff -u "$LAB_TMP/kea-$step.txt" "$LAB_TMP/kea-kahu-$step.txt"; then
        fail "zones differ after step $step (Kea 2.2 + kea-dhcp-ddns vs kahu-dhcp4 + kea-dhcp-ddns)"
    fi
    log "ok: $step: kahu-dhcp4 + kea-dhcp-ddns leave the same records as Kea 2.2 + kea-dhcp-ddns"
done
assert_eq "$(cat "$LAB_TMP/kea-4-dns-down.txt")" "$(cat "$LAB_TMP/kahu-kahu-4-dns-down.txt")" \
    "tries of a remove with the DNS server down (Kea, all Kahu)"

# Kea 2.6's two other modes, as kahu-dhcp4 sends them (conflict-resolution-mode in the NCR).
send_ncr() { # change-type fqdn address dhcid mode
    local j
    j=$(jq -cn --argjson t "$1" --arg f "$2" --arg a "$3" --arg d "$4" --arg m "$5" \
        '{"change-type": $t, "forward-change": true, "reverse-change": true, "fqdn": $f,
          "ip-address": $a, "dhcid": $d, "lease-expires-on": "20301204010203",
          "lease-length": 1200, "use-conflict-resolution": ($m | startswith("check")),
          "conflict-resolution-mode": $m}')
    nsx srv1 python3 -c 'import socket, struct, sys
d = sys.argv[1].encode()
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(struct.pack("!H", len(d)) + d, ("127.0.0.1", 53001))' "$j"
}
done_count() { grep -cE "DHCP_DDNS_(ADD|REMOVE)_(SUCCEEDED|FAILED)" "$D2_LOG" || true; }
send_and_wait() { # send_ncr's arguments: waits until kahu-dhcp-ddns has finished the request
    local before
    before=$(done_count)
    send_ncr "$@"
    wait_for 15 "kahu-dhcp-ddns finishing the request for $2" bash -c "(( \$(grep -cE 'DHCP_DDNS_(ADD|REMOVE)_(SUCCEEDED|FAILED)' '$D2_LOG') > $before ))"
}
DHCID_A=000101$(printf 'aa%.0s' $(seq 32))
DHCID_B=000101$(printf 'bb%.0s' $(seq 32))
start_named modes
start_d2 kahu "$SECRET" modes
mode=check-exists-with-dhcid
send_and_wait 0 "dual.$ZONE." 172.18.10.120 "$DHCID_A" $mode
assert_eq 172.18.10.120 "$(nsx srv1 dig +short @127.0.0.1 "dual.$ZONE." A)" "A of dual ($mode)"
# Another identifier of the same host (another DHCID): the name has a DHCID, so it moves.
send_and_wait 0 "dual.$ZONE." 172.18.10.121 "$DHCID_B" $mode
assert_eq 172.18.10.121 "$(nsx srv1 dig +short @127.0.0.1 "dual.$ZONE." A)" "A of dual taken over ($mode)"
# A name without a DHCID (ns., from the zone file) is not taken.
send_and_wait 0 "ns.$ZONE." 172.18.10.122 "$DHCID_A" $mode
assert_eq 127.0.0.1 "$(nsx srv1 dig +short @127.0.0.1 "ns.$ZONE." A)" "A of ns. kept ($mode)"
send_and_wait 1 "dual.$ZONE." 172.18.10.121 "$DHCID_A" $mode
has_record "dual.$ZONE." A && fail "dual's A still there after its remove ($mode)"
has_record "dual.$ZONE." DHCID && fail "dual's DHCID still there after its remove ($mode)"
log "ok: $mode: a name with any DHCID moves, a static name stays, the remove clears it"
mode=no-check-without-dhcid
send_and_wait 0 "bare.$ZONE." 172.18.10.123 "$DHCID_A" $mode
assert_eq 172.18.10.123 "$(nsx srv1 dig +short @127.0.0.1 "bare.$ZONE." A)" "A of bare ($mode)"
assert_eq "bare.$ZONE." "$(nsx srv1 dig +short @127.0.0.1 123.10.18.172.in-addr.arpa. PTR)" "PTR of bare ($mode)"
has_record "bare.$ZONE." DHCID && fail "a DHCID record was written for bare ($mode)"
has_record 123.10.18.172.in-addr.arpa. DHCID && fail "a DHCID record was written for 172.18.10.123 ($mode)"
send_and_wait 1 "bare.$ZONE." 172.18.10.123 "$DHCID_B" $mode
has_record "bare.$ZONE." A && fail "bare's A still there after its remove ($mode)"
has_record 123.10.18.172.in-addr.arpa. PTR && fail "bare's PTR still there after its remove ($mode)"
log "ok: $mode: A and PTR without DHCID, removed without one"
stop_pid "$D2_PID"
stop_pid "$NAMED_PID"
pass
