#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# A mysql lease-database that cannot work fails with a clear message naming the key or the
# cause, at configuration check (-T connects, as the real start does) and at start-up: an
# unknown key, a wrong password, an unreachable host (a closed 127.0.0.1 port), a missing
# database, an empty database (no schema), a schema version Kahu does not know. The password
# never appears in any message.
set -euo pipefail
LAB_SCRIPT_NAME=$(basename "$0")
KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
source "$(dirname "$0")/lib/assert.bash"
LAB_TMP=$(mktemp -d /tmp/kahu-mysql-bad.XXXXXX)
# The server writes only in its own directories: this run's.
export KAHU_DHCP_DATA_DIR=$LAB_TMP KAHU_LOG_FILE_DIR=$LAB_TMP KAHU_CONTROL_SOCKET_DIR=$LAB_TMP
cleanup() { local rc=$?; mariadb_stop; ((rc == 0)) && rm -rf "$LAB_TMP"; exit "$rc"; }
trap cleanup EXIT
source "$(dirname "$0")/lib/mariadb.bash"

SERVER=$KAHU_BUILD/core/kahu-dhcp4
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib KAHU_CONTROL_SOCKET_DIR=$LAB_TMP
mariadb_start
mariadb_create_db kea kea motdepasse
mariadb_create_db empty kea motdepasse
"$KAHU_BUILD/core/kahu-admin" db-init mysql -u kea -p motdepasse -n kea -h 127.0.0.1 \
    -P "$MARIADB_PORT" >/dev/null

# A copy of the seed config with a changed lease-database.
config() { # jq-expression-on-lease-database
    jq ".Dhcp4[\"lease-database\"] |= ($1) | del(.Dhcp4.loggers)
        | .Dhcp4[\"control-socket\"][\"socket-name\"] = \"$LAB_TMP/ctrl\"" \
        "$KAHU_SOURCE/config/kahu-dhcp4-mysql.conf" >"$LAB_TMP/kahu.conf"
    echo "$LAB_TMP/kahu.conf"
}
check() { # what regex jq-expression
    local out
    out=$(MYSQL_UNIX_PORT=$MARIADB_SOCKET "$SERVER" -T "$(config "$3")" 2>&1) &&
        fail "$1: the configuration check passed"
    log "$1: $out"
    assert_match "$2" "$out" "$1"
    [[ "$out" != *motdepasse* && "$out" != *wrongpass* ]] || fail "$1: a password is in the message"
}

# The good configuration passes (so the failures below are the parameters' fault).
out=$(MYSQL_UNIX_PORT=$MARIADB_SOCKET "$SERVER" -T "$(config .)" 2>&1) ||
    fail "the seed configuration fails the check: $out"

check "unknown key" "pasword" '. + {"pasword": "x"}'
check "wrong password" "Access denied for user 'kea'" '.password = "wrongpass"'
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
check "unreachable host" "cannot connect to mysql://kea@127.0.0.1:$port/kea: Can't connect" \
    ".host = \"127.0.0.1\" | .port = $port"
check "missing database" "(Unknown database|to database) 'nope'" '.name = "nope"'
check "empty database" "no lease schema.*kahu-admin db-init" '.name = "empty"'
check "bad on-fail" "on-fail" '. + {"on-fail": "retry-forever"}'

mariadb_sql kea <<<"UPDATE schema_version SET version = 19, minor = 0"
check "unknown schema version" "found version 19.0, supported versions: 14.0, 22.0" '.'

# The real start-up fails the same way and the process exits non-zero.
mariadb_sql kea <<<"UPDATE schema_version SET version = 22, minor = 0"
conf=$(config '.password = "wrongpass"')
set +e
MYSQL_UNIX_PORT=$MARIADB_SOCKET KAHU_PIDFILE_DIR=$LAB_TMP timeout 20 "$SERVER" -p 10067 \
    -c "$conf" >"$LAB_TMP/start.log" 2>&1
rc=$?
set -e
((rc == 1)) || fail "start-up with a wrong password: exit code $rc (want 1)"
assert_file_has "$LAB_TMP/start.log" "Access denied for user 'kea'" "start-up names the cause"
pass
