# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# Network-namespace lab for the integration tests: rebuilds the Oasis network (README of the
# scenario) with namespaces, veth pairs and bridges, runs the DHCP server under test (Kahu, or
# the real Kea 2.2 with KAHU_SERVER=kea), a real dhcrelay and real clients (dhclient, udhcpc),
# and tears everything down on exit, success or not.
#
# Sourced by tests/integration/*.sh (this file must not end in .sh: ctest runs every *.sh).
#
# Topology (namespace names carry a per-run prefix so parallel runs never collide):
#
#   srv1 (ens18 172.18.20.20) ─┐                       ┌─ cli-a (eth0, chosen MAC)
#   srv2 (ens18 172.18.20.21) ─┤ br20 ─ [rtr] ─ br10 ──┤─ cli-b ...
#   direct client (eth0)      ─┘  .20.254     .10.254  └─
#
# The router namespace holds both bridges, routes between them and runs dhcrelay (-id br10,
# -iu br20). Interfaces are created inside the namespaces, never in the host namespace.
#
# Environment:
#   KAHU_SERVER  kahu (default) or kea
#   KAHU_BUILD   build directory (ctest sets it); Kahu's binary is $KAHU_BUILD/core/kahu-dhcp4
#   KAHU_SOURCE  source directory (default: derived from this file)
#   KAHU_KEEP=1  keep the temporary directory (logs, captures, lease files) after the run
#   KAHU_DEBUG=1 start the server with -d

set -euo pipefail

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
KAHU_SERVER=${KAHU_SERVER:-kahu}
KEA_DHCP4=${KEA_DHCP4:-/usr/sbin/kea-dhcp4}

LAB_ID="kit$$"                  # kit<pid>: lets lab_reap_stale find runs that died (SIGKILL)
LAB_TMP=$(mktemp -d "/tmp/kahu-it.${LAB_ID}.XXXXXX")
# Servers may write only in their own directories (docs/compatibility.md, "File paths"): this
# run's lease files, logs and sockets live in $LAB_TMP, so that is where the directories point.
export KAHU_DHCP_DATA_DIR=$LAB_TMP KAHU_LOG_FILE_DIR=$LAB_TMP KAHU_CONTROL_SOCKET_DIR=$LAB_TMP
LAB_NS=()                       # every namespace this run created
LAB_PIDS=()                     # every background process this run started
# shellcheck disable=SC2034 # read by lab_exit_status (assert.bash)
LAB_FAILED=1                    # cleared by pass() and skip()
LAB_SCRIPT_NAME=$(basename "${0}")

# Name of the namespace for a role (srv1, srv2, rtr, cli-a, ...).
ns_name() { echo "${LAB_ID}-$1"; }

source "$(dirname "${BASH_SOURCE[0]}")/assert.bash"

# ---------------------------------------------------------------------------------------------
# Teardown: kill every process in our namespaces and every process we started, delete the
# namespaces (which deletes their veths and bridges) and their /etc/netns directories.

