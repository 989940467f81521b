#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A postgresql lease-database that cannot work fails with a clear message naming the key or the
# cause (PostgreSQL 15 from lib/postgres.bash, over TCP 127.0.0.1):
#  - parameters: an unknown key, a wrong type, an out-of-range port, no "name", a bad on-fail,
#    cert-file without key-file: refused by -t (which does not connect; it does not run the
#    store's own checks either, so cert-file without key-file is left to -T) and by -T, with
#    file:line:column of the key (of the map for a missing key) and the key's path;
#  - the database (-T connects, as the real start does): a wrong password, a closed 127.0.0.1
#    port, a missing database, an empty database (no schema: points at kahu-admin db-init
#    pgsql), a schema version Kahu does not know (found and supported versions);
#  - a real start-up with a wrong password exits 1 naming the cause;
#  - on a running server, config-test and config-set of an unknown key or port 70000 answer 1
#    with the key's path; config-set of a wrong password or of the empty database answers 1
#    with the cause, and the server keeps its store (a lease4-add still lands in lease4).
# The password never appears in any message.
set -euo pipefail
LAB_SCRIPT_NAME=$(basename "$0")
KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
source "$(dirname "$0")/lib/assert.bash"
[[ $(id -u) == 0 ]] || skip "needs root (runs PostgreSQL as the postgres user)"
LAB_TMP=$(mktemp -d /tmp/kahu-pgsql-bad.XXXXXX)
# The server writes only in its own directories: this run's.
export KAHU_DHCP_DATA_DIR=$LAB_TMP KAHU_LOG_FILE_DIR=$LAB_TMP KAHU_CONTROL_SOCKET_DIR=$LAB_TMP
SERVER_PID=""
cleanup() {
    local rc=$?
    set +e
    [[ -n "$SERVER_PID" ]] && kill -KILL "$SERVER_PID" 2>/dev/null
    postgres_stop immediate
    rc=$(lab_exit_status "$rc")
    ((rc == 0)) && rm -rf "$LAB_TMP"
    exit "$rc"
}
trap cleanup EXIT
source "$(dirname "$0")/lib/postgres.bash"

SERVER=$KAHU_BUILD/core/kahu-dhcp4
[[ -f "$KAHU_BUILD/hooks-lib/libdhcp_pgsql.so" ]] || fail "libdhcp_pgsql.so not built"
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
postgres_start
postgres_create_db kea kea motdepasse
postgres_create_db empty kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init pgsql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$PG_PORT" >/dev/null

