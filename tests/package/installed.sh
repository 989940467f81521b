#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The packages as an operator meets them (run by .ci/run after tools/package; needs root):
#   apt-get install ./dist/*.deb; the layout, owners and modes; kahu-dhcp4 -t on the installed
#   default configuration; the systemd units pass systemd-analyze verify; the installed server
#   runs as _kahu with only CAP_NET_RAW and CAP_NET_BIND_SERVICE, once started by setpriv as
#   systemd would (relayed clients, udp sockets, the Oasis configuration unchanged) and once
#   by its own -u (raw sockets, a client on the server's segment), and a real dhclient gets a
#   lease each time; the installed agent answers curl through the server's socket as _kahu;
#   then apt-get purge leaves nothing behind: no file, directory, user or group.
set -euo pipefail
export KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
dist=${KAHU_DIST_DIR:-$KAHU_SOURCE/dist}
source "$KAHU_SOURCE/tests/integration/lib/netns.bash"
# The installed server writes where an installed server writes, not in the lab's temp dir.
unset KAHU_DHCP_DATA_DIR KAHU_LOG_FILE_DIR KAHU_CONTROL_SOCKET_DIR
LAB_SCRIPT_NAME=package-installed

version=$(dpkg-parsechangelog -l "$KAHU_SOURCE/debian/changelog" -S Version)
pkgs=(kahu-common kahu-dhcp4-server kahu-ctrl-agent kahu-dhcp-ddns kahu-admin kahu-hook-ha kahu-hook-lease-cmds
      kahu-hook-flex-option kahu-hook-flex-id kahu-hook-mysql kahu-hook-pgsql kahu-hook-bootp
      kahu-hook-class-cmds kahu-hook-host-cmds kahu-hook-stat-cmds kahu-hook-legal-log kahu-hook-run-script libkahu-dev)
