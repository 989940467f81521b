// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/reply_options.h"

#include <array>

namespace kahu {
namespace {

// Sent whenever configured, requested or not (Kea's appendBasicOptions).
constexpr std::array<uint8_t, 4> kBasicOptions = {opt::kRouters, opt::kDnsServers, opt::kDomainName,
                                                  opt::kServerId};

struct Levels {
    std::array<const OptionSet*, 5> sets{};
    size_t count = 0;
    void push(const OptionSet* s) {
        if (s && !s->empty()) {
            sets[count++] = s;
        }
    }
    const OptionData* find(uint8_t code) const {
        for (size_t i = 0; i < count; ++i) {
            for (const auto& o : *sets[i]) {
                if (o.code == code && o.space == "dhcp4") {
                    return &o;
                }
            }
        }
        return nullptr;
    }
};

} // namespace

void addConfiguredOptions(Packet4& reply, const Packet4& query, const ServerConfig& config,
                          const Subnet* subnet, const Pool* pool, const Reservation* reservation) {
    Levels levels;
    if (reservation) {
        levels.push(&reservation->options);
    }
    if (pool) {
        levels.push(&pool->options);
    }
    if (subnet) {
        levels.push(&subnet->options);
        if (subnet->sharedNetwork >= 0) {
            levels.push(&config.sharedNetworks[subnet->sharedNetwork].options);
        }
    }
    levels.push(&config.options);
    if (levels.count == 0) {
        return;
    }
    auto add = [&](uint8_t code) {
        if (reply.get(code) && code != opt::kServerId) {
            return;
        }
        const OptionData* o = levels.find(code);
        if (o && !o->neverSend) {
            reply.set(code, o->data);
        }
    };
    if (const Option* prl = query.get(opt::kParamRequest)) {
        for (uint8_t code : prl->data) {
            add(code);
        }
    }
    for (uint8_t code : kBasicOptions) {
        add(code);
    }
    for (size_t i = 0; i < levels.count; ++i) {
        for (const auto& o : *levels.sets[i]) {
            if (o.alwaysSend && o.space == "dhcp4") {
                add(o.code);
            }
        }
    }
}

void addLeaseTimes(Packet4& reply, const Subnet& subnet, uint32_t valid) {
    reply.setUint32(opt::kLeaseTime, valid);
    if (valid == Lease4::kInfinite) {
        return;
    }
    uint32_t t2 = 0;
    if (subnet.rebindTimer) {
        t2 = *subnet.rebindTimer;
    } else if (subnet.calculateTeeTimes) {
        t2 = static_cast<uint32_t>(valid * subnet.t2Percent);
    }
    bool sendT2 = t2 > 0 && t2 < valid;
    if (sendT2) {
        reply.setUint32(opt::kRebindingTime, t2);
    }
    uint32_t t1 = 0;
    if (subnet.renewTimer) {
        t1 = *subnet.renewTimer;
    } else if (subnet.calculateTeeTimes) {
        t1 = static_cast<uint32_t>(valid * subnet.t1Percent);
    }
    if (t1 > 0 && t1 < (sendT2 ? t2 : valid)) {
        reply.setUint32(opt::kRenewalTime, t1);
    }
}

} // namespace kahu