# A copy of the seed config on 127.0.0.1:$PG_PORT with a changed lease-database.
config() { # jq-expression-on-lease-database
    jq --argjson port "$PG_PORT" ".Dhcp4[\"lease-database\"] += {\"host\": \"127.0.0.1\", \"port\": \$port}
        | .Dhcp4[\"lease-database\"] |= ($1) | del(.Dhcp4.loggers)
        | .Dhcp4[\"control-socket\"][\"socket-name\"] = \"$LAB_TMP/ctrl\"" \
        "$KAHU_SOURCE/config/kahu-dhcp4-pgsql.conf" >"$LAB_TMP/kahu.conf"
    echo "$LAB_TMP/kahu.conf"
}
no_password() { # what text
    [[ "$2" != *motdepasse* && "$2" != *wrongpass* ]] || fail "$1: a password is in the message"
}
# -T (and -t unless told otherwise) refuses the configuration with a message matching regex.
check() { # what regex jq-expression [T-only]
    local out flag conf
    conf=$(config "$3")
    for flag in -t -T; do
        [[ $flag == -t && -n "${4:-}" ]] && continue
        out=$("$SERVER" "$flag" "$conf" 2>&1) && fail "$1: the configuration check ($flag) passed"
        log "$1 ($flag): $out"
        assert_match "$2" "$out" "$1 ($flag)"
        no_password "$1 ($flag)" "$out"
    done
}
# file:line:column of a key of the lease-database map (jq indents it by 6) in the last config()
# file; "" for the map itself.
at() { # [key]
    local line
    if [[ -n "${1:-}" ]]; then
        line=$(grep -n "^      \"$1\": " "$LAB_TMP/kahu.conf" | cut -d: -f1)
        echo "$LAB_TMP/kahu.conf:$line:7"
    else
        line=$(grep -n '^    "lease-database": ' "$LAB_TMP/kahu.conf" | cut -d: -f1)
        echo "$LAB_TMP/kahu.conf:$line:5"
    fi
}

# The good configuration passes both checks (so the failures below are the parameters' fault).
for flag in -t -T; do
    out=$("$SERVER" "$flag" "$(config .)" 2>&1) || fail "the good configuration fails $flag: $out"
done
assert_match "PGSQL_LEASE_DB_OPENED postgresql://kea@127.0.0.1:$PG_PORT/kea: schema 13.0" "$out" \
    "-T opened the store"

# --- Parameters: refused before any connection, at the map's position, with the key's path.
config '. + {"pasword": "x"}' >/dev/null
check "unknown key" "^ERROR DHCP4_CONFIG_LOAD_FAIL $(at pasword): Dhcp4.lease-database: unknown key 'pasword'$" \
    '. + {"pasword": "x"}'
config '.port = "5432"' >/dev/null
check "wrong type" "$(at port): Dhcp4.lease-database.port: .*integer" '.port = "5432"'
check "port out of range" "$(at port): Dhcp4.lease-database.port: value 70000 out of range 0..65535" \
    '.port = 70000'
config 'del(.name)' >/dev/null
check "no name" "$(at): Dhcp4.lease-database: must specify a name for the database$" \
    'del(.name)'
config '. + {"on-fail": "retry-forever"}' >/dev/null
check "bad on-fail" "$(at on-fail): Dhcp4.lease-database.on-fail: .*retry-forever" \
    '. + {"on-fail": "retry-forever"}'
config '. + {"connect-timeout": 0}' >/dev/null
check "connect-timeout 0" "$(at connect-timeout): Dhcp4.lease-database.connect-timeout: value 0 out of range 1\.\." \
    '. + {"connect-timeout": 0}'
config '. + {"cert-file": "/nonexistent.pem"}' >/dev/null
check "cert-file without key-file" "$(at cert-file): Dhcp4.lease-database.cert-file: 'cert-file' and 'key-file' go together" \
    '. + {"cert-file": "/nonexistent.pem"}' T-only # the store's own check: -t does not run it

# --- The database: only -T (and the real start) connect.
check "wrong password" "cannot connect to postgresql://kea@127.0.0.1:$PG_PORT/kea: .*password authentication failed for user \"kea\"" \
    '.password = "wrongpass"' T-only
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
check "unreachable host" "cannot connect to postgresql://kea@127.0.0.1:$port/kea: connection to server at \"127.0.0.1\", port $port failed: Connection refused" \
    ".port = $port" T-only
check "missing database" "cannot connect to postgresql://kea@127.0.0.1:$PG_PORT/nope: .*database \"nope\" does not exist" \
    '.name = "nope"' T-only
check "empty database" "database 'empty' has no lease schema \(no schema_version table\); create it with 'kahu-admin db-init pgsql'" \
    '.name = "empty"' T-only
postgres_sql kea <<<"UPDATE schema_version SET version = 12, minor = 0"
check "unknown schema version" "PostgreSQL schema version mismatch: found version 12.0, supported version: 13.0" \
    '.' T-only
postgres_sql kea <<<"UPDATE schema_version SET version = 13, minor = 0"

# --- The real start-up fails the same way and the process exits 1.
conf=$(config '.password = "wrongpass"')
set +e
KAHU_PIDFILE_DIR=$LAB_TMP timeout 20 "$SERVER" -p 10067 -c "$conf" >"$LAB_TMP/start.log" 2>&1
rc=$?
set -e
assert_eq 1 "$rc" "start-up with a wrong password: exit status"
assert_file_has "$LAB_TMP/start.log" "password authentication failed for user \"kea\"" \
    "start-up names the cause"
no_password "start-up" "$(cat "$LAB_TMP/start.log")"

# --- A running server (no DHCP socket) with the good store, then config-test / config-set.
jq '.Dhcp4["interfaces-config"].interfaces = []
    | .Dhcp4["hooks-libraries"] = [{"library": "libdhcp_lease_cmds.so"}]' "$(config .)" \
    >"$LAB_TMP/running.conf"
KAHU_PIDFILE_DIR=$LAB_TMP "$SERVER" -p 10067 -c "$LAB_TMP/running.conf" >"$LAB_TMP/server.log" 2>&1 &
SERVER_PID=$!
wait_for 15 "the control socket" test -S "$LAB_TMP/ctrl"
ctrl() { socat -t 20 - "UNIX-CONNECT:$LAB_TMP/ctrl"; }
command_with() { # command jq-expression -> the answer
    jq -c --arg c "$1" '{"command": $c, "arguments": {"Dhcp4": .Dhcp4}}' "$(config "$2")" | ctrl
}
# config-test, like Kea 2.2's, parses and loads the libraries but opens no lease store, so only
# the parameters are checked there; config-set opens the new store and refuses to switch.
for cmd in config-test config-set; do
    answer=$(command_with "$cmd" '. + {"pasword": "wrongpass"}')
    log "$cmd, unknown key: $answer"
    assert_eq 1 "$(jq -r .result <<<"$answer")" "$cmd with an unknown key: result"
    assert_match "Dhcp4.lease-database: unknown key 'pasword'" "$(jq -r .text <<<"$answer")" \
        "$cmd with an unknown key: text"
    no_password "$cmd with an unknown key" "$answer"
    answer=$(command_with "$cmd" '.port = 70000')
    assert_eq 1 "$(jq -r .result <<<"$answer")" "$cmd with port 70000: result"
    assert_match "Dhcp4.lease-database.port: value 70000 out of range 0..65535" \
        "$(jq -r .text <<<"$answer")" "$cmd with port 70000: text"
done
answer=$(command_with config-set '.password = "wrongpass"')
log "config-set, wrong password: $answer"
assert_eq 1 "$(jq -r .result <<<"$answer")" "config-set with a wrong password: result"
assert_match "cannot connect to postgresql://kea@127.0.0.1:$PG_PORT/kea: .*password authentication failed for user \"kea\"" \
    "$(jq -r .text <<<"$answer")" "config-set with a wrong password: text"
no_password "config-set with a wrong password" "$answer"
answer=$(command_with config-set '.name = "empty"')
assert_eq 1 "$(jq -r .result <<<"$answer")" "config-set to an empty database: result"
assert_match "database 'empty' has no lease schema" "$(jq -r .text <<<"$answer")" \
    "config-set to an empty database: text"
answer=$(printf '{"command": "lease4-add", "arguments": {"ip-address": "172.18.10.150",
    "hw-address": "02:00:00:0a:00:50"}}' | ctrl)
assert_eq 0 "$(jq -r .result <<<"$answer")" "lease4-add after the refused config-set ($answer)"
assert_eq "0200000a0050" "$(postgres_sql kea <<<"SELECT encode(hwaddr, 'hex') FROM lease4
    WHERE address = $(ip_to_int 172.18.10.150)")" "the lease is a row: the server kept its store"
no_password "server log" "$(cat "$LAB_TMP/server.log")"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=""
pass
