// SPDX-License-Identifier: MPL-2.0
// Kea's NameChangeRequest: the JSON a DHCP server sends to the DDNS daemon and its UDP form
// (a network-order 16-bit length, then that many octets of JSON text).
#pragma once

#include "d2/dns_message.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace kahu::d2 {

enum class ChangeType { Add = 0, Remove = 1 };

struct NameChangeRequest {
    ChangeType changeType = ChangeType::Add;
    bool forwardChange = false;
    bool reverseChange = false;
    std::string fqdn;           ///< absolute ("host.example.com.")
    std::string ipAddress;      ///< IPv4 text
    Bytes dhcid;                ///< the DHCID RDATA (RFC 4701), as the server computed it
    std::string leaseExpiresOn; ///< YYYYMMDDHHMMSS
    uint32_t leaseLength = 0;   ///< seconds; the TTL of the records
    bool useConflictResolution = true;
    /// Kea 2.6's conflict-resolution-mode when it says more than useConflictResolution
    /// ("check-exists-with-dhcid", "no-check-without-dhcid"); "" = not sent.
    std::string conflictResolutionMode;

    /// Throws std::invalid_argument naming the field and what is wrong.
    static NameChangeRequest fromJson(const nlohmann::json& j);
    static NameChangeRequest fromText(const std::string& text);
    /// One UDP datagram.
    static NameChangeRequest fromWire(const uint8_t* data, size_t size);

    nlohmann::json toJson() const;
    /// The datagram a sender writes.
    Bytes toWire() const;
    /// A one-line description for log messages.
    std::string describe() const;
};

} // namespace kahu::d2
