# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# A throw-away MariaDB server for one test: a data directory under a temp dir, mariadbd
# listening on a unix socket in that directory and on a free 127.0.0.1 port, running as root,
# stopped and removed when the test exits. No system service is touched.
#
# Source after netns.bash (it uses LAB_TMP, LAB_PIDS, log and fail) or on its own.
#
#   mariadb_start            starts it; sets MARIADB_SOCKET, MARIADB_PORT and MARIADB_DIR.
#                            A server in a network namespace reaches it through the socket:
#                            "host": "localhost" plus MYSQL_UNIX_PORT=$MARIADB_SOCKET in its
#                            environment (libmariadb's default socket). Do not export that
#                            variable to the mysql client: it then fails TCP connections.
#   mariadb_sql [db] <<SQL   runs SQL as root
#   mariadb_create_db name user password
#   mariadb_stop / mariadb_restart

MARIADB_DIR=""
MARIADB_PID=""
MARIADB_EXTRA_ARGS=()  # more mariadbd options (e.g. TLS), set before mariadb_start

mariadb_start() {
    local base=${LAB_TMP:-$(mktemp -d /tmp/kahu-mariadb.XXXXXX)}
    MARIADB_DIR="$base/mariadb"
    mkdir -p "$MARIADB_DIR/data"
    MARIADB_SOCKET="$MARIADB_DIR/mysqld.sock"
    MARIADB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mariadb-install-db --no-defaults --datadir="$MARIADB_DIR/data" --user=root \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$MARIADB_DIR/install.log" 2>&1 || { cat "$MARIADB_DIR/install.log" >&2; fail "mariadb-install-db failed"; }
    _mariadb_run
    declare -F log >/dev/null && log "MariaDB running (pid $MARIADB_PID, socket $MARIADB_SOCKET, port $MARIADB_PORT)"
    # Without a lab, stop it at exit, unless the script has an exit trap of its own (which
    # calls mariadb_stop and removes its directory; replacing it would leave that behind).
    if [[ -z "${LAB_ID:-}" && -z "$(trap -p EXIT)" ]]; then trap mariadb_stop EXIT; fi
}

_mariadb_run() {
    mariadbd --no-defaults --datadir="$MARIADB_DIR/data" --user=root \
        --socket="$MARIADB_SOCKET" --port="$MARIADB_PORT" --bind-address=127.0.0.1 \
        --pid-file="$MARIADB_DIR/mariadbd.pid" --log-error="$MARIADB_DIR/mariadbd.log" \
        --skip-name-resolve --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
        --innodb-flush-log-at-trx-commit=2 --skip-log-bin ${MARIADB_EXTRA_ARGS[@]+"${MARIADB_EXTRA_ARGS[@]}"} \
        2>>"$MARIADB_DIR/mariadbd.log" &
    MARIADB_PID=$!
    if declare -p LAB_PIDS >/dev/null 2>&1; then LAB_PIDS+=("$MARIADB_PID"); fi
    local end=$((SECONDS + 30))
    until mariadb --no-defaults --socket="$MARIADB_SOCKET" -uroot -e 'SELECT 1' >/dev/null 2>&1; do
        kill -0 "$MARIADB_PID" 2>/dev/null || { tail -n 20 "$MARIADB_DIR/mariadbd.log" >&2; fail "mariadbd exited"; }
        ((SECONDS < end)) || fail "mariadbd did not accept connections in 30 s"
        sleep 0.2
    done
}

mariadb_sql() { # [database] < SQL
    mariadb --no-defaults --socket="$MARIADB_SOCKET" -uroot -N -B ${1:+"$1"}
}

mariadb_create_db() { # name user password
    mariadb_sql <<SQL
CREATE DATABASE $1;
CREATE USER IF NOT EXISTS '$2'@'localhost' IDENTIFIED BY '$3';
CREATE USER IF NOT EXISTS '$2'@'127.0.0.1' IDENTIFIED BY '$3';
GRANT ALL ON $1.* TO '$2'@'localhost';
GRANT ALL ON $1.* TO '$2'@'127.0.0.1';
SQL
}

mariadb_stop() {
    [[ -n "$MARIADB_PID" ]] || return 0
    kill -TERM "$MARIADB_PID" 2>/dev/null || true
    local end=$((SECONDS + 30))
    while kill -0 "$MARIADB_PID" 2>/dev/null && ((SECONDS < end)); do sleep 0.1; done
    kill -KILL "$MARIADB_PID" 2>/dev/null || true
    wait "$MARIADB_PID" 2>/dev/null || true
    MARIADB_PID=""
}

mariadb_restart() {
    mariadb_stop
    _mariadb_run
}
