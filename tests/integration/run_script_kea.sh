#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# libdhcp_run_script.so against Kea 2.2's own: the same configuration (naming Kea's library
# path; Kahu loads its library of that name) and the same real clients on kea-dhcp4 with
# Debian's library, then on kahu-dhcp4 with Kahu's. The program records, for each call, its
# arguments and its whole environment. The scenario:
#   cli-a (relayed, option 82 from dhcrelay -a): DORA (leases4_committed), INIT-REBOOT renewal
#         (lease4_renew, leases4_committed), release (lease4_release, leases4_committed);
#   cli-b (relayed): its client script refuses the first address, so dhclient declines it
#         (lease4_decline, leases4_committed) and gets the next one; after the decline
#         probation the declined lease is reclaimed (lease4_expire, then lease4_recover);
#   cli-d (direct, on the server's segment, raw socket: link-layer addresses in the query):
#         udhcpc -q does DORA on a subnet with a 3 s lifetime and quits without releasing or
#         renewing (a dhclient would renew at T1, 1.5 s, if it lived that long: a race), and
#         the lease expires (lease4_expire).
# The calls and every variable must be the same on both servers, except values that differ
# by nature between two runs, normalised by name below: the lease times (*_CLTT), dhclient's
# random transaction ids (QUERY4_TXID) and its elapsed-time field (QUERY4_SECS).
# Needs both servers: ignores KAHU_SERVER.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

KEA_HOOKS=/usr/lib/x86_64-linux-gnu/kea/hooks
[[ -x $KEA_DHCP4 && -f $KEA_HOOKS/libdhcp_run_script.so ]] ||
    skip "Kea 2.2 with libdhcp_run_script.so is not installed"
for tool in dhclient udhcpc dhcrelay jq; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
done
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
[[ -f $KAHU_HOOKS_PATH/libdhcp_run_script.so ]] || fail "libdhcp_run_script.so not built"
SCRIPTS=$LAB_TMP/scripts
mkdir -p "$SCRIPTS"
export KAHU_HOOK_SCRIPTS_PATH=$SCRIPTS # Kahu confines the program; Kea 2.2 does not

lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:a1
lab_client_ns cli-b 02:00:00:0a:00:b2
lab_client_ns cli-d 02:00:00:14:00:d4 br20
RELAY_OPTS=-a start_relay 172.18.20.20

cat >"$LAB_TMP/run-script.json" <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["ens18"], "dhcp-socket-type": "raw"},
  "lease-database": {"type": "memfile", "name": "/var/lib/kea/x.csv", "lfc-interval": 0},
  "expired-leases-processing": {"reclaim-timer-wait-time": 1,
                                "flush-reclaimed-timer-wait-time": 25},
  "decline-probation-period": 3,
  "valid-lifetime": 3600,
  "hooks-libraries": [{"library": "$KEA_HOOKS/libdhcp_run_script.so",
                       "parameters": {"name": "$SCRIPTS/record.sh", "sync": false}}],
  "subnet4": [
    {"id": 10, "subnet": "172.18.10.0/24", "pools": [{"pool": "172.18.10.100 - 172.18.10.200"}],
     "relay": {"ip-addresses": ["172.18.10.254"]},
     "option-data": [{"name": "routers", "data": "172.18.10.254"}]},
    {"id": 20, "subnet": "172.18.20.0/24", "pools": [{"pool": "172.18.20.100 - 172.18.20.150"}],
     "interface": "ens18", "valid-lifetime": 3,
     "option-data": [{"name": "routers", "data": "172.18.20.254"}]}
  ]
}}
JSON

# One file per call: argc, argv[1], then the environment sorted. The program has no PATH (its
# environment is the server's variables only) and unsets PWD, which the shell itself adds.
write_recorder() { # directory
    mkdir -p "$1"
    cat >"$SCRIPTS/record.sh" <<EOF
#!/bin/sh
unset PWD
out=$1/call.\$(/usr/bin/date +%s%N).\$\$
{ echo "argc=\$#"; echo "argv1=\$1"; /usr/bin/env | LC_ALL=C /usr/bin/sort; } >"\$out.tmp"
/bin/mv "\$out.tmp" "\$out"
EOF
    chmod 0750 "$SCRIPTS/record.sh"
}

# dhclient's BOUND script exits 1 once (while the flag file exists): dhclient declines.
decline_once() { # role
    local dir
    dir=$(client_dir "$1")
    client_prepare "$1"
    mv "$dir/client-script" "$dir/client-script.real"
    touch "$dir/decline-once"
    cat >"$dir/client-script" <<'EOF'
#!/bin/bash
dir=$(dirname "$0")
if [[ "${reason:-}" == BOUND && -f "$dir/decline-once" ]]; then
    rm -f "$dir/decline-once"
    echo "DECLINE $new_ip_address" >>"$dir/reasons"
    exit 1
fi
exec "$dir/client-script.real" "$@"
EOF
    chmod +x "$dir/client-script"
}

calls_of() { # directory -> count of recorded calls
    find "$1" -name 'call.*' ! -name '*.tmp' | wc -l
}

