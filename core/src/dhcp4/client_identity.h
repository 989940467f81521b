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

/// Reads who sent the query: hardware address, client-id (option 61) and the name it sent:
/// option 81 when it parses (then the answer carries one back), else option 12, cleaned with
/// Kea's default hostname-char-set and in lower case. Leaves hostIds alone.
void readClientIdentity(const Packet4& query, ClientIdentity& client);

/// A name qualified as Kea qualifies it without a ddns-qualifying-suffix: a trailing dot.
std::string qualified(std::string name);

/// The option 81 of an answer, as Kea's without DDNS: N set, S clear, O when the client asked
/// for S, E (wire format) as the client's; then `name`.
std::vector<uint8_t> fqdnAnswer(uint8_t clientFlags, const std::string& name);

} // namespace kahu
