// SPDX-License-Identifier: MPL-2.0
#include "d2/updater.h"

#include <arpa/inet.h>
#include <kahu/log.h>
#include <kahu/stats.h>
#include <random>

namespace kahu::d2 {

namespace {

constexpr int kTriesPerServer = 3; // Kea's MAX_UPDATE_TRIES_PER_SERVER

const std::shared_ptr<spdlog::logger>& dnsLog() {
    static const auto lg = log::get("kahu-dhcp-ddns.d2-to-dns");
    return lg;
}

ResourceRecord rr(const std::string& name, uint16_t type, uint16_t klass, uint32_t ttl = 0,
                  Bytes rdata = {}) {
    return ResourceRecord{name, type, klass, ttl, std::move(rdata)};
}

Bytes addressRdata(const NameChangeRequest& n) {
    in_addr a{};
    ::inet_pton(AF_INET, n.ipAddress.c_str(), &a);
    const auto* p = reinterpret_cast<const uint8_t*>(&a.s_addr);
    return Bytes(p, p + 4);
}

std::string serverText(const DnsServer& s) {
    return s.address + " port:" + std::to_string(s.port);
}

void bump(const std::string& name, const std::string& key) {
    Statistics::instance().add(name, 1);
    if (!key.empty()) {
        Statistics::instance().add("key[" + key + "]." + name, 1);
    }
}

} // namespace

Updater::Updater(std::shared_ptr<const D2Config> config, DnsTransport& transport,
                 std::function<uint64_t()> clock)
    : config_(std::move(config)), transport_(transport), clock_(std::move(clock)) {
    if (!clock_) {
        clock_ = [] {
            return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
        };
    }
}

void Updater::initStatistics(const D2Config&) {
    // Kea 2.2 starts with these nine at 0; queue-mgr-queue-full and the per-key statistics
    // appear when first counted.
    auto& s = Statistics::instance();
    for (const char* n :
         {"ncr-received", "ncr-invalid", "ncr-error", "update-sent", "update-signed",
          "update-unsigned", "update-success", "update-timeout", "update-error"}) {
        if (!s.exists(n)) {
            s.set(n, 0);
        }
    }
}

// RFC 4703 section 5.3.1: the name is not in use -> add the address and the DHCID.
UpdateMessage Updater::addForward(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kAny, rrclass::kNone));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kIn, n.leaseLength, addressRdata(n)));
    m.updates.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kIn, n.leaseLength, n.dhcid));
    return m;
}

// RFC 4703 section 5.3.2: the name is in use and its DHCID is ours -> replace the address.
UpdateMessage Updater::replaceForward(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kAny, rrclass::kAny));
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kIn, 0, n.dhcid));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kIn, n.leaseLength, addressRdata(n)));
    return m;
}

// RFC 4703 section 5.4: no prerequisites; replace the PTR and the DHCID.
UpdateMessage Updater::replaceReverse(const NameChangeRequest& n, const std::string& zone) {
    const std::string rev = D2Config::reverseName(n.ipAddress);
    UpdateMessage m;
    m.zone = zone;
    m.updates.push_back(rr(rev, rrtype::kPtr, rrclass::kAny));
    m.updates.push_back(rr(rev, rrtype::kDhcid, rrclass::kAny));
    m.updates.push_back(rr(rev, rrtype::kPtr, rrclass::kIn, n.leaseLength, nameToWire(n.fqdn)));
    m.updates.push_back(rr(rev, rrtype::kDhcid, rrclass::kIn, n.leaseLength, n.dhcid));
    return m;
}

// Without conflict resolution: whatever is there is replaced (the DHCID is still written).
UpdateMessage Updater::simpleReplaceForward(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kIn, n.leaseLength, addressRdata(n)));
    m.updates.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kIn, n.leaseLength, n.dhcid));
    return m;
}

// RFC 4703 section 5.5: our address goes when the DHCID is ours ...
UpdateMessage Updater::removeForwardAddress(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kIn, 0, n.dhcid));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kNone, 0, addressRdata(n)));
    return m;
}

