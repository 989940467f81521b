#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Runs kahu_mysql_store_tests (the lease store and the host store) against a throw-away
# MariaDB: once on a schema 22.0 database made by kahu-admin, once on a schema 14.0 database
# made by Debian's kea-admin 2.2.
# Usage: mysql_store_test.sh <kahu_mysql_store_tests> <kahu-admin>
set -euo pipefail
LAB_SCRIPT_NAME=mysql_store_test.sh
source "$(dirname "$0")/../../integration/lib/assert.bash"
LAB_TMP=$(mktemp -d /tmp/kahu-mysql-store.XXXXXX)
cleanup() { local rc=$?; mariadb_stop; ((rc == 0)) && rm -rf "$LAB_TMP"; exit "$rc"; }
trap cleanup EXIT
source "$(dirname "$0")/../../integration/lib/mariadb.bash"
tests=$1 admin=$2

mariadb_start
mariadb_create_db kahu22 kea motdepasse
mariadb_create_db kea14 kea motdepasse
"$admin" db-init mysql -u kea -p motdepasse -n kahu22 -h 127.0.0.1 -P "$MARIADB_PORT" >/dev/null
kea-admin db-init mysql -u kea -p motdepasse -n kea14 -h localhost -x "--socket=$MARIADB_SOCKET" \
    >"$LAB_TMP/kea-admin.log" 2>&1 || { cat "$LAB_TMP/kea-admin.log"; fail "kea-admin db-init"; }
for db in kahu22 kea14; do
    log "schema of $db: $(mariadb_sql "$db" <<<'SELECT CONCAT_WS(".", version, minor) FROM schema_version')"
    MYSQL_UNIX_PORT=$MARIADB_SOCKET KAHU_TEST_MYSQL_NAME=$db "$tests" --gtest_brief=1
done
pass
