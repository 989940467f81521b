// SPDX-License-Identifier: MPL-2.0
#include "ddns/ddns_names.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <openssl/evp.h>
#include <stdexcept>

namespace kahu {

HostnameSanitizer::HostnameSanitizer(const std::string& charSet, std::string replacement)
    : regex_(charSet, std::regex::extended), replacement_(std::move(replacement)) {}

std::string HostnameSanitizer::scrub(const std::string& text) const {
    return std::regex_replace(text, regex_, replacement_);
}

namespace ddns {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string withoutDot(std::string s) {
    if (!s.empty() && s.back() == '.') {
        s.pop_back();
    }
    return s;
}

std::string sanitize(const std::string& s, const DdnsParams& p) {
    return p.sanitizer ? p.sanitizer->scrub(s) : s;
}

// Kea's adjustDomainName sanitizes option 81's name label by label.
std::string sanitizeLabels(const std::string& name, const DdnsParams& p) {
    if (!p.sanitizer) {
        return name;
    }
    std::string out;
    size_t start = 0;
    for (;;) {
        size_t dot = name.find('.', start);
        out += p.sanitizer->scrub(name.substr(start, dot - start));
        if (dot == std::string::npos) {
            return out;
        }
        out += '.';
        start = dot + 1;
    }
}

bool replaces(ReplaceClientName mode, bool sent) {
    switch (mode) {
    case ReplaceClientName::Never:
        return false;
    case ReplaceClientName::Always:
        return true;
    case ReplaceClientName::WhenPresent:
        return sent;
    case ReplaceClientName::WhenNotPresent:
        return !sent;
    }
    return false;
}

// Kea's D2ClientMgr::analyzeFqdn and adjustFqdnFlags; none for the invalid N=1 S=1.
std::optional<uint8_t> answerFlags(uint8_t client, const DdnsParams& p, bool enabled) {
    const bool clientS = client & kFlagS, clientN = client & kFlagN;
    bool s = false, n = false;
    if (!clientN && !clientS) {
        s = enabled && p.overrideClientUpdate;
        n = !enabled;
    } else if (!clientN && clientS) {
        s = enabled;
        n = !s;
    } else if (clientN && !clientS) {
        s = enabled && p.overrideNoUpdate;
        n = !s;
    } else {
        return std::nullopt; // RFC 4702: N and S together are invalid
    }
    uint8_t f = static_cast<uint8_t>((s ? kFlagS : 0) | (n ? kFlagN : 0) |
                                     (s != clientS ? kFlagO : 0) | (client & kFlagE));
    return f;
}

} // namespace

std::optional<size_t> labelCount(const std::string& name) {
    if (name.empty()) {
        return 0;
    }
    if (name == ".") {
        return 1;
    }
    const std::string n = withoutDot(name);
    if (n.size() > 253) {
        return std::nullopt;
    }
    size_t labels = 1, start = 0;
    for (;;) {
        size_t dot = n.find('.', start);
        size_t len = (dot == std::string::npos ? n.size() : dot) - start;
        if (len == 0 || len > 63) {
            return std::nullopt;
        }
        ++labels;
        if (dot == std::string::npos) {
            return labels;
        }
        start = dot + 1;
    }
}

std::string qualifyName(const std::string& name, const DdnsParams& p, bool trailingDot) {
    std::string out = name;
    const std::string suffix = withoutDot(p.qualifyingSuffix);
    if (!suffix.empty()) {
        const std::string bare = lower(withoutDot(out));
        const std::string s = lower(suffix);
        if (bare != s && !endsWith(bare, "." + s)) {
            out = withoutDot(out) + "." + suffix;
        }
    }
    if (trailingDot) {
        if (!out.empty() && out.back() != '.') {
            out += '.';
        }
    } else {
        out = withoutDot(out);
    }
    return out;
}

std::string generateName(Ipv4Address address, const DdnsParams& p, bool trailingDot) {
    std::string dashed = address.str();
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    return qualifyName(p.generatedPrefix + "-" + dashed, p, trailingDot);
}

namespace {

template <class V> void takeFirst(std::optional<V>& into, const std::optional<V>& from) {
    if (!into && from) {
        into = from;
    }
}

template <class V> void overlay(V& value, const std::optional<V>& over) {
    if (over) {
        value = *over;
    }
}

} // namespace

const DdnsParams& paramsFor(const ServerConfig& config, const Subnet& s,
                            const std::vector<std::string>& classes,
                            std::optional<DdnsParams>& own) {
    own.reset();
    if (config.clientClasses.empty()) {
        return s.ddns;
    }
    DdnsOverrides o; // per key, the first class's value
    bool any = false;
    for (const auto& name : classes) {
        const ClientClass* k = config.clientClass(name);
        if (!k || !k->ddns) {
            continue;
        }
        const DdnsOverrides& c = *k->ddns;
        any = true;
        takeFirst(o.sendUpdates, c.sendUpdates);
        takeFirst(o.overrideNoUpdate, c.overrideNoUpdate);
        takeFirst(o.overrideClientUpdate, c.overrideClientUpdate);
        takeFirst(o.updateOnRenew, c.updateOnRenew);
        takeFirst(o.replaceClientName, c.replaceClientName);
        takeFirst(o.generatedPrefix, c.generatedPrefix);
        takeFirst(o.qualifyingSuffix, c.qualifyingSuffix);
        takeFirst(o.ttl, c.ttl);
        takeFirst(o.ttlMin, c.ttlMin);
        takeFirst(o.ttlMax, c.ttlMax);
        takeFirst(o.ttlPercent, c.ttlPercent);
        if (!o.hostnameCharSet && c.hostnameCharSet) { // the pair goes together
            o.hostnameCharSet = c.hostnameCharSet;
            o.hostnameCharReplacement = c.hostnameCharReplacement;
            o.sanitizer = c.sanitizer;
        }
    }
    if (!any) {
        return s.ddns;
    }
    DdnsParams& p = own.emplace(s.ddns);
    overlay(p.sendUpdates, o.sendUpdates);
    overlay(p.overrideNoUpdate, o.overrideNoUpdate);
    overlay(p.overrideClientUpdate, o.overrideClientUpdate);
    overlay(p.updateOnRenew, o.updateOnRenew);
    overlay(p.replaceClientName, o.replaceClientName);
    overlay(p.generatedPrefix, o.generatedPrefix);
    overlay(p.qualifyingSuffix, o.qualifyingSuffix);
    p.ttl = o.ttl ? o.ttl : p.ttl;
    p.ttlMin = o.ttlMin ? o.ttlMin : p.ttlMin;
    p.ttlMax = o.ttlMax ? o.ttlMax : p.ttlMax;
    p.ttlPercent = o.ttlPercent ? o.ttlPercent : p.ttlPercent;
    if (o.hostnameCharSet) {
        p.hostnameCharSet = *o.hostnameCharSet;
        p.hostnameCharReplacement = *o.hostnameCharReplacement;
        p.sanitizer = o.sanitizer;
    }
    return p;
}

ClientName resolveClientName(const ClientNameOptions& sent, const Reservation* reservation,
                             const DdnsParams& p, bool enabled, Ipv4Address address) {
    ClientName out;
    const std::string reserved = reservation ? reservation->hostname : std::string();
    if (sent.fqdn) {
        // processClientFqdnOption: option 81 is answered with option 81.
        auto flags = answerFlags(sent.fqdn->flags, p, enabled);
        if (!flags) {
            return out; // DHCP4_NAME_PROC_FAIL: no name, no option 81
        }
        out.fqdnFlags = flags;
        out.fwd = *flags & kFlagS;
        out.rev = !(*flags & kFlagN);
        if (!reserved.empty()) {
            out.hostname = qualifyName(reserved, p, true);
        } else if (replaces(p.replaceClientName, true) || sent.fqdn->name.empty()) {
            out.hostname = generateName(address, p, true); // postAllocateNameUpdate
        } else {
            std::string name = sanitizeLabels(sent.fqdn->name, p);
            out.hostname = sent.fqdn->partial ? qualifyName(name, p, true) : name + ".";
        }
        out.hostname = lower(out.hostname);
        return out;
    }
    // processHostnameOption.
    if (!reserved.empty()) {
        out.hostname = lower(qualifyName(reserved, p, false));
    } else if (!sent.hostname) {
        if (!replaces(p.replaceClientName, false)) {
            return out;
        }
        out.hostname = lower(generateName(address, p, false));
    } else {
        auto labels = labelCount(*sent.hostname);
        if (!labels || *labels == 0) {
            return out; // DHCP4_CLIENT_HOSTNAME_MALFORMED, DHCP4_EMPTY_HOSTNAME
        }
        if (replaces(p.replaceClientName, true) || *labels < 2) {
            out.hostname = lower(generateName(address, p, false));
        } else {
            std::string name = lower(sanitize(*sent.hostname, p));
            if (name.empty()) {
                return out; // nothing left to qualify (Kea's DHCP4_NAME_PROC_FAIL)
            }
            out.hostname = *labels == 2 ? qualifyName(name, p, false) : name;
        }
    }
    out.sendHostname = true;
    out.fwd = out.rev = enabled;
    return out;
}

uint32_t recordTtl(uint32_t validLifetime, const DdnsParams& p) {
    if (p.ttl) {
        return *p.ttl;
    }
    uint64_t ttl = p.ttlPercent ? static_cast<uint64_t>(std::llround(*p.ttlPercent * validLifetime))
                                : validLifetime / 3;
    ttl = std::max<uint64_t>(ttl, p.ttlMin.value_or(600));
    if (p.ttlMax) {
        ttl = std::min<uint64_t>(ttl, *p.ttlMax);
    }
    return static_cast<uint32_t>(std::min<uint64_t>(ttl, UINT32_MAX));
}

std::vector<uint8_t> dhcid(const Lease4& lease) {
    std::vector<uint8_t> input;
    std::vector<uint8_t> out;
    if (!lease.clientId.empty()) {
        out = {0x00, 0x01, 0x01};
        input = lease.clientId;
    } else {
        out = {0x00, 0x00, 0x01};
        input.push_back(lease.hwAddr.htype);
        input.insert(input.end(), lease.hwAddr.bytes.begin(), lease.hwAddr.bytes.end());
    }
    // The name in wire form, lower case, with the root label.
    const std::string name = lower(withoutDot(lease.hostname));
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        size_t end = dot == std::string::npos ? name.size() : dot;
        input.push_back(static_cast<uint8_t>(std::min<size_t>(end - start, 63)));
        input.insert(input.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
                     name.begin() +
                         static_cast<std::ptrdiff_t>(start + std::min<size_t>(end - start, 63)));
        start = end + 1;
    }
    input.push_back(0);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    out.insert(out.end(), digest, digest + len);
    return out;
}

bool identicalFqdn(const Lease4& a, const Lease4& b) {
    return lower(a.hostname) == lower(b.hostname) && a.fqdnFwd == b.fqdnFwd &&
           a.fqdnRev == b.fqdnRev;
}

} // namespace ddns
} // namespace kahu
