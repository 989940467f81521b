// SPDX-License-Identifier: MPL-2.0
// Options as Kea's evaluator sees them. Kea does not read the bytes of a query's option: it
// reads the object its option factory built from them for the option's definition
// (OptionDefinition::optionFactory), so .hex is that object packed again, .text its
// toString(), .exists whether the factory kept an option at all, and sub-options exist only
// in the classes that hold some. These functions give the same answers from the bytes,
// appending to a caller's buffer so that the packet path allocates nothing once it is warm.
#pragma once

#include <cstdint>
#include <kahu/dhcp/option_definition.h>
#include <optional>
#include <span>
#include <string>

namespace kahu::eval::detail {

using Bytes = std::span<const uint8_t>;

/// The class Kea's factory builds for an option of definition `def` (null: none).
enum class Holder : uint8_t {
    Generic,      ///< Option: no definition, binary, or read later by Kea (43, 224-254)
    Empty,        ///< factoryEmpty: an option of type empty keeps no data
    String,       ///< OptionString: trailing NULs dropped; nothing left, no option
    Integer,      ///< OptionInt: the value, then sub-options of its space
    IntegerArray, ///< OptionIntArray
    Address4List, ///< Option4AddrLst
    Address6List, ///< Option6AddrLst
    Custom,       ///< OptionCustom: records, single values, FQDN lists, empty with a space
    Special,      ///< a class of its own: client FQDN (81), vendor class (124), vendor (125),
                  ///< SLP scope (79), classless routes (121), tuple lists
};

/// `topLevel`: an option of the packet itself (space dhcp4), where Kea leaves 43 and
/// 224-254 as raw bytes until after classification and builds the special classes.
Holder holderOf(const OptionDefinition* def, uint8_t code, bool topLevel);

/// Whether Kea holds the option (.exists).
bool keaHolds(Holder holder, Bytes data);

/// Appends what .hex yields.
void appendKeaBytes(std::string& out, const OptionDefinition* def, Holder holder, Bytes data);

/// Appends what .text yields (Option::toString: the text of a string option, otherwise the
/// option's toText()).
void appendKeaText(std::string& out, uint8_t code, const OptionDefinition* def, Holder holder,
                   Bytes data);

/// How many bytes Kea's object counts for the option's data (Option::len() less the header),
/// for pkt.len.
size_t keaDataLength(Holder holder, Bytes data);

struct SubOptionView {
    Bytes data;
    const OptionDefinition* def = nullptr; ///< in the encapsulated space; null: none
};

/// The first sub-option `sub` of an option, among those Kea's object for it keeps.
std::optional<SubOptionView> keaSubOption(const OptionDefinition* def, Holder holder, Bytes data,
                                          uint8_t sub);

/// Option 125 as Kea's OptionVendor reads it: the enterprise number and the sub-options of
/// the first block.
struct VendorView {
    uint32_t enterprise = 0;
    Bytes subOptions;
};
std::optional<VendorView> keaVendor(Bytes data);
std::optional<SubOptionView> keaVendorSubOption(const VendorView& vendor, uint8_t sub);

/// Option 124 as Kea's OptionVendorClass reads it: the enterprise number and the tuples.
std::optional<uint32_t> keaVendorClassEnterprise(Bytes data);
/// Tuple `index`; nullopt when there are fewer.
std::optional<Bytes> keaVendorClassTuple(Bytes data, size_t index);

} // namespace kahu::eval::detail
