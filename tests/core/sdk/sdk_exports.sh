#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# libkahu_core.so exports the SDK and the programs' entry points only (docs/hooks.md, "What
# the core exports"). Fails when a symbol of a class or function declared only in core/src
# (the server's internals) is in the library's dynamic symbol table, or an entry point is
# missing. Template instances of std:: and boost:: types are exported by the compiler
# whatever the visibility (vague linkage) and are left out.
# usage: sdk_exports.sh <libkahu_core.so> <source dir>
set -euo pipefail
lib=$1 src=$2
command -v nm >/dev/null || { echo "nm not installed; skipped"; exit 77; }
syms=$(nm -DC --defined-only "$lib" | cut -d' ' -f3- |
    grep -vE '^(typeinfo for |typeinfo name for |vtable for |guard variable for )?(std|boost|__gnu_cxx)::' || true)
# Names declared in core/src headers and not in the SDK's.
internal=$(grep -rhoE '^(class|struct) [A-Z][A-Za-z0-9]+' "$src/core/src" --include='*.h' |
    awk '{print $2}' | sort -u)
sdk=$(grep -rhoE '(class|struct|enum class|using) (KAHU_API )?[A-Z][A-Za-z0-9]+' \
    "$src/core/include" | awk '{print $NF}' | sort -u)
bad=0
for name in $internal; do
    # A name the SDK also uses (kahu::Server, kahu::http::Server) is checked in namespace kahu
    # only; any other in every namespace under kahu.
    if grep -qx "$name" <<<"$sdk"; then
        pattern="^([a-z ]+ for )?kahu::$name(::|\(| |$)"
    else
        pattern="kahu::([a-z0-9_]+::)*$name(::|\(| |$)"
    fi
    if found=$(grep -E "$pattern" <<<"$syms"); then
        echo "exported but not SDK ($name, declared in core/src):"
        head -5 <<<"$found" | sed 's/^/  /'
        bad=1
    fi
done
for entry in kahu_dhcp4_main kahu_ctrl_agent_main kahu_dhcp_ddns_main kahu_shell_main kahu_admin_main; do
    if ! grep -qx "$entry" <<<"$syms"; then
        echo "entry point $entry is not exported"
        bad=1
    fi
done
n=$(grep -c 'kahu' <<<"$syms" || true)
echo "$n exported kahu symbols; $(wc -w <<<"$internal") internal class names checked"
exit $bad
