#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Load-balancing pairs under load never give one address to two clients (issue 19). In
# load-balancing both servers allocate from the same subnet at once; if they pick the same
# address for different clients and each then accepts the partner's lease4-update, the two
# clients end up holding the same address.
#
# For each pair (a Kahu + Kahu pair, Kahu as dhcp1/primary + Kea 2.2 as dhcp2/secondary, and
# Kea 2.2 primary + Kahu secondary):
# both servers (the Oasis HA configs with short delays, lease updates and sync on, one /16
# subnet, memfile persist in the run's temp dir, loggers at WARN) reach load-balancing behind
# a real dhcrelay that forwards every request to both; perfdhcp in a generator namespace acts
# as a relay agent (giaddr 172.18.10.50, as bench/ha.py does) and sends DORA exchanges of new
# clients through dhcrelay at HA_DUP_RATE (1000/s) for HA_DUP_RUNS (3) runs of HA_DUP_SECONDS
# (5 s). Then both servers stop and lib/lease_duplicates.py compares the two lease files: an
# address live on both servers for different clients is a duplicate and fails the test. The
# same tool reads a capture of every answer the generator received: an address DHCPACKed to
# two different clients (chaddr) fails the test too (that is what the clients were told,
# whatever the lease files say afterwards). The test also fails when perfdhcp got fewer than
# HA_DUP_MIN_ACKS ACKs in a pair's runs (the load must really have been served). No rate is
# asserted: the machine may be busy.
#
#   generator (eth0 172.18.10.50) ── br10 ── [rtr: dhcrelay -id br10 -iu br20] ── br20 ─┬─ srv1
#             (up0  172.18.20.50) ───────────────────────────────────────────── br20 ─┴─ srv2
#
# Requests go through dhcrelay; the servers answer the giaddr over br20 straight to the
# generator's up0 (a host route), so dhcrelay relays no answer (it sees them cross the bridge
# ports and logs "Discarding packet received on p-...": noise in dhcrelay.log).
#
# HA_DUP_PAIRS="kahu-kahu kahu-kea kea-kahu" chooses the pairs; kea-kea (Kea 2.2 alone, which
# has the flaw) is there for comparison. Without Kea 2.2 the pairs with Kea are not run and the
# test reports as skipped once the others pass (a failure of those still fails it).
# Takes about 25 s per pair here.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"
source "$(dirname "$0")/lib/ha.bash"

PERFDHCP=${PERFDHCP:-/usr/sbin/perfdhcp}
RATE=${HA_DUP_RATE:-1000}
RUNS=${HA_DUP_RUNS:-3}
SECONDS_PER_RUN=${HA_DUP_SECONDS:-5}
MIN_ACKS=${HA_DUP_MIN_ACKS:-1000}
PAIRS=${HA_DUP_PAIRS:-kahu-kahu kahu-kea kea-kahu}
CLIENTS=30000                       # perfdhcp -R: MACs per run (RATE x SECONDS must not exceed)
SUBNET=10.20.0.0/16                 # RUNS x RATE x SECONDS new clients: < half the pool, so no
POOL="10.20.0.1 - 10.20.255.254"    # server has to borrow from its partner's half
GIADDR=172.18.10.50                 # the generator's eth0, perfdhcp's -l and the giaddr
GEN_UP=172.18.20.50                 # the generator's up0 on br20, where the answers arrive
DUPLICATES=$(dirname "$0")/lib/lease_duplicates.py

ha_require dhcrelay python3 tcpdump
[[ -x "$PERFDHCP" ]] || skip "$PERFDHCP not installed (Debian kea-admin)"

# The configurations below already point the lease file, the control socket and the loggers
# where start_server expects them; prepare_config (netns.bash) would raise the loggers to
# DEBUG, which under this load would measure the logger.
prepare_config() { cp "$1" "$2"; }

