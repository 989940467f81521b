// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kahu {

/// One option carried inside another (option 43's, 125's or an option-def's "encapsulate").
struct SubOption {
    uint8_t code = 0;
    std::vector<uint8_t> data;
};

/// Kea's vendor space name for an enterprise number: "vendor-4491".
std::string vendorSpace(uint32_t enterprise);

/// Splits bytes into code-length-value sub-options (PAD skipped, END stops, as Kea's
/// unpackOptions4). False when a length runs past the end.
bool parseSubOptions(std::span<const uint8_t> bytes, std::vector<SubOption>& out);

/// Code-length-value bytes of sub-options in ascending code order (equal codes keep their
/// order): how Kea packs the sub-options of any option. Throws kahu::Error for a sub-option
/// longer than 255 bytes.
std::vector<uint8_t> packSubOptions(std::vector<SubOption> subs);

/// Option 125 (V-I Vendor-Specific Information, RFC 3925) for one enterprise: the number,
/// data-len and the sub-options packed as above.
std::vector<uint8_t> packVivso(uint32_t enterprise, std::vector<SubOption> subs);

/// What Kea makes of configured option 125 bytes (its OptionVendor read and written back):
/// the enterprise number, then the one block of data-len and sub-options after it (read with
/// Kea's DOCSIS3 definitions for 4491), re-packed in code order with data-len recomputed; four
/// bytes alone get a data-len of 0. Throws kahu::Error with Kea's reason otherwise
/// (keaOptionFromWire, option_wire.h).
std::vector<uint8_t> normalizeVivso(std::span<const uint8_t> bytes);

/// Checks configured option 124 bytes as Kea's OptionVendorClass reads them: an enterprise
/// number, then length-prefixed data, each further one again after an enterprise number.
/// Throws kahu::Error with Kea's reason otherwise.
void checkVivco(std::span<const uint8_t> bytes);

} // namespace kahu
