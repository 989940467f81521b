# SPDX-License-Identifier: MPL-2.0
"""Walks every page of lease4-get-page through kahu-ctrl-agent with the real kea-shell or curl
(one process per page, as an operator's script would) and prints the addresses received, one a
line, in the order received. Fails (exit 1, message on stderr) when a page's "count" differs
from its number of leases, a page is larger than the limit, or the walk does not end with
result 3 and {"count": 0, "leases": []}.

Usage: lease_pages.py shell|curl <port> <limit> [max pages]
"""
import json
import subprocess
import sys

via, port, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
max_pages = int(sys.argv[4]) if len(sys.argv) > 4 else 1000


def page(start):
    if via == "shell":
        out = subprocess.run(["kea-shell", "--host", "127.0.0.1", "--port", port, "--service",
                              "dhcp4", "lease4-get-page"],
                             input=f'"from": "{start}", "limit": {limit}', text=True,
                             capture_output=True, timeout=30).stdout
    else:
        body = json.dumps({"command": "lease4-get-page", "service": ["dhcp4"],
                           "arguments": {"from": start, "limit": limit}})
        out = subprocess.run(["curl", "-s", "-X", "POST", "-H", "Content-Type: application/json",
                              "-d", body, f"http://127.0.0.1:{port}/"],
                             text=True, capture_output=True, timeout=30).stdout
    try:
        return json.loads(out)[0]
    except (ValueError, IndexError, KeyError):
        sys.exit(f"{via}: page after {start}: not a list answer: {out[:300]!r}")


start, pages = "start", 0
while True:
    answer = page(start)
    if answer.get("result") != 0:
        break
    leases = answer["arguments"]["leases"]
    if answer["arguments"]["count"] != len(leases) or not 0 < len(leases) <= limit:
        sys.exit(f"{via}: page after {start}: count {answer['arguments']['count']},"
                 f" {len(leases)} leases, limit {limit}")
    for lease in leases:
        print(lease["ip-address"])
    start = leases[-1]["ip-address"]
    pages += 1
    if pages > max_pages:
        sys.exit(f"{via}: more than {max_pages} pages")
if answer.get("result") != 3 or answer.get("arguments") != {"count": 0, "leases": []}:
    sys.exit(f"{via}: the walk ended with {json.dumps(answer)[:300]}")
print(f"{via}: {pages} pages", file=sys.stderr)
