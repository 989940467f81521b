// SPDX-License-Identifier: MPL-2.0
// Inheritance (global -> shared network -> subnet), automatic subnet ids, and the rules that
// span several elements (pools inside their subnet, no overlaps, unique ids and prefixes).
#include "config/config_drafts.h"
#include "ddns/ddns_names.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace kahu::config {

namespace {

const nlohmann::json kNull;

template <class V>
V pick(const std::optional<V>& subnet, const std::optional<V>& network,
       const std::optional<V>& global, V fallback) {
    if (subnet) {
        return *subnet;
    }
    if (network) {
        return *network;
    }
    if (global) {
        return *global;
    }
    return fallback;
}

void resolveOne(ParseContext& ctx, SubnetDraft& d, const Inheritable* net, const Inheritable& g) {
    static const Inheritable kNone;
    const Inheritable& n = net ? *net : kNone;
    const Inheritable& s = d.inh;
    Subnet& sub = d.subnet;
    Node at{kNull, d.path};

    uint32_t valid = pick(s.valid, n.valid, g.valid, 7200u);
    sub.valid.value = valid;
    sub.valid.min = pick(s.minValid, n.minValid, g.minValid, valid);
    sub.valid.max = pick(s.maxValid, n.maxValid, g.maxValid, valid);
    if (sub.valid.min > valid || valid > sub.valid.max) {
        ctx.fail(at, "valid-lifetime " + std::to_string(valid) + " is not within [" +
                         std::to_string(sub.valid.min) + ", " + std::to_string(sub.valid.max) +
                         "] (min-valid-lifetime, max-valid-lifetime)");
    }
    sub.renewTimer = s.renew ? s.renew : n.renew ? n.renew : g.renew;
    sub.rebindTimer = s.rebind ? s.rebind : n.rebind ? n.rebind : g.rebind;
    if (sub.renewTimer && sub.rebindTimer && *sub.renewTimer > *sub.rebindTimer) {
        ctx.fail(at, "the value of renew-timer (" + std::to_string(*sub.renewTimer) +
                         ") is greater than the value of rebind-timer (" +
                         std::to_string(*sub.rebindTimer) + ")"); // Kea 2.2 refuses it too
    }
    sub.calculateTeeTimes = pick(s.calculateTee, n.calculateTee, g.calculateTee, false);
    sub.t1Percent = pick(s.t1, n.t1, g.t1, 0.5);
    sub.t2Percent = pick(s.t2, n.t2, g.t2, 0.875);
    if (sub.calculateTeeTimes && sub.t1Percent >= sub.t2Percent) {
        ctx.fail(at, "t1-percent must be less than t2-percent");
    }
    sub.offerLifetime = pick(s.offerLifetime, n.offerLifetime, g.offerLifetime, 0u);
    sub.matchClientId = pick(s.matchClientId, n.matchClientId, g.matchClientId, true);
    sub.authoritative = pick(s.authoritative, n.authoritative, g.authoritative, false);
    sub.reservationsGlobal = pick(s.resGlobal, n.resGlobal, g.resGlobal, false);
    sub.reservationsInSubnet = pick(s.resInSubnet, n.resInSubnet, g.resInSubnet, true);
    sub.reservationsOutOfPool = pick(s.resOutOfPool, n.resOutOfPool, g.resOutOfPool, false);
    sub.nextServer = pick(s.nextServer, n.nextServer, g.nextServer, Ipv4Address());
    sub.serverHostname = pick(s.serverHostname, n.serverHostname, g.serverHostname, std::string());
    sub.bootFileName = pick(s.bootFileName, n.bootFileName, g.bootFileName, std::string());
    sub.allocator = pick(s.allocator, n.allocator, g.allocator, AllocatorType::Iterative);
    sub.interface = pick(s.interface, n.interface, g.interface, std::string());
    sub.clientClass = pick(s.clientClass, n.clientClass, g.clientClass, std::string());
    sub.ddns = resolveDdns(s.ddns, n.ddns, g.ddns);
    // A subnet's own relay list only: selection falls back to the shared network's list
    // itself (Kea's CfgSubnets4::selectSubnet).
    sub.relayAddresses = s.relay.value_or(std::vector<Ipv4Address>{});
}

void checkSubnet(ParseContext& ctx, SubnetDraft& d) {
    Subnet& sub = d.subnet;
    sub.prefix.address = sub.prefix.first();
    for (size_t i = 0; i < sub.pools.size(); ++i) {
        const Pool& p = sub.pools[i];
        Node at{kNull, d.path + ".pools[" + std::to_string(i) + "]"};
        if (!sub.prefix.contains(p.first) || !sub.prefix.contains(p.last)) {
            ctx.fail(at, "pool " + p.first.str() + "-" + p.last.str() + " is not within subnet " +
                             sub.prefix.str());
        }
        for (size_t j = 0; j < i; ++j) {
            const Pool& q = sub.pools[j];
            if (p.first <= q.last && q.first <= p.last) {
                ctx.fail(at, "pool " + p.first.str() + "-" + p.last.str() + " overlaps pool " +
                                 q.first.str() + "-" + q.last.str());
            }
        }
    }
    for (size_t i = 0; i < sub.reservations.size(); ++i) {
        const auto& r = sub.reservations[i];
        if (r.ipAddress && !sub.prefix.contains(*r.ipAddress)) {
            ctx.fail(Node{kNull, d.path + ".reservations[" + std::to_string(i) + "]"},
                     "reserved address " + r.ipAddress->str() + " is not within subnet " +
                         sub.prefix.str());
        }
    }
}

/// hostname-char-set and -replacement compiled, null for an empty set. One compiled
/// expression per distinct pair: thousands of subnets usually share one.
std::shared_ptr<const HostnameSanitizer> sanitizerFor(const std::string& set,
                                                      const std::string& replacement) {
    if (set.empty()) {
        return nullptr;
    }
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::string>, std::weak_ptr<const HostnameSanitizer>>
        cache;
    std::lock_guard lock(mutex);
    auto& slot = cache[{set, replacement}];
    auto compiled = slot.lock();
    if (!compiled) {
        compiled = std::make_shared<const HostnameSanitizer>(set, replacement);
        slot = compiled;
    }
    return compiled;
}

} // namespace

