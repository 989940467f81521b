// SPDX-License-Identifier: MPL-2.0
// Vendor options (43, 124, 125) and sub-option packing, byte for byte as Kea 2.2 sends them.
#include "dhcp/option_vendor.h"

#include "dhcp/option_wire.h"

#include <algorithm>
#include <kahu/error.h>

namespace kahu {

std::string vendorSpace(uint32_t enterprise) {
    return "vendor-" + std::to_string(enterprise);
}

bool parseSubOptions(std::span<const uint8_t> bytes, std::vector<SubOption>& out) {
    size_t i = 0;
    while (i < bytes.size()) {
        uint8_t code = bytes[i];
        if (code == 0) {
            ++i;
            continue;
        }
        if (code == 255) {
            break;
        }
        if (i + 2 > bytes.size() || i + 2 + bytes[i + 1] > bytes.size()) {
            return false;
        }
        const uint8_t len = bytes[i + 1];
        out.push_back({code, {bytes.begin() + long(i) + 2, bytes.begin() + long(i) + 2 + len}});
        i += 2 + size_t(len);
    }
    return true;
}

std::vector<uint8_t> packSubOptions(std::vector<SubOption> subs) {
    // Kea keeps sub-options in a multimap by code: packed ascending, equal codes in order.
    std::stable_sort(subs.begin(), subs.end(),
                     [](const SubOption& a, const SubOption& b) { return a.code < b.code; });
    std::vector<uint8_t> out;
    for (const auto& s : subs) {
        if (s.data.size() > 255) {
            throw Error("sub-option " + std::to_string(s.code) + " is " +
                        std::to_string(s.data.size()) + " bytes long; at most 255 fit");
        }
        out.push_back(s.code);
        out.push_back(uint8_t(s.data.size()));
        out.insert(out.end(), s.data.begin(), s.data.end());
    }
    return out;
}

std::vector<uint8_t> packVivso(uint32_t enterprise, std::vector<SubOption> subs) {
    std::vector<uint8_t> inner = packSubOptions(std::move(subs));
    if (inner.size() > 255) {
        throw Error("the vendor options of enterprise " + std::to_string(enterprise) + " take " +
                    std::to_string(inner.size()) + " bytes; at most 255 fit");
    }
    std::vector<uint8_t> out = {uint8_t(enterprise >> 24), uint8_t(enterprise >> 16),
                                uint8_t(enterprise >> 8), uint8_t(enterprise)};
    out.push_back(uint8_t(inner.size()));
    out.insert(out.end(), inner.begin(), inner.end());
    return out;
}

std::vector<uint8_t> normalizeVivso(std::span<const uint8_t> bytes) {
    const auto& standard = OptionDefinitions::standard();
    return keaOptionFromWire(*standard.byCode(125), bytes, standard);
}

void checkVivco(std::span<const uint8_t> bytes) {
    const auto& standard = OptionDefinitions::standard();
    keaOptionFromWire(*standard.byCode(124), bytes, standard);
}

} // namespace kahu
