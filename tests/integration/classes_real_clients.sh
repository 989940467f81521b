#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Client classes with real clients, Kahu against the real Kea 2.2: the same configuration
# (data/kahu-dhcp4-classes.conf: a "phone" class by option 60 with its own pool, lease time and
# ntp-servers; a "pxe" class by option 93 with its own pool, next-server, server-hostname,
# boot-file-name and domain-name; a "plain" class for everyone else's pool; a "registered"
# class on member('KNOWN') for a hw-address reservation; DROP by option 60 "evil") is served by
# Kea and then by Kahu to the same clients on the server's segment:
#
#   phone-d  dhclient, send vendor-class-identifier "phone-x"
#   phone-u  udhcpc -V phone-y
#   pxe      dhclient, send option 93 = 7 (x64 UEFI)
#   plain    dhclient, nothing special
#   known    dhclient with the reserved MAC
#   evil     udhcpc -V evil: dropped, gets nothing
#
# For each client, what it received (the variables its script got, the pool of its address,
# the option codes and siaddr/sname/file of the ACK it captured) must be the same from both
# servers, and on Kahu the class effects must be there. Needs both servers: ignores KAHU_SERVER.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

[[ -x "$KEA_DHCP4" ]] || skip "Kea 2.2 not installed ($KEA_DHCP4)"
command -v udhcpc >/dev/null || skip "udhcpc (busybox) not installed"

conf="$KAHU_SOURCE/tests/integration/data/kahu-dhcp4-classes.conf"
lab_router
lab_server_ns srv1 172.18.20.20
declare -A mac=(
    [phone-d]=02:00:00:00:bb:01 [phone-u]=02:00:00:00:bb:02 [pxe]=02:00:00:00:bb:03
    [plain]=02:00:00:00:bb:04 [known]=02:00:00:00:aa:50 [evil]=02:00:00:00:bb:06
)
clients=(phone-d phone-u pxe plain known evil)
for c in "${clients[@]}"; do lab_client_ns "$c" "${mac[$c]}" br20; done

# The client script: records what the client got and nothing else (no interface set-up; each
# client gets one lease and is stopped).
write_dump_script() { # dir
    cat >"$1/client-script" <<'SCRIPT'
#!/bin/bash
dir=$(dirname "$0")
reason=${reason:-${1:-}}
echo "$reason" >>"$dir/reasons"
case "$reason" in
BOUND | REBOOT) env | grep -E '^new_' | sort >"$dir/env" ;;
bound) env | grep -E '^(ip|subnet|mask|router|dns|domain|hostname|lease|serverid|ntpsrv|siaddr|sname|boot_file|opt[0-9]+)=' |
    sort >"$dir/env" ;;
esac
exit 0
SCRIPT
    chmod +x "$1/client-script"
}

prepare_client() { # role dhclient-conf-lines...
    local dir
    dir=$(client_dir "$1")
    shift
    rm -rf "$dir"
    mkdir -p "$dir"
    write_dump_script "$dir"
    touch "$dir/dhclient.leases"
    {
        echo "timeout 15;"
        echo "retry 5;"
        echo "initial-interval 1;"
        printf '%s\n' "$@"
        echo "request subnet-mask, routers, domain-name, domain-name-servers, host-name, ntp-servers;"
    } >"$dir/dhclient.conf"
}

udhcpc_once() { # role tries udhcpc-options...
    local role=$1 tries=$2 dir
    shift 2
    dir=$(client_dir "$role")
    log "udhcpc in $role $*"
    nsx "$role" udhcpc -f -q -n -i eth0 -s "$dir/client-script" -t "$tries" -T 2 -O ntpsrv "$@" \
        >>"$dir/udhcpc.log" 2>&1
}

# Which of the configuration's ranges an address is in.
range_of() { # address
    local n
    n=$(ip_to_int "$1")
    if ((n >= $(ip_to_int 172.18.20.10) && n <= $(ip_to_int 172.18.20.19))); then echo plain-pool
    elif ((n >= $(ip_to_int 172.18.20.30) && n <= $(ip_to_int 172.18.20.34))); then echo pxe-pool
    elif ((n >= $(ip_to_int 172.18.20.35) && n <= $(ip_to_int 172.18.20.39))); then echo phone-pool
    elif [[ "$1" == 172.18.20.50 ]]; then echo reserved
    else echo "outside:$1"; fi
}