// ... then the whole name, when no address is left and the DHCID is still ours.
UpdateMessage Updater::removeForwardRrs(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kIn, 0, n.dhcid));
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kA, rrclass::kNone));
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kAaaa, rrclass::kNone));
    m.updates.push_back(rr(n.fqdn, rrtype::kAny, rrclass::kAny));
    return m;
}

// The PTR goes when it names our FQDN (RFC 2136 section 2.4.2 prerequisite).
UpdateMessage Updater::removeReverse(const NameChangeRequest& n, const std::string& zone) {
    const std::string rev = D2Config::reverseName(n.ipAddress);
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(rev, rrtype::kPtr, rrclass::kIn, 0, nameToWire(n.fqdn)));
    m.updates.push_back(rr(rev, rrtype::kAny, rrclass::kAny));
    return m;
}

UpdateMessage Updater::simpleRemoveForward(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kAny));
    return m;
}

UpdateMessage Updater::simpleRemoveReverse(const NameChangeRequest& n, const std::string& zone) {
    const std::string rev = D2Config::reverseName(n.ipAddress);
    UpdateMessage m;
    m.zone = zone;
    m.updates.push_back(rr(rev, rrtype::kPtr, rrclass::kAny));
    m.updates.push_back(rr(rev, rrtype::kDhcid, rrclass::kAny));
    return m;
}

namespace {

// check-exists-with-dhcid, Kea's CheckExistsAddTransaction: the name is in use and holds a
// DHCID, whoever's -> its address and DHCID are replaced.
UpdateMessage existsReplaceForward(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kIn, n.leaseLength, addressRdata(n)));
    m.updates.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kIn, n.leaseLength, n.dhcid));
    return m;
}

// Kea's CheckExistsRemoveTransaction: our address goes when the name holds a DHCID ...
UpdateMessage existsRemoveForwardAddress(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kAny));
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kNone, 0, addressRdata(n)));
    return m;
}

// ... then its DHCID, once no address is left (other records on the name stay).
UpdateMessage existsRemoveForwardRrs(const NameChangeRequest& n, const std::string& zone) {
    UpdateMessage m;
    m.zone = zone;
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kA, rrclass::kNone));
    m.prerequisites.push_back(rr(n.fqdn, rrtype::kAaaa, rrclass::kNone));
    m.updates.push_back(rr(n.fqdn, rrtype::kDhcid, rrclass::kAny));
    return m;
}

// no-check-without-dhcid, Kea's SimpleAddWithoutDHCIDTransaction and
// SimpleRemoveWithoutDHCIDTransaction: the A or PTR replaced or removed, no prerequisite.
UpdateMessage bareForward(const NameChangeRequest& n, const std::string& zone, bool add) {
    UpdateMessage m;
    m.zone = zone;
    m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kAny));
    if (add) {
        m.updates.push_back(rr(n.fqdn, rrtype::kA, rrclass::kIn, n.leaseLength, addressRdata(n)));
    }
    return m;
}

UpdateMessage bareReverse(const NameChangeRequest& n, const std::string& zone, bool add) {
    const std::string rev = D2Config::reverseName(n.ipAddress);
    UpdateMessage m;
    m.zone = zone;
    m.updates.push_back(rr(rev, rrtype::kPtr, rrclass::kAny));
    if (add) {
        m.updates.push_back(rr(rev, rrtype::kPtr, rrclass::kIn, n.leaseLength, nameToWire(n.fqdn)));
    }
    return m;
}

} // namespace

