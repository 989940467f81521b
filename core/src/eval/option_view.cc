// SPDX-License-Identifier: MPL-2.0
#include "eval/option_view.h"

#include "eval/option_walk.h"

#include <kahu/error.h>

namespace kahu::eval::detail {

namespace {

Bytes trimNuls(Bytes data) {
    size_t n = data.size();
    while (n > 0 && data[n - 1] == 0) {
        --n;
    }
    return data.first(n);
}

void append(std::string& out, Bytes data) {
    out.append(reinterpret_cast<const char*>(data.data()), data.size());
}

// Where the sub-options of an option start, and in which space, for the classes that keep
// some (OptionInt, OptionCustom with an encapsulated space); nullopt for the others.
struct SubOptionArea {
    size_t valueLength = 0;
    const std::string* space = nullptr;
};

std::optional<SubOptionArea> subOptionArea(const OptionDefinition* def, Holder holder, Bytes data) {
    if (!def) {
        return std::nullopt;
    }
    if (holder == Holder::Integer) {
        const size_t width = fixedSize(def->type);
        if (data.size() < width) {
            return std::nullopt;
        }
        return SubOptionArea{width, &def->encapsulate};
    }
    if (holder != Holder::Custom || def->encapsulate.empty() || def->array) {
        return std::nullopt;
    }
    const auto used = forEachField(*def, data, [](OptionDataType, Bytes) {});
    if (!used) {
        return std::nullopt;
    }
    return SubOptionArea{*used, &def->encapsulate};
}

} // namespace

std::optional<size_t> fieldLength(const OptionDefinition& def, OptionDataType type, Bytes rest) {
    if (const size_t n = fixedSize(type)) {
        return rest.size() >= n ? std::optional<size_t>(n) : std::nullopt;
    }
    switch (type) {
    case OptionDataType::Binary:
    case OptionDataType::String:
        if (!def.array) {
            return rest.size();
        }
        return std::nullopt;
    case OptionDataType::Fqdn: {
        // A wire-format name without compression, up to its root label.
        size_t pos = 0;
        while (pos < rest.size()) {
            const size_t len = rest[pos];
            if (len == 0) {
                return pos + 1;
            }
            if (len > 63) {
                return std::nullopt;
            }
            pos += 1 + len;
        }
        return std::nullopt;
    }
    case OptionDataType::Tuple:
        if (rest.empty() || rest.size() < 1 + size_t(rest[0])) {
            return std::nullopt;
        }
        return 1 + size_t(rest[0]);
    case OptionDataType::Ipv6Prefix: {
        if (rest.empty()) {
            return std::nullopt;
        }
        const size_t n = 1 + (size_t(rest[0]) + 7) / 8;
        return rest.size() >= n ? std::optional<size_t>(n) : std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

Holder holderOf(const OptionDefinition* def, uint8_t code, bool topLevel) {
    // Kea's server unpacks 43 and the private codes again after classification, with the
    // definitions a class may bring: while classes are evaluated they are raw options.
    if (!def || (topLevel && (code == 43 || code >= 224))) {
        return Holder::Generic;
    }
    if (topLevel) {
        switch (code) {
        case 79:  // Option4SlpServiceScope
        case 81:  // Option4ClientFqdn
        case 121: // OptionClasslessStaticRoute (Kea 2.6)
        case 124: // OptionVendorClass
        case 125: // OptionVendor
            return Holder::Special;
        default:
            break;
        }
    }
    if (isIntegerType(def->type)) {
        return def->array ? Holder::IntegerArray : Holder::Integer;
    }
    switch (def->type) {
    case OptionDataType::Empty:
        return def->encapsulate.empty() ? Holder::Empty : Holder::Custom;
    case OptionDataType::Binary:
        return Holder::Generic;
    case OptionDataType::String:
        return Holder::String;
    case OptionDataType::Ipv4Address:
        return def->array ? Holder::Address4List : Holder::Custom;
    case OptionDataType::Ipv6Address:
        return def->array ? Holder::Address6List : Holder::Custom;
    case OptionDataType::Tuple:
        return def->array ? Holder::Special : Holder::Custom;
    case OptionDataType::InternalPrefixList:
        return Holder::Special;
    default:
        return Holder::Custom;
    }
}

bool keaHolds(Holder holder, Bytes data) {
    // OptionString::unpack throws SkipThisOptionError for nothing but NULs: no option.
    return holder != Holder::String || !trimNuls(data).empty();
}

void appendKeaBytes(std::string& out, const OptionDefinition* def, Holder holder, Bytes data) {
    switch (holder) {
    case Holder::Generic:
    case Holder::IntegerArray:
    case Holder::Address4List:
    case Holder::Address6List:
        append(out, data);
        return;
    case Holder::Empty:
        return;
    case Holder::String:
        append(out, trimNuls(data));
        return;
    case Holder::Integer:
        if (data.size() == fixedSize(def->type)) {
            append(out, data);
            return;
        }
        break; // the value and sub-options, packed again in code order
    case Holder::Custom:
        if (def->encapsulate.empty() && !def->array) {
            // The fields only: bytes after them are dropped.
            if (const auto used = forEachField(*def, data, [](OptionDataType, Bytes) {})) {
                append(out, data.first(*used));
                return;
            }
        }
        break;
    case Holder::Special:
        break;
    }
    // The classes that rebuild their bytes: the option factory's model (option_wire.cc),
    // which allocates; an option Kea would have refused keeps its bytes.
    try {
        const auto packed = keaOptionFromWire(*def, data, OptionDefinitions::standard());
        append(out, packed);
    } catch (const Error&) {
        append(out, data);
    }
}

size_t keaDataLength(Holder holder, Bytes data) {
    switch (holder) {
    case Holder::Empty:
        return 0;
    case Holder::String:
        return trimNuls(data).size();
    default:
        return data.size();
    }
}

std::optional<SubOptionView> keaSubOption(const OptionDefinition* def, Holder holder, Bytes data,
                                          uint8_t sub) {
    const auto area = subOptionArea(def, holder, data);
    if (!area) {
        return std::nullopt;
    }
    std::optional<SubOptionView> found;
    forEachSubOption(
        data.subspan(area->valueLength), *area->space == "dhcp4", [&](uint8_t code, Bytes body) {
            if (code == sub && !found) {
                found =
                    SubOptionView{body, OptionDefinitions::standard().byCode(code, *area->space)};
            }
        });
    return found;
}

std::optional<VendorView> keaVendor(Bytes data) {
    if (data.size() < 4) {
        return std::nullopt;
    }
    VendorView v;
    v.enterprise =
        uint32_t(data[0]) << 24 | uint32_t(data[1]) << 16 | uint32_t(data[2]) << 8 | data[3];
    const Bytes block = data.subspan(4);
    if (block.empty() || size_t(block[0]) + 1 > block.size()) {
        return v;
    }
    // unpackVendorOptions4 keeps the end of the block in a uint8_t: a data-len of 255 ends it
    // before it starts.
    const uint8_t end = uint8_t(1 + block[0]);
    if (end > 1) {
        v.subOptions = block.subspan(1, end - 1);
    }
    return v;
}

std::optional<SubOptionView> keaVendorSubOption(const VendorView& vendor, uint8_t sub) {
    std::optional<SubOptionView> found;
    // No PAD or END in vendor options; Kea knows the DOCSIS3 definitions of CableLabs.
    forEachSubOption(vendor.subOptions, false, [&](uint8_t code, Bytes body) {
        if (code == sub && !found) {
            found =
                SubOptionView{body, vendor.enterprise == 4491
                                        ? OptionDefinitions::standard().byCode(code, "vendor-4491")
                                        : nullptr};
        }
    });
    return found;
}

std::optional<uint32_t> keaVendorClassEnterprise(Bytes data) {
    if (data.size() < 4) {
        return std::nullopt;
    }
    return uint32_t(data[0]) << 24 | uint32_t(data[1]) << 16 | uint32_t(data[2]) << 8 | data[3];
}

std::optional<Bytes> keaVendorClassTuple(Bytes data, size_t index) {
    // OptionVendorClass::unpack: the enterprise number, a tuple, and before each further tuple
    // another enterprise number, which Kea skips.
    size_t off = 4;
    for (size_t n = 0; off < data.size(); ++n) {
        const size_t len = data[off];
        if (off + 1 + len > data.size()) {
            return std::nullopt;
        }
        if (n == index) {
            return data.subspan(off + 1, len);
        }
        off += 1 + len + 4;
    }
    return std::nullopt;
}

} // namespace kahu::eval::detail
