#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Runs kahu_pgsql_store_tests (the lease store and the host store) against a throw-away
# PostgreSQL 15 server (a cluster under a temp dir, run as the postgres user, listening on
# 127.0.0.1 on a free port and on a socket in that dir), on a schema 13.0 database made by
# kahu-admin db-init and on one made by Debian's kea-admin 2.2. Also checks kahu-admin's pgsql
# commands, that the two schemas have the same lease and host tables, that the host store reads
# a host inserted into the kea-admin database as Kea 2.2 writes one, and that Kea 2.2's
# kea-dhcp4 starts on kahu-admin's database (leases and hosts) and reads, updates and deletes
# the leases Kahu wrote there while Kahu reads the ones Kea wrote.
# Usage: pgsql_store_test.sh <kahu_pgsql_store_tests> <kahu-admin>
set -euo pipefail
LAB_SCRIPT_NAME=pgsql_store_test.sh
source "$(dirname "$0")/../../integration/lib/assert.bash"
source "$(dirname "$0")/../../integration/lib/postgres.bash"
tests=$1 admin=$2
KEA_HOOKS=/usr/lib/x86_64-linux-gnu/kea/hooks
[[ -x $PG_BIN/initdb ]] || skip "PostgreSQL 15 is not installed (Debian's postgresql-15)"
((EUID == 0)) || skip "needs root (runs the server as the postgres user)"
for cmd in psql kea-admin python3; do
    command -v "$cmd" >/dev/null || skip "$cmd is not installed"
done

LAB_TMP=$(mktemp -d /tmp/kahu-pgsql-store.XXXXXX)
KEA_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$KEA_PID" ]]; then
        kill -TERM "$KEA_PID" 2>/dev/null || true
        wait "$KEA_PID" 2>/dev/null || true
    fi
    postgres_stop immediate
    rc=$(lab_exit_status "$rc")
    if ((rc == 0)); then
        rm -rf "$LAB_TMP"
    else
        echo "kept $LAB_TMP (server log: $PG_DIR/server.log)" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT

# The superuser's psql, through the socket (lib/postgres.bash); rows unaligned.
psql_su() { postgres_sql "$@"; }

postgres_start
for db in kahu13 kea13 empty old; do
    postgres_create_db "$db" kea motdepasse
done

# kahu-admin's pgsql commands, over TCP with the password in PGPASSWORD.
admin_pg() { "$admin" "$1" pgsql -u kea -p motdepasse -n "$2" -h 127.0.0.1 -P "$PG_PORT" "${@:3}"; }
out=$(admin_pg db-init kahu13 2>&1) || { echo "$out" >&2; fail "kahu-admin db-init pgsql"; }
assert_match "Database version reported after initialization: 13.0" "$out" "kahu-admin db-init pgsql"
assert_eq "13.0" "$(admin_pg db-version kahu13)" "kahu-admin db-version pgsql"
out=$(admin_pg db-upgrade kahu13 2>&1) || { echo "$out" >&2; fail "kahu-admin db-upgrade pgsql"; }
assert_match "The lease schema is current" "$out" "kahu-admin db-upgrade pgsql on 13.0"
if out=$(admin_pg db-init kahu13 2>&1); then fail "db-init accepted a database with tables"; fi
assert_match "expected an empty database kahu13" "$out" "kahu-admin db-init pgsql refuses a used database"
if out=$(admin_pg db-init empty --no-stat-triggers 2>&1); then
    fail "--no-stat-triggers accepted with pgsql"
fi
assert_match "applies to mysql only" "$out" "kahu-admin refuses --no-stat-triggers with pgsql"
assert_eq "" "$(psql_su empty <<<'SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema()')" "the refused db-init left the database empty"
PGPASSWORD=motdepasse psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U kea -d old -v ON_ERROR_STOP=1 \
    -c 'CREATE TABLE schema_version (version INT PRIMARY KEY NOT NULL, minor INT)' \
    -c 'INSERT INTO schema_version VALUES (12, 0)'
