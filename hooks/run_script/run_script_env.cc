// SPDX-License-Identifier: MPL-2.0
#include "run_script_env.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace kahu::run_script {

namespace {

void put(Env& env, std::string_view prefix, std::string_view suffix, std::string_view value) {
    std::string v;
    v.reserve(prefix.size() + suffix.size() + 1 + value.size());
    v.append(prefix).append(suffix).append(1, '=').append(value);
    env.push_back(std::move(v));
}

void put(Env& env, std::string_view prefix, std::string_view suffix, uint64_t value) {
    put(env, prefix, suffix, std::to_string(value));
}

// Kea's extractHWAddr: the bytes without the type, then the type; both empty for none.
void putHwAddr(Env& env, std::string_view prefix, std::string_view suffix, const HwAddr* hw) {
    std::string typeName = std::string(suffix) + "_TYPE";
    if (hw == nullptr) {
        put(env, prefix, suffix, "");
        put(env, prefix, typeName, "");
        return;
    }
    put(env, prefix, suffix, hw->str());
    put(env, prefix, typeName, uint64_t{hw->htype});
}

// A link-layer address from a raw socket (Ethernet); all zeros means the query came from a
// UDP socket, where Kea has none.
std::optional<HwAddr> mac(const std::array<uint8_t, 6>& bytes) {
    if (std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; })) {
        return std::nullopt;
    }
    return HwAddr{1, {bytes.begin(), bytes.end()}};
}

// Kea keeps option 82's sub-options by code and packs them in ascending order; data that
// does not parse as sub-options is kept as it came.
std::vector<uint8_t> packedRelayInfo(const std::vector<uint8_t>& data) {
    struct Sub {
        uint8_t code;
        std::span<const uint8_t> value;
    };
    std::vector<Sub> subs;
    for (size_t i = 0; i < data.size();) {
        if (i + 2 > data.size() || i + 2 + data[i + 1] > data.size()) {
            return data;
        }
        subs.push_back({data[i], std::span<const uint8_t>(data).subspan(i + 2, data[i + 1])});
        i += 2 + data[i + 1];
    }
    std::stable_sort(subs.begin(), subs.end(),
                     [](const Sub& a, const Sub& b) { return a.code < b.code; });
    std::vector<uint8_t> out;
    out.reserve(data.size());
    for (const Sub& s : subs) {
        out.push_back(s.code);
        out.push_back(static_cast<uint8_t>(s.value.size()));
        out.insert(out.end(), s.value.begin(), s.value.end());
    }
    return out;
}

} // namespace

std::string optionHex(const uint8_t* data, size_t size) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string s;
    if (size == 0) {
        return s;
    }
    s.reserve(2 + size * 2);
    s += "0x";
    for (size_t i = 0; i < size; ++i) {
        s += kHex[data[i] >> 4];
        s += kHex[data[i] & 0xf];
    }
    return s;
}

void addQuery(Env& env, const Packet4& q, std::string_view prefix) {
    auto type = q.messageType();
    put(env, prefix, "_TYPE", type ? toString(*type) : "UNKNOWN");
    put(env, prefix, "_TXID", uint64_t{q.xid});
    put(env, prefix, "_LOCAL_ADDR", q.localAddr.str());
    put(env, prefix, "_LOCAL_PORT", uint64_t{q.localPort});
    put(env, prefix, "_REMOTE_ADDR", q.remoteAddr.str());
    put(env, prefix, "_REMOTE_PORT", uint64_t{q.remotePort});
    put(env, prefix, "_IFACE_INDEX", static_cast<uint64_t>(q.ifindex)); // as Kea converts an int
    put(env, prefix, "_IFACE_NAME", q.iface);
    put(env, prefix, "_HOPS", uint64_t{q.hops});
    put(env, prefix, "_SECS", uint64_t{q.secs});
    put(env, prefix, "_FLAGS", uint64_t{q.flags});
    put(env, prefix, "_CIADDR", q.ciaddr.str());
    put(env, prefix, "_SIADDR", q.siaddr.str());
    put(env, prefix, "_YIADDR", q.yiaddr.str());
    put(env, prefix, "_GIADDR", q.giaddr.str());
    // Kea's Pkt4::isRelayed(): a giaddr that is neither 0.0.0.0 nor 255.255.255.255.
    put(env, prefix, "_RELAYED", !q.giaddr.isZero() && !q.giaddr.isBroadcast() ? "true" : "false");
    const HwAddr hw = q.hwAddr();
    putHwAddr(env, prefix, "_HWADDR", &hw);
    const auto local = mac(q.localMac);
    putHwAddr(env, prefix, "_LOCAL_HWADDR", local ? &*local : nullptr);
    const auto remote = mac(q.remoteMac);
    putHwAddr(env, prefix, "_REMOTE_HWADDR", remote ? &*remote : nullptr);
    if (const Option* rai = q.get(opt::kRelayAgentInfo)) {
        const std::vector<uint8_t> packed = packedRelayInfo(rai->data);
        put(env, prefix, "_OPTION_82", optionHex(packed.data(), packed.size()));
        for (uint8_t sub : {uint8_t{1}, uint8_t{2}}) { // circuit-id, remote-id
            if (auto data = q.relaySubOption(sub)) {
                put(env, prefix, "_OPTION_82_SUB_OPTION_" + std::to_string(sub),
                    optionHex(data->data(), data->size()));
            }
        }
    }
}