DdnsParams resolveDdns(const DdnsDraft& s, const DdnsDraft& n, const DdnsDraft& g) {
    DdnsParams p;
    p.sendUpdates = pick(s.sendUpdates, n.sendUpdates, g.sendUpdates, p.sendUpdates);
    p.overrideNoUpdate =
        pick(s.overrideNoUpdate, n.overrideNoUpdate, g.overrideNoUpdate, p.overrideNoUpdate);
    p.overrideClientUpdate = pick(s.overrideClientUpdate, n.overrideClientUpdate,
                                  g.overrideClientUpdate, p.overrideClientUpdate);
    p.updateOnRenew = pick(s.updateOnRenew, n.updateOnRenew, g.updateOnRenew, p.updateOnRenew);
    p.replaceClientName = pick(s.replace, n.replace, g.replace, p.replaceClientName);
    p.generatedPrefix = pick(s.prefix, n.prefix, g.prefix, p.generatedPrefix);
    p.qualifyingSuffix = pick(s.suffix, n.suffix, g.suffix, p.qualifyingSuffix);
    p.conflictResolution = pick(s.mode, n.mode, g.mode, p.conflictResolution);
    p.ttl = s.ttl ? s.ttl : n.ttl ? n.ttl : g.ttl;
    p.ttlMin = s.ttlMin ? s.ttlMin : n.ttlMin ? n.ttlMin : g.ttlMin;
    p.ttlMax = s.ttlMax ? s.ttlMax : n.ttlMax ? n.ttlMax : g.ttlMax;
    p.ttlPercent = s.ttlPercent ? s.ttlPercent : n.ttlPercent ? n.ttlPercent : g.ttlPercent;
    p.hostnameCharSet = pick(s.charSet, n.charSet, g.charSet, p.hostnameCharSet);
    p.hostnameCharReplacement =
        pick(s.charReplacement, n.charReplacement, g.charReplacement, p.hostnameCharReplacement);
    p.sanitizer = sanitizerFor(p.hostnameCharSet, p.hostnameCharReplacement);
    return p;
}