UpdateMessage Updater::build(Step step, const NameChangeRequest& n, const std::string& zone) const {
    switch (step) {
    case Step::ExistsReplaceFwd:
        return existsReplaceForward(n, zone);
    case Step::ExistsRemoveFwdAddr:
        return existsRemoveForwardAddress(n, zone);
    case Step::ExistsRemoveFwdRrs:
        return existsRemoveForwardRrs(n, zone);
    case Step::BareFwd:
        return bareForward(n, zone, true);
    case Step::BareRev:
        return bareReverse(n, zone, true);
    case Step::BareRemoveFwd:
        return bareForward(n, zone, false);
    case Step::BareRemoveRev:
        return bareReverse(n, zone, false);
    case Step::AddFwd:
        return addForward(n, zone);
    case Step::ReplaceFwd:
        return replaceForward(n, zone);
    case Step::SimpleFwd:
        return simpleReplaceForward(n, zone);
    case Step::ReplaceRev:
        return replaceReverse(n, zone);
    case Step::RemoveFwdAddr:
        return removeForwardAddress(n, zone);
    case Step::RemoveFwdRrs:
        return removeForwardRrs(n, zone);
    case Step::RemoveRev:
        return removeReverse(n, zone);
    case Step::SimpleRemoveFwd:
        return simpleRemoveForward(n, zone);
    case Step::SimpleRemoveRev:
        return simpleRemoveReverse(n, zone);
    }
    return {};
}

namespace {

/// Kea's message ID stem of each step ("DHCP_DDNS_<stem>_REJECTED", "_IO_ERROR", ...).
const char* stem(int step) {
    static const char* const stems[] = {
        "FORWARD_ADD",          "FORWARD_REPLACE",    "FORWARD_REPLACE",      "REVERSE_REPLACE",
        "FORWARD_REMOVE_ADDRS", "FORWARD_REMOVE_RRS", "REVERSE_REMOVE",       "FORWARD_REMOVE_RRS",
        "REVERSE_REMOVE",       "FORWARD_REPLACE",    "FORWARD_REMOVE_ADDRS", "FORWARD_REMOVE_RRS",
        "FORWARD_REPLACE",      "REVERSE_REPLACE",    "FORWARD_REMOVE_RRS",   "REVERSE_REMOVE"};
    return stems[step];
}

} // namespace

Updater::Decision Updater::decide(Step step, int rc, const NameChangeRequest& n,
                                  const DnsServer& server) const {
    using namespace rcode;
    switch (step) {
    case Step::AddFwd:
        if (rc == kNoError) {
            return {Verdict::Done, step};
        }
        if (rc == kYxDomain) {
            return {Verdict::Next, n.conflictResolutionMode == "check-exists-with-dhcid"
                                       ? Step::ExistsReplaceFwd
                                       : Step::ReplaceFwd};
        }
        break;
    case Step::ReplaceFwd:
    case Step::ExistsReplaceFwd:
        if (rc == kNoError) {
            return {Verdict::Done, step};
        }
        if (rc == kNxDomain) {
            // Gone since the add was refused: add it after all (RFC 4703).
            return {Verdict::Next, Step::AddFwd};
        }
        break;
    case Step::SimpleFwd:
    case Step::ReplaceRev:
    case Step::BareFwd:
    case Step::BareRev:
        if (rc == kNoError) {
            return {Verdict::Done, step};
        }
        break;
    case Step::RemoveFwdAddr:
    case Step::ExistsRemoveFwdAddr:
        if (rc == kNoError || rc == kNxRrset) {
            return {Verdict::Next,
                    step == Step::RemoveFwdAddr ? Step::RemoveFwdRrs : Step::ExistsRemoveFwdRrs};
        }
        break;
    case Step::RemoveFwdRrs:
    case Step::RemoveRev:
    case Step::SimpleRemoveFwd:
    case Step::SimpleRemoveRev:
    case Step::ExistsRemoveFwdRrs:
    case Step::BareRemoveFwd:
    case Step::BareRemoveRev:
        if (rc == kNoError || rc == kNxDomain || rc == kNxRrset) {
            return {Verdict::Done, step};
        }
        break;
    }
    const std::string id = std::string("DHCP_DDNS_") + stem(static_cast<int>(step)) + "_REJECTED";
    dnsLog()->error("{} DNS server {} rejected the update of {}: rcode {} ({})", id,
                    serverText(server), n.fqdn, rc, rcodeName(rc));
    return {Verdict::Failed, step};
}

