// SPDX-License-Identifier: MPL-2.0
#include "query_filter.h"

#include <array>
#include <kahu/error.h>

namespace kahu::ha {

namespace {
// RFC 3074 §6.
constexpr std::array<uint8_t, 256> kTable{
    251, 175, 119, 215, 81,  14,  79,  191, 103, 49,  181, 143, 186, 157, 0,   232, 31,  32,  55,
    60,  152, 58,  17,  237, 174, 70,  160, 144, 220, 90,  57,  223, 59,  3,   18,  140, 111, 166,
    203, 196, 134, 243, 124, 95,  222, 179, 197, 65,  180, 48,  36,  15,  107, 46,  233, 130, 165,
    30,  123, 161, 209, 23,  97,  16,  40,  91,  219, 61,  100, 10,  210, 109, 250, 127, 22,  138,
    29,  108, 244, 67,  207, 9,   178, 204, 74,  98,  126, 249, 167, 116, 34,  77,  193, 200, 121,
    5,   20,  113, 71,  35,  128, 13,  182, 94,  25,  226, 227, 199, 75,  27,  41,  245, 230, 224,
    43,  225, 177, 26,  155, 150, 212, 142, 218, 115, 241, 73,  88,  105, 39,  114, 62,  255, 192,
    201, 145, 214, 168, 158, 221, 148, 154, 122, 12,  84,  82,  163, 44,  139, 228, 236, 205, 242,
    217, 11,  187, 146, 159, 64,  86,  239, 195, 42,  106, 198, 118, 112, 184, 172, 87,  2,   173,
    117, 176, 229, 247, 253, 137, 185, 99,  164, 102, 147, 45,  66,  231, 52,  141, 211, 194, 206,
    246, 238, 56,  110, 78,  248, 63,  240, 189, 93,  92,  51,  53,  183, 19,  171, 72,  50,  33,
    104, 101, 69,  8,   252, 83,  120, 76,  135, 85,  54,  202, 125, 188, 213, 96,  235, 136, 208,
    162, 129, 190, 132, 156, 38,  47,  1,   7,   254, 24,  4,   216, 131, 89,  21,  28,  133, 37,
    153, 149, 80,  170, 68,  6,   169, 234, 151};
} // namespace

uint8_t loadBalancingHash(std::span<const uint8_t> key) noexcept {
    uint8_t h = static_cast<uint8_t>(key.size() & 0xff);
    for (size_t i = key.size(); i > 0; --i) {
        h = kTable[h ^ key[i - 1]];
    }
    return h;
}

QueryFilter::QueryFilter(const HaConfig& config)
    : mode_(config.mode), thisName_(config.thisServerName), thisRole_(config.thisServer().role) {
    for (const auto& p : config.peers) {
        if (p.role == PeerRole::Primary) {
            primary_ = p.name;
        } else if (p.role == PeerRole::Secondary || p.role == PeerRole::Standby) {
            secondary_ = p.name;
        }
    }
    ordered_.push_back(primary_);
    if (!secondary_.empty()) {
        ordered_.push_back(secondary_);
    }
    for (const auto& p : config.peers) {
        if (p.role == PeerRole::Backup) {
            ordered_.push_back(p.name);
        }
    }
    serveDefaultScopes();
}

bool QueryFilter::isHaType(const Packet4& query) noexcept {
    auto t = query.messageType();
    if (!t) {
        return false;
    }
    switch (*t) {
    case MessageType::Discover:
    case MessageType::Request:
    case MessageType::Decline:
    case MessageType::Release:
    case MessageType::Inform:
        return true;
    default:
        return false;
    }
}

std::string QueryFilter::scopeOf(const Packet4& query) const {
    if (!isHaType(query) || mode_ != HaMode::LoadBalancing) {
        return primary_;
    }
    std::span<const uint8_t> key;
    const Option* cid = query.get(opt::kClientId);
    if (cid != nullptr && !cid->data.empty()) {
        key = cid->data;
    } else if (query.hlen > 0) {
        key = std::span<const uint8_t>(query.chaddr.data(),
                                       std::min<size_t>(query.hlen, query.chaddr.size()));
    } else {
        return {};
    }
    return (loadBalancingHash(key) % 2) == 0 ? primary_ : secondary_;
}

QueryFilter::Decision QueryFilter::inScope(const Packet4& query) const {
    Decision d;
    d.scope = scopeOf(query);
    if (d.scope.empty()) {
        return d;
    }
    if (!isHaType(query)) {
        d.inScope = true;
        return d;
    }
    d.inScope = amServing(d.scope);
    return d;
}

void QueryFilter::serveDefaultScopes() {
    std::lock_guard lock(mutex_);
    served_.clear();
    if (thisRole_ == PeerRole::Primary || thisRole_ == PeerRole::Secondary) {
        served_.insert(thisName_);
    }
}

void QueryFilter::serveFailoverScopes() {
    std::lock_guard lock(mutex_);
    served_.clear();
    served_.insert(primary_);
    if (mode_ == HaMode::LoadBalancing && !secondary_.empty()) {
        served_.insert(secondary_);
    }
}

void QueryFilter::serveNoScopes() {
    std::lock_guard lock(mutex_);
    served_.clear();
}

void QueryFilter::serveScopes(const std::vector<std::string>& scopes) {
    for (const auto& s : scopes) {
        bool known = false;
        for (const auto& o : ordered_) {
            known = known || o == s;
        }
        if (!known) {
            throw CommandError("invalid server name specified '" + s +
                               "' while enabling/disabling HA scopes");
        }
    }
    std::lock_guard lock(mutex_);
    served_ = std::set<std::string>(scopes.begin(), scopes.end());
}

std::vector<std::string> QueryFilter::servedScopes() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& o : ordered_) {
        if (served_.count(o) != 0) {
            out.push_back(o);
        }
    }
    return out;
}

bool QueryFilter::amServing(const std::string& scope) const {
    std::lock_guard lock(mutex_);
    return served_.count(scope) != 0;
}

} // namespace kahu::ha