if out=$(admin_pg db-upgrade old 2>&1); then fail "db-upgrade accepted schema 12.0"; fi
assert_match "cannot upgrade PostgreSQL schema version 12.0: the supported version is 13.0" "$out" \
    "kahu-admin db-upgrade pgsql refuses another version"

kea-admin db-init pgsql -u kea -p motdepasse -n kea13 -h 127.0.0.1 -P "$PG_PORT" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }
assert_eq "13.0" "$(admin_pg db-version kea13)" "kea-admin 2.2's schema version"

# The lease tables of both schemas: columns, defaults, indexes, constraints, triggers, rows.
lease_tables="'lease4', 'lease6', 'lease_state', 'lease_hwaddr_source', 'lease6_types',
    'lease4_stat', 'lease6_stat', 'lease4_stat_by_client_class', 'lease6_stat_by_client_class',
    'schema_version'"
structure() { # database
    psql_su "$1" <<SQL
SELECT table_name || '.' || column_name || ' ' || data_type || ' ' ||
       coalesce(character_maximum_length::text, '-') || ' ' || coalesce(column_default, '-') ||
       ' ' || is_nullable
  FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name IN ($lease_tables)
 ORDER BY table_name, ordinal_position;
SELECT indexdef FROM pg_indexes
 WHERE schemaname = 'public' AND tablename IN ($lease_tables) ORDER BY indexname;
SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE conrelid::regclass::text IN ($lease_tables) ORDER BY 1;
SELECT tgrelid::regclass || ' ' || tgname || ' ' || tgtype FROM pg_trigger
 WHERE NOT tgisinternal AND tgrelid::regclass::text IN ($lease_tables) ORDER BY 1;
SELECT 'lease_state ' || state || ' ' || name FROM lease_state ORDER BY state;
SELECT 'lease_hwaddr_source ' || hwaddr_source || ' ' || name FROM lease_hwaddr_source
 ORDER BY hwaddr_source;
SELECT 'lease6_types ' || lease_type || ' ' || name FROM lease6_types ORDER BY lease_type;
SELECT 'schema_version ' || version || '.' || minor FROM schema_version;
SQL
}
# The host tables: the same, except what ties Kea's option tables to its configuration
# backend (foreign keys to its tables, audit triggers), which kahu-admin does not create.
host_tables="'hosts', 'dhcp4_options', 'dhcp6_options', 'ipv6_reservations',
    'host_identifier_type', 'dhcp_option_scope'"
host_structure() { # database
    psql_su "$1" <<SQL
SELECT table_name || '.' || column_name || ' ' || data_type || ' ' ||
       coalesce(character_maximum_length::text, '-') || ' ' || coalesce(column_default, '-') ||
       ' ' || is_nullable
  FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name IN ($host_tables)
 ORDER BY table_name, ordinal_position;
SELECT indexdef FROM pg_indexes
 WHERE schemaname = 'public' AND tablename IN ($host_tables) ORDER BY indexname;
SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE conrelid::regclass::text IN ($host_tables)
   AND confrelid::regclass::text NOT LIKE 'dhcp_\_%' ORDER BY 1;
SELECT 'host_identifier_type ' || type || ' ' || name FROM host_identifier_type ORDER BY type;
SELECT 'dhcp_option_scope ' || scope_id || ' ' || scope_name FROM dhcp_option_scope
 ORDER BY scope_id;
SQL
}
host_extras() { # database: the foreign keys to other tables and the triggers of the host tables
    psql_su "$1" <<SQL
SELECT conrelid::regclass || ' ' || conname FROM pg_constraint
 WHERE conrelid::regclass::text IN ($host_tables) AND confrelid::regclass::text LIKE 'dhcp_\_%'
 ORDER BY 1;
SELECT tgrelid::regclass || ' ' || tgname FROM pg_trigger
 WHERE NOT tgisinternal AND tgrelid::regclass::text IN ($host_tables) ORDER BY 1;
SQL
}
functions() { # database: the functions the schema defines
    psql_su "$1" <<<"SELECT DISTINCT proname FROM pg_proc
        WHERE pronamespace = 'public'::regnamespace ORDER BY 1"
}
structure kea13 >"$LAB_TMP/kea13.structure"
structure kahu13 >"$LAB_TMP/kahu13.structure"
diff -u "$LAB_TMP/kea13.structure" "$LAB_TMP/kahu13.structure" >&2 ||
    fail "kahu-admin's lease tables differ from kea-admin 2.2's (diff above)"