scenario() { # kea|kahu
    # shellcheck disable=SC2034  # read by start_server (lib/netns.bash)
    KAHU_SERVER=$1
    local out=$LAB_TMP/calls-$1 a b d
    write_recorder "$out"
    rm -rf "$(client_dir cli-a)" "$(client_dir cli-b)" "$(client_dir cli-d)" "$LAB_TMP"/srv1-leases4.csv*
    start_server "$LAB_TMP/run-script.json"

    client_prepare cli-a
    run_dhclient cli-a || fail "cli-a got no lease from $1"
    a=$(client_var cli-a new_ip_address)
    sleep 1
    dhclient_renew cli-a || fail "cli-a renew from $1 failed"
    assert_eq "$a" "$(client_var cli-a new_ip_address)" "cli-a's address renewed from $1"
    dhclient_release cli-a

    # dhclient -1 exits after declining; the second run gets another address.
    decline_once cli-b
    run_dhclient cli-b && fail "cli-b kept the address it should decline ($1)"
    grep -q "^DECLINE " "$(client_dir cli-b)/reasons" || fail "cli-b did not decline ($1)"
    run_dhclient cli-b || fail "cli-b got no lease from $1 after declining"
    b=$(client_var cli-b new_ip_address)
    dhclient_stop cli-b

    client_prepare cli-d
    run_udhcpc cli-d || fail "cli-d got no lease from $1"
    d=$(client_var cli-d udhcpc_ip)
    log "$1: cli-a $a (released), cli-b declined then got $b, cli-d $d (expires)"

    # The declined lease (3 s probation) and cli-d's (3 s lifetime) are reclaimed within a few
    # seconds (reclaim timer 1 s): wait for both expirations and the recovery.
    wait_for 20 "$1 to reclaim the expired and the declined lease" \
        bash -c "(( \$(grep -l '^argv1=lease4_recover' $out/call.* 2>/dev/null | wc -l) >= 1 &&
                   \$(grep -l '^argv1=lease4_expire' $out/call.* 2>/dev/null | wc -l) >= 2 ))"
    sleep 2 # anything else the server would still run
    # Kahu's programs are never the server's children, so none is left as a zombie.
    if [[ $1 == kahu ]]; then
        local zombies
        # shellcheck disable=SC2154  # set by start_server
        zombies=$(ps -o pid=,stat=,comm= --ppid "$SERVER_PID_srv1" | awk '$2 ~ /^Z/' || true)
        assert_eq "" "$zombies" "kahu-dhcp4's zombie children"
    fi
    stop_server
    log "$1: $(calls_of "$out") calls recorded"
}

scenario kea
scenario kahu

# Each call as one normalised record (its variables in order), the records sorted: the
# programs run asynchronously, so calls made within the same millisecond may finish in any
# order on either server.
normalise() { # directory
    local f
    for f in "$1"/call.*; do
        sed -E -e 's/^([A-Z0-9_]*_CLTT)=[0-9]+$/\1=<time>/' \
            -e 's/^QUERY4_TXID=[0-9]+$/QUERY4_TXID=<xid>/' \
            -e 's/^QUERY4_SECS=[0-9]+$/QUERY4_SECS=<secs>/' "$f" | paste -sd'|'
    done | LC_ALL=C sort
}
normalise "$LAB_TMP/calls-kea" >"$LAB_TMP/kea.records"
normalise "$LAB_TMP/calls-kahu" >"$LAB_TMP/kahu.records"

if ! cmp -s "$LAB_TMP/kea.records" "$LAB_TMP/kahu.records"; then
    diff <(tr '|' '\n' <"$LAB_TMP/kea.records") <(tr '|' '\n' <"$LAB_TMP/kahu.records") >&2 || true
    fail "the program's calls differ between Kea 2.2 and Kahu (kea.records, kahu.records)"
fi

# Every hook point of the scenario was seen, and the declined address got both reclamation
# calls, lease4_expire with the lease still declined and lease4_recover, as on Kea (the order
# of two programs started a moment apart is not observable here; the unit test
# HooksSeeExpireThenRecoverForADeclinedLease checks it).
for hook in leases4_committed lease4_renew lease4_release lease4_decline lease4_expire lease4_recover; do
    grep -q "argv1=$hook|" "$LAB_TMP/kahu.records" || fail "no $hook call"
done
declined=$(grep -o 'argv1=lease4_recover|LEASE4_ADDRESS=[0-9.]*|' "$LAB_TMP/kahu.records" | head -n 1)
declined=${declined#*LEASE4_ADDRESS=}
declined=${declined%|}
grep -qE "argv1=lease4_expire\|LEASE4_ADDRESS=${declined//./\\.}\|.*LEASE4_STATE=declined\|" \
    "$LAB_TMP/kahu.records" || fail "no lease4_expire of the declined lease ($declined)"
log "ok: the declined $declined got lease4_expire (state declined) and lease4_recover"
# The direct client's query came through the raw socket: Kea gives its link-layer addresses.
grep -q 'QUERY4_REMOTE_HWADDR=02:00:00:14:00:d4|' "$LAB_TMP/kahu.records" ||
    fail "no QUERY4_REMOTE_HWADDR of the direct client"
grep -q 'QUERY4_OPTION_82_SUB_OPTION_1=0x' "$LAB_TMP/kahu.records" ||
    fail "no QUERY4_OPTION_82_SUB_OPTION_1 (circuit-id from dhcrelay -a)"

calls=$(wc -l <"$LAB_TMP/kahu.records")
vars=$(tr '|' '\n' <"$LAB_TMP/kahu.records" | grep -c '=')
normalised=$(tr '|' '\n' <"$LAB_TMP/kahu.records" | grep -c '=<' || true)
summary=$(sed -E 's/^argc=1\|argv1=([a-z0-9_]+)\|.*/\1/' "$LAB_TMP/kahu.records" | sort | uniq -c |
    awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
log "$calls calls ($summary) and $vars variables identical on Kea 2.2 and Kahu ($normalised of them normalised: *_CLTT, QUERY4_TXID, QUERY4_SECS)"
pass
