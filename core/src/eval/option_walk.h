// SPDX-License-Identifier: MPL-2.0
// Walking option bytes the way Kea's classes split them, without allocating: the sub-options
// after an option's value (LibDHCP::unpackOptions4) and the fields of an OptionCustom
// (OptionCustom::createBuffers). Shared by option_view.cc and option_text.cc.
#pragma once

#include "dhcp/option_wire.h"
#include "eval/option_view.h"

#include <optional>

namespace kahu::eval::detail {

/// Calls fn(code, data) for each sub-option in `area`, in wire order. PAD and END are framing
/// only in space dhcp4; a truncated sub-option ends the list, as in unpackOptions4.
template <typename F> void forEachSubOption(Bytes area, bool padAndEnd, F&& fn) {
    size_t off = 0;
    while (off < area.size()) {
        const uint8_t code = area[off++];
        if (padAndEnd && code == 255) {
            return;
        }
        if (padAndEnd && code == 0) {
            continue;
        }
        if (off >= area.size()) {
            return;
        }
        const size_t len = area[off++];
        if (off + len > area.size()) {
            return;
        }
        fn(code, area.subspan(off, len));
        off += len;
    }
}

/// The length of one OptionCustom field of `type` at the start of `rest` (bufferLength);
/// nullopt when the bytes cannot hold one (Kea refuses the option then).
std::optional<size_t> fieldLength(const OptionDefinition& def, OptionDataType type, Bytes rest);

/// Calls fn(type, bytes) for each field of an OptionCustom of `def`; returns how many bytes
/// the fields take, or nullopt when Kea would refuse the bytes.
template <typename F>
std::optional<size_t> forEachField(const OptionDefinition& def, Bytes data, F&& fn) {
    size_t pos = 0;
    // `nonEmpty`: a field of no bytes does not count (array elements, single values).
    auto one = [&](OptionDataType type, bool nonEmpty) -> bool {
        const auto n = fieldLength(def, type, data.subspan(pos));
        if (!n || (nonEmpty && *n == 0)) {
            return false;
        }
        fn(type, data.subspan(pos, *n));
        pos += *n;
        return true;
    };
    if (def.type == OptionDataType::Record) {
        for (OptionDataType field : def.recordTypes) {
            if (!one(field, false)) {
                return std::nullopt;
            }
        }
        while (def.array && !def.recordTypes.empty() && pos < data.size() &&
               one(def.recordTypes.back(), true)) {
        }
        return pos;
    }
    if (def.type == OptionDataType::Empty) {
        return 0;
    }
    if (!one(def.type, true)) {
        return std::nullopt;
    }
    while (def.array && pos < data.size() && one(def.type, true)) {
    }
    return pos;
}

} // namespace kahu::eval::detail