lab_teardown() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    rc=$(lab_exit_status "$rc")
    local failed=0
    ((rc == 0 || LAB_SKIPPED)) || failed=1
    if ((failed)); then
        lab_dump_logs
    fi
    local pid ns
    for pid in "${LAB_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for ns in "${LAB_NS[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
    done
    sleep 0.3
    for pid in "${LAB_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    for ns in "${LAB_NS[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    done
    if [[ -f /tmp/resolv.conf.orig ]] && ! cmp -s /etc/resolv.conf /tmp/resolv.conf.orig; then
        echo "WARNING: /etc/resolv.conf changed during the test; restoring it" >&2
        cat /tmp/resolv.conf.orig >/etc/resolv.conf
    fi
    if [[ "${KAHU_KEEP:-0}" == 1 ]] || ((failed)); then
        echo "[$LAB_SCRIPT_NAME] kept $LAB_TMP" >&2
    else
        rm -rf "$LAB_TMP"
    fi
    exit "$rc"
}
trap lab_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lab_dump_logs() {
    local f
    for f in "$LAB_TMP"/*.log "$LAB_TMP"/*/*.log; do
        [[ -f "$f" ]] || continue
        echo "----- $(basename "$f") (last 40 lines)" >&2
        tail -n 40 "$f" >&2
    done
}

# Removes the namespaces of earlier runs that were killed without a chance to clean up
# (ctest's timeout sends SIGKILL): kit<pid>-* whose <pid> no longer exists.
lab_reap_stale() {
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^kit[0-9]+-' || true); do
        pid=${ns#kit}
        pid=${pid%%-*}
        kill -0 "$pid" 2>/dev/null && continue
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "/etc/netns/$ns"
        echo "removed stale namespace $ns" >&2
    done
}

lab_require_root() {
    [[ $(id -u) == 0 ]] || skip "needs root (network namespaces)"
}
lab_require_root
lab_reap_stale

# ---------------------------------------------------------------------------------------------
# Topology

# Creates a namespace with lo up and its own resolv.conf (so dhclient-script, if anything ever
# runs it, writes there and not into the host's /etc/resolv.conf).
ns_add() { # role
    local ns
    ns=$(ns_name "$1")
    mkdir -p "/etc/netns/$ns"
    echo "nameserver 172.18.20.1" >"/etc/netns/$ns/resolv.conf"
    LAB_NS+=("$ns")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
}

nsx() { # role command...  (run a command in a role's namespace)
    local ns
    ns=$(ns_name "$1")
    shift
    ip netns exec "$ns" "$@"
}

# The router/switch namespace with br20 (server VLAN, 172.18.20.254) and br10 (client VLAN,
# 172.18.10.254), forwarding between them.
lab_router() {
    local r
    r=$(ns_name rtr)
    ns_add rtr
    ip -n "$r" link add br20 type bridge
    ip -n "$r" link add br10 type bridge
    # No STP and no forwarding delay: ports must pass traffic at once.
    ip -n "$r" link set br20 type bridge stp_state 0 forward_delay 0
    ip -n "$r" link set br10 type bridge stp_state 0 forward_delay 0
    ip -n "$r" addr add 172.18.20.254/24 dev br20
    ip -n "$r" addr add 172.18.10.254/24 dev br10
    ip -n "$r" link set br20 up
    ip -n "$r" link set br10 up
    nsx rtr sysctl -qw net.ipv4.ip_forward=1
}

# A server namespace (srv1 -> 172.18.20.20, srv2 -> .21) whose ens18 is a port of br20.
lab_server_ns() { # role address
    local ns r port
    ns=$(ns_name "$1")
    r=$(ns_name rtr)
    port="p-$1"
    ns_add "$1"
    ip -n "$r" link add "$port" type veth peer name ens18 netns "$ns"
    ip -n "$r" link set "$port" master br20 up
    ip -n "$ns" addr add "$2/24" dev ens18
    ip -n "$ns" link set ens18 up
    ip -n "$ns" route add default via 172.18.20.254
}

# A client namespace whose eth0 (with the given MAC) is a port of br10 (relayed, VLAN 10) or
# br20 (direct, the servers' segment).
lab_client_ns() { # role mac [br10|br20]
    local ns r port
    ns=$(ns_name "$1")
    r=$(ns_name rtr)
    port="p-$1"
    ns_add "$1"
    ip -n "$r" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$r" link set "$port" master "${3:-br10}" up
    ip -n "$ns" link set eth0 address "$2"
    ip -n "$ns" link set eth0 up
}

# The Oasis network: router, server dhcp1 (and dhcp2 with "two"), no relay yet.
lab_oasis() { # [two]
    lab_router
    lab_server_ns srv1 172.18.20.20
    if [[ "${1:-}" == two ]]; then lab_server_ns srv2 172.18.20.21; fi
}

# Starts dhcrelay in the router: listens for clients on br10, forwards to the servers on br20
# (RELAY_UPSTREAM="br20 other..." adds upstream interfaces the answers may come back on).
# No -a by default: relay agent information (option 82) stays off, as on Oasis's firewall.
# RELAY_OPTS adds dhcrelay options: RELAY_OPTS=-a inserts option 82 with the circuit-id set to
# the client-side interface's name ("br10").
start_relay() { # server-address...
    local up upstream=() opts=()
    for up in ${RELAY_UPSTREAM:-br20}; do upstream+=(-iu "$up"); done
    read -r -a opts <<<"${RELAY_OPTS:-}"
    # ip netns exec directly (not nsx): $! must be dhcrelay itself, not a subshell.
    ip netns exec "$(ns_name rtr)" dhcrelay -4 -d "${opts[@]}" -id br10 "${upstream[@]}" \
        -pf "$LAB_TMP/dhcrelay.pid" "$@" >"$LAB_TMP/dhcrelay.log" 2>&1 &
    LAB_PIDS+=($!)
    RELAY_PID=$!
    # dhcrelay prints "Sending on ..." for each interface once its sockets are open.
    wait_for 10 "dhcrelay to open its sockets" grep -q "Sending on.*br20" "$LAB_TMP/dhcrelay.log"
    sleep 0.2
    log "dhcrelay ${opts[*]} running (pid $RELAY_PID) -> $*"
}

# Stops the dhcrelay start_relay started (to start another with other options).
stop_relay() {
    [[ -n "${RELAY_PID:-}" ]] || return 0
    kill -TERM "$RELAY_PID" 2>/dev/null || true
    wait "$RELAY_PID" 2>/dev/null || true
    mv "$LAB_TMP/dhcrelay.log" "$LAB_TMP/dhcrelay.$RELAY_PID.log" 2>/dev/null || true
    log "dhcrelay (pid $RELAY_PID) stopped"
    RELAY_PID=
}

# ---------------------------------------------------------------------------------------------
# The server under test

server_binary() {
    case "$KAHU_SERVER" in
    kea) echo "$KEA_DHCP4" ;;
    kahu) echo "$KAHU_BUILD/core/kahu-dhcp4" ;;
    *) fail "KAHU_SERVER must be kahu or kea, not '$KAHU_SERVER'" ;;
    esac
}

# Writes a runnable copy of a config: lease file, control socket and logging go to the run's
# temp dir; for Kea 2.2 the logger key becomes output_options (2.2 rejects output-options).
# Hook library paths are left as written.
prepare_config() { # src dst tag
    local src=$1 dst=$2 tag=$3
    jq --arg lease "$LAB_TMP/$tag-leases4.csv" --arg sock "$LAB_TMP/$tag-ctrl" \
        --arg kea "$([[ $KAHU_SERVER == kea ]] && echo 1 || echo 0)" '
        .Dhcp4 |= (
          (if has("lease-database") and .["lease-database"].type == "memfile"
             then .["lease-database"].name = $lease else . end)
          | (if has("control-socket") then .["control-socket"]["socket-name"] = $sock else . end)
          | (if has("loggers") then .loggers |= map(
                del(.["output-options"], .output_options)
                | (if $kea == "1" then .output_options else .["output-options"] end)
                    = [{"output": "stdout", "pattern": "%-5p %m\n"}]
                | .severity = "DEBUG" | .debuglevel = 50)
             else . end))' "$src" >"$dst"
}

# Starts the server in a role's namespace with a copy of config; waits until it has bound
# UDP port 67 (or, for raw sockets, opened a packet socket). Sets SERVER_PID_<role>,
# SERVER_LEASES_<role> (the lease CSV path) and SERVER_LOG_<role>.
start_server() { # config [role=srv1]
    local src=$1 role=${2:-srv1} bin conf pid ns
    bin=$(server_binary)
    [[ -x "$bin" ]] || fail "server binary not found: $bin (build first, or KAHU_SERVER=kea)"
    ns=$(ns_name "$role")
    conf="$LAB_TMP/$role.conf"
    prepare_config "$src" "$conf" "$role"
    local args=(-c "$conf")
    [[ "${KAHU_DEBUG:-0}" == 1 ]] && args+=(-d)
    mkdir -p "$LAB_TMP/run-$role"
    ip netns exec "$ns" env KEA_PIDFILE_DIR="$LAB_TMP/run-$role" \
        KEA_LOCKFILE_DIR="$LAB_TMP/run-$role" KAHU_PIDFILE_DIR="$LAB_TMP/run-$role" \
        KAHU_CONTROL_SOCKET_DIR="$LAB_TMP" KEA_CONTROL_SOCKET_DIR="$LAB_TMP" \
        "$bin" "${args[@]}" >>"$LAB_TMP/$role-server.log" 2>&1 &
    pid=$!
    LAB_PIDS+=("$pid")
    printf -v "SERVER_PID_$role" %s "$pid"
    printf -v "SERVER_LEASES_$role" %s "$LAB_TMP/$role-leases4.csv"
    printf -v "SERVER_LOG_$role" %s "$LAB_TMP/$role-server.log"
    local end=$((SECONDS + 15))
    until server_listening "$role" "$pid"; do
        kill -0 "$pid" 2>/dev/null || {
            tail -n 30 "$LAB_TMP/$role-server.log" >&2
            fail "$KAHU_SERVER server in $role exited during startup"
        }
        ((SECONDS < end)) || fail "$KAHU_SERVER server in $role did not bind port 67 in 15 s"
        sleep 0.2
    done
    log "$KAHU_SERVER server running in $role (pid $pid, config $conf)"
}

server_listening() { # role pid
    local out
    out=$(nsx "$1" ss -H -a -n -p -u "sport = :67" 2>/dev/null) || true
    [[ "$out" == *"pid=$2,"* ]] && return 0
    # Raw mode: an AF_PACKET socket owned by the server is enough.
    out=$(nsx "$1" ss -H -a -n -p -0 2>/dev/null) || true
    [[ "$out" == *"pid=$2,"* ]]
}

# SIGTERM, then wait for the process to exit (Kea writes its last lease rows before exiting).
stop_server() { # [role=srv1]
    local role=${1:-srv1} var pid
    var="SERVER_PID_$role"
    pid=${!var:-}
    [[ -n "$pid" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    local end=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= end)); then
            # Where it hangs, for the failure report: every thread's stack.
            if command -v gdb >/dev/null; then
                timeout 60 gdb -batch -p "$pid" -ex 'thread apply all bt' 2>&1 |
                    grep -E '^(Thread|#)' | head -200 >&2 || true
            fi
            kill -KILL "$pid" 2>/dev/null || true
            fail "$KAHU_SERVER server in $role ignored SIGTERM for 10 s"
        fi
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
    printf -v "SERVER_PID_$role" %s ""
    log "server in $role stopped"
}

# The lease CSV rows for an address, newest last.
lease_rows() { # address [role=srv1]
    local var="SERVER_LEASES_${2:-srv1}"
    grep -E "^$1," "${!var}" 2>/dev/null || true
}

# Field n (1-based) of the newest lease row for an address.
lease_field() { # address n [role]
    lease_rows "$1" "${3:-srv1}" | tail -n 1 | cut -d, -f"$2"
}

# ---------------------------------------------------------------------------------------------
# Clients. Each client role gets its own directory under $LAB_TMP holding its lease file,
# pid file, capture and the "env" file: the new_* variables of the last script call.

client_dir() { echo "$LAB_TMP/client-$1"; }

# The -sf script for dhclient and the -s script for udhcpc: records the variables the client
# passes (new_* for dhclient; ip, subnet, router, ... for udhcpc) and configures the interface
# itself, so renew and release (unicast to the server) have an address and a route. It never
# touches resolv.conf.
write_client_script() { # dir
    cat >"$1/client-script" <<'EOF'
#!/bin/bash
dir=$(dirname "$0")
reason=${reason:-${1:-}}
echo "$reason" >>"$dir/reasons"
case "$reason" in
PREINIT | deconfig)
    ip link set "${interface:-eth0}" up
    ip addr flush dev "${interface:-eth0}"
    ;;
BOUND | RENEW | REBIND | REBOOT)
    env | grep -E '^(new_|old_|reason=|interface=)' | sort >"$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
    if [[ "${old_ip_address:-}" != "${new_ip_address}" ]]; then ip addr flush dev "$interface"; fi
    ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
    if [[ -n "${new_routers:-}" ]]; then ip route replace default via "${new_routers%% *}"; fi
    ;;