# One line per item a client received: its address's range, the script's variables (the
# address and the expiry time left out), the ACK's option codes and its siaddr, sname, file.
summary() { # role
    local role=$1 dir addr ack m
    dir=$(client_dir "$role")
    # The clients share a segment: keep the packets whose chaddr is this client's MAC.
    m=${mac[$role]//:/}
    tcpdump -n -r "$dir/dhcp.pcap" -w "$dir/own.pcap" \
        "udp[36:4] = 0x${m:0:8} and udp[40:2] = 0x${m:8:4}" 2>/dev/null
    mv "$dir/own.pcap" "$dir/dhcp.pcap"
    if [[ ! -s "$dir/env" ]]; then
        echo "no lease"
    else
        addr=$(sed -nE 's/^(new_ip_address|ip)=//p' "$dir/env")
        log "$KAHU_SERVER gave $role $addr" >&2
        echo "range=$(range_of "$addr")"
        grep -vE '^(new_ip_address|ip|new_expiry)=' "$dir/env"
    fi
    echo "offers=$(capture_count "$role" Offer) acks=$(capture_count "$role" ACK)"
    if ack=$(capture_packet "$role" ACK); then
        echo "ack-options=$(capture_options "$role" ACK)"
        grep -oE 'Server-IP [0-9.]+|sname "[^"]*"|file "[^"]*"' <<<"$ack" || true
    fi
}

serve() { # server
    local server=$1 c
    KAHU_SERVER=$server
    start_server "$conf"
    prepare_client phone-d 'send vendor-class-identifier "phone-x";'
    prepare_client phone-u
    prepare_client pxe 'option pxe-arch code 93 = unsigned integer 16;' 'send pxe-arch 7;'
    prepare_client plain
    prepare_client known
    prepare_client evil
    for c in "${clients[@]}"; do capture_start "$c"; done
    run_dhclient phone-d || fail "$server: dhclient phone-d got no lease"
    udhcpc_once phone-u 5 -V phone-y || fail "$server: udhcpc phone-u got no lease"
    run_dhclient pxe || fail "$server: dhclient pxe got no lease"
    run_dhclient plain || fail "$server: dhclient plain got no lease"
    run_dhclient known || fail "$server: dhclient known got no lease"
    if udhcpc_once evil 2 -V evil; then fail "$server: the evil client got a lease"; fi
    for c in "${clients[@]}"; do capture_stop "$c"; done
    for c in phone-d pxe plain known; do dhclient_stop "$c"; done
    for c in "${clients[@]}"; do
        summary "$c" >"$LAB_TMP/$server-$c.summary"
        mv "$(client_dir "$c")" "$(client_dir "$c").$server"
    done
    if grep -q "${mac[evil]}" "$LAB_TMP/srv1-leases4.csv" 2>/dev/null; then
        fail "$server: a lease row for the dropped client"
    fi
    stop_server
    mv "$LAB_TMP/srv1-leases4.csv" "$LAB_TMP/$server-leases4.csv" 2>/dev/null || true
    mv "$LAB_TMP/srv1-server.log" "$LAB_TMP/$server-server.log"
}

serve kea
serve kahu

for c in "${clients[@]}"; do
    log "--- $c from Kea | from Kahu"
    paste -d'|' "$LAB_TMP/kea-$c.summary" "$LAB_TMP/kahu-$c.summary" | sed 's/^/    /'
    cmp -s "$LAB_TMP/kea-$c.summary" "$LAB_TMP/kahu-$c.summary" ||
        fail "$c received from Kahu something else than from Kea: $(diff "$LAB_TMP/kea-$c.summary" "$LAB_TMP/kahu-$c.summary")"
    log "ok: $c received the same from both"
done

# The class effects, on Kahu (Kea gave the same, compared above).
got() { sed -n "s/^$2=//p" "$LAB_TMP/kahu-$1.summary"; }
assert_eq phone-pool "$(got phone-d range)" "dhclient phone: phone pool"
assert_eq 172.18.20.124 "$(got phone-d new_ntp_servers)" "dhclient phone: the class's ntp-servers"
assert_eq 1200 "$(got phone-d new_dhcp_lease_time)" "dhclient phone: the class's lease time"
assert_eq phone-pool "$(got phone-u range)" "udhcpc phone: phone pool"
assert_eq 172.18.20.124 "$(got phone-u ntpsrv)" "udhcpc phone: the class's ntp-servers"
assert_eq pxe-pool "$(got pxe range)" "PXE: pxe pool"
assert_eq pxe.example.org "$(got pxe new_domain_name)" "PXE: the class's domain-name"
assert_eq ipxe.efi "$(got pxe new_filename)" "PXE: boot-file-name"
assert_eq tftp-efi "$(got pxe new_server_name)" "PXE: server-hostname"
assert_file_has "$LAB_TMP/kahu-pxe.summary" '^Server-IP 172\.18\.20\.4$' "PXE: next-server in siaddr"
assert_eq plain-pool "$(got plain range)" "plain: plain pool"
assert_eq example.org "$(got plain new_domain_name)" "plain: the global domain-name"
assert_eq 172.18.20.123 "$(got plain new_ntp_servers)" "plain: the global ntp-servers"
assert_eq reserved "$(got known range)" "reserved MAC: its reserved address"
assert_eq known.example.org "$(got known new_domain_name)" "KNOWN: the class's domain-name"
assert_eq "no lease" "$(head -n 1 "$LAB_TMP/kahu-evil.summary")" "evil: dropped"
assert_eq "offers=0 acks=0" "$(sed -n 2p "$LAB_TMP/kahu-evil.summary")" "evil: no answer at all"
assert_eq "offers=1 acks=1" "$(grep offers= "$LAB_TMP/kahu-plain.summary")" "plain: one OFFER, one ACK"

pass