void addLease(Env& env, const Lease4& l, std::string_view prefix) {
    put(env, prefix, "_ADDRESS", l.address.str());
    put(env, prefix, "_CLTT", static_cast<uint64_t>(l.cltt));
    put(env, prefix, "_HOSTNAME", l.hostname);
    putHwAddr(env, prefix, "_HWADDR", &l.hwAddr);
    put(env, prefix, "_STATE", leaseStateText(l.state));
    put(env, prefix, "_SUBNET_ID", uint64_t{l.subnetId});
    put(env, prefix, "_VALID_LIFETIME", uint64_t{l.validLifetime});
    put(env, prefix, "_CLIENT_ID", toColonHex(l.clientId));
}

void addLeases(Env& env, const std::vector<Lease4>& leases, std::string_view prefix) {
    put(env, prefix, "_SIZE", uint64_t{leases.size()});
    for (size_t i = 0; i < leases.size(); ++i) {
        addLease(env, leases[i], std::string(prefix) + "_AT" + std::to_string(i));
    }
}

Env renewEnv(const hooks::Lease4RenewArgs& a) {
    Env env;
    env.reserve(48);
    addQuery(env, a.query, "QUERY4");
    put(env, "SUBNET4", "_ID", uint64_t{a.subnet.id});
    put(env, "SUBNET4", "_NAME", a.subnet.prefix.str());
    put(env, "SUBNET4", "_PREFIX", a.subnet.prefix.address.str());
    put(env, "SUBNET4", "_PREFIX_LEN", uint64_t{a.subnet.prefix.length});
    put(env, "PKT4_CLIENT_ID", "", a.clientId != nullptr ? toColonHex(*a.clientId) : "");
    putHwAddr(env, "PKT4", "_HWADDR", &a.hwAddr);
    addLease(env, a.lease, "LEASE4");
    return env;
}

Env expireEnv(const hooks::Lease4ExpireArgs& a) {
    Env env;
    addLease(env, a.lease, "LEASE4");
    put(env, "REMOVE_LEASE", "", a.removeLease ? "true" : "false");
    return env;
}

Env recoverEnv(const hooks::Lease4RecoverArgs& a) {
    Env env;
    addLease(env, a.lease, "LEASE4");
    return env;
}

Env committedEnv(const hooks::Leases4CommittedArgs& a) {
    Env env;
    env.reserve(32 + 9 * (a.leases.size() + a.deletedLeases.size()));
    addQuery(env, a.query, "QUERY4");
    addLeases(env, a.leases, "LEASES4");
    addLeases(env, a.deletedLeases, "DELETED_LEASES4");
    return env;
}

Env releaseEnv(const hooks::Lease4ReleaseArgs& a) {
    Env env;
    addQuery(env, a.query, "QUERY4");
    addLease(env, a.lease, "LEASE4");
    return env;
}

Env declineEnv(const hooks::Lease4DeclineArgs& a) {
    Env env;
    addQuery(env, a.query, "QUERY4");
    addLease(env, a.lease, "LEASE4");
    return env;
}

} // namespace kahu::run_script