EXPIRE | FAIL | RELEASE | STOP)
    ip addr flush dev "$interface"
    ;;
bound | renew)
    env | grep -E '^(ip|subnet|mask|router|dns|domain|hostname|lease|serverid|opt[0-9]+|siaddr|interface)=' \
        | sed 's/^/udhcpc_/' | sort >"$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    if [[ -n "${router:-}" ]]; then ip route replace default via "${router%% *}"; fi
    ;;
esac
exit 0
EOF
    chmod +x "$1/client-script"
}

# A dhclient.conf that sends a client identifier (01 + MAC) and a host name, and asks for the
# options Oasis's clients use. Domain-search (119) is deliberately not requested: the README
# says the ACK carries mask, router, DNS, hostname, domain name and nothing more.
write_dhclient_conf() { # dir hostname
    cat >"$1/dhclient.conf" <<EOF
timeout 20;
retry 5;
initial-interval 1;
# INIT-REBOOT: give up on an unanswered reboot request after 4 s (default 10) and DISCOVER.
reboot 4;
send dhcp-client-identifier = hardware;
send host-name "$2";
request subnet-mask, routers, domain-name, domain-name-servers, host-name;
EOF
}

client_prepare() { # role [hostname]
    local dir
    dir=$(client_dir "$1")
    mkdir -p "$dir"
    write_client_script "$dir"
    write_dhclient_conf "$dir" "${2:-$1}"
    touch "$dir/dhclient.leases"
}

