#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Addresses that the two servers of an HA pair hold live for two different clients.

Reads each server's memfile lease file (Kea's CSV: address, hwaddr, client_id, valid_lifetime,
expire, subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context[, pool_id]; columns are
found by the header line), the way Kea loads it: the LFC files beside it first (`.completed`,
or `.1` then `.2`), then the file itself; the last row for an address wins. A lease is live
when its valid_lifetime is not 0, its state is 0 (default: not declined, not expired-reclaimed)
and it has not expired (expire > now). A client is its hwaddr, or its client_id when the row
has no hwaddr.

A duplicate is an address live in both servers' final views for different clients: both
servers believe they gave it away, each to someone else. (One file's final view cannot name
two clients for an address, so the comparison is across the files.) As information, it also
counts the rows in each file's history that gave an address to another client while the
previous row for it was still live (a lease overwritten, e.g. by the partner's lease4-update).

With --acks PCAP (a tcpdump capture, Ethernet, of the servers' answers) it also counts the
addresses that DHCPACKs gave to more than one client (chaddr): what the clients were told,
whatever the lease files say afterwards. Nothing releases or expires during such a run, so
any such address is held by two clients at once.

Usage:  lease_duplicates.py [--now EPOCH] [--acks PCAP] [--json FILE] [--list N] LEASES_A LEASES_B
Exit status: 0 no duplicate, 1 duplicates (lease files or ACKs), 2 usage or unreadable file.
Used by tests/integration/ha_lb_no_duplicates.sh and bench/ha.py (import it: compare()).
Python 3 standard library only.
"""

import argparse
import json
import os
import struct
import sys
import time

COLUMNS = ("address", "hwaddr", "client_id", "valid_lifetime", "expire", "state")


def lease_files(path):
    """The files Kea would load for a lease file, oldest first (those that exist)."""
    completed = path + ".completed"
    if os.path.exists(completed):
        chain = [completed]
    else:
        chain = [p for p in (path + ".1", path + ".2") if os.path.exists(p)]
    return chain + [path]


def _int(text, default=0):
    try:
        return int(text)
    except ValueError:
        return default


def read_view(path, now):
    """Final view of one server: address -> row dict; plus counts and history overwrites."""
    view = {}
    rows = 0
    overwrites = []
    for f in lease_files(path):
        with open(f, newline="", encoding="utf-8", errors="replace") as fh:
            col = None
            for line in fh:
                line = line.rstrip("\r\n")
                if not line:
                    continue
                fields = line.split(",")
                if fields[0] == "address":  # header (a file may hold several after rewrites)
                    col = {name: i for i, name in enumerate(fields)}
                    missing = [c for c in COLUMNS if c not in col]
                    if missing:
                        raise ValueError(f"{f}: header lacks {', '.join(missing)}")
                    continue
                if col is None:
                    raise ValueError(f"{f}: no header line before the first row")
                if len(fields) < len(col) - 1:  # pool_id may be missing on old rows
                    continue
                rows += 1
                r = {c: fields[col[c]] for c in COLUMNS}
                r["valid_lifetime"] = _int(r["valid_lifetime"])
                r["expire"] = _int(r["expire"])
                r["state"] = _int(r["state"], -1)
                r["hwaddr"] = r["hwaddr"].lower()
                r["client_id"] = r["client_id"].lower()
                r["client"] = r["hwaddr"] or ("client-id " + r["client_id"])
                prev = view.get(r["address"])
                if prev is not None and prev["client"] != r["client"] and r["valid_lifetime"]:
                    # Was the previous lease still live when this one was written (its cltt)?
                    cltt = r["expire"] - r["valid_lifetime"]
                    if (prev["valid_lifetime"] and prev["state"] == 0
                            and prev["expire"] > cltt):
                        overwrites.append(r["address"])
                view[r["address"]] = r
    live = {a: r for a, r in view.items()
            if r["valid_lifetime"] != 0 and r["state"] == 0 and r["expire"] > now}
    return {"rows": rows, "addresses": len(view), "live": live, "overwrites": overwrites}


def pcap_acks(path):
    """(yiaddr, chaddr) of every DHCPACK in a classic pcap file with Ethernet frames."""
    acks = []
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return acks  # tcpdump stopped before writing anything
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            end = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            end = ">"
        else:
            raise ValueError(f"{path}: not a pcap file (pcapng is not read)")
        if struct.unpack(end + "I", head[20:24])[0] != 1:
            raise ValueError(f"{path}: link type is not Ethernet")
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            caplen = struct.unpack(end + "I", rec[8:12])[0]
            frame = f.read(caplen)
            if len(frame) < caplen:
                break
            off = 14
            ethertype = frame[12:14]
            while ethertype == b"\x81\x00" and len(frame) >= off + 4:  # VLAN tags
                ethertype, off = frame[off + 2:off + 4], off + 4
            if ethertype != b"\x08\x00" or len(frame) < off + 20 or frame[off + 9] != 17:
                continue
            udp = off + (frame[off] & 0x0F) * 4
            bootp = frame[udp + 8:]
            if len(bootp) < 240 or bootp[0] != 2 or bootp[236:240] != b"\x63\x82\x53\x63":
                continue
            i, msg_type = 240, None
            while i < len(bootp) and bootp[i] != 255:
                if bootp[i] == 0:
                    i += 1
                    continue
                if i + 1 >= len(bootp):
                    break
                if bootp[i] == 53 and bootp[i + 1] >= 1 and i + 2 < len(bootp):
                    msg_type = bootp[i + 2]
                    break
                i += 2 + bootp[i + 1]
            if msg_type != 5:
                continue
            hlen = min(bootp[2], 16)
            acks.append((".".join(str(b) for b in bootp[16:20]),
                         ":".join(f"{b:02x}" for b in bootp[28:28 + hlen])))
    return acks


def ack_duplicates(path):
    """Addresses DHCPACKed to more than one chaddr in a capture."""
    acks = pcap_acks(path)
    holders = {}
    for addr, chaddr in acks:
        holders.setdefault(addr, set()).add(chaddr)
    dups = sorted((a for a, h in holders.items() if len(h) > 1),
                  key=lambda s: tuple(_int(x) for x in s.split(".")))
    return {"acks": len(acks), "acked_addresses": len(holders), "ack_duplicates": len(dups),
            "ack_duplicate_addresses": [{"address": a, "clients": sorted(holders[a])}
                                        for a in dups]}


def compare(path_a, path_b, now=None, acks=None):
    """Compares two servers' lease files; returns a dict (JSON-serialisable)."""
    now = time.time() if now is None else now
    a, b = read_view(path_a, now), read_view(path_b, now)
    la, lb = a["live"], b["live"]
    both = la.keys() & lb.keys()
    dups = sorted((addr for addr in both if la[addr]["client"] != lb[addr]["client"]),
                  key=lambda s: tuple(_int(x) for x in s.split(".")))
    ack = ack_duplicates(acks) if acks else {}
    # Clients live on both servers but at different addresses (information only).
    by_client_a = {r["client"]: addr for addr, r in la.items()}
    split = sum(1 for addr, r in lb.items()
                if r["client"] in by_client_a and by_client_a[r["client"]] != addr)
    return {
        "files": [path_a, path_b],
        "now": int(now),
        "rows": [a["rows"], b["rows"]],
        "addresses": [a["addresses"], b["addresses"]],
        "live": [len(la), len(lb)],
        "live_on_both_same_client": len(both) - len(dups),
        "live_only_on": [len(la.keys() - lb.keys()), len(lb.keys() - la.keys())],
        "clients_at_different_addresses": split,
        "history_overwrites": [len(a["overwrites"]), len(b["overwrites"])],
        "duplicates": len(dups),
        "duplicate_addresses": [
            {"address": d, "a": {"client": la[d]["client"], "expire": la[d]["expire"]},
             "b": {"client": lb[d]["client"], "expire": lb[d]["expire"]}} for d in dups],
        **ack,
    }


def report(res, limit=20):
    """Human-readable lines for a compare() result."""
    a, b = res["files"]
    out = [
        f"A {a}: {res['rows'][0]} rows, {res['addresses'][0]} addresses, {res['live'][0]} live",
        f"B {b}: {res['rows'][1]} rows, {res['addresses'][1]} addresses, {res['live'][1]} live",
        f"live on both for the same client: {res['live_on_both_same_client']}; live only on A:"
        f" {res['live_only_on'][0]}, only on B: {res['live_only_on'][1]}",
        f"clients live on both at different addresses: {res['clients_at_different_addresses']}",
        f"live leases overwritten for another client in the file history: A"
        f" {res['history_overwrites'][0]}, B {res['history_overwrites'][1]}",
        f"duplicates (live on both servers for different clients): {res['duplicates']}",
    ]
    for d in res["duplicate_addresses"][:limit]:
        out.append(f"  DUPLICATE {d['address']}: A -> {d['a']['client']}, B -> {d['b']['client']}")
    if res["duplicates"] > limit:
        out.append(f"  ... and {res['duplicates'] - limit} more")
    if "acks" in res:
        out.append(f"captured DHCPACKs: {res['acks']} for {res['acked_addresses']} addresses;"
                   f" addresses ACKed to more than one client: {res['ack_duplicates']}")
        for d in res["ack_duplicate_addresses"][:limit]:
            out.append(f"  ACKED TWICE {d['address']}: {', '.join(d['clients'])}")
        if res["ack_duplicates"] > limit:
            out.append(f"  ... and {res['ack_duplicates'] - limit} more")
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("lease_a")
    ap.add_argument("lease_b")
    ap.add_argument("--now", type=float, help="the time leases are judged at (default: now)")
    ap.add_argument("--acks", metavar="PCAP",
                    help="also count addresses DHCPACKed to several clients in this capture")
    ap.add_argument("--json", metavar="FILE", help="also write the result as JSON to FILE")
    ap.add_argument("--list", type=int, default=20, metavar="N",
                    help="print at most N duplicate addresses (default 20)")
    args = ap.parse_args(argv)
    try:
        res = compare(args.lease_a, args.lease_b, args.now, args.acks)
    except (OSError, ValueError) as e:
        print(f"lease_duplicates: {e}", file=sys.stderr)
        return 2
    print("\n".join(report(res, args.list)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 1 if res["duplicates"] or res.get("ack_duplicates") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
