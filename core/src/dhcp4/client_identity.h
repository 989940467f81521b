// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "dhcp4/exchange.h"

#include <cstdint>
#include <kahu/dhcp/packet4.h>
#include <string>
#include <vector>

namespace kahu {

/// Option 81, client FQDN (RFC 4702).
inline constexpr uint8_t kClientFqdn = 81;

/// Reads who sent the query: hardware address, client-id (option 61) and the name it sent
/// (option 81 when it parses, and option 12). Leaves hostIds alone.
void readClientIdentity(const Packet4& query, ClientIdentity& client);

/// Option 81's flags and name (lower case, without a trailing dot; `partial` when it has no
/// root label, in ASCII no trailing dot); nothing when malformed: shorter than 3 octets or a
/// wire-format name that does not parse. Wire format (E) or ASCII.
std::optional<ddns::ClientNameOptions::Fqdn> readFqdnOption(const std::vector<uint8_t>& data);

/// The option 81 of an answer: `flags` (ddns::ClientName::fqdnFlags), RCODEs 0 and `name` in
/// the client's encoding (E set: wire form).
std::vector<uint8_t> fqdnAnswer(uint8_t flags, const std::string& name);

} // namespace kahu