# Starts tcpdump in a client namespace, writing DHCP traffic to <client dir>/dhcp.pcap.
capture_start() { # role
    local dir
    dir=$(client_dir "$1")
    mkdir -p "$dir"
    ip netns exec "$(ns_name "$1")" tcpdump -i eth0 -n -U --immediate-mode -s 0 -w "$dir/dhcp.pcap" udp port 67 or udp port 68 \
        >"$dir/tcpdump.log" 2>&1 &
    LAB_PIDS+=($!)
    printf -v "CAPTURE_PID_${1//-/_}" %s "$!"
    wait_for 5 "tcpdump to start" grep -q "listening on" "$dir/tcpdump.log"
}

capture_stop() { # role
    local var="CAPTURE_PID_${1//-/_}"
    [[ -n "${!var:-}" ]] || return 0
    sleep 0.3 # let the last reply arrive
    # TERM, not INT: background jobs of a non-interactive shell ignore SIGINT.
    kill -TERM "${!var}" 2>/dev/null || true
    wait "${!var}" 2>/dev/null || true
    printf -v "$var" %s ""
}

# Verbose decode of the capture.
capture_decode() { # role
    tcpdump -vvv -n -r "$(client_dir "$1")/dhcp.pcap" 2>/dev/null
}

# The decoded text of the n-th packet of a DHCP message type (ACK, NACK, OFFER, Request, ...)
# in the capture; n = last by default. Fails when there is none.
capture_packet() { # role type [n]
    capture_decode "$1" | awk -v want="$2" -v n="${3:-0}" '
        /^[0-9][0-9]:[0-9][0-9]:/ { if (cur != "") pkts[++k] = cur; cur = $0; next }
        { cur = cur "\n" $0 }
        END {
            if (cur != "") pkts[++k] = cur
            m = 0
            for (i = 1; i <= k; i++)
                if (pkts[i] ~ ("DHCP-Message (Option 53|\\(53\\)), length 1: " want "(\n|$)"))
                    sel[++m] = pkts[i]
            if (m == 0) exit 1
            print ((n > 0 && n <= m) ? sel[n] : sel[m])
        }'
}