bool Updater::direction(const NameChangeRequest& n, const DdnsDomain& domain, Step first) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    const std::string zone = domain.name;
    bool answered = false; // some server answered, even wrongly: not merely unreachable
    for (const auto& server : domain.servers) {
        const std::string keyName = server.keyName.empty() ? domain.keyName : server.keyName;
        const TsigKey* key = nullptr;
        if (!keyName.empty()) {
            key = &config_->keys.at(keyName);
        }
        Step step = first;
        int tries = 0;
        while (tries < kTriesPerServer) {
            UpdateMessage msg = build(step, n, zone);
            msg.id = static_cast<uint16_t>(rng());
            Bytes wire = msg.toWire();
            Bytes requestMac;
            if (key != nullptr) {
                requestMac = tsigSign(wire, *key, clock_());
            }
            bump("update-sent", keyName);
            Statistics::instance().add(key != nullptr ? "update-signed" : "update-unsigned", 1);
            ++tries;
            ExchangeResult r = transport_.exchange(server, wire, config_->dnsServerTimeout);
            Response resp;
            if (r.status == ExchangeStatus::Success) {
                try {
                    resp = parseResponse(r.answer);
                    if (!resp.isResponse || resp.id != msg.id || resp.opcode != 5) {
                        r.status = ExchangeStatus::InvalidResponse;
                        r.detail = "the answer does not match the update (ID, QR or opcode)";
                    }
                } catch (const std::exception& e) {
                    r.status = ExchangeStatus::InvalidResponse;
                    r.detail = e.what();
                }
            }
            if (r.status == ExchangeStatus::Success && key != nullptr) {
                const TsigVerdict v = tsigVerify(r.answer, resp, *key, requestMac);
                if (v != TsigVerdict::Ok) {
                    r.status = ExchangeStatus::InvalidResponse;
                    switch (v) {
                    case TsigVerdict::Unsigned:
                        r.detail = "the answer is not signed (rcode " + rcodeName(resp.rcode) + ")";
                        break;
                    case TsigVerdict::KeyMismatch:
                        r.detail = "the answer is signed with another key";
                        break;
                    case TsigVerdict::ServerError:
                        r.detail = "the server refused TSIG key '" + keyName + "': rcode " +
                                   rcodeName(resp.rcode) + ", TSIG error " +
                                   tsigErrorName(resp.tsig->error);
                        break;
                    default:
                        r.detail = "the answer's TSIG MAC does not verify";
                    }
                }
            }
            switch (r.status) {
            case ExchangeStatus::Success:
                bump("update-success", keyName);
                break;
            case ExchangeStatus::Timeout:
                bump("update-timeout", keyName);
                break;
            default:
                bump("update-error", keyName);
            }
            if (r.status == ExchangeStatus::InvalidResponse) {
                answered = true;
            }
            if (r.status != ExchangeStatus::Success) {
                const char* kind =
                    r.status == ExchangeStatus::InvalidResponse ? "RESP_CORRUPT" : "IO_ERROR";
                if (r.status == ExchangeStatus::InvalidResponse) {
                    KAHU_ERROR(dnsLog(), "DHCP_DDNS_INVALID_RESPONSE",
                               "received response to DNS Update message is malformed: {}",
                               r.detail);
                }
                const std::string id =
                    std::string("DHCP_DDNS_") + stem(static_cast<int>(step)) + "_" + kind;
                dnsLog()->error("{} update of {} with DNS server {} failed (try {} of {}): {}", id,
                                n.fqdn, serverText(server), tries, kTriesPerServer, r.detail);
                continue;
            }
            if (resp.rcode == rcode::kServFail) {
                // The server could not process it now (a zone still loading after a
                // restart, ...): a try like a timeout, so a request the DNS could not take
                // while it was away is held rather than given up (Kea fails it at once).
                dnsLog()->error("DHCP_DDNS_{}_REJECTED DNS server {} could not process the update "
                                "of {} (try {} of {}): rcode SERVFAIL",
                                stem(static_cast<int>(step)), serverText(server), n.fqdn, tries,
                                kTriesPerServer);
                continue;
            }
            Decision d = decide(step, resp.rcode, n, server);
            if (d.verdict == Verdict::Done) {
                return true;
            }
            if (d.verdict == Verdict::Failed) {
                return false;
            }
            step = d.next;
            tries = 0;
        }
    }
    KAHU_ERROR(dnsLog(), "DHCP_DDNS_NO_MORE_SERVERS",
               "no DNS server of domain {} answered the update of {}", zone, n.fqdn);
    unreachable_ = !answered;
    return false;
}

