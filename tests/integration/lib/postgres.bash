# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# A throw-away PostgreSQL 15 server for one test: a cluster (initdb) under a temp dir, run as
# the postgres OS user (runuser), listening on a unix socket in that directory and on a free
# 127.0.0.1 port, stopped and removed when the test exits. No system service is touched.
#
# Source after netns.bash (it uses LAB_TMP, log and fail) or on its own.
#
#   postgres_start            starts it; sets PG_PORT, PG_DIR and PG_SOCKET_DIR.
#                             A server in a network namespace (own loopback) reaches it through
#                             the socket: "host": "$PG_SOCKET_DIR", "port": $PG_PORT (libpq
#                             takes a host starting with "/" as a socket directory, and the port
#                             names the socket file .s.PGSQL.<port>).
#   postgres_sql [db] <<SQL   runs SQL as the superuser through the socket; one row a line,
#                             columns separated by "|" (psql -A -t), stops at the first error
#   postgres_create_db name user password
#                             the login role (made once, password checked on the socket and
#                             on TCP) and a database it owns
#   postgres_stop [mode]      pg_ctl stop -m fast (default), smart or immediate
#   postgres_restart          stop (fast), then start on the same data and port
#   as_postgres command...    runs a command as the postgres user, from $PG_DIR
#   postgres_tls ca cert key  ssl = on with that server certificate and key (copied into
#                             $PG_DIR/ssl for the postgres user), ca as ssl_ca_file (client
#                             certificates are checked against it), log_connections on (the log
#                             says "SSL enabled" per connection); restarts the server. The
#                             caller writes pg_hba.conf (postgres_hba) for what it needs.
#   postgres_hba <<HBA        replaces pg_hba.conf and reloads it
#
# PG_NETNS=<namespace> (set before postgres_start): every command of this file, the server
# included, runs in that network namespace (ip netns exec), so the server's 127.0.0.1 is the
# namespace's: a DHCP server there reaches it over TCP (TLS needs TCP: libpq never uses TLS on a
# unix socket). The socket directory works from any namespace.
#
# Authentication: the superuser "postgres" is trusted on the socket only; every other role
# must give its password (scram-sha-256), on the socket as on 127.0.0.1.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=""
PG_SOCKET_DIR=""
PG_PORT=""
PG_PID=""
PG_NETNS=${PG_NETNS:-}

postgres_start() {
    [[ -x $PG_BIN/initdb ]] || fail "PostgreSQL 15 is not installed ($PG_BIN/initdb; Debian's postgresql-15)"
    id postgres >/dev/null 2>&1 || fail "no postgres user (Debian's postgresql-15 makes it)"
    local base=${LAB_TMP:-$(mktemp -d /tmp/kahu-postgres.XXXXXX)}
    PG_DIR="$base/pg"
    PG_SOCKET_DIR="$PG_DIR"
    mkdir -p "$PG_DIR"
    chmod o+x "$base" # the postgres user must reach $PG_DIR; nothing else of $base is readable
    chown postgres:postgres "$PG_DIR"
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -E UTF8 --no-locale --auth-local=trust \
        --auth-host=scram-sha-256 -U postgres >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; fail "initdb failed"; }
    cat >"$PG_DIR/data/pg_hba.conf" <<'EOF'
local all postgres trust
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
EOF
    _postgres_run
    declare -F log >/dev/null && log "PostgreSQL running (pid $PG_PID, port $PG_PORT, socket dir $PG_SOCKET_DIR)"
    # In a lab, stop it before lab_teardown removes $LAB_TMP (keeping the exit status the
    # teardown reads). Without a lab, stop it at exit, unless the script has an exit trap of
    # its own (which calls postgres_stop; replacing it would leave its directory behind).
    if [[ -n "${LAB_ID:-}" && "$(trap -p EXIT)" == "trap -- 'lab_teardown' EXIT" ]]; then
        trap '_postgres_rc=$?; set +e; postgres_stop immediate; (exit "$_postgres_rc"); lab_teardown' EXIT
    elif [[ -z "${LAB_ID:-}" && -z "$(trap -p EXIT)" ]]; then
        trap 'postgres_stop immediate' EXIT
    fi
}

as_postgres() {
    if [[ -n "$PG_NETNS" ]]; then
        (cd "$PG_DIR" && ip netns exec "$PG_NETNS" runuser -u postgres -- "$@")
    else
        (cd "$PG_DIR" && runuser -u postgres -- "$@")
    fi
}

_postgres_run() {
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_SOCKET_DIR \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB" \
        start >/dev/null || { tail -n 20 "$PG_DIR/server.log" >&2; fail "pg_ctl start failed"; }
    PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
}

postgres_sql() { # [database] < SQL
    as_postgres psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -d "${1:-postgres}"
}

postgres_create_db() { # name user password
    postgres_sql <<SQL
DO \$\$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$2') THEN
        CREATE ROLE "$2" LOGIN PASSWORD '$3';
    END IF;
END\$\$;
CREATE DATABASE "$1" OWNER "$2";
SQL
}

postgres_stop() { # [fast|smart|immediate]
    [[ -n "$PG_PID" ]] || return 0
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w -t 60 stop >/dev/null 2>&1 ||
        kill -KILL "$PG_PID" 2>/dev/null || true
    PG_PID=""
}

postgres_restart() {
    postgres_stop
    _postgres_run
}

postgres_tls() { # ca-file cert-file key-file
    mkdir -p "$PG_DIR/ssl"
    cp "$1" "$PG_DIR/ssl/ca.pem"
    cp "$2" "$PG_DIR/ssl/server.pem"
    cp "$3" "$PG_DIR/ssl/server.key"
    chown -R postgres:postgres "$PG_DIR/ssl"
    chmod 600 "$PG_DIR/ssl/server.key"
    postgres_sql <<SQL
ALTER SYSTEM SET ssl = on;
ALTER SYSTEM SET ssl_ca_file = '$PG_DIR/ssl/ca.pem';
ALTER SYSTEM SET ssl_cert_file = '$PG_DIR/ssl/server.pem';
ALTER SYSTEM SET ssl_key_file = '$PG_DIR/ssl/server.key';
ALTER SYSTEM SET log_connections = on;
SQL
    postgres_restart
    [[ $(postgres_sql <<<'SHOW ssl') == on ]] || fail "PostgreSQL did not turn ssl on"
}

postgres_hba() { # < pg_hba.conf
    cat >"$PG_DIR/data/pg_hba.conf"
    postgres_sql <<<'SELECT pg_reload_conf()' >/dev/null
}