log "ok: same lease tables, indexes, constraints, triggers and rows as kea-admin 2.2 ($(wc -l <"$LAB_TMP/kahu13.structure") lines)"
host_structure kea13 >"$LAB_TMP/kea13.hosts"
host_structure kahu13 >"$LAB_TMP/kahu13.hosts"
diff -u "$LAB_TMP/kea13.hosts" "$LAB_TMP/kahu13.hosts" >&2 ||
    fail "kahu-admin's host tables differ from kea-admin 2.2's (diff above)"
log "ok: same host tables, indexes, constraints and rows as kea-admin 2.2 ($(wc -l <"$LAB_TMP/kahu13.hosts") lines)"
assert_eq "" "$(host_extras kahu13)" "kahu-admin's host tables: no configuration-backend keys or triggers"
assert_eq "dhcp4_options dhcp4_options_adel dhcp4_options dhcp4_options_ains dhcp4_options dhcp4_options_aupd dhcp4_options dhcp4_options_modification_ts_update dhcp4_options fk_dhcp4_options_pool dhcp4_options fk_dhcp4_options_shared_network dhcp4_options fk_dhcp4_options_subnet" \
    "$(host_extras kea13 | grep '^dhcp4_options' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
    "what kea-admin 2.2 adds to dhcp4_options for its configuration backend (left out)"
functions kea13 | LC_ALL=C sort >"$LAB_TMP/kea13.functions"
functions kahu13 | LC_ALL=C sort >"$LAB_TMP/kahu13.functions"
extra=$(LC_ALL=C comm -13 "$LAB_TMP/kea13.functions" "$LAB_TMP/kahu13.functions" |
    grep -vx 'kahu_client_classes' || true)
assert_eq "" "$extra" "functions of kahu-admin's schema that kea-admin 2.2's lacks"
for f in checklease4limits checklease6limits isjsonsupported json_cast lease4dumpdata; do
    grep -qx "$f" "$LAB_TMP/kahu13.functions" || fail "kahu-admin's schema lacks $f()"
done
log "ok: Kea's functions the lease manager and kea-admin lease-dump call are there"

# A host as Kea 2.2's host data source writes one (its INSERT statements' columns; no host
# name or classes as '', next-server 0.0.0.0 as 0), dual-stack: a DHCPv6 subnet, an IPv6
# reservation and a DHCPv6 option besides its DHCPv4 options (one as text, one as bytes).
psql_su kea13 <<'SQL'
INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, dhcp6_subnet_id,
                   ipv4_address, hostname, dhcp4_client_classes, dhcp6_client_classes,
                   user_context, dhcp4_next_server, dhcp4_server_hostname, dhcp4_boot_file_name,
                   auth_key)
    VALUES (decode('000300010200000a0001', 'hex'), 1, 1, 1, 167772161, '', '', '',
            '{ "comment": "from Kea" }', 0, 'srv.example.org', '', '');
INSERT INTO ipv6_reservations (address, prefix_len, type, dhcp6_iaid, host_id)
    VALUES ('2001:db8::1', 128, 0, NULL, currval('hosts_host_id_seq'));
INSERT INTO dhcp4_options (code, value, formatted_value, space, persistent, user_context,
                           host_id, scope_id)
    VALUES (6, '', '10.0.0.53', 'dhcp4', false, NULL, currval('hosts_host_id_seq'), 3),
           (15, 'lab'::bytea, NULL, 'dhcp4', true, NULL, currval('hosts_host_id_seq'), 3);
INSERT INTO dhcp6_options (code, value, formatted_value, space, persistent, user_context,
                           host_id, scope_id)
    VALUES (23, NULL, '2001:db8::53', 'dhcp6', false, NULL, currval('hosts_host_id_seq'), 3);
