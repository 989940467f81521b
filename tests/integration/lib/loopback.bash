# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# For tests that run servers on loopback without namespaces: a temporary directory ($TMP),
# a list of started processes ($PIDS) stopped at exit, and on failure the tail of every
# *.out/*.log in $TMP with the directory kept. Source after assert.bash.

# Creates $TMP (/tmp/kahu-<name>.XXXXXX) and installs the exit trap.
loopback_setup() { # name
    TMP=$(mktemp -d "/tmp/kahu-$1.XXXXXX")
    # The servers' own directories (lease files, logs, sockets) are this run's.
    export KAHU_DHCP_DATA_DIR=$TMP KAHU_LOG_FILE_DIR=$TMP KAHU_CONTROL_SOCKET_DIR=$TMP
    PIDS=()
    trap loopback_cleanup EXIT INT TERM
}

loopback_cleanup() {
    local rc=$? pid
    rc=$(lab_exit_status "$rc")
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    if ((rc != 0)) && ! ((LAB_SKIPPED)); then
        tail -n 20 "$TMP"/*.out "$TMP"/*.log 2>/dev/null >&2 || true
        echo "kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
