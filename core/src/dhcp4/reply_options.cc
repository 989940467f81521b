// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/reply_options.h"

#include "dhcp/option_vendor.h"

#include <algorithm>
#include <array>
#include <kahu/error.h>
#include <string_view>

namespace kahu {
namespace {

constexpr uint8_t kOptionOverload = 52; // RFC 2132 9.3
constexpr uint8_t kVivso = 125;         // V-I Vendor-Specific Information (RFC 3925)
constexpr uint32_t kEnterpriseCableLabs = 4491;
constexpr uint8_t kDocsisOro = 1; // DOCSIS3_V4_ORO: the options a cable modem asks for

// Sent whenever configured, requested or not (Kea's appendBasicOptions).
constexpr std::array<uint8_t, 4> kBasicOptions = {opt::kRouters, opt::kDnsServers, opt::kDomainName,
                                                  opt::kServerId};

struct Levels {
    // Reservation, pool, subnet, shared network and global, and one per class: on the stack
    // for up to kInline levels, which covers most configurations.
    static constexpr size_t kInline = 16;
    std::array<const OptionSet*, kInline> inlineSets{};
    std::vector<const OptionSet*> more;
    const OptionSet* const* sets = inlineSets.data();
    size_t count = 0;
    void push(const OptionSet* s) {
        if (!s || s->empty()) {
            return;
        }
        if (count < kInline) {
            inlineSets[count++] = s;
            return;
        }
        if (more.empty()) {
            more.assign(inlineSets.begin(), inlineSets.end());
        }
        more.push_back(s);
        sets = more.data();
        ++count;
    }
    const OptionData* find(uint8_t code, std::string_view space = "dhcp4") const {
        for (size_t i = 0; i < count; ++i) {
            for (const auto& o : *sets[i]) {
                if (o.code == code && o.space == space) {
                    return &o;
                }
            }
        }
        return nullptr;
    }
};

uint32_t enterpriseOf(const Option& o) {
    return uint32_t(o.data[0]) << 24 | uint32_t(o.data[1]) << 16 | uint32_t(o.data[2]) << 8 |
           o.data[3];
}

// The sub-options of an option 125: after the enterprise number and the data-len byte.
std::vector<SubOption> vivsoSubOptions(const Option& o) {
    std::vector<SubOption> subs;
    if (o.data.size() > 5) {
        parseSubOptions(std::span<const uint8_t>(o.data).subspan(5), subs);
    }
    return subs;
}

// Kea 2.2's appendRequestedVendorOptions. The enterprise is the one of the client's option
// 125, or of a 125 the reply already carries (configured, requested or always-send). Sent are
// the options of space "vendor-<enterprise>" that the client lists in its DOCSIS ORO
// (sub-option 1, enterprise 4491 only) or that are always-send, looked up level by level like
// any option; they go into the reply's 125 (a new one if it has none) in code order.
void addVendorOptions(Packet4& reply, const Packet4& query, const Levels& levels) {
    const Option* req = query.get(kVivso);
    if (req && req->data.size() < 4) {
        req = nullptr;
    }
    const Option* rsp = reply.get(kVivso);
    if (rsp && rsp->data.size() < 4) {
        rsp = nullptr;
    }
    if (!req && !rsp) {
        return;
    }
    const uint32_t enterprise = rsp ? enterpriseOf(*rsp) : enterpriseOf(*req);
    std::vector<uint8_t> wanted;
    if (enterprise == kEnterpriseCableLabs && req) {
        for (const auto& sub : vivsoSubOptions(*req)) {
            if (sub.code == kDocsisOro) {
                wanted = sub.data;
                break;
            }
        }
    }
    const std::string space = vendorSpace(enterprise);
    for (size_t i = 0; i < levels.count; ++i) {
        for (const auto& o : *levels.sets[i]) {
            if (o.alwaysSend && o.space == space &&
                std::find(wanted.begin(), wanted.end(), o.code) == wanted.end()) {
                wanted.push_back(o.code);
            }
        }
    }
    std::vector<SubOption> subs = rsp ? vivsoSubOptions(*rsp) : std::vector<SubOption>{};
    bool added = false;
    for (uint8_t code : wanted) {
        bool have = std::any_of(subs.begin(), subs.end(),
                                [&](const SubOption& s) { return s.code == code; });
        const OptionData* o = have ? nullptr : levels.find(code, space);
        if (o && !o->neverSend) {
            subs.push_back({code, o->data});
            added = true;
        }
    }
    if (!added) {
        return;
    }
    try {
        reply.set(kVivso, packVivso(enterprise, std::move(subs)));
    } catch (const Error&) {
        // More than one option 125 can carry; what was there already stays.
    }
}

} // namespace

void addConfiguredOptions(Packet4& reply, const Packet4& query, const ServerConfig& config,
                          const Subnet* subnet, const Pool* pool, const Reservation* reservation,
                          std::span<const ClientClass* const> classes) {
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
    for (const ClientClass* cls : classes) {
        levels.push(&cls->options);
    }
    levels.push(&config.options);
    if (levels.count == 0) {
        return;
    }
    auto add = [&](uint8_t code) {
        if (reply.get(code) && code != opt::kServerId) {
            return;
        }
        if (code == kOptionOverload) {
            // Kahu never puts options in sname/file, so a configured option 52 would make the
            // client read the boot file name as options (Kea 2.2 sends it as configured).
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
    if (subnet) {
        addVendorOptions(reply, query, levels); // Kea needs a subnet for vendor options too
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
