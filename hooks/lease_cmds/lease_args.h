// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/lease/lease4.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kahu::lease_cmds {

/// Throws CommandError(CommandResult::Error, text): bad arguments.
[[noreturn]] void argError(const std::string& text);

/// Typed getters with Kea's SimpleParser texts ("missing parameter 'x'", "invalid type specified
/// for parameter 'x'", "out of range value (N) specified for parameter 'x'"). `scope` must be
/// an object.
std::string getString(const nlohmann::json& scope, const std::string& name);
int64_t getInteger(const nlohmann::json& scope, const std::string& name);
uint32_t getUint32(const nlohmann::json& scope, const std::string& name);
uint8_t getUint8(const nlohmann::json& scope, const std::string& name);
bool getBoolean(const nlohmann::json& scope, const std::string& name);

/// Parses an IPv4 address the way Kea's IOAddress does for v4 commands: text that is no
/// address at all and an IPv6 address give different texts (see the .cc).
enum class AddressText { Valid, Ipv6, Invalid };
AddressText classifyAddress(const std::string& text, Ipv4Address& out);

/// Hex bytes ("aa:bb:cc", "aabbcc"); "" gives an empty vector. Throws CommandError naming
/// `name` when the text is not hex.
std::vector<uint8_t> parseHex(const std::string& text, const std::string& name);
/// A hardware address (up to 20 bytes, "" = none).
HwAddr parseHwAddr(const std::string& text, const std::string& name);
/// A client identifier (2..255 bytes, as Kea's ClientId).
ClientId parseClientId(const std::string& text);

/// What lease4-get and lease4-del select by (Kea's LeaseCmdsImpl::Parameters for v4).
struct LeaseSelector {
    enum class Kind { Address, HwAddress, ClientId };
    Kind kind = Kind::Address;
    Ipv4Address address;
    SubnetId subnetId = 0;
    HwAddr hwAddr;
    ClientId clientId;
    bool updateDdns = false;
};

/// Reads {"ip-address"} or {"identifier-type", "identifier", "subnet-id"} (plus the optional
/// "update-ddns"). `verb` is "Query" (get) or "Delete" (del), for the DUID refusal text.
LeaseSelector parseSelector(const nlohmann::json& args, const char* verb);

} // namespace kahu::lease_cmds
