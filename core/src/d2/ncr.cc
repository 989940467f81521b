// SPDX-License-Identifier: MPL-2.0
#include "d2/ncr.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <stdexcept>

namespace kahu::d2 {

namespace {

using nlohmann::json;

const json& field(const json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end()) {
        throw std::invalid_argument(std::string("'") + name + "' is missing");
    }
    return *it;
}

bool boolean(const json& j, const char* name) {
    const json& v = field(j, name);
    if (!v.is_boolean()) {
        throw std::invalid_argument(std::string("'") + name + "' must be a boolean");
    }
    return v.get<bool>();
}

std::string text(const json& j, const char* name) {
    const json& v = field(j, name);
    if (!v.is_string()) {
        throw std::invalid_argument(std::string("'") + name + "' must be a string");
    }
    return v.get<std::string>();
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

std::string hex(const Bytes& b) {
    static const char* const digits = "0123456789ABCDEF";
    std::string s;
    for (uint8_t c : b) {
        s.push_back(digits[c >> 4]);
        s.push_back(digits[c & 0xf]);
    }
    return s;
}

} // namespace

NameChangeRequest NameChangeRequest::fromJson(const json& j) {
    if (!j.is_object()) {
        throw std::invalid_argument("a request must be a JSON map");
    }
    NameChangeRequest n;
    const json& ct = field(j, "change-type");
    if (!ct.is_number_integer() || (ct.get<int64_t>() != 0 && ct.get<int64_t>() != 1)) {
        throw std::invalid_argument("'change-type' must be 0 (add) or 1 (remove)");
    }
    n.changeType = ct.get<int64_t>() == 0 ? ChangeType::Add : ChangeType::Remove;
    n.forwardChange = boolean(j, "forward-change");
    n.reverseChange = boolean(j, "reverse-change");
    if (!n.forwardChange && !n.reverseChange) {
        throw std::invalid_argument("'forward-change' and 'reverse-change' are both false");
    }
    n.fqdn = text(j, "fqdn");
    if (n.fqdn.empty() || n.fqdn == ".") {
        throw std::invalid_argument("'fqdn' is empty");
    }
    try {
        nameToWire(n.fqdn);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("'fqdn': ") + e.what());
    }
    n.fqdn = absoluteName(n.fqdn);
    n.ipAddress = text(j, "ip-address");
    in_addr a4{};
    in6_addr a6{};
    if (::inet_pton(AF_INET6, n.ipAddress.c_str(), &a6) == 1) {
        throw std::invalid_argument("'ip-address' " + n.ipAddress +
                                    " is IPv6: kahu-dhcp-ddns updates IPv4 leases only");
    }
    if (::inet_pton(AF_INET, n.ipAddress.c_str(), &a4) != 1) {
        throw std::invalid_argument("'ip-address' " + n.ipAddress + " is not an IPv4 address");
    }
    const std::string dh = text(j, "dhcid");
    if (dh.empty() || dh.size() % 2 != 0) {
        throw std::invalid_argument("'dhcid' must be a non-empty even-length hex string");
    }
    for (size_t i = 0; i < dh.size(); i += 2) {
        int hi = hexDigit(dh[i]);
        int lo = hexDigit(dh[i + 1]);
        if (hi < 0 || lo < 0) {
            throw std::invalid_argument("'dhcid' is not a hex string");
        }
        n.dhcid.push_back(static_cast<uint8_t>((hi << 4) | lo));
    }
    n.leaseExpiresOn = text(j, "lease-expires-on");
    if (n.leaseExpiresOn.size() != 14 ||
        n.leaseExpiresOn.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("'lease-expires-on' must be YYYYMMDDHHMMSS");
    }
    const json& ll = field(j, "lease-length");
    if (!ll.is_number_integer() || ll.get<int64_t>() < 0 || ll.get<int64_t>() > UINT32_MAX) {
        throw std::invalid_argument("'lease-length' must be an integer in 0-4294967295");
    }
    n.leaseLength = static_cast<uint32_t>(ll.get<int64_t>());
    if (j.contains("use-conflict-resolution")) {
        n.useConflictResolution = boolean(j, "use-conflict-resolution");
    }
    if (j.contains("conflict-resolution-mode")) {
        n.conflictResolutionMode = text(j, "conflict-resolution-mode");
        static const char* const kModes[] = {"check-with-dhcid", "no-check-with-dhcid",
                                             "check-exists-with-dhcid", "no-check-without-dhcid"};
        if (std::find(std::begin(kModes), std::end(kModes), n.conflictResolutionMode) ==
            std::end(kModes)) {
            throw std::invalid_argument("'conflict-resolution-mode' is not one of "
                                        "check-with-dhcid, no-check-with-dhcid, "
                                        "check-exists-with-dhcid, no-check-without-dhcid");
        }
        n.useConflictResolution = n.conflictResolutionMode == "check-with-dhcid" ||
                                  n.conflictResolutionMode == "check-exists-with-dhcid";
    }
    return n;
}

NameChangeRequest NameChangeRequest::fromText(const std::string& s) {
    json j = json::parse(s, nullptr, false);
    if (j.is_discarded()) {
        throw std::invalid_argument("not valid JSON");
    }
    return fromJson(j);
}

NameChangeRequest NameChangeRequest::fromWire(const uint8_t* data, size_t size) {
    if (size < 2) {
        throw std::invalid_argument("datagram shorter than its length field");
    }
    const size_t len = (static_cast<size_t>(data[0]) << 8) | data[1];
    if (len > size - 2) {
        throw std::invalid_argument("length field says " + std::to_string(len) + " octets, " +
                                    std::to_string(size - 2) + " received");
    }
    return fromText(std::string(reinterpret_cast<const char*>(data + 2), len));
}

json NameChangeRequest::toJson() const {
    json j{{"change-type", changeType == ChangeType::Add ? 0 : 1},
           {"forward-change", forwardChange},
           {"reverse-change", reverseChange},
           {"fqdn", fqdn},
           {"ip-address", ipAddress},
           {"dhcid", hex(dhcid)},
           {"lease-expires-on", leaseExpiresOn},
           {"lease-length", leaseLength},
           {"use-conflict-resolution", useConflictResolution}};
    if (!conflictResolutionMode.empty()) {
        j["conflict-resolution-mode"] = conflictResolutionMode;
    }
    return j;
}

Bytes NameChangeRequest::toWire() const {
    const std::string s = toJson().dump();
    Bytes b(2 + s.size());
    b[0] = static_cast<uint8_t>(s.size() >> 8);
    b[1] = static_cast<uint8_t>(s.size() & 0xff);
    std::copy(s.begin(), s.end(), b.begin() + 2);
    return b;
}

std::string NameChangeRequest::describe() const {
    return std::string(changeType == ChangeType::Add ? "add" : "remove") + " " + fqdn + " " +
           ipAddress + " (forward " + (forwardChange ? "yes" : "no") + ", reverse " +
           (reverseChange ? "yes" : "no") + ", dhcid " + hex(dhcid) + ", ttl " +
           std::to_string(leaseLength) + ", conflict resolution " +
           (useConflictResolution ? "on" : "off") + ")";
}

} // namespace kahu::d2