SQL
KAHU_TEST_PGSQL_KEA_HOST=1 KAHU_TEST_PGSQL_PORT=$PG_PORT KAHU_TEST_PGSQL_NAME=kea13 \
    "$tests" --gtest_brief=1 --gtest_filter='PgSqlKeaHost.*'

for db in kahu13 kea13; do
    log "store tests on $db (schema $(admin_pg db-version "$db"))"
    KAHU_TEST_PGSQL_PORT=$PG_PORT KAHU_TEST_PGSQL_NAME=$db KAHU_TEST_PGSQL_EMPTY=empty \
        "$tests" --gtest_brief=1 --gtest_filter='-PgSqlInterop.*:PgSqlKeaHost.*'
done

# Kea 2.2 on kahu-admin's database, beside Kahu.
if ! command -v kea-dhcp4 >/dev/null || [[ ! -e $KEA_HOOKS/libdhcp_lease_cmds.so ]] ||
    ! command -v socat >/dev/null || ! command -v jq >/dev/null; then
    log "Kea 2.2's kea-dhcp4, its lease_cmds hook, socat or jq missing: no Kea interoperation check"
    pass
    exit 0
fi
psql_su kahu13 <<<'DELETE FROM lease4'
KEA_SOCK=$LAB_TMP/kea.sock
cat >"$LAB_TMP/kea.json" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "lease-database": {"type": "postgresql", "name": "kahu13", "host": "127.0.0.1",
                     "port": $PG_PORT, "user": "kea", "password": "motdepasse"},
  "hosts-database": {"type": "postgresql", "name": "kahu13", "host": "127.0.0.1",
                     "port": $PG_PORT, "user": "kea", "password": "motdepasse"},
  "control-socket": {"socket-type": "unix", "socket-name": "$KEA_SOCK"},
  "hooks-libraries": [{"library": "$KEA_HOOKS/libdhcp_lease_cmds.so"}],
  "subnet4": [{"id": 10, "subnet": "172.18.10.0/24"}],
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
               "output_options": [{"output": "stdout"}]}]
}}
EOF
KEA_PIDFILE_DIR=$LAB_TMP KEA_LOCKFILE_DIR=$LAB_TMP kea-dhcp4 -c "$LAB_TMP/kea.json" \
    >"$LAB_TMP/kea.log" 2>&1 &
KEA_PID=$!
end=$((SECONDS + 30))
until [[ -S $KEA_SOCK ]]; do
    kill -0 "$KEA_PID" 2>/dev/null || { cat "$LAB_TMP/kea.log" >&2; KEA_PID=""; fail "Kea 2.2 does not start on kahu-admin's database"; }
    ((SECONDS < end)) || { cat "$LAB_TMP/kea.log" >&2; fail "Kea 2.2's control socket did not appear in 30 s"; }
    sleep 0.2
done
log "Kea 2.2 running on kahu-admin's database (pid $KEA_PID)"
# Kea 2.2 opens its host data source (and prepares its statements on the host tables) at start.
grep -q "DHCPSRV_PGSQL_HOST_DB.*name=kahu13" "$LAB_TMP/kea.log" ||
    { cat "$LAB_TMP/kea.log" >&2; fail "Kea 2.2 did not open kahu-admin's host tables"; }
kea() { # command arguments-json: the answer's result, then the whole answer
    printf '{"command": "%s", "arguments": %s}' "$1" "$2" | socat -t 10 - "UNIX-CONNECT:$KEA_SOCK"
}
kea_ok() { # command arguments-json what
    local answer
    answer=$(kea "$1" "$2")
    assert_eq "0" "$(jq -r .result <<<"$answer")" "$3 ($answer)"
}
kea_ok lease4-add '{"ip-address": "172.18.10.201", "hw-address": "02:00:00:0a:00:c9",
    "client-id": "01:02:00:00:0a:00:c9", "valid-lft": 3600, "expire": 1700003600,
    "subnet-id": 10, "fqdn-fwd": true, "fqdn-rev": false, "hostname": "kea-host.example.org",
    "user-context": {"ISC": {"client-classes": ["kea"]}}}' "Kea 2.2 adds a lease"
