// SPDX-License-Identifier: MPL-2.0
// Kea 2.2's DHCPv4 option factory on a buffer, class by class (OptionInt, OptionIntArray,
// Option4AddrLst, Option6AddrLst, OptionString, OptionOpaqueDataTuples, OptionCustom, the FQDN
// list, Option4SlpServiceScope, Option4ClientFqdn, OptionVendorClass, OptionVendor), with its
// messages. Each case was checked
// against kea-dhcp4 2.2.0 (-t for the verdict, config-get for the bytes it keeps).
#include "dhcp/option_wire.h"

#include <algorithm>
#include <kahu/error.h>
#include <string>

namespace kahu {

namespace {

using Bytes = std::vector<uint8_t>;
using View = std::span<const uint8_t>;

[[noreturn]] void refuse(const std::string& why) {
    throw Error(why);
}

void append(Bytes& out, View v) {
    out.insert(out.end(), v.begin(), v.end());
}

// ---- DNS names (isc::dns::Name) ----

constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxWire = 255;

uint8_t lower(unsigned c) {
    return uint8_t(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

// Name(InputBuffer&, downcase): a wire-format name starting at `pos` of `buf`, compression
// pointers allowed only backwards (before the name's start). Returns the labels uncompressed
// with the final 0 and moves `pos` past the name as it appears in `buf`.
Bytes readWireName(View buf, size_t& pos, bool downcase = false) {
    enum class State { Start, Ordinary, Pointer } state = State::Start;
    Bytes labels;
    size_t current = pos;
    size_t biggestPointer = pos;
    size_t used = 0;     // wire bytes of the name so far (uncompressed)
    size_t consumed = 0; // bytes read at `pos` before the first pointer
    bool seenPointer = false;
    bool done = false;
    size_t n = 0;
    size_t target = 0;
    while (current < buf.size() && !done) {
        const unsigned c = buf[current++];
        if (!seenPointer) {
            ++consumed;
        }
        switch (state) {
        case State::Start:
            if (c <= kMaxLabel) {
                if (used + c + 1 > kMaxWire) {
                    refuse("wire name is too long: " + std::to_string(used + c + 1) + " bytes");
                }
                used += c + 1;
                labels.push_back(uint8_t(c));
                done = c == 0;
                n = c;
                state = State::Ordinary;
            } else if ((c & 0xc0) == 0xc0) {
                target = c & 0x3f;
                n = 1;
                state = State::Pointer;
            } else {
                refuse("unknown label character: " + std::to_string(c));
            }
            break;
        case State::Ordinary:
            labels.push_back(downcase ? lower(c) : uint8_t(c));
            if (--n == 0) {
                state = State::Start;
            }
            break;
        case State::Pointer:
            target = target * 256 + c;
            if (--n != 0) {
                break;
            }
            if (target >= biggestPointer) {
                refuse("bad compression pointer (out of range): " + std::to_string(target));
            }
            biggestPointer = target;
            current = target;
            seenPointer = true;
            state = State::Start;
            break;
        }
    }
    if (!done) {
        refuse("incomplete wire-format name");
    }
    pos += consumed;
    return labels;
}

// Name::toText (LabelSequence::toText): labels separated by '.', special characters escaped
// with '\', other non-printable ones as \DDD; the root is ".".
std::string nameText(const Bytes& labels, bool omitFinalDot) {
    std::string out;
    size_t i = 0;
    while (i < labels.size()) {
        size_t count = labels[i++];
        if (count == 0) {
            if (!omitFinalDot || out.empty()) {
                out += '.';
            }
            break;
        }
        if (!out.empty()) {
            out += '.';
        }
        for (; count > 0 && i < labels.size(); --count) {
            const uint8_t c = labels[i++];
            switch (c) {
            case '"':
            case '(':
            case ')':
            case '.':
            case ';':
            case '\\':
            case '@':
            case '$':
                out += '\\';
                out += char(c);
                break;
            default:
                if (c > 0x20 && c < 0x7f) {
                    out += char(c);
                } else {
                    out += '\\';
                    out += char('0' + c / 100 % 10);
                    out += char('0' + c / 10 % 10);
                    out += char('0' + c % 10);
                }
            }
        }
    }
    return out;
}

bool isDigit(unsigned c) {
    return c >= '0' && c <= '9';
}

// Name(const std::string&, downcase = true): the master-file text form ('.' separated,
// "\c" and "\DDD" escapes, "." and "@" alone for the root). Returns the wire labels.
Bytes textName(const std::string& text) {
    enum class State { Init, Start, Ordinary, InitialEscape, Escape, EscDecimal };
    Bytes data;
    size_t lastLength = 0; // where the current label's length byte is
    size_t count = 0;
    unsigned digits = 0;
    unsigned value = 0;
    bool done = false;
    State state = State::Init;
    size_t i = 0;
    while (data.size() < kMaxWire && i < text.size() && !done) {
        const unsigned c = static_cast<unsigned char>(text[i++]);
        const bool atEnd = i == text.size();
        if (state == State::Init) {
            if ((c == '.' || c == '@') && atEnd) {
                data.push_back(0);
                done = true;
                break;
            }
            if (c == '.') {
                refuse("non terminating empty label in " + text);
            }
            state = State::Start;
        }
        if (state == State::Start) {
            lastLength = data.size();
            data.push_back(0);
            count = 0;
            if (c == '\\') {
                state = State::InitialEscape;
                continue;
            }
            state = State::Ordinary;
        }
        if (state == State::Ordinary) {
            if (c == '.') {
                if (count == 0) {
                    refuse("duplicate period in " + text);
                }
                data[lastLength] = uint8_t(count);
                if (atEnd) {
                    data.push_back(0);
                    done = true;
                }
                state = State::Start;
            } else if (c == '\\') {
                state = State::Escape;
            } else {
                if (++count > kMaxLabel) {
                    refuse("label is too long in " + text);
                }
                data.push_back(lower(c));
            }
            continue;
        }
        if (state == State::InitialEscape) {
            if (c == '[') {
                refuse("invalid label type in " + text);
            }
            state = State::Escape;
        }
        if (state == State::Escape) {
            if (!isDigit(c)) {
                if (++count > kMaxLabel) {
                    refuse("label is too long in " + text);
                }
                data.push_back(lower(c));
                state = State::Ordinary;
                continue;
            }
            digits = 0;
            value = 0;
            state = State::EscDecimal;
        }
        if (state == State::EscDecimal) {
            if (!isDigit(c)) {
                refuse("mixture of escaped digit and non-digit in " + text);
            }
            value = value * 10 + (c - '0');
            if (++digits == 3) {
                if (value > 255) {
                    refuse("escaped decimal is too large in " + text);
                }
                if (++count > kMaxLabel) {
                    refuse("label is too long in " + text);
                }
                data.push_back(lower(value));
                state = State::Ordinary;
            }
        }
    }
    if (!done) {
        if (data.size() == kMaxWire) {
            refuse("name is too long for termination in " + text);
        }
        if (state != State::Ordinary) {
            refuse("incomplete textual name in " + (text.empty() ? std::string("<empty>") : text));
        }
        data[lastLength] = uint8_t(count);
        data.push_back(0);
    }
    return data;
}

// ---- the option classes ----

struct Parsed {
    Bytes value;
    std::vector<SubOption> subs;
    bool encapsulates = false;
};

Parsed readOption(const OptionDefinition& def, View data, const OptionDefinitions& defs);

// LibDHCP::unpackOptions4 for the sub-options of an option: PAD and END count only in space
// dhcp4, and for option 43 when its space does not define codes 0 and 255; a truncated
// sub-option ends the list silently. Each one is built with its space's definition.
std::vector<SubOption> unpackSubOptions(View buf, const std::string& space, uint8_t parentCode,
                                        const OptionDefinitions& defs) {
    const bool dhcp4 = space == "dhcp4";
    const bool flex = parentCode == 43;
    const bool pad = dhcp4 || (flex && !defs.byCode(0, space));
    const bool end = dhcp4 || (flex && !defs.byCode(255, space));
    std::vector<SubOption> out;
    size_t off = 0;
    while (off < buf.size()) {
        const uint8_t code = buf[off++];
        if (code == 255 && end) {
            break;
        }
        if (code == 0 && pad) {
            continue;
        }
        if (off + 1 > buf.size()) {
            break;
        }
        const uint8_t len = buf[off++];
        if (off + len > buf.size()) {
            break;
        }
        View body = buf.subspan(off, len);
        off += len;
        const OptionDefinition* sub = defs.byCode(code, space);
        // Kea defers 43 and 224-254 of space dhcp4 (read later as raw bytes).
        const bool deferred = dhcp4 && (code == 43 || code >= 224);
        if (sub && kea22KnowsDefinition(*sub) && !deferred) {
            out.push_back({code, keaOptionFromWire(*sub, body, defs)});
        } else {
            out.push_back({code, Bytes(body.begin(), body.end())});
        }
    }
    return out;
}

void packSubs(Bytes& out, std::vector<SubOption> subs) {
    std::stable_sort(subs.begin(), subs.end(),
                     [](const SubOption& a, const SubOption& b) { return a.code < b.code; });
    for (const auto& s : subs) {
        if (s.data.size() > 255) {
            refuse("sub-option " + std::to_string(s.code) + " would be " +
                   std::to_string(s.data.size()) + " bytes long");
        }
        out.push_back(s.code);
        out.push_back(uint8_t(s.data.size()));
        out.insert(out.end(), s.data.begin(), s.data.end());
    }
}

// OptionCustom::bufferLength: how many bytes the next field of type `t` takes.
size_t bufferLength(const OptionDefinition& def, OptionDataType t, bool inArray, View rest) {
    if (size_t n = fixedSize(t)) {
        return n;
    }
    switch (t) {
    case OptionDataType::Fqdn: {
        // readFqdn reads from a buffer of its own and the field is "as long as the name's
        // text plus one", which is not its wire length for the root or escaped labels.
        if (rest.empty()) {
            refuse("unable to read FQDN from a buffer. The buffer is empty.");
        }
        size_t pos = 0;
        return nameText(readWireName(rest, pos), false).size() + 1;
    }
    case OptionDataType::Binary:
    case OptionDataType::String:
        if (!def.array) {
            return rest.size();
        }
        break;
    case OptionDataType::Ipv6Prefix: {
        if (rest.empty() && !inArray) {
            return 0;
        }
        if (rest.empty()) {
            refuse("unable to read prefix length from a truncated buffer");
        }
        const size_t bytes = (size_t(rest[0]) + 7) / 8;
        if (rest.size() - 1 < bytes) {
            refuse("unable to read a prefix having length of " + std::to_string(rest[0]) +
                   " from a truncated buffer");
        }
        return 1 + bytes;
    }
    case OptionDataType::Tuple: {
        if (rest.empty()) {
            refuse("unable to read data from the buffer as tuple (length). Invalid buffer "
                   "size: 0");
        }
        const size_t len = rest[0];
        if (rest.size() < 1 + len) {
            refuse("unable to read data from the buffer as tuple (length " + std::to_string(len) +
                   "). Invalid buffer size: " + std::to_string(rest.size()));
        }
        return 1 + len;
    }
    default:
        break;
    }
    refuse("option buffer truncated");
}

// OptionCustom::createBuffers: the fields the definition describes; what follows them is
// read as sub-options when the option encapsulates a space, otherwise dropped. An array
// keeps whole elements (the last record field repeating) and drops a partial last one.
Parsed optionCustom(const OptionDefinition& def, View data, const OptionDefinitions& defs) {
    Parsed p;
    p.encapsulates = true;
    size_t pos = 0;
    auto take = [&](size_t n) {
        append(p.value, data.subspan(pos, n));
        pos += n;
    };
    if (def.type == OptionDataType::Record) {
        for (OptionDataType field : def.recordTypes) {
            const size_t n = bufferLength(def, field, false, data.subspan(pos));
            if (data.size() - pos < n) {
                refuse("option buffer truncated");
            }
            take(n);
        }
        if (def.array && !def.recordTypes.empty()) {
            while (pos < data.size()) {
                const size_t n = bufferLength(def, def.recordTypes.back(), true, data.subspan(pos));
                if (n == 0 || data.size() - pos < n) {
                    break;
                }
                take(n);
            }
            return p;
        }
    } else if (def.type != OptionDataType::Empty) {
        if (data.size() < fixedSize(def.type)) {
            refuse("option buffer truncated");
        }
        if (def.array) {
            while (pos < data.size()) {
                const size_t n = bufferLength(def, def.type, true, data.subspan(pos));
                if (n == 0 || data.size() - pos < n) {
                    break;
                }
                take(n);
            }
            return p;
        }
        const size_t n = bufferLength(def, def.type, false, data);
        if (n == 0 || data.size() < n) {
            refuse("option buffer truncated");
        }
        take(n);
    }
    if (pos < data.size() && !def.encapsulate.empty()) {
        p.subs = unpackSubOptions(data.subspan(pos), def.encapsulate, def.code, defs);
    }
    return p;
}

// OptionDefinition::factoryFqdnList: names read from the whole buffer (pointers to earlier
// names resolved), decompressed, then split again by OptionCustom.
Parsed fqdnList(const OptionDefinition& def, View data, const OptionDefinitions& defs) {
    if (data.empty()) {
        refuse("FQDN list option has invalid length of 0");
    }
    Bytes names;
    size_t pos = 0;
    while (pos < data.size()) {
        Bytes labels = readWireName(data, pos);
        names.insert(names.end(), labels.begin(), labels.end());
    }
    return optionCustom(def, names, defs);
}

// Option4ClientFqdn: flags, two RCODEs, then the name: wire format when the E flag is set (a
// partial name lacks the final 0), otherwise text, which Kea writes back as Name::toText.
Parsed clientFqdn(View data) {
    constexpr uint8_t flagS = 0x01;
    constexpr uint8_t flagE = 0x04;
    constexpr uint8_t flagN = 0x08;
    if (data.size() < 3) {
        refuse("DHCPv4 Client FQDN Option (81) is truncated");
    }
    Parsed p;
    p.value.assign(data.begin(), data.begin() + 3);
    const uint8_t flags = data[0];
    View name = data.subspan(3);
    try {
        if (!name.empty() && (flags & flagE)) {
            const bool partial = name.back() != 0;
            Bytes wire(name.begin(), name.end());
            if (partial) {
                wire.push_back(0);
            }
            size_t pos = 0;
            Bytes labels = readWireName(wire, pos, true);
            append(p.value, View(labels).first(labels.size() - (partial ? 1 : 0)));
        } else if (!name.empty()) {
            const std::string text(name.begin(), name.end());
            const bool partial = text.back() != '.';
            const std::string out = nameText(textName(text), partial);
            p.value.insert(p.value.end(), out.begin(), out.end());
        }
    } catch (const Error& e) {
        refuse(std::string("failed to parse the domain-name in DHCPv4 Client FQDN Option: ") +
               e.what());
    }
    if ((flags & (flagN | flagS)) == (flagN | flagS)) {
        refuse("both N and S flag of the DHCPv4 Client FQDN Option are set. According to RFC "
               "4702, if the N bit is 1 the S bit MUST be 0");
    }
    return p;
}

uint32_t enterpriseOf(View data) {
    return uint32_t(data[0]) << 24 | uint32_t(data[1]) << 16 | uint32_t(data[2]) << 8 | data[3];
}

// The length byte of the opaque-data tuple at data[off], refused (Kea's OpaqueDataTuple) when
// the data after it is shorter.
size_t tupleLength(View data, size_t off) {
    const size_t len = data[off];
    const size_t left = data.size() - off - 1;
    if (left < len) {
        refuse("unable to parse the opaque data tuple, the buffer length is " +
               std::to_string(left) + ", but the tuple length is " + std::to_string(len));
    }
    return len;
}

// OptionVendorClass (124): an enterprise number, then tuples, each after the first preceded by
// another enterprise number, which Kea skips: it writes the first one before every tuple.
Parsed vendorClass(View data) {
    if (data.size() < 4) {
        refuse("parsed Vendor Class option data truncated to size " + std::to_string(data.size()));
    }
    Parsed p;
    View enterprise = data.first(4);
    append(p.value, enterprise);
    size_t off = 4;
    bool first = true;
    while (off < data.size()) {
        const size_t len = tupleLength(data, off);
        if (!first) {
            append(p.value, enterprise);
        }
        first = false;
        append(p.value, data.subspan(off, 1 + len));
        off += 1 + len;
        if (off != data.size()) {
            // The next enterprise number, then more than one byte.
            off += 4;
            if (off + 1 >= data.size()) {
                refuse("truncated DHCPv4 V-I Vendor Class option - it should contain enterprise "
                       "id followed by opaque data field tuple");
            }
        }
    }
    return p;
}

// OptionVendor (125): an enterprise number and one block of data-len and sub-options, read
// with Kea's own definitions for that enterprise (DOCSIS3 for 4491, not option-def ones);
// anything after the block is dropped. Written back with data-len recomputed.
Parsed vendorSpecific(View data) {
    if (data.size() < 4) {
        refuse("Truncated vendor-specific information option, length=" +
               std::to_string(data.size()));
    }
    const uint32_t enterprise = enterpriseOf(data);
    const std::string space = vendorSpace(enterprise);
    const OptionDefinitions& known = OptionDefinitions::standard();
    View buf = data.subspan(4);
    std::vector<SubOption> subs;
    if (!buf.empty()) {
        size_t off = 0;
        const size_t dataLen = buf[off++];
        if (off + dataLen > buf.size()) {
            refuse("Attempt to parse truncated vendor option");
        }
        const size_t end = uint8_t(off + dataLen); // Kea keeps this offset in a uint8_t
        while (off < end) {
            const uint8_t code = buf[off++];
            if (off + 1 > end) {
                refuse("Attempt to parse truncated vendor option " + std::to_string(code));
            }
            const size_t len = buf[off++];
            if (off + len > end) {
                refuse("Option parse failed. Tried to parse " + std::to_string(off + len) +
                       " bytes from " + std::to_string(buf.size()) + "-byte long buffer.");
            }
            View body = buf.subspan(off, len);
            off += len;
            const OptionDefinition* sub = known.byCode(code, space);
            if (sub) {
                subs.push_back({code, keaOptionFromWire(*sub, body, known)});
            } else {
                subs.push_back({code, Bytes(body.begin(), body.end())});
            }
        }
    }
    Parsed p;
    Bytes packed;
    packSubs(packed, std::move(subs));
    if (packed.size() > 255) {
        refuse("the sub-options of enterprise " + std::to_string(enterprise) + " take " +
               std::to_string(packed.size()) + " bytes; at most 255 fit");
    }
    append(p.value, data.first(4));
    p.value.push_back(uint8_t(packed.size()));
    append(p.value, packed);
    return p;
}

Parsed readOption(const OptionDefinition& def, View data, const OptionDefinitions& defs) {
    const std::string code = std::to_string(def.code);
    Parsed p;
    if (def.space == "dhcp4") {
        switch (def.code) {
        case 79: // Option4SlpServiceScope: a 0/1 flag, then the scope list as it is
            if (data.empty()) {
                refuse("SLP Service Scope option (79) truncated");
            }
            if (data[0] > 1) {
                refuse("unable to read the buffer as boolean value. Invalid value " +
                       std::to_string(data[0]));
            }
            append(p.value, data);
            return p;
        case 81:
            return clientFqdn(data);
        case 124:
            return vendorClass(data);
        case 125:
            return vendorSpecific(data);
        default:
            break;
        }
    }
    if (def.type == OptionDataType::Fqdn && def.array) {
        return fqdnList(def, data, defs);
    }
    if (isIntegerType(def.type)) {
        const size_t width = fixedSize(def.type);
        if (def.array) { // OptionIntArray
            if (data.empty()) {
                refuse("option " + code + " empty");
            }
            if (data.size() % width != 0) {
                refuse("OptionIntArray " + code + " truncated");
            }
            append(p.value, data);
            return p;
        }
        // OptionInt: the value, then sub-options (of its space, or of none).
        if (data.size() < width) {
            refuse("OptionInt " + code + " truncated");
        }
        append(p.value, data.first(width));
        p.subs = unpackSubOptions(data.subspan(width), def.encapsulate, def.code, defs);
        p.encapsulates = true;
        return p;
    }
    switch (def.type) {
    case OptionDataType::Empty:
        if (def.encapsulate.empty()) {
            return p; // factoryEmpty: the data is ignored
        }
        return optionCustom(def, data, defs);
    case OptionDataType::Binary:
        append(p.value, data);
        return p;
    case OptionDataType::String: {
        // OptionString: trailing NULs dropped; nothing left is an error.
        size_t n = data.size();
        while (n > 0 && data[n - 1] == 0) {
            --n;
        }
        if (n == 0) {
            refuse("failed to parse an option '" + code +
                   "' holding string value' was empty or contained only nuls");
        }
        append(p.value, data.first(n));
        return p;
    }
    case OptionDataType::Ipv4Address:
        if (!def.array) {
            break;
        }
        if (data.size() % 4 != 0) {
            refuse("DHCPv4 Option4AddrLst " + code + " has invalid length=" +
                   std::to_string(data.size()) + ", must be divisible by 4.");
        }
        append(p.value, data);
        return p;
    case OptionDataType::Ipv6Address:
        if (!def.array) {
            break;
        }
        if (data.size() % 16 != 0) {
            refuse("Option " + code + " malformed: len=" + std::to_string(data.size()) +
                   " is not divisible by 16.");
        }
        append(p.value, data);
        return p;
    case OptionDataType::Tuple: {
        if (!def.array) {
            break;
        }
        // OptionOpaqueDataTuples: length-prefixed data to the end.
        if (data.size() < 2) {
            refuse("parsed data tuples option data truncated to size " +
                   std::to_string(data.size()));
        }
        size_t off = 0;
        while (off < data.size()) {
            const size_t len = tupleLength(data, off);
            off += 1 + len;
        }
        append(p.value, data);
        return p;
    }
    case OptionDataType::InternalPrefixList:
        append(p.value, data);
        return p;
    default:
        break;
    }
    return optionCustom(def, data, defs);
}

} // namespace

std::vector<uint8_t> keaOptionFromWire(const OptionDefinition& def, std::span<const uint8_t> data,
                                       const OptionDefinitions& defs) {
    Parsed p = readOption(def, data, defs);
    packSubs(p.value, std::move(p.subs));
    return p.value;
}

KeaEncapsulation keaEncapsulation(const OptionDefinition& def, std::span<const uint8_t> data,
                                  const OptionDefinitions& defs) {
    Parsed p = readOption(def, data, defs);
    KeaEncapsulation e;
    e.encapsulates = p.encapsulates && !def.encapsulate.empty();
    e.valueSize = p.value.size();
    e.subOptions = std::move(p.subs);
    return e;
}

bool isIntegerType(OptionDataType t) noexcept {
    switch (t) {
    case OptionDataType::Int8:
    case OptionDataType::Int16:
    case OptionDataType::Int32:
    case OptionDataType::Uint8:
    case OptionDataType::Uint16:
    case OptionDataType::Uint32:
        return true;
    default:
        return false;
    }
}

size_t fixedSize(OptionDataType t) noexcept {
    switch (t) {
    case OptionDataType::Boolean:
    case OptionDataType::Int8:
    case OptionDataType::Uint8:
        return 1;
    case OptionDataType::Int16:
    case OptionDataType::Uint16:
        return 2;
    case OptionDataType::Int32:
    case OptionDataType::Uint32:
    case OptionDataType::Ipv4Address:
        return 4;
    case OptionDataType::Ipv6Address:
        return 16;
    case OptionDataType::Psid:
        return 3;
    default:
        return 0;
    }
}

} // namespace kahu