mapfile -t debs < <(ls "$dist"/*_"${version}"_*.deb 2>/dev/null)
((${#debs[@]} == ${#pkgs[@]})) ||
    fail "expected ${#pkgs[@]} packages of $version in $dist (tools/package), found ${#debs[@]}"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
hooks=/usr/lib/$multiarch/kahu/hooks

purge_all() {
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${pkgs[@]}" >/dev/null 2>&1 || true
}
# A run that died half-way must not leave its packages to the next.
purge_all

# ---- dependencies: a plugin of another version cannot sit beside this core ----------------
for pkg in "${pkgs[@]}"; do
    [[ $pkg == kahu-common ]] && continue
    deps=$(dpkg-deb -f "$dist/${pkg}_${version}_"*.deb Depends)
    assert_match "kahu-common \(= $version\)" "$deps" "$pkg depends on exactly this kahu-common"
done
assert_match "libmariadb" "$(dpkg-deb -f "$dist/kahu-hook-mysql_${version}_"*.deb Depends)" \
    "kahu-hook-mysql pulls libmariadb"
for pkg in "${pkgs[@]}"; do
    [[ $pkg == kahu-hook-mysql ]] && continue
    [[ $(dpkg-deb -f "$dist/${pkg}_${version}_"*.deb Depends) != *mariadb* ]] ||
        fail "$pkg must not pull libmariadb"
done
assert_match "libpq" "$(dpkg-deb -f "$dist/kahu-hook-pgsql_${version}_"*.deb Depends)" \
    "kahu-hook-pgsql pulls libpq"
for pkg in "${pkgs[@]}"; do
    [[ $pkg == kahu-hook-pgsql ]] && continue
    [[ $(dpkg-deb -f "$dist/${pkg}_${version}_"*.deb Depends) != *libpq* ]] ||
        fail "$pkg must not pull libpq"
done

# No symlink into the machine that built the packages.
for deb in "${debs[@]}"; do
    while read -r target; do
        [[ $target != /* || $target == /usr/* || $target == /lib/* || $target == /etc/* ]] ||
            fail "$(basename "$deb") ships a symlink to $target"
    done < <(dpkg-deb -c "$deb" | awk '$1 ~ /^l/ { print $NF }')
done

log "apt-get install ${#debs[@]} packages"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >"$LAB_TMP/apt-install.log" 2>&1 ||
    { cat "$LAB_TMP/apt-install.log" >&2; fail "apt-get install ./dist/*.deb failed"; }
trap 'purge_all; lab_teardown' EXIT

# ---- layout, owners, modes ----------------------------------------------------------------
getent passwd _kahu >/dev/null || fail "no _kahu user"
assert_eq /usr/sbin/nologin "$(getent passwd _kahu | cut -d: -f7)" "_kahu's shell"
assert_eq "root:_kahu 750" "$(stat -c '%U:%G %a' /etc/kahu)" "/etc/kahu"
for f in /etc/kahu/kahu-dhcp4.conf /etc/kahu/kahu-ctrl-agent.conf /etc/kahu/kahu-dhcp-ddns.conf; do
    assert_eq "root:_kahu 640" "$(stat -c '%U:%G %a' "$f")" "$f"
done
for d in /var/lib/kahu /var/log/kahu /run/kahu; do
    assert_eq "_kahu:_kahu 750" "$(stat -c '%U:%G %a' "$d")" "$d"
done
assert_eq "root:_kahu 750" "$(stat -c '%U:%G %a' /usr/share/kahu/scripts)" \
    "/usr/share/kahu/scripts (kahu-hook-run-script)"
for lib in libdhcp_ha.so libdhcp_lease_cmds.so libdhcp_flex_option.so libdhcp_flex_id.so \
    libdhcp_mysql.so libdhcp_pgsql.so libdhcp_bootp.so libdhcp_class_cmds.so libdhcp_host_cmds.so \
    libdhcp_stat_cmds.so libdhcp_legal_log.so libdhcp_run_script.so; do
    [[ -f $hooks/$lib ]] || fail "$hooks/$lib not installed"
done
[[ -f /usr/share/kahu/scripts/pgsql/dhcpdb_create.pgsql ]] ||
    fail "kahu-admin: no PostgreSQL schema script (kahu-admin db-init pgsql reads it)"
for bin in /usr/sbin/kahu-dhcp4 /usr/sbin/kahu-ctrl-agent /usr/sbin/kahu-dhcp-ddns /usr/sbin/kahu-admin /usr/sbin/kahu-shell; do
    [[ -x $bin ]] || fail "$bin not installed"
    [[ $(readelf -d "$bin") != *PATH* ]] || fail "$bin carries a run path"
    libs=$(ldd "$bin") # (not piped into grep -q: pipefail would see ldd's SIGPIPE)
    [[ $libs != *"not found"* ]] || fail "$bin: a library is not found: $libs"
    if [[ $(readelf -d "$bin") == *"NEEDED"*"[libkahu_core.so.0]"* ]]; then
        [[ $libs =~ libkahu_core.so.0\ =\>\ (/usr)?/lib/$multiarch/ ]] ||
            fail "$bin does not find libkahu_core in /usr/lib/$multiarch: $libs"
    fi
    man -w "$(basename "$bin")" >/dev/null || fail "no manual page for $(basename "$bin")"
done
[[ -f /usr/lib/$multiarch/cmake/Kahu/KahuConfig.cmake ]] || fail "libkahu-dev: no CMake package"

# ---- the installed defaults check out, the units verify -----------------------------------
/usr/sbin/kahu-dhcp4 -t /etc/kahu/kahu-dhcp4.conf >"$LAB_TMP/t.log" 2>&1 ||
    { cat "$LAB_TMP/t.log" >&2; fail "kahu-dhcp4 -t /etc/kahu/kahu-dhcp4.conf"; }
/usr/sbin/kahu-ctrl-agent -t /etc/kahu/kahu-ctrl-agent.conf >"$LAB_TMP/t.log" 2>&1 ||
    { cat "$LAB_TMP/t.log" >&2; fail "kahu-ctrl-agent -t /etc/kahu/kahu-ctrl-agent.conf"; }
/usr/sbin/kahu-dhcp-ddns -t /etc/kahu/kahu-dhcp-ddns.conf >"$LAB_TMP/t.log" 2>&1 ||
    { cat "$LAB_TMP/t.log" >&2; fail "kahu-dhcp-ddns -t /etc/kahu/kahu-dhcp-ddns.conf"; }
units=(/lib/systemd/system/kahu-dhcp4-server.service /lib/systemd/system/kahu-ctrl-agent.service
       /lib/systemd/system/kahu-dhcp-ddns.service)
systemd-analyze verify "${units[@]}" >"$LAB_TMP/verify.log" 2>&1 ||
    { cat "$LAB_TMP/verify.log" >&2; fail "systemd-analyze verify"; }
[[ ! -s $LAB_TMP/verify.log ]] || { cat "$LAB_TMP/verify.log" >&2; fail "systemd-analyze verify complains"; }
for unit in "${units[@]}" /lib/systemd/system/kea-dhcp4-server.service; do
    [[ -f $unit ]] || continue
    score=$(systemd-analyze security --offline=yes "$unit" 2>/dev/null | sed -n 's/.*exposure level for .*: \([0-9.]*\).*/\1/p')
    log "systemd-analyze security $(basename "$unit"): $score"
    if [[ $unit == */kahu-* ]]; then
        awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.5) }' ||
            fail "$(basename "$unit") exposure $score (more than 2.5)"
    fi
