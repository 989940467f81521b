#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# libdhcp_class_cmds.so as an operator uses it: kahu-dhcp4 with the library and a unix control
# socket; class-add, -get, -update, -list, -del over the socket change the running
# configuration (config-get shows it), a bad test or a duplicate is refused and changes nothing,
# a class another class depends on is not deleted, and the commands are still there after each
# change (the library is loaded again with the configuration). Loopback only: no DHCP socket.
set -euo pipefail
source "$(dirname "$0")/lib/assert.bash"
source "$(dirname "$0")/lib/loopback.bash"

KAHU_SOURCE=${KAHU_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
KAHU_BUILD=${KAHU_BUILD:-$KAHU_SOURCE/build}
SERVER=$KAHU_BUILD/core/kahu-dhcp4
export KAHU_HOOKS_PATH=$KAHU_BUILD/hooks-lib
for tool in socat jq; do
    command -v "$tool" >/dev/null || fail "$tool not installed"
done
[[ -f $KAHU_HOOKS_PATH/libdhcp_class_cmds.so ]] || fail "libdhcp_class_cmds.so is not built"

loopback_setup class-cmds
SOCK=$TMP/ctrl.sock
cat >"$TMP/dhcp4.conf" <<JSON
{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-socket": {"socket-type": "unix", "socket-name": "$SOCK"},
  "lease-database": {"type": "memfile", "persist": false},
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_class_cmds.so"}],
  "client-classes": [{"name": "phones", "test": "substring(option[60].hex,0,5) == 'phone'"}],
  "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
               "pools": [{"pool": "192.0.2.10 - 192.0.2.99", "client-class": "phones"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "$TMP/server.log"}],
               "severity": "INFO"}]
}}
JSON
"$SERVER" -c "$TMP/dhcp4.conf" >"$TMP/server.out" 2>&1 &
PIDS+=("$!")
wait_for 20 "the server's control socket" test -S "$SOCK"

cmd() { # command [arguments-json] -> the answer
    local body="{\"command\": \"$1\""
    [[ -n "${2:-}" ]] && body+=", \"arguments\": $2"
    printf '%s}' "$body" | socat -t 10 - "UNIX-CONNECT:$SOCK"
}
check() { # what expected-result expected-text-regex answer
    assert_eq "$2" "$(jq '.result' <<<"$4")" "$1: result"
    [[ -z "$3" ]] || assert_match "$3" "$(jq -r '.text' <<<"$4")" "$1: text"
}
names() { cmd class-list | jq -c '[.arguments."client-classes"[].name]'; }

check "class-list" 0 '^1 classes found$' "$(cmd class-list)"
PXE='{"name": "pxe", "test": "option[93].hex == 0x0007", "boot-file-name": "ipxe.efi"}'
check "class-add pxe" 0 "^Class 'pxe' added\.$" "$(cmd class-add "{\"client-classes\": [$PXE]}")"
assert_eq '["phones","pxe"]' "$(names)" "the new class is last"
check "class-add again" 1 "already exists" "$(cmd class-add "{\"client-classes\": [$PXE]}")"
bad=$(cmd class-add '{"client-classes": [{"name": "bad", "test": "option[60].hex"}]}')
check "class-add with a test that is not boolean" 1 "client-classes\[2\]\.test.*column" "$bad"
check "two classes at once" 1 "exactly one" \
    "$(cmd class-add "{\"client-classes\": [$PXE, $PXE]}")"
assert_eq '["phones","pxe"]' "$(names)" "refused adds change nothing"

got=$(cmd class-get '{"name": "pxe"}')
check "class-get" 0 "^Class 'pxe' definition returned$" "$got"
assert_eq '"option[93].hex == 0x0007"' "$(jq -c '.arguments."client-classes"[0].test' <<<"$got")" \
    "class-get test"
assert_eq '"0.0.0.0"' "$(jq -c '.arguments."client-classes"[0]."next-server"' <<<"$got")" \
    "class-get next-server default"
assert_eq '"ipxe.efi"' "$(cmd config-get | jq -c '.arguments.Dhcp4."client-classes"[1]."boot-file-name"')" \
    "config-get shows the added class"

check "class-update" 0 "^Class 'pxe' updated\.$" \
    "$(cmd class-update '{"client-classes": [{"name": "pxe", "test": "option[93].exists", "boot-file-name": "pxelinux.0"}]}')"
assert_eq '"pxelinux.0"' \
    "$(cmd class-get '{"name": "pxe"}' | jq -c '.arguments."client-classes"[0]."boot-file-name"')" \
    "class-update changed the class"
check "class-update of a missing class" 3 "not found" \
    "$(cmd class-update '{"client-classes": [{"name": "nope"}]}')"

check "class-add dependent" 0 "" \
    "$(cmd class-add '{"client-classes": [{"name": "dep", "test": "member('"'"'pxe'"'"')"}]}')"
check "class-del of a class another uses" 1 "used by class 'dep'" "$(cmd class-del '{"name": "pxe"}')"
check "class-del of a class a pool uses" 1 "used by a pool of subnet 1" \
    "$(cmd class-del '{"name": "phones"}')"
check "class-del dep" 0 "^Class 'dep' deleted\.$" "$(cmd class-del '{"name": "dep"}')"
check "class-del pxe" 0 "" "$(cmd class-del '{"name": "pxe"}')"
check "class-del again" 3 "not found" "$(cmd class-del '{"name": "pxe"}')"
assert_eq '["phones"]' "$(names)" "after the deletes"
assert_match 'class-add' "$(cmd list-commands | jq -c '.arguments')" \
    "the commands are still there after the changes"
pass "class-add/-get/-update/-list/-del change the running configuration"
