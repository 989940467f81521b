// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/export.h>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// Kea's option data types (the "type" of an option-def), used to turn "data" text into bytes.
enum class OptionDataType : uint8_t {
    Empty,
    Binary,
    Boolean,
    Int8,
    Int16,
    Int32,
    Uint8,
    Uint16,
    Uint32,
    Ipv4Address,
    Ipv6Address,
    Ipv6Prefix,
    Psid,
    String,
    Tuple,
    Fqdn,
    Record,
    InternalPrefixList, ///< placeholder for formats Kea handles specially (e.g. option 121)
};

/// Kea's text name of a type ("uint32", "ipv4-address", ...), and back.
KAHU_API const char* toString(OptionDataType) noexcept;
KAHU_API bool optionDataTypeFromText(std::string_view text, OptionDataType& out) noexcept;

/// One option definition: Kea's standard ones (routers, domain-name-servers, ...) and the ones
/// an operator adds with "option-def".
struct OptionDefinition {
    std::string name;
    uint8_t code = 0;
    std::string space = "dhcp4";
    OptionDataType type = OptionDataType::Binary;
    bool array = false;
    // The {} let a definition be written with its first fields only ({"name", code, ...})
    // without -Wmissing-field-initializers.
    std::vector<OptionDataType> recordTypes{}; ///< only for type == Record
    std::string encapsulate{};                 ///< sub-option space, if any
};

/// A set of definitions looked up by name or by (space, code). The standard DHCPv4 set is
/// built once; a config's "option-def" entries live in a copy layered over it.
class KAHU_API OptionDefinitions {
public:
    /// Kea's standard DHCPv4 definitions (space "dhcp4"), and the RAI sub-options
    /// (space "dhcp-agent-options-space").
    static const OptionDefinitions& standard();

    const OptionDefinition* byName(std::string_view name,
                                   std::string_view space = "dhcp4") const noexcept;
    const OptionDefinition* byCode(uint8_t code, std::string_view space = "dhcp4") const noexcept;
    /// Adds a definition; throws kahu::Error if the name or code is already defined in the
    /// space (for standard options: Kea refuses redefining them too).
    void add(OptionDefinition def);
    const std::vector<OptionDefinition>& all() const noexcept { return defs_; }

private:
    std::vector<OptionDefinition> defs_;
};

/// Encodes option "data" text as wire bytes per the definition, as Kea does:
/// csvFormat = true: comma-separated values of the definition's type(s);
/// csvFormat = false: hex ("0A 0B", "0a:0b", "0x0a0b", "0a0b").
/// A null definition means "no definition known": only hex is allowed then.
/// Throws kahu::Error with a message naming the value that does not fit.
KAHU_API std::vector<uint8_t> encodeOptionData(const OptionDefinition* def, std::string_view data,
                                               bool csvFormat);

/// Renders wire bytes back into Kea's csv text for the definition (for config-get and logs);
/// hex without a definition.
KAHU_API std::string decodeOptionData(const OptionDefinition* def, std::span<const uint8_t> data);

} // namespace kahu