# Option numbers (sorted, space-separated, without PAD and END) of that packet.
capture_options() { # role type [n]
    local pkt
    pkt=$(capture_packet "$@") || { echo "(no $2 captured)"; return 0; }
    # Option lines look like "    Subnet-Mask (1), length 4: ..." (older tcpdump: "Option 1,").
    sed -nE 's/^[[:space:]]+[A-Za-z0-9-]+ (Option ([0-9]+),|\(([0-9]+)\), length).*/\2\3/p' <<<"$pkt" |
        grep -vxE "0|255" | sort -n | tr "\n" " " | sed "s/ $//"
}

# Number of packets of a DHCP message type in the capture.
capture_count() { # role type
    capture_decode "$1" | grep -Ec "DHCP-Message (Option 53|\(53\)), length 1: $2\$" || true
}

# One-shot dhclient: obtains a lease (or fails after 'timeout'), leaves the daemon running to
# hold it (stop it with dhclient_stop / dhclient_release). Extra options are passed through.
run_dhclient() { # role [dhclient options...]   (DHCLIENT_TIMEOUT=s: give up after s seconds)
    local role=$1 dir
    shift
    dir=$(client_dir "$role")
    [[ -x "$dir/client-script" ]] || client_prepare "$role"
    rm -f "$dir/env"
    log "dhclient in $role $*"
    nsx "$role" ${DHCLIENT_TIMEOUT:+timeout "$DHCLIENT_TIMEOUT"} dhclient -1 -v -cf "$dir/dhclient.conf" -sf "$dir/client-script" \
        -lf "$dir/dhclient.leases" -pf "$dir/dhclient.pid" "$@" eth0 >>"$dir/dhclient.log" 2>&1
}

