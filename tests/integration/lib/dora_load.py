# SPDX-License-Identifier: MPL-2.0
"""Relayed DHCPv4 load that completes DORA exchanges and reports every ACK.

  dora_load.py SERVER GIADDR RATE SECONDS

Run in the router namespace without dhcrelay (it binds GIADDR:67 to get the replies the server
sends to the relay). Starts RATE new clients per second (random MACs 02:88:xx:xx:xx:xx) for
SECONDS, answers each OFFER with a REQUEST, prints "ACK <mac> <address>" for every DHCPACK, and
on stderr a summary. No retransmission: an exchange the server does not answer is just lost.
Standard library only.
"""
import os
import random
import select
import socket
import struct
import sys
import time

COOKIE = b"\x63\x82\x53\x63"


def packet(msg_type, mac, xid, giaddr, extra=b""):
    hdr = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 1, xid, 0, 0, bytes(4), bytes(4), bytes(4),
                      socket.inet_aton(giaddr)) + mac.ljust(16, b"\0") + bytes(192)
    return hdr + COOKIE + bytes([53, 1, msg_type]) + extra + b"\xff"


def options(data):
    opts, i = {}, 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        code, length = data[i], data[i + 1]
        opts[code] = data[i + 2:i + 2 + length]
        i += 2 + length
    return opts


def main():
    server, giaddr, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((giaddr, 67))
    macs = {}  # xid -> mac
    started = offers = acks = naks = 0
    t0 = time.monotonic()
    end = t0 + seconds
    while True:
        now = time.monotonic()
        if now >= end + 2:  # 2 s for the last answers
            break
        if now < end:
            due = int((now - t0) * rate) + 1
            while started < due:
                xid = random.getrandbits(32)
                mac = b"\x02\x88" + os.urandom(4)
                macs[xid] = mac
                s.sendto(packet(1, mac, xid, giaddr), (server, 67))
                started += 1
        r, _, _ = select.select([s], [], [], 0.005)
        if not r:
            continue
        data = s.recv(4096)
        if len(data) < 240 or data[0] != 2:
            continue
        xid = struct.unpack("!I", data[4:8])[0]
        mac = macs.get(xid)
        o = options(data)
        kind = o.get(53, b"\0")[0]
        yiaddr = socket.inet_ntoa(data[16:20])
        if mac is None:
            continue
        if kind == 2:  # OFFER -> REQUEST
            offers += 1
            extra = bytes([50, 4]) + data[16:20] + bytes([54, 4]) + o.get(54, bytes(4))
            s.sendto(packet(3, mac, xid, giaddr, extra), (server, 67))
        elif kind == 5:
            acks += 1
            print(f"ACK {':'.join(f'{b:02x}' for b in mac)} {yiaddr}", flush=True)
            del macs[xid]
        elif kind == 6:
            naks += 1
            del macs[xid]
    print(f"started {started} offers {offers} acks {acks} naks {naks}", file=sys.stderr)


if __name__ == "__main__":
    main()
