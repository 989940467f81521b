# SPDX-License-Identifier: MPL-2.0
"""Sends DHCPv4 payloads, relayed-style (giaddr set), to a server's UDP port.

  dhcp_flood.py malformed SERVER GIADDR COUNT   every kind of broken packet, round robin
  dhcp_flood.py discover  SERVER GIADDR COUNT   valid DHCPDISCOVERs with random MACs

Run inside the router namespace by malformed_packets.sh. Standard library only.
"""
import os
import random
import socket
import struct
import sys
import time

COOKIE = b"\x63\x82\x53\x63"


def header(op=1, htype=1, hlen=6, giaddr="0.0.0.0", mac=None, xid=None):
    mac = mac if mac is not None else os.urandom(6)
    xid = xid if xid is not None else random.getrandbits(32)
    return (struct.pack("!BBBBIHH4s4s4s4s", op, htype, hlen, 1, xid, 0, 0, bytes(4), bytes(4),
                        bytes(4), socket.inet_aton(giaddr))
            + mac.ljust(16, b"\0") + bytes(64) + bytes(128))


def discover(giaddr, mac=None):
    return (header(giaddr=giaddr, mac=mac) + COOKIE + b"\x35\x01\x01"
            + b"\x37\x04\x01\x03\x06\x0f" + b"\xff")


def malformed(kind, giaddr):
    h = header(giaddr=giaddr)
    if kind == "short":  # shorter than the 236-byte BOOTP header (0 bytes too)
        return h[: random.randrange(0, 236)]
    if kind == "header-only":  # a header and no cookie
        return h
    if kind == "bad-cookie":
        return h + b"\x63\x82\x53\x64" + b"\x35\x01\x01\xff"
    if kind == "overrun":  # option length runs past the end of the packet
        return h + COOKIE + b"\x35\x01\x01" + b"\x0c\xf0" + b"abc"
    if kind == "overrun-type":  # the message type itself is cut off
        return h + COOKIE + b"\x35\x05\x01"
    if kind == "overload-loop":  # option 52 in sname/file again pointing at each other
        hb = bytearray(h)
        hb[44:44 + 64] = (b"\x34\x01\x03" + b"\x34\x01\x03" * 10 + b"\xff").ljust(64, b"\0")
        hb[108:108 + 128] = (b"\x34\x01\x03" * 20 + b"\xff").ljust(128, b"\0")
        return bytes(hb) + COOKIE + b"\x35\x01\x01\x34\x01\x03\xff"
    if kind == "overload-overrun":  # option 52 set, sname holds an option running past it
        hb = bytearray(h)
        hb[44:44 + 64] = b"\x0c\xff" + b"x" * 62
        return bytes(hb) + COOKIE + b"\x35\x01\x01\x34\x01\x02\xff"
    if kind == "no-type":  # good cookie, options without 53
        return h + COOKIE + b"\x0c\x04host\x37\x02\x01\x03\xff"
    if kind == "bad-type":  # message type 0 and 200
        return h + COOKIE + bytes([0x35, 1, random.choice([0, 9, 200])]) + b"\xff"
    if kind == "op2":  # a BOOTREPLY sent to the server
        return header(op=2, giaddr=giaddr) + COOKIE + b"\x35\x01\x01\xff"
    if kind == "hlen200":  # hardware length larger than chaddr
        return header(hlen=200, giaddr=giaddr) + COOKIE + b"\x35\x01\x01\xff"
    if kind == "hlen0-htype0":
        return header(htype=0, hlen=0, giaddr=giaddr) + COOKIE + b"\x35\x01\x01\xff"
    if kind == "no-end":  # options stop without END, padded with junk length bytes
        return h + COOKIE + b"\x35\x01\x01\x3d"
    if kind == "huge":  # a datagram far larger than any DHCP message
        return h + COOKIE + b"\x35\x01\x01" + (b"\x2b\xff" + b"z" * 255) * 200
    if kind == "random":
        return os.urandom(random.randrange(1, 1500))
    raise ValueError(kind)


KINDS = ["short", "header-only", "bad-cookie", "overrun", "overrun-type", "overload-loop",
         "overload-overrun", "no-type", "bad-type", "op2", "hlen200", "hlen0-htype0", "no-end",
         "huge", "random"]


def main():
    mode, server, giaddr, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    port = int(os.environ.get("DHCP_PORT", "67"))
    random.seed(int(os.environ.get("FLOOD_SEED", "4242")))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sent = 0
    for i in range(count):
        if mode == "malformed":
            data = malformed(KINDS[i % len(KINDS)], giaddr)
        else:
            data = discover(giaddr, mac=b"\x02\x77" + os.urandom(4))
        try:
            s.sendto(data, (server, port))
            sent += 1
        except OSError as e:  # e.g. EMSGSIZE for "huge" on a small MTU
            print(f"send {i}: {e}", file=sys.stderr)
        if i % 50 == 49:
            time.sleep(0.02)  # ~2500/s: a burst, not a test of the socket buffer
    print(sent)


if __name__ == "__main__":
    main()