done

# What the server process holds: its user and its effective capabilities.
expect_unprivileged() { # pid what
    local status uid caps
    status=$(cat "/proc/$1/status")
    uid=$(awk '/^Uid:/ { print $2 }' <<<"$status")
    caps=$(awk '/^CapEff:/ { print $2 }' <<<"$status")
    assert_eq "$(id -u _kahu)" "$uid" "$2: runs as _kahu"
    # bit 10 CAP_NET_BIND_SERVICE | bit 13 CAP_NET_RAW
    assert_eq 0000000000002400 "$caps" "$2: effective capabilities"
    assert_eq 0000000000002400 "$(awk '/^CapBnd:/ { print $2 }' <<<"$status")" "$2: bounding set"
}

traced_child() { # strace-pid name
    local child end=$((SECONDS + 10))
    until child=$(pgrep -P "$1" -x "$2"); do
        ((SECONDS < end)) || fail "$2 did not start under strace"
        sleep 0.1
    done
    LAB_PIDS+=("$child")
    echo "$child"
}

wait_listening() { # role pid
    local end=$((SECONDS + 15))
    until server_listening "$1" "$2"; do
        kill -0 "$2" 2>/dev/null || { cat "$LAB_TMP/$1-server.log" >&2; fail "the installed server exited"; }
        ((SECONDS < end)) || fail "the installed server did not open its sockets in 15 s"
        sleep 0.2
    done
}

# ---- 1: as systemd starts it (User=_kahu, AmbientCapabilities), the operator's config -----
# The documented step: the operator's configuration, unchanged, becomes /etc/kahu's.
install -m 0640 -g _kahu "$KAHU_SOURCE/config/kahu-dhcp4-standalone.conf" /etc/kahu/kahu-dhcp4.conf
lab_oasis
lab_client_ns cli-a 02:00:00:0a:00:01
# Under strace: the system calls it makes must all pass the unit's SystemCallFilter. strace
# runs as _kahu too, so it writes into a directory of _kahu's.
chmod 0711 "$LAB_TMP"
trace=$LAB_TMP/trace
mkdir -m 0700 "$trace"
chown _kahu:_kahu "$trace"
ip netns exec "$(ns_name srv1)" setpriv --reuid=_kahu --regid=_kahu --init-groups \
    --inh-caps=-all,+net_raw,+net_bind_service --ambient-caps=-all,+net_raw,+net_bind_service \
    --bounding-set=-all,+net_raw,+net_bind_service --no-new-privs \
    strace -f -c -o "$trace/server.txt" \
    /usr/sbin/kahu-dhcp4 -c /etc/kahu/kahu-dhcp4.conf >"$LAB_TMP/srv1-server.log" 2>&1 &
tracer=$!
LAB_PIDS+=("$tracer")
pid=$(traced_child "$tracer" kahu-dhcp4)
wait_listening srv1 "$pid"
expect_unprivileged "$pid" "setpriv"
start_relay 172.18.20.20
client_prepare cli-a laptop-a
run_dhclient cli-a || fail "dhclient got no lease from the installed server (setpriv)"
addr=$(client_var cli-a new_ip_address)
assert_ip_in_range "$addr" 172.18.10.100 172.18.10.200 "leased address (setpriv)"
grep -q "^$addr,02:00:00:0a:00:01," /var/lib/kahu/kahu-leases4.csv || fail "lease not in /var/lib/kahu"
assert_eq "_kahu:_kahu 640" "$(stat -c '%U:%G %a' /var/lib/kahu/kahu-leases4.csv)" "lease file"
assert_eq "_kahu:_kahu" "$(stat -c '%U:%G' /run/kahu/kahu4-ctrl-socket)" "control socket"

