#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Kea 2.2's own example configurations (Debian kea-doc, /usr/share/doc/kea/examples/kea4):
# Kea 2.2 checks each with -t in a namespace that has the interfaces the examples name; every
# one Kea accepts must pass `kahu-dhcp4 -t` unless it needs a feature Kahu does not have yet
# (DHCPv4-over-DHCPv6, the config backend, ...), and then the
# error must name that feature with file:line:col. docs/compatibility.md lists the outcome.
# The host-database examples pass -t (which opens no database); with -T Kahu opens the store,
# which for pgsql-reservations.json fails on the connection to Kea's example database.
# Some examples put sockets or logs in /tmp: Kahu runs them with KEA_CONTROL_SOCKET_DIR and
# KEA_LOG_FILE_DIR set to /tmp, as Kea 2.6.3 itself needs.
set -euo pipefail
source "$(dirname "$0")/lib/netns.bash"

EXAMPLES=${KEA_EXAMPLES:-/usr/share/doc/kea/examples/kea4}
[[ -d "$EXAMPLES" ]] || fail "$EXAMPLES missing (Debian package kea-doc)"
BIN=$KAHU_BUILD/core/kahu-dhcp4

# What Kahu must do with each example Kea 2.2 accepts: "pass", or the feature its error names.
declare -A expect=(
    [advanced.json]=pass
    [all-options.json]=pass
    [backends.json]=pass
    [global-reservations.json]=pass
    [leases-expiration.json]=pass
    [multiple-options.json]=pass
    [reservations.json]=pass
    [several-subnets.json]=pass
    [shared-network.json]=pass
    [single-subnet.json]=pass
    [classify.json]=pass
    [classify2.json]=pass
    [comments.json]=pass
    [vendor-specific.json]=pass
    [vivso.json]=pass
    [ha-load-balancing-primary.json]=pass
    [all-keys.json]="'compatibility' is not supported"
    [all-keys-netconf.json]="'compatibility' is not supported"
    [hooks-radius.json]="'libdhcp_flex_id.so'"
    [with-ddns.json]=pass
    [mysql-reservations.json]=pass
    [pgsql-reservations.json]=pass
    [dhcpv4-over-dhcpv6.json]="'4o6-interface' is not supported"
    [config-backend.json]="'config-control' is not supported"
)

# Kea 2.2's -t opens the interfaces a file names: give them to it.
ns_add kea
for i in eth0 eth1 eth1961 eth2; do
    ip -n "$(ns_name kea)" link add "$i" type veth peer name "p$i"
    ip -n "$(ns_name kea)" link set "$i" up
done
mkdir -p "$LAB_TMP/kea"

accepted=0 passed=0 named=0 problems=()
for f in "$EXAMPLES"/*.json; do
    name=$(basename "$f")
    if ! nsx kea env KEA_PIDFILE_DIR="$LAB_TMP/kea" KEA_LOCKFILE_DIR="$LAB_TMP/kea" \
        /usr/sbin/kea-dhcp4 -t "$f" >"$LAB_TMP/kea-$name.log" 2>&1; then
        log "Kea 2.2 refuses $name ($(grep -m1 -oE '(HOOKS_OPEN_ERROR|DHCP4_PARSER_FAIL).{0,80}' \
            "$LAB_TMP/kea-$name.log" || echo '?')); not compared"
        continue
    fi
    accepted=$((accepted + 1))
    [[ -n "${expect[$name]:-}" ]] || fail "$name: Kea 2.2 accepts it and this test has no expectation"
    rc=0
    out=$(cd / && env -i PATH="$PATH" KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib" \
        KEA_CONTROL_SOCKET_DIR=/tmp KEA_LOG_FILE_DIR=/tmp \
        "$BIN" -t "$f" 2>&1) || rc=$?
    if [[ "${expect[$name]}" == pass ]]; then
        if ((rc == 0)); then
            passed=$((passed + 1))
        else
            problems+=("$name: Kea 2.2 accepts it, Kahu does not: $(tail -n 1 <<<"$out")")
        fi
    elif ((rc == 0)); then
        problems+=("$name passed -t but needs a feature Kahu lacks: ${expect[$name]}")
    elif ! grep -q -- "${expect[$name]}" <<<"$out"; then
        problems+=("$name: the error does not name ${expect[$name]}: $(tail -n 1 <<<"$out")")
    elif ! grep -qE "$name:[0-9]+:[0-9]+: " <<<"$out"; then
        problems+=("$name: no file:line:col in: $out")
    else
        named=$((named + 1))
    fi
done
if ((${#problems[@]})); then
    printf '  %s\n' "${problems[@]}" >&2
    fail "${#problems[@]} example(s) not as expected"
fi
((accepted >= 19)) || fail "Kea 2.2 accepted only $accepted examples (expected 19)"

# -T opens the stores: libdhcp_pgsql.so's host store tries Kea's example database (keatest on
# localhost, which this namespace does not have) and says so, for the entry the file names.
rc=0
out=$(cd / && nsx kea env -i PATH="$PATH" KAHU_HOOKS_PATH="$KAHU_BUILD/hooks-lib" \
    KEA_CONTROL_SOCKET_DIR=/tmp KEA_LOG_FILE_DIR=/tmp \
    "$BIN" -T "$EXAMPLES/pgsql-reservations.json" 2>&1) || rc=$?
assert_ne 0 "$rc" "kahu-dhcp4 -T pgsql-reservations.json exit status"
assert_match "DHCP4_CONFIG_LOAD_FAIL Dhcp4.hosts-databases\[0\]: cannot connect to postgresql://keatest@localhost/keatest: " \
    "$out" "kahu-dhcp4 -T pgsql-reservations.json opens the PostgreSQL host store"
log "ok: of $accepted examples Kea 2.2 accepts, $passed pass on Kahu and $named name what is missing"
pass
