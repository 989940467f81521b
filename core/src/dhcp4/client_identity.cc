// SPDX-License-Identifier: MPL-2.0
// Who sent a query and the name it sent (options 61, 81 and 12), and how option 81 is answered.
#include "dhcp4/client_identity.h"

#include <algorithm>
#include <cctype>

namespace kahu {

namespace {} // namespace

std::optional<ddns::ClientNameOptions::Fqdn> readFqdnOption(const std::vector<uint8_t>& data) {
    if (data.size() < 3) {
        return std::nullopt;
    }
    ddns::ClientNameOptions::Fqdn out;
    out.flags = data[0];
    std::string name;
    if (!(data[0] & ddns::kFlagE)) {
        name.assign(data.begin() + 3, data.end());
        while (!name.empty() && name.back() == '\0') {
            name.pop_back();
        }
        out.partial = name.empty() || name.back() != '.';
    } else {
        size_t i = 3;
        while (i < data.size()) {
            const uint8_t len = data[i++];
            if (len == 0) {
                out.partial = false;
                break;
            }
            if (len > 63 || i + len > data.size()) {
                return std::nullopt;
            }
            name.append(data.begin() + static_cast<std::ptrdiff_t>(i),
                        data.begin() + static_cast<std::ptrdiff_t>(i + len));
            name += '.';
            i += len;
        }
    }
    while (!name.empty() && name.back() == '.') {
        name.pop_back();
    }
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.name = std::move(name);
    return out;
}

namespace {

std::string trimmed(const std::vector<uint8_t>& raw) {
    std::string s(raw.begin(), raw.end());
    while (!s.empty() && s.back() == '\0') { // OptionString drops trailing NULs
        s.pop_back();
    }
    const char* ws = " \t\r\n";
    size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

} // namespace

std::vector<uint8_t> fqdnAnswer(uint8_t flags, const std::string& name) {
    std::vector<uint8_t> out{flags, 0, 0};
    if (!(flags & ddns::kFlagE)) {
        out.insert(out.end(), name.begin(), name.end());
        return out;
    }
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        size_t end = dot == std::string::npos ? name.size() : dot;
        size_t len = std::min<size_t>(end - start, 63);
        out.push_back(static_cast<uint8_t>(len));
        out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
                   name.begin() + static_cast<std::ptrdiff_t>(start + len));
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
        client.name.fqdn = readFqdnOption(fq->data);
    }
    if (const Option* hn = q.get(opt::kHostName)) {
        client.name.hostname = trimmed(hn->data);
    }
}

} // namespace kahu
