// SPDX-License-Identifier: MPL-2.0
// The names a DHCP server gives its clients in DNS (Kea's D2ClientMgr and
// Dhcpv4Srv::processClientName): option 81 and option 12 against the ddns-* values of the
// client's subnet, the name generated from an address, the DHCID (RFC 4701) and the TTL of
// the records a NameChangeRequest asks for.
#pragma once

#include <cstdint>
#include <kahu/config/server_config.h>
#include <kahu/lease/lease4.h>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace kahu {

/// hostname-char-set with its replacement (Kea's StringSanitizer: POSIX extended regular
/// expression, every match replaced).
class HostnameSanitizer {
public:
    /// Throws std::regex_error when the set is not a valid expression.
    HostnameSanitizer(const std::string& charSet, std::string replacement);
    std::string scrub(const std::string& text) const;

private:
    std::regex regex_;
    std::string replacement_;
};

namespace ddns {

/// Option 81 flags (RFC 4702).
inline constexpr uint8_t kFlagS = 0x01, kFlagO = 0x02, kFlagE = 0x04, kFlagN = 0x08;

/// What the client sent about its name, read before its subnet is known.
struct ClientNameOptions {
    /// Option 81 when it parses: the flags and the name in lower case, without a trailing dot
    /// ("" = none), `partial` when it has no root label.
    struct Fqdn {
        uint8_t flags = 0;
        std::string name;
        bool partial = true;
    };
    std::optional<Fqdn> fqdn;
    std::optional<std::string> hostname; ///< option 12 as sent, spaces trimmed
};

/// The name of a lease and how the answer carries it.
struct ClientName {
    std::string hostname;             ///< the lease's, lower case ("" = none)
    bool fwd = false, rev = false;    ///< fqdn_fwd / fqdn_rev of the lease
    std::optional<uint8_t> fqdnFlags; ///< the answer's option 81 flags; none = no option 81
    bool sendHostname = false;        ///< the answer carries option 12
};

/// Kea's qualifyName: `name` with ddns-qualifying-suffix appended unless it already ends
/// with it, then with or without a trailing dot. `name` must not be empty.
std::string qualifyName(const std::string& name, const DdnsParams& p, bool trailingDot);
/// Kea's generateFqdn: "<prefix>-a-b-c-d", qualified.
std::string generateName(Ipv4Address address, const DdnsParams& p, bool trailingDot);

/// The ddns-* values for a query in subnet `s`: the subnet's, with each key that one of the
/// query's classes sets (the first class in evaluation order wins). Returns `s.ddns` itself
/// when no class of the query sets one, else the merged values, kept in `own`.
const DdnsParams& paramsFor(const ServerConfig& config, const Subnet& s,
                            const std::vector<std::string>& classes,
                            std::optional<DdnsParams>& own);

/// Kea's processClientName and postAllocateNameUpdate for a lease at `address`: option 81
/// when sent, else option 12; a reserved host name comes first; `enabled` is dhcp-ddns
/// enable-updates and ddns-send-updates together.
ClientName resolveClientName(const ClientNameOptions& sent, const Reservation* reservation,
                             const DdnsParams& p, bool enabled, Ipv4Address address);

/// The TTL of the records: ddns-ttl, else ddns-ttl-percent (default 1/3, RFC 4702 section 5)
/// of the lifetime, no less than ddns-ttl-min (default 600) nor more than ddns-ttl-max.
uint32_t recordTtl(uint32_t validLifetime, const DdnsParams& p);

/// The DHCID RDATA (RFC 4701, SHA-256) of a lease's name: identifier type 1 with the
/// client-id when the lease has one, else type 0 with htype and chaddr.
std::vector<uint8_t> dhcid(const Lease4& lease);

/// Kea's Lease::hasIdenticalFqdn: same host name (case-insensitive) and directions.
bool identicalFqdn(const Lease4& a, const Lease4& b);

/// Number of labels as Kea's OptionDataTypeUtil::getLabelCount counts them (the root label
/// included; "" = 0); none when the name is malformed (an empty or over-long label).
std::optional<size_t> labelCount(const std::string& name);

} // namespace ddns
} // namespace kahu