# The installed agent, as _kahu with no capability, forwards to the server's socket.
ip netns exec "$(ns_name srv1)" setpriv --reuid=_kahu --regid=_kahu --init-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs \
    strace -f -c -o "$trace/agent.txt" \
    /usr/sbin/kahu-ctrl-agent -c /etc/kahu/kahu-ctrl-agent.conf >"$LAB_TMP/agent.log" 2>&1 &
agent_tracer=$!
LAB_PIDS+=("$agent_tracer")
agent=$(traced_child "$agent_tracer" kahu-ctrl-agent)
wait_for 10 "the agent to listen" nsx srv1 curl -s -o /dev/null http://127.0.0.1:8000/
answer=$(nsx srv1 curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"command": "status-get", "service": ["dhcp4"]}' http://127.0.0.1:8000/)
assert_eq 0 "$(jq '.[0].result' <<<"$answer")" "status-get through the installed agent"
assert_match '"pid": ?'"$pid" "$answer" "the agent reached the installed server"
# A reload (what systemctl reload sends), still traced.
kill -HUP "$pid"
wait_for 10 "the reload" grep -q DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS "$LAB_TMP/srv1-server.log"
kill -TERM "$agent" "$pid"
wait "$agent_tracer" "$tracer" 2>/dev/null || true
tests_dir=$(dirname "$0")
"$tests_dir/syscall_filter.py" /lib/systemd/system/kahu-dhcp4-server.service "$trace/server.txt" ||
    fail "kahu-dhcp4 makes system calls its unit's SystemCallFilter refuses"
"$tests_dir/syscall_filter.py" /lib/systemd/system/kahu-ctrl-agent.service "$trace/agent.txt" ||
    fail "kahu-ctrl-agent makes system calls its unit's SystemCallFilter refuses"

# ---- 2: kahu-dhcp4 -u _kahu started as root, raw sockets, a client on the segment ----------
lab_client_ns cli-b 02:00:00:14:00:02 br20
conf=/etc/kahu/kahu-dhcp4-raw.conf
install -m 0640 -g _kahu "$KAHU_SOURCE/tests/integration/data/kahu-dhcp4-direct-raw.conf" "$conf"
rm -rf /run/kahu # -u creates what is missing, owned by the user
ip netns exec "$(ns_name srv1)" /usr/sbin/kahu-dhcp4 -u _kahu -c "$conf" >"$LAB_TMP/srv1-server.log" 2>&1 &
pid=$!
LAB_PIDS+=("$pid")
wait_listening srv1 "$pid"
expect_unprivileged "$pid" "-u _kahu"
assert_eq "_kahu:_kahu 750" "$(stat -c '%U:%G %a' /run/kahu)" "/run/kahu made by -u"
client_prepare cli-b direct-b
run_dhclient cli-b || fail "dhclient got no lease from the installed server (-u, raw)"
b=$(client_var cli-b new_ip_address)
assert_ip_in_range "$b" 172.18.20.100 172.18.20.200 "leased address (-u, raw)"
grep -q "^$b,02:00:00:14:00:02," /var/lib/kahu/kahu-leases4.csv || fail "raw lease not in /var/lib/kahu"
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
rm -f "$conf"

# ---- purge: nothing left ------------------------------------------------------------------
files=$(dpkg -L "${pkgs[@]}" | sort -u)
log "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${pkgs[@]}" >"$LAB_TMP/apt-purge.log" 2>&1 ||
    { cat "$LAB_TMP/apt-purge.log" >&2; fail "apt-get purge failed"; }
left=()
while read -r f; do
    # Directories every system has (/usr, /usr/share/doc, ...) stay; anything of Kahu's goes.
    [[ -e $f && ( ! -d $f || $f == *kahu* ) ]] && left+=("$f")
done <<<"$files"
for f in /etc/kahu /var/lib/kahu /var/log/kahu /run/kahu /usr/lib/$multiarch/kahu; do
    [[ -e $f ]] && left+=("$f")
done
((${#left[@]} == 0)) || fail "left behind after purge: ${left[*]}"
getent passwd _kahu >/dev/null && fail "user _kahu left behind"
getent group _kahu >/dev/null && fail "group _kahu left behind"
[[ -z $(dpkg -l 'kahu-*' 'libkahu-*' 2>/dev/null | awk '/^[a-z][a-z] / && $1 != "un"') ]] ||
    fail "packages left: $(dpkg -l 'kahu-*' 'libkahu-*' | awk '/^[a-z][a-z] / && $1 != "un"')"
trap lab_teardown EXIT
pass
