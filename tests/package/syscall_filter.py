#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Checks the system calls a traced process made against a unit's SystemCallFilter.

usage: syscall_filter.py UNIT STRACE_SUMMARY

STRACE_SUMMARY is `strace -f -c -o FILE` output. The allowed set is what the unit's
SystemCallFilter= lines allow, with systemd's groups expanded by `systemd-analyze
syscall-filter`. Prints every call the filter would refuse and exits 1 if there is one.
"""
import re
import subprocess
import sys


def groups():
    out = subprocess.run(["systemd-analyze", "syscall-filter"], check=True,
                         capture_output=True, text=True).stdout
    table, current = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            current = line.split()[0]
            table[current] = []
        elif current and line.strip() and not line.strip().startswith("#"):
            table[current].append(line.strip())
    return table


def expand(name, table, seen=None):
    seen = seen or set()
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    calls = set()
    for member in table.get(name, []):
        calls |= expand(member, table, seen)
    return calls


def allowed_calls(unit, table):
    allowed = None
    for line in open(unit, encoding="utf-8"):
        m = re.match(r"\s*SystemCallFilter=(.*)", line)
        if not m:
            continue
        value = m.group(1).strip()
        deny = value.startswith("~")
        names = set()
        for item in value.lstrip("~").split():
            names |= expand(item, table)
        if deny:
            allowed = (allowed if allowed is not None else set()) - names
        else:
            allowed = (allowed or set()) | names
    return allowed


def traced_calls(summary):
    calls = set()
    for line in open(summary, encoding="utf-8"):
        cols = line.split()
        if len(cols) >= 5 and re.fullmatch(r"[0-9.]+", cols[0]) and re.fullmatch(r"[a-z_0-9]+", cols[-1]):
            if cols[-1] != "total":
                calls.add(cols[-1])
    return calls


def main():
    unit, summary = sys.argv[1], sys.argv[2]
    table = groups()
    allowed = allowed_calls(unit, table)
    if allowed is None:
        print(f"{unit}: no SystemCallFilter")
        return 1
    made = traced_calls(summary)
    if not made:
        print(f"{summary}: no system calls found (not strace -c output?)")
        return 1
    refused = sorted(made - allowed)
    print(f"{len(made)} distinct system calls made, {len(refused)} refused by {unit}")
    for call in refused:
        print(f"  refused: {call}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