bool Updater::process(const NameChangeRequest& n) {
    const DdnsDomain* fwd = nullptr;
    const DdnsDomain* rev = nullptr;
    if (n.forwardChange) {
        fwd = D2Config::match(config_->forward, n.fqdn);
        if (fwd == nullptr) {
            KAHU_ERROR(dnsLog(), "DHCP_DDNS_NO_FWD_MATCH_ERROR",
                       "the configured list of forward DDNS domains does not contain a match "
                       "for: {}; the forward update will not be performed",
                       n.fqdn);
        }
    }
    if (n.reverseChange) {
        const std::string revName = D2Config::reverseName(n.ipAddress);
        rev = D2Config::match(config_->reverse, revName);
        if (rev == nullptr) {
            KAHU_ERROR(dnsLog(), "DHCP_DDNS_NO_REV_MATCH_ERROR",
                       "the configured list of reverse DDNS domains does not contain a match "
                       "for: {}; the reverse update will not be performed",
                       revName);
        }
    }
    if (fwd == nullptr && rev == nullptr) {
        KAHU_ERROR(dnsLog(), "DHCP_DDNS_NO_MATCH",
                   "no DNS servers match FQDN {} or address {}: request ignored", n.fqdn,
                   n.ipAddress);
        return false;
    }
    const bool add = n.changeType == ChangeType::Add;
    // Kea's D2UpdateMgr::makeTransaction: one kind of transaction per conflict-resolution
    // mode; without the mode, use-conflict-resolution picks the first two.
    Step firstFwd = add ? Step::AddFwd : Step::RemoveFwdAddr;
    Step firstRev = add ? Step::ReplaceRev : Step::RemoveRev;
    if (n.conflictResolutionMode == "no-check-without-dhcid") {
        firstFwd = add ? Step::BareFwd : Step::BareRemoveFwd;
        firstRev = add ? Step::BareRev : Step::BareRemoveRev;
    } else if (n.conflictResolutionMode == "check-exists-with-dhcid") {
        firstFwd = add ? Step::AddFwd : Step::ExistsRemoveFwdAddr;
    } else if (!n.useConflictResolution) {
        firstFwd = add ? Step::SimpleFwd : Step::SimpleRemoveFwd;
        firstRev = add ? Step::ReplaceRev : Step::SimpleRemoveRev;
    }
    bool ok = true;
    if (fwd != nullptr) {
        ok = direction(n, *fwd, firstFwd);
    }
    if (ok && rev != nullptr) {
        ok = direction(n, *rev, firstRev);
    }
    const auto lg = log::get("kahu-dhcp-ddns.d2-to-dns");
    if (!ok && unreachable_) {
        return false; // the caller holds it (DHCP_DDNS_REQUEST_HELD), not a failure yet
    }
    if (add) {
        if (ok) {
            KAHU_INFO(lg, "DHCP_DDNS_ADD_SUCCEEDED", "DHCP_DDNS request {} succeeded",
                      n.describe());
        } else {
            KAHU_ERROR(lg, "DHCP_DDNS_ADD_FAILED", "DHCP_DDNS request {} failed", n.describe());
        }
    } else if (ok) {
        KAHU_INFO(lg, "DHCP_DDNS_REMOVE_SUCCEEDED", "DHCP_DDNS request {} succeeded", n.describe());
    } else {
        KAHU_ERROR(lg, "DHCP_DDNS_REMOVE_FAILED", "DHCP_DDNS request {} failed", n.describe());
    }
    return ok;
}

} // namespace kahu::d2