void resolveSubnets(ParseContext& ctx, GlobalDraft& draft) {
    ServerConfig& cfg = draft.cfg;
    // dhcp-ddns's deprecated keys count where the global level is silent.
    cfg.ddns = resolveDdns(draft.inh.ddns, {}, draft.movedDdns);
    // A class that sets one of hostname-char-set and -replacement takes the other from the
    // global level.
    for (ClientClass& k : cfg.clientClasses) {
        if (k.ddns && (k.ddns->hostnameCharSet || k.ddns->hostnameCharReplacement)) {
            DdnsOverrides& o = *k.ddns;
            o.hostnameCharSet = o.hostnameCharSet.value_or(cfg.ddns.hostnameCharSet);
            o.hostnameCharReplacement =
                o.hostnameCharReplacement.value_or(cfg.ddns.hostnameCharReplacement);
            o.sanitizer = sanitizerFor(*o.hostnameCharSet, *o.hostnameCharReplacement);
        }
    }
    const DdnsDraft& g = draft.inh.ddns;
    const DdnsDraft& m = draft.movedDdns;
    DdnsDraft merged = g;
    for (auto f : {&DdnsDraft::overrideNoUpdate, &DdnsDraft::overrideClientUpdate}) {
        if (!(merged.*f)) {
            merged.*f = m.*f;
        }
    }
    for (auto f : {&DdnsDraft::prefix, &DdnsDraft::suffix, &DdnsDraft::charSet,
                   &DdnsDraft::charReplacement}) {
        if (!(merged.*f)) {
            merged.*f = m.*f;
        }
    }
    if (!merged.replace) {
        merged.replace = m.replace;
    }
    draft.inh.ddns = merged;
    applyUtilizationAlerts(ctx, draft.userContext, "Dhcp4.user-context", cfg.utilization,
                           &cfg.utilizationNotify);
    std::vector<std::pair<SubnetDraft*, int>> all; // subnet, shared network index
    for (auto& d : draft.subnets) {
        all.emplace_back(&d, -1);
    }
    for (size_t i = 0; i < draft.networks.size(); ++i) {
        auto& net = draft.networks[i];
        net.net.relayAddresses = net.inh.relay.value_or(std::vector<Ipv4Address>{});
        net.net.interface = net.inh.interface.value_or("");
        net.net.utilization = cfg.utilization;
        applyUtilizationAlerts(ctx, net.net.userContext, net.path + ".user-context",
                               net.net.utilization, nullptr);
        cfg.sharedNetworks.push_back(net.net);
        for (auto& d : net.subnets) {
            all.emplace_back(&d, int(i));
        }
    }

    // Like Kea 2.x: a subnet without an id gets the next one above the highest configured id.
    SubnetId maxId = 0;
    for (auto& [d, net] : all) {
        if (d->hasId) {
            maxId = std::max(maxId, d->subnet.id);
        }
    }
    for (auto& [d, net] : all) {
        if (!d->hasId) {
            d->subnet.id = ++maxId;
        }
    }

    for (auto& [d, net] : all) {
        resolveOne(ctx, *d, net >= 0 ? &draft.networks[size_t(net)].inh : nullptr, draft.inh);
        d->subnet.sharedNetwork = net;
        Subnet& sub = d->subnet;
        sub.utilization = net >= 0 ? cfg.sharedNetworks[size_t(net)].utilization : cfg.utilization;
        applyUtilizationAlerts(ctx, sub.userContext, d->path + ".user-context", sub.utilization,
                               nullptr);
        for (size_t p = 0; p < sub.pools.size(); ++p) {
            sub.pools[p].utilization = sub.utilization;
            applyUtilizationAlerts(ctx, sub.pools[p].userContext,
                                   d->path + ".pools[" + std::to_string(p) + "].user-context",
                                   sub.pools[p].utilization, nullptr);
        }
        checkSubnet(ctx, *d);
        for (const auto& other : cfg.subnets) {
            if (other.id == d->subnet.id) {
                ctx.fail(Node{kNull, d->path + ".id"},
                         "duplicate subnet id " + std::to_string(other.id));
            }
            if (other.prefix.address == d->subnet.prefix.address &&
                other.prefix.length == d->subnet.prefix.length) {
                ctx.fail(Node{kNull, d->path + ".subnet"},
                         "subnet " + d->subnet.prefix.str() + " is configured twice");
            }
        }
        cfg.subnets.push_back(std::move(d->subnet));
    }
}

} // namespace kahu::config
