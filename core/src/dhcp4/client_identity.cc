// SPDX-License-Identifier: MPL-2.0
// Who sent a query and the name it sent (options 61, 81 and 12), and how option 81 is answered.
#include "dhcp4/client_identity.h"

#include <algorithm>
#include <cctype>

namespace kahu {

namespace {

// Kea's default hostname-char-set "[^A-Za-z0-9.-]" with an empty replacement.
std::string sanitizeHostname(const std::vector<uint8_t>& raw) {
    std::string out;
    for (uint8_t ch : raw) {
        if (std::isalnum(ch) || ch == '.' || ch == '-') {
            out += static_cast<char>(std::tolower(ch));
        }
    }
    while (!out.empty() && out.back() == '.') {
        out.pop_back();
    }
    return out;
}

constexpr uint8_t kFqdnS = 0x01, kFqdnO = 0x02, kFqdnE = 0x04, kFqdnN = 0x08;

/// The name in option 81 as "label.label." (fully qualified) or "label" (partial), or nothing
/// when the option is malformed. Wire format (E) or ASCII.
std::optional<std::string> fqdnName(const std::vector<uint8_t>& data) {
    if (data.size() < 3) {
        return std::nullopt;
    }
    if (!(data[0] & kFqdnE)) {
        return std::string(data.begin() + 3, data.end());
    }
    std::string name;
    size_t i = 3;
    while (i < data.size()) {
        const uint8_t len = data[i++];
        if (len == 0) {
            return name.empty() ? std::string(".") : name; // root label: fully qualified
        }
        if (len > 63 || i + len > data.size()) {
            return std::nullopt;
        }
        name.append(data.begin() + i, data.begin() + i + len);
        name += '.';
        i += len;
    }
    if (!name.empty()) {
        name.pop_back(); // no root label: a partial name
    }
    return name;
}

} // namespace

std::string qualified(std::string name) {
    if (!name.empty() && name.back() != '.') {
        name += '.';
    }
    return name;
}

std::vector<uint8_t> fqdnAnswer(uint8_t clientFlags, const std::string& name) {
    uint8_t flags = kFqdnN | (clientFlags & kFqdnE) | ((clientFlags & kFqdnS) ? kFqdnO : 0);
    std::vector<uint8_t> out{flags, 0, 0};
    if (!(flags & kFqdnE)) {
        out.insert(out.end(), name.begin(), name.end());
        return out;
    }
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        size_t end = dot == std::string::npos ? name.size() : dot;
        out.push_back(static_cast<uint8_t>(std::min<size_t>(end - start, 63)));
        out.insert(out.end(), name.begin() + start,
                   name.begin() + start + std::min<size_t>(end - start, 63));
        start = end + 1;
    }
    if (!name.empty() && name.back() == '.') {
        out.push_back(0);
    }
    return out;
}

void readClientIdentity(const Packet4& q, ClientIdentity& client) {
    client.hw = q.hwAddr();
    if (const Option* cid = q.get(opt::kClientId)) {
        client.clientId = cid->data;
    }
    if (const Option* fq = q.get(kClientFqdn)) {
        if (auto name = fqdnName(fq->data)) {
            client.fqdn = true;
            client.fqdnFlags = fq->data[0];
            std::vector<uint8_t> raw(name->begin(), name->end());
            client.hostname = qualified(sanitizeHostname(raw));
        }
    }
    if (const Option* hn = q.get(opt::kHostName); hn && !client.fqdn) {
        client.hostname = sanitizeHostname(hn->data);
    }
}

} // namespace kahu