kea_ok lease4-add '{"ip-address": "172.18.10.203", "hw-address": "02:00:00:0a:00:cb",
    "valid-lft": 3600, "expire": 1700003600, "subnet-id": 10}' \
    "Kea 2.2 adds a lease without client id, hostname or context"
KAHU_TEST_PGSQL_INTEROP=1 KAHU_TEST_PGSQL_PORT=$PG_PORT KAHU_TEST_PGSQL_NAME=kahu13 \
    "$tests" --gtest_brief=1 --gtest_filter='PgSqlInterop.*'

row() { # address: the columns as text, the user context normalized, names made neutral
    psql_su kahu13 <<<"SELECT client_id IS NULL, octet_length(client_id), hwaddr IS NULL,
        quote_nullable(replace(replace(hostname, 'kahu', 'X'), 'kea', 'X')),
        user_context IS NULL, user_context = '',
        replace(replace(NULLIF(user_context, ''), 'kahu', 'X'), 'kea', 'X')::jsonb,
        fqdn_fwd, fqdn_rev, state, valid_lifetime, extract(epoch from expire)::bigint, subnet_id
        FROM lease4 WHERE address = $(ip_to_int "$1")"
}
assert_eq "$(row 172.18.10.201)" "$(row 172.18.10.202)" "Kahu's row is Kea's (full lease)"
assert_eq "$(row 172.18.10.203)" "$(row 172.18.10.204)" \
    "Kahu's row is Kea's (no client id, hostname or context)"

answer=$(kea lease4-get '{"ip-address": "172.18.10.202"}')
assert_eq '0 02:00:00:0a:00:ca 01:02:00:00:0a:00:ca 1700000000 3600 10 true false kahu-host.example.org 0 ["kahu"]' \
    "$(jq -r '[.result, .arguments["hw-address"], .arguments["client-id"], .arguments.cltt,
        .arguments["valid-lft"], .arguments["subnet-id"], .arguments["fqdn-fwd"],
        .arguments["fqdn-rev"], .arguments.hostname, .arguments.state,
        (.arguments["user-context"].ISC["client-classes"] | tojson)] | map(tostring) | join(" ")' \
        <<<"$answer")" "Kea 2.2 reads the lease Kahu wrote"
answer=$(kea lease4-get '{"ip-address": "172.18.10.204"}')
assert_eq '0 02:00:00:0a:00:cc  1700000000 null' \
    "$(jq -r '[.result, .arguments["hw-address"], .arguments.hostname, .arguments.cltt,
        .arguments["client-id"]] | map(tostring) | join(" ")' <<<"$answer")" \
    "Kea 2.2 reads the lease Kahu wrote without client id, hostname or context"
# Kea's update and delete match the row by its expire (read back, then sent as local time).
kea_ok lease4-update '{"ip-address": "172.18.10.202", "hw-address": "02:00:00:0a:00:ca",
    "subnet-id": 10, "valid-lft": 3600, "expire": 1700007200,
    "hostname": "renamed.example.org"}' "Kea 2.2 updates the lease Kahu wrote"
assert_eq "renamed.example.org|1700007200" "$(psql_su kahu13 <<<"SELECT hostname || '|' ||
    extract(epoch from expire)::bigint FROM lease4 WHERE address = $(ip_to_int 172.18.10.202)")" \
    "the row after Kea's update"
kea_ok lease4-del '{"ip-address": "172.18.10.204"}' "Kea 2.2 deletes the lease Kahu wrote"
assert_eq "1 1 1" "$(psql_su kahu13 <<<"SELECT count(*) FILTER (WHERE address = $(ip_to_int 172.18.10.201)),
    count(*) FILTER (WHERE address = $(ip_to_int 172.18.10.202)),
    count(*) FILTER (WHERE address = $(ip_to_int 172.18.10.203)) FROM lease4" | tr '|' ' ')" \
    "the other leases are still there"
assert_eq "3" "$(psql_su kahu13 <<<'SELECT leases FROM lease4_stat WHERE subnet_id = 10 AND state = 0')" \
    "lease4_stat after both servers' writes"
kill -TERM "$KEA_PID"
wait "$KEA_PID" 2>/dev/null || true
KEA_PID=""
pass