# Lease file and control socket in the run's directory (the names start_server and ctrl use),
# one subnet for the generator's giaddr, Kea 2.2's logger spelling (Kahu reads it too), WARN.
# Failure detection slower than HA_SHORT's so a loaded machine does not fall to partner-down.
# shellcheck disable=SC2016  # $dir, $tag, ... are jq's
DUP_FILTER='(ha) += {"max-response-delay": 10000, "max-ack-delay": 5000,
                     "max-unacked-clients": 10}
  | .Dhcp4 |= (
      .["lease-database"] = {"type": "memfile", "name": ($dir + "/" + $tag + "-leases4.csv"),
                             "persist": true, "lfc-interval": 0}
      | .["control-socket"]["socket-name"] = ($dir + "/" + $tag + "-ctrl")
      | .subnet4 = [{"id": 10, "subnet": $subnet, "pools": [{"pool": $pool}],
                     "relay": {"ip-addresses": [$giaddr]}}]
      | .loggers = [{"name": "kea-dhcp4", "severity": "WARN", "debuglevel": 0,
                     "output_options": [{"output": "stdout", "pattern": "%-5p %m\n"}]}])'

dup_config() { # n kind
    ha_config load-balancing "$1" "$2" "$DUP_FILTER" --arg dir "$LAB_TMP" --arg tag "srv$1" \
        --arg subnet "$SUBNET" --arg pool "$POOL" --arg giaddr "$GIADDR"
}

# ---------------------------------------------------------------------------------------------
# Topology: the Oasis router and servers, and the generator with a leg on each bridge.

lab_oasis two
lab_client_ns gen 02:00:00:00:00:50 br10
ip -n "$(ns_name gen)" addr add "$GIADDR/24" dev eth0
ip -n "$(ns_name rtr)" link add p-genu type veth peer name up0 netns "$(ns_name gen)"
ip -n "$(ns_name rtr)" link set p-genu master br20 up
ip -n "$(ns_name gen)" addr add "$GEN_UP/24" dev up0
ip -n "$(ns_name gen)" link set up0 up
for k in all default eth0 up0; do nsx gen sysctl -qw "net.ipv4.conf.$k.rp_filter=0"; done
for s in srv1 srv2; do ip -n "$(ns_name "$s")" route add "$GIADDR/32" via "$GEN_UP"; done
start_relay "${HA_ADDR[1]}" "${HA_ADDR[2]}"

# ---------------------------------------------------------------------------------------------

# ACKs perfdhcp received, from its statistics.
perfdhcp_acks() { # output-file
    awk '/^\*\*\*Statistics for: / { sec = $3 }
         sec == "REQUEST-ACK***" && /^received packets: / { print $3; found = 1 }
         END { if (!found) print 0 }' "$1"
}

# Counts of the WARN/ERROR message ids in a server log, most frequent first.
log_ids() { # log
    grep -oE '^(WARN|ERROR|FATAL) +[A-Z][A-Z0-9_]+' "$1" 2>/dev/null | awk '{print $2}' |
        sort | uniq -c | sort -rn | head -n 8 || true
}

