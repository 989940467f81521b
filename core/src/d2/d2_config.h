// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "d2/dns_message.h"

#include <chrono>
#include <cstdint>
#include <kahu/config/server_config.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kahu::d2 {

struct DnsServer {
    std::string address; ///< IPv4 or IPv6 text
    uint16_t port = 53;
    std::string keyName; ///< "" -> the domain's key
};

struct DdnsDomain {
    std::string name; ///< absolute, lower case ("example.com.")
    std::string keyName;
    std::vector<DnsServer> servers;
};

/// A Kea 2.2 "DhcpDdns" configuration.
struct D2Config {
    std::string ipAddress = "127.0.0.1";
    uint16_t port = 53001;
    std::chrono::milliseconds dnsServerTimeout{100}; ///< Kea 2.2's default
    std::string controlSocket;                       ///< "" when no control socket
    std::map<std::string, TsigKey> keys;
    std::vector<DdnsDomain> forward;
    std::vector<DdnsDomain> reverse;
    std::vector<LoggerConfig> loggers;
    nlohmann::json raw; ///< {"DhcpDdns": {...}} with defaults, for config-get

    /// Reads and validates a file; unknown or bad keys are errors naming file:line:col and the
    /// key path. Throws kahu::ConfigError.
    static D2Config fromFile(const std::string& path);
    static D2Config fromText(const std::string& text, const std::string& origin);
    /// A {"DhcpDdns": ...} value (config-set, config-test).
    static D2Config fromJson(const nlohmann::json& value, const std::string& origin);

    /// The domain whose name is the longest suffix of `fqdn` ("*" matches anything, last);
    /// null when none.
    static const DdnsDomain* match(const std::vector<DdnsDomain>& domains, const std::string& fqdn);
    /// "4.3.2.1.in-addr.arpa." for "1.2.3.4"; throws std::invalid_argument for a non-IPv4.
    static std::string reverseName(const std::string& ipv4);
};

} // namespace kahu::d2
