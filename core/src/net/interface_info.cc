// SPDX-License-Identifier: MPL-2.0
#include "net/interface_info.h"

#include <algorithm>
#include <arpa/inet.h>
#include <bit>
#include <cerrno>
#include <cstring>
#include <ifaddrs.h>
#include <kahu/error.h>
#include <linux/if_packet.h>
#include <map>
#include <net/if.h>
#include <netinet/in.h>

namespace kahu::net {

bool InterfaceInfo::isUp() const noexcept {
    return (flags & IFF_UP) != 0;
}
bool InterfaceInfo::isLoopback() const noexcept {
    return (flags & IFF_LOOPBACK) != 0;
}

std::vector<InterfaceInfo> listInterfaces() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) {
        throw Error(std::string("cannot list network interfaces: ") + std::strerror(errno));
    }
    std::map<std::string, InterfaceInfo> byName;
    for (ifaddrs* a = list; a; a = a->ifa_next) {
        InterfaceInfo& info = byName[a->ifa_name];
        info.name = a->ifa_name;
        info.flags = a->ifa_flags;
        if (!a->ifa_addr) {
            continue;
        }
        if (a->ifa_addr->sa_family == AF_PACKET) {
            auto* ll = reinterpret_cast<const sockaddr_ll*>(a->ifa_addr);
            info.ifindex = ll->sll_ifindex;
            if (ll->sll_halen == 6) {
                std::memcpy(info.mac.data(), ll->sll_addr, 6);
            }
        } else if (a->ifa_addr->sa_family == AF_INET) {
            auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
            Ipv4Prefix prefix{Ipv4Address(ntohl(in->sin_addr.s_addr)), 32};
            if (a->ifa_netmask) {
                auto* mask = reinterpret_cast<const sockaddr_in*>(a->ifa_netmask);
                prefix.length = uint8_t(std::popcount(ntohl(mask->sin_addr.s_addr)));
            }
            info.addresses.push_back(prefix);
        }
    }
    freeifaddrs(list);
    std::vector<InterfaceInfo> out;
    for (auto& [name, info] : byName) {
        if (info.ifindex == 0) {
            info.ifindex = int(if_nametoindex(name.c_str()));
        }
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(),
              [](const InterfaceInfo& a, const InterfaceInfo& b) { return a.ifindex < b.ifindex; });
    return out;
}

std::optional<InterfaceInfo> findInterface(const std::string& name) {
    for (auto& info : listInterfaces()) {
        if (info.name == name) {
            return std::move(info);
        }
    }
    return std::nullopt;
}

} // namespace kahu::net