# dhclient -r: sends DHCPRELEASE for the current lease and stops the daemon.
dhclient_release() { # role
    local dir
    dir=$(client_dir "$1")
    log "dhclient -r in $1"
    nsx "$1" dhclient -r -v -cf "$dir/dhclient.conf" -sf "$dir/client-script" \
        -lf "$dir/dhclient.leases" -pf "$dir/dhclient.pid" eth0 >>"$dir/dhclient.log" 2>&1
}

# dhclient -x: stops the daemon without releasing (the address stays configured).
dhclient_stop() { # role
    local dir
    dir=$(client_dir "$1")
    nsx "$1" dhclient -x -cf "$dir/dhclient.conf" -sf "$dir/client-script" \
        -lf "$dir/dhclient.leases" -pf "$dir/dhclient.pid" eth0 >>"$dir/dhclient.log" 2>&1 || true
}

# Renew with dhclient: stop the daemon, start it again on the same lease file. dhclient then
# asks for its recorded address (INIT-REBOOT: broadcast REQUEST with option 50), which the
# relay forwards; the server must ACK the same address and extend the lease.
dhclient_renew() { # role
    dhclient_stop "$1"
    run_dhclient "$1"
}

# udhcpc: -q quits after obtaining a lease; without -q it stays (renew with udhcpc_renew).
run_udhcpc() { # role [udhcpc options...]
    local role=$1 dir
    shift
    dir=$(client_dir "$role")
    [[ -x "$dir/client-script" ]] || client_prepare "$role"
    rm -f "$dir/env"
    log "udhcpc in $role $*"
    nsx "$role" udhcpc -f -q -n -i eth0 -s "$dir/client-script" -t 5 -T 2 \
        -x "hostname:$role" "$@" >>"$dir/udhcpc.log" 2>&1
}

# Starts udhcpc in the background, stays bound; udhcpc_renew sends SIGUSR1 (unicast renew).
start_udhcpc() { # role [udhcpc options...]
    local role=$1 dir
    shift
    dir=$(client_dir "$role")
    [[ -x "$dir/client-script" ]] || client_prepare "$role"
    rm -f "$dir/env"
    ip netns exec "$(ns_name "$role")" udhcpc -f -i eth0 -s "$dir/client-script" -t 5 -T 2 -x "hostname:$role" \
        "$@" >>"$dir/udhcpc.log" 2>&1 &
    LAB_PIDS+=($!)
    printf -v "UDHCPC_PID_${role//-/_}" %s "$!"
    wait_for 20 "udhcpc in $role to bind" test -s "$dir/env"
}

udhcpc_renew() { # role
    local var="UDHCPC_PID_${1//-/_}" dir
    dir=$(client_dir "$1")
    rm -f "$dir/env"
    kill -USR1 "${!var}"
    wait_for 15 "udhcpc in $1 to renew" test -s "$dir/env"
}

# A variable the client script recorded, e.g. client_var cli-a new_ip_address.
client_var() { # role name
    local f
    f="$(client_dir "$1")/env"
    [[ -f "$f" ]] || { echo ""; return 0; }
    sed -n "s/^$2=//p" "$f" | tail -n 1
}

# The address currently configured on a client's eth0.
client_address() { # role
    nsx "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1 | head -n 1
}

# Writes a dhclient lease file holding a still-valid lease for an address, so the next
# dhclient run starts in INIT-REBOOT asking for it.
preseed_dhclient_lease() { # role address server-id
    local dir
    dir=$(client_dir "$1")
    [[ -x "$dir/client-script" ]] || client_prepare "$1"
    local later
    later=$(date -u -d '+1 day' '+%w %Y/%m/%d %H:%M:%S')
    cat >"$dir/dhclient.leases" <<EOF
lease {
  interface "eth0";
  fixed-address $2;
  option subnet-mask 255.255.255.0;
  option dhcp-lease-time 3600;
  option dhcp-server-identifier $3;
  renew $later;
  rebind $later;
  expire $later;
}
EOF
}
