# SPDX-License-Identifier: MPL-2.0
# shellcheck shell=bash
# The differential harness's lab: one pair of namespaces per server under test, built with
# tests/integration/lib/netns.bash's ns_add (which records the namespace for lab_teardown and
# gives it its own /etc/netns/<ns>/resolv.conf). Sourced after netns.bash.
#
#   <id>-srv-<tag>: ens18 02:00:00:00:20:20 172.18.20.20/24, routes to the relay links
#        | veth (nothing else: no bridge, no host interface)
#   <id>-cli-<tag>: eth0 02:00:00:00:10:fe 172.18.10.254/24 + 172.18.30.254/24 (giaddrs)
#
# Both pairs use the same addresses: they are separate namespaces, so Kea and Kahu run side by
# side, each with the same configuration text.

diff_lab() { # tag
    local tag=$1 srv cli
    ns_add "srv-$tag"
    ns_add "cli-$tag"
    srv=$(ns_name "srv-$tag")
    cli=$(ns_name "cli-$tag")
    # No IPv6 chatter on the link (router solicitations, DAD): only the test's frames.
    nsx "srv-$tag" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    nsx "cli-$tag" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$srv" link add ens18 type veth peer name eth0 netns "$cli"
    ip -n "$srv" link set ens18 address 02:00:00:00:20:20
    ip -n "$cli" link set eth0 address 02:00:00:00:10:fe
    ip -n "$srv" addr add 172.18.20.20/24 dev ens18
    ip -n "$cli" addr add 172.18.10.254/24 dev eth0
    ip -n "$cli" addr add 172.18.30.254/24 dev eth0
    ip -n "$srv" link set ens18 up
    ip -n "$cli" link set eth0 up
    ip -n "$srv" route add 172.18.10.0/24 dev ens18
    ip -n "$srv" route add 172.18.30.0/24 dev ens18
    ip -n "$cli" route add 172.18.20.0/24 dev eth0
}