declare -A RESULT_DUPS RESULT_ACKS RESULT_ACK_DUPS
run_pair() { # kind1 kind2
    local label="$1-$2" kinds=([1]=$1 [2]=$2) dir i out rc acks total=0 sent offers capture
    dir="$LAB_TMP/$label"
    mkdir -p "$dir"
    dup_config 1 "$1"
    dup_config 2 "$2"
    ha_start 1 "$1"
    ha_start 2 "$2"
    wait_state srv1 load-balancing 60
    wait_state srv2 load-balancing 60

    # Every answer reaches the generator on up0: capture them (ACKs are read afterwards).
    ip netns exec "$(ns_name gen)" tcpdump -i up0 -n -B 16384 -w "$dir/answers.pcap" \
        udp src port 67 and udp dst port 67 >"$dir/tcpdump.log" 2>&1 &
    LAB_PIDS+=($!)
    capture=$!
    wait_for 5 "tcpdump to start" grep -q "listening on" "$dir/tcpdump.log"

    for ((i = 1; i <= RUNS; i++)); do
        out="$dir/perfdhcp.$i.out"
        rc=0
        # perfdhcp numbers its clients' MACs up from the base: a base per run keeps every
        # run's clients new, so every exchange allocates.
        nsx gen "$PERFDHCP" -4 -l "$GIADDR" -r "$RATE" -R "$CLIENTS" -p "$SECONDS_PER_RUN" \
            -b "mac=$(printf '00:0c:%02x:00:00:00' "$i")" 172.18.10.254 >"$out" 2>&1 || rc=$?
        # 0: all answered, 3: some drops; anything else is perfdhcp failing.
        [[ $rc == 0 || $rc == 3 ]] || { tail -n 20 "$out" >&2; fail "perfdhcp exited with $rc"; }
        acks=$(perfdhcp_acks "$out")
        sent=$(awk '/^\*\*\*Statistics for: DISCOVER-OFFER/ { s = 1 }
                    s && /^sent packets: / { print $3; exit }' "$out")
        offers=$(awk '/^\*\*\*Statistics for: DISCOVER-OFFER/ { s = 1 }
                      s && /^received packets: / { print $3; exit }' "$out")
        log "$label run $i: ${RATE}/s x ${SECONDS_PER_RUN}s: DISCOVER ${sent:-?}," \
            "OFFER ${offers:-?}, ACK $acks"
        total=$((total + acks))
    done
    sleep 2 # lease updates still in flight
    kill -TERM "$capture" 2>/dev/null || true
    wait "$capture" 2>/dev/null || true
    log "$label capture: $(grep -E 'captured|dropped by kernel' "$dir/tcpdump.log" | paste -sd, -)"
    local s1 s2
    s1=$(ha_state srv1 || true) s2=$(ha_state srv2 || true)
    log "$label states after the load: dhcp1 ${s1:-?}, dhcp2 ${s2:-?}"
    [[ "$s1" == load-balancing && "$s2" == load-balancing ]] ||
        log "NOTE: the pair left load-balancing under the load (busy machine?)"
    stop_server srv1
    stop_server srv2

    mv "$LAB_TMP"/srv[12]-leases4.csv* "$LAB_TMP"/srv[12]-server.log "$LAB_TMP"/srv[12].conf "$dir"/
    rc=0
    python3 "$DUPLICATES" --json "$dir/duplicates.json" --acks "$dir/answers.pcap" \
        "$dir/srv1-leases4.csv" "$dir/srv2-leases4.csv" >"$dir/duplicates.txt" || rc=$?
    sed "s/^/[$label] /" "$dir/duplicates.txt"
    ((rc == 0 || rc == 1)) || fail "$DUPLICATES could not read the lease files"
    RESULT_DUPS[$label]=$(jq -r .duplicates "$dir/duplicates.json")
    RESULT_ACKS[$label]=$total
    RESULT_ACK_DUPS[$label]=$(jq -r .ack_duplicates "$dir/duplicates.json")
    for i in 1 2; do
        log "$label dhcp$i (${kinds[$i]}) WARN/ERROR messages:"
        log_ids "$dir/srv$i-server.log" | sed "s/^/    /"
    done
    log "$label: $total ACKs, ${RESULT_DUPS[$label]} duplicate addresses in the lease files," \
        "${RESULT_ACK_DUPS[$label]} addresses ACKed to two clients"
}

NOT_RUN=()
for pair in $PAIRS; do
    case "$pair" in
    kahu-kahu) run_pair kahu kahu ;;
    kahu-kea | kea-kahu | kea-kea)
        if [[ -x "$KEA_DHCP4" ]]; then
            run_pair "${pair%-*}" "${pair#*-}"
        else
            log "not run: $pair (no $KEA_DHCP4)"
            NOT_RUN+=("$pair")
        fi
        ;;
    *) fail "HA_DUP_PAIRS: unknown pair '$pair' (kahu-kahu, kahu-kea, kea-kahu, kea-kea)" ;;
    esac
done

problems=()
for pair in "${!RESULT_DUPS[@]}"; do
    log "summary $pair: ${RESULT_ACKS[$pair]} ACKs, ${RESULT_DUPS[$pair]} duplicate addresses" \
        "in the lease files, ${RESULT_ACK_DUPS[$pair]} addresses ACKed to two clients"
    ((RESULT_ACKS[$pair] >= MIN_ACKS)) ||
        problems+=("$pair: perfdhcp got ${RESULT_ACKS[$pair]} ACKs (< $MIN_ACKS): no real load")
    ((RESULT_DUPS[$pair] == 0)) ||
        problems+=("$pair: ${RESULT_DUPS[$pair]} addresses live on both servers for other clients")
    ((RESULT_ACK_DUPS[$pair] == 0)) ||
        problems+=("$pair: ${RESULT_ACK_DUPS[$pair]} addresses DHCPACKed to two different clients")
done
((${#problems[@]} == 0)) || fail "$(printf '%s; ' "${problems[@]}")"
((${#NOT_RUN[@]} == 0)) || skip "not run without $KEA_DHCP4: ${NOT_RUN[*]}" \
    "(passed: ${!RESULT_DUPS[*]})"
((${#RESULT_DUPS[@]} > 0)) || fail "no pair ran"
pass
