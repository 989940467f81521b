# SPDX-License-Identifier: MPL-2.0
"""Sends relayed DHCPDISCOVERs with chosen options and prints the options of each answer.

  dhcp_probe.py SERVER GIADDR QUERY...

Each QUERY is "mac-last-byte/opt=hex/opt=hex..." (hex of the option's value), e.g.
"21/55=01032b7d/60=646f63736973332e30". For each query the OFFER's options are printed as one
line "<query> <code>:<hex> <code>:<hex> ...", in wire order, PAD and END left out, followed by
"yiaddr=<address>"; "<query> (no answer)" when none comes within 2 s. The socket is bound to
GIADDR:67, where the server answers a relay. Run inside the router namespace. Standard library
only.
"""
import socket
import struct
import sys

COOKIE = b"\x63\x82\x53\x63"


def discover(giaddr, mac_last, options, xid):
    mac = bytes([0x02, 0x00, 0x00, 0x0A, 0x01, mac_last])
    head = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 1, xid, 0, 0, bytes(4), bytes(4), bytes(4),
                       socket.inet_aton(giaddr))
    body = head + mac.ljust(16, b"\0") + bytes(64) + bytes(128) + COOKIE + b"\x35\x01\x01"
    body += bytes([61, 7, 1]) + mac
    for code, value in options:
        body += bytes([code, len(value)]) + value
    return body + b"\xff"


def options_of(reply):
    out = []
    data = reply[240:]
    i = 0
    while i < len(data):
        code = data[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            break
        length = data[i + 1]
        out.append((code, data[i + 2:i + 2 + length]))
        i += 2 + length
    return out


def main():
    server, giaddr = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((giaddr, 67))
    sock.settimeout(2.0)
    for n, query in enumerate(sys.argv[3:]):
        parts = query.split("/")
        opts = []
        for p in parts[1:]:
            code, value = p.split("=")
            opts.append((int(code), bytes.fromhex(value)))
        xid = 0x4B410000 + n
        sock.sendto(discover(giaddr, int(parts[0], 16), opts, xid), (server, 67))
        line = query + " (no answer)"
        try:
            while True:
                reply, _ = sock.recvfrom(4096)
                if len(reply) > 240 and struct.unpack("!I", reply[4:8])[0] == xid:
                    opts = " ".join("%d:%s" % (c, v.hex()) for c, v in options_of(reply))
                    line = "%s %s yiaddr=%s" % (query, opts, socket.inet_ntoa(reply[16:20]))
                    break
        except socket.timeout:
            pass
        print(line, flush=True)


if __name__ == "__main__":
    main()
