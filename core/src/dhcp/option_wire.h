// SPDX-License-Identifier: MPL-2.0
// Option bytes read the way Kea 2.2 reads them when it builds an option from its definition
// (OptionDefinition::optionFactory on a buffer), and written back the way it sends them.
#pragma once

#include "dhcp/option_vendor.h"

#include <cstdint>
#include <kahu/dhcp/option_definition.h>
#include <span>
#include <vector>

namespace kahu {

/// What Kea 2.2 makes of option `def`'s data bytes (from csv-format false hex, or from csv
/// values already encoded): the option object its factory builds, packed again. Kea refuses
/// bytes that do not fit the definition (a fixed-size value too short, an array that is not a
/// whole number of elements, an FQDN that is not a wire-format name, ...) and drops what its
/// classes do not keep (bytes after a single value, a partial last array element, truncated
/// sub-options). Sub-options in the data are read with the definitions `defs` has for the
/// encapsulated space and packed in code order.
///
/// Throws kahu::Error whose text is Kea's reason, the part of its message after
/// "option data does not match option definition (space: S, code: C): ".
std::vector<uint8_t> keaOptionFromWire(const OptionDefinition& def, std::span<const uint8_t> data,
                                       const OptionDefinitions& defs);

/// The sub-options Kea keeps with an option of `def` built from `data` (normalized by
/// keaOptionFromWire) and where they start; empty when its class keeps none. Kea adds an
/// option-data entry of the encapsulated space only to options that have such a space set:
/// empty, integer and single-value options (not binary, string or array options).
struct KeaEncapsulation {
    bool encapsulates = false;         ///< Kea's object has def.encapsulate as its space
    size_t valueSize = 0;              ///< bytes of the option's own value(s)
    std::vector<SubOption> subOptions; ///< those after the value, in wire order
};
KeaEncapsulation keaEncapsulation(const OptionDefinition& def, std::span<const uint8_t> data,
                                  const OptionDefinitions& defs);

/// False for the entries of the standard table that Kea 2.2 does not know (what later Kea
/// versions added: 121, 151-157, the relay agent sub-options): Kea 2.2 takes any bytes for
/// those codes. Option 43 is known (Kea 2.2's last-resort definition).
bool kea22KnowsDefinition(const OptionDefinition& def) noexcept;

/// The wire size of one value of a fixed-size type (Kea's OptionDataTypeUtil::getDataTypeLen);
/// 0 for the variable-length types (string, binary, fqdn, tuple, prefix, empty, record).
size_t fixedSize(OptionDataType t) noexcept;
/// An integer type (int8..uint32).
bool isIntegerType(OptionDataType t) noexcept;

} // namespace kahu
