// SPDX-License-Identifier: MPL-2.0
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <kahu/dhcp/packet4.h>

namespace kahu {

namespace {

constexpr size_t kCookieOffset = Packet4::kHeaderSize;
constexpr size_t kOptionsOffset = Packet4::kHeaderSize + 4;
constexpr size_t kMinPacketSize = 300; // BOOTP minimum (RFC 1542); some relays drop shorter
constexpr size_t kSnameOffset = 44;
constexpr size_t kFileOffset = 108;

uint16_t get16(const uint8_t* p) noexcept {
    return uint16_t(p[0] << 8 | p[1]);
}
uint32_t get32(const uint8_t* p) noexcept {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
uint8_t* put16(uint8_t* p, uint16_t v) noexcept {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
    return p + 2;
}
uint8_t* put32(uint8_t* p, uint32_t v) noexcept {
    p[0] = uint8_t(v >> 24);
    p[1] = uint8_t(v >> 16);
    p[2] = uint8_t(v >> 8);
    p[3] = uint8_t(v);
    return p + 4;
}

// Bytes one option takes on the wire once split into <= 255-byte pieces (RFC 3396).
size_t wireSize(const Option& o) noexcept {
    size_t pieces = o.data.empty() ? 1 : (o.data.size() + 254) / 255;
    return pieces * 2 + o.data.size();
}

uint8_t* writeOption(uint8_t* p, const Option& o) noexcept {
    const uint8_t* d = o.data.data();
    size_t left = o.data.size();
    do {
        size_t n = std::min<size_t>(left, 255);
        *p++ = o.code;
        *p++ = uint8_t(n);
        if (n) {
            std::memcpy(p, d, n);
        }
        p += n;
        d += n;
        left -= n;
    } while (left > 0);
    return p;
}

// Codes pack() writes in the ascending middle part (53 and 82 have fixed places; PAD and END
// are framing, never options).
bool isMiddleCode(unsigned code) noexcept {
    return code != opt::kPad && code != opt::kEnd && code != opt::kMessageType &&
           code != opt::kRelayAgentInfo;
}

} // namespace

const char* toString(ParseError e) noexcept {
    switch (e) {
    case ParseError::Ok:
        return "ok";
    case ParseError::TooShort:
        return "packet shorter than the 240-byte BOOTP header and cookie";
    case ParseError::BadMagicCookie:
        return "bad DHCP magic cookie";
    case ParseError::BadOp:
        return "op is neither BOOTREQUEST nor BOOTREPLY";
    case ParseError::BadHlen:
        return "hlen greater than 16";
    case ParseError::OptionOverrun:
        return "option runs past the end of its area";
    case ParseError::BadOverload:
        return "malformed or looping option overload (52)";
    case ParseError::NoMessageType:
        return "missing or invalid DHCP message type (53)";
    case ParseError::OptionTooShort:
        return "option buffer truncated";
    }
    return "unknown parse error";
}

const char* toString(MessageType t) noexcept {
    switch (t) {
    case MessageType::Discover:
        return "DHCPDISCOVER";
    case MessageType::Offer:
        return "DHCPOFFER";
    case MessageType::Request:
        return "DHCPREQUEST";
    case MessageType::Decline:
        return "DHCPDECLINE";
    case MessageType::Ack:
        return "DHCPACK";
    case MessageType::Nak:
        return "DHCPNAK";
    case MessageType::Release:
        return "DHCPRELEASE";
    case MessageType::Inform:
        return "DHCPINFORM";
    }
    return "UNKNOWN";
}

// Appends one option instance; a repeated code is concatenated to the first (RFC 3396).
// `used` counts the live entries of options_: entries past it are stale ones from an earlier
// parse whose buffers are reused to avoid an allocation per option per packet.
namespace {
struct OptionSink {
    std::vector<Option>& options;
    std::array<uint8_t, 256>& index;
    size_t used = 0;

    void add(uint8_t code, const uint8_t* data, size_t size) {
        if (uint8_t pos = index[code]) {
            auto& d = options[pos - 1].data;
            d.insert(d.end(), data, data + size);
            return;
        }
        if (used < options.size()) {
            options[used].code = code;
            options[used].data.assign(data, data + size);
        } else {
            options.push_back(Option{code, std::vector<uint8_t>(data, data + size)});
        }
        index[code] = uint8_t(++used);
    }
};

ParseError parseArea(const uint8_t* p, size_t len, bool mainArea, OptionSink& sink) {
    size_t i = 0;
    while (i < len) {
        uint8_t code = p[i];
        if (code == opt::kPad) {
            ++i;
            continue;
        }
        if (code == opt::kEnd) {
            break;
        }
        if (i + 1 >= len) {
            return ParseError::OptionOverrun;
        }
        size_t size = p[i + 1];
        if (i + 2 + size > len) {
            return ParseError::OptionOverrun;
        }
        if (code == opt::kOverload && !mainArea) {
            return ParseError::BadOverload;
        }
        sink.add(code, p + i + 2, size);
        i += 2 + size;
    }
    return ParseError::Ok;
}
} // namespace

ParseError Packet4::parse(std::span<const uint8_t> buffer) noexcept {
    const uint8_t* b = buffer.data();
    if (buffer.size() < kOptionsOffset) {
        return ParseError::TooShort;
    }
    if (b[0] != 1 && b[0] != 2) {
        return ParseError::BadOp;
    }
    if (b[2] > 16) {
        return ParseError::BadHlen;
    }
    if (get32(b + kCookieOffset) != kMagicCookie) {
        return ParseError::BadMagicCookie;
    }
    op = b[0];
    htype = b[1];
    hlen = b[2];
    hops = b[3];
    xid = get32(b + 4);
    secs = get16(b + 8);
    flags = get16(b + 10);
    ciaddr = Ipv4Address::fromBytes(b + 12);
    yiaddr = Ipv4Address::fromBytes(b + 16);
    siaddr = Ipv4Address::fromBytes(b + 20);
    giaddr = Ipv4Address::fromBytes(b + 24);
    std::memcpy(chaddr.data(), b + 28, chaddr.size());
    std::memcpy(sname.data(), b + kSnameOffset, sname.size());
    std::memcpy(file.data(), b + kFileOffset, file.size());

    index_.fill(0);
    OptionSink sink{options_, index_};
    ParseError err = parseArea(b + kOptionsOffset, buffer.size() - kOptionsOffset, true, sink);
    if (err == ParseError::Ok && index_[opt::kOverload]) {
        const Option& o = options_[index_[opt::kOverload] - 1];
        uint8_t mode = o.data.size() == 1 ? o.data[0] : 0;
        if (mode < 1 || mode > 3) {
            err = ParseError::BadOverload;
        }
        // RFC 2131 §4.1: the file field first, then sname.
        if (err == ParseError::Ok && (mode & 1)) {
            err = parseArea(file.data(), file.size(), false, sink);
            file.fill(0);
        }
        if (err == ParseError::Ok && (mode & 2)) {
            err = parseArea(sname.data(), sname.size(), false, sink);
            sname.fill(0);
        }
    }
    options_.resize(sink.used);
    if (err != ParseError::Ok) {
        return err;
    }
    if (index_[opt::kOverload]) {
        remove(opt::kOverload);
    }
    const Option* mt = get(opt::kMessageType);
    if (!mt || mt->data.size() != 1 || mt->data[0] == 0) {
        return ParseError::NoMessageType;
    }
    // Kea unpacks the options it knows with their definitions and drops the packet when one is
    // shorter than its type (DHCP4_PACKET_DROP_0001 "option buffer truncated"); these are the
    // fixed-size ones the server reads.
    for (auto [code, size] : {std::pair{opt::kRequestedAddress, 4}, std::pair{opt::kServerId, 4},
                              std::pair{opt::kLeaseTime, 4}, std::pair{uint8_t(57), 2}}) {
        if (const Option* o = get(code); o && o->data.size() < size_t(size)) {
            return ParseError::OptionTooShort;
        }
    }
    return ParseError::Ok;
}

void Packet4::pack(std::vector<uint8_t>& out) const {
    size_t size = kOptionsOffset + 1;
    for (const Option& o : options_) {
        if (o.code != opt::kPad && o.code != opt::kEnd) {
            size += wireSize(o);
        }
    }
    out.resize(std::max(size, kMinPacketSize));
    uint8_t* p = out.data();
    p[0] = op;
    p[1] = htype;
    p[2] = hlen;
    p[3] = hops;
    put32(p + 4, xid);
    put16(p + 8, secs);
    put16(p + 10, flags);
    ciaddr.toBytes(p + 12);
    yiaddr.toBytes(p + 16);
    siaddr.toBytes(p + 20);
    giaddr.toBytes(p + 24);
    std::memcpy(p + 28, chaddr.data(), chaddr.size());
    std::memcpy(p + kSnameOffset, sname.data(), sname.size());
    std::memcpy(p + kFileOffset, file.data(), file.size());
    put32(p + kCookieOffset, kMagicCookie);
    p += kOptionsOffset;
    if (uint8_t pos = index_[opt::kMessageType]) {
        p = writeOption(p, options_[pos - 1]);
    }
    for (unsigned code = 1; code < 255; ++code) {
        if (index_[code] && isMiddleCode(code)) {
            p = writeOption(p, options_[index_[code] - 1]);
        }
    }
    if (uint8_t pos = index_[opt::kRelayAgentInfo]) {
        p = writeOption(p, options_[pos - 1]);
    }
    *p++ = opt::kEnd;
    std::memset(p, 0, size_t(out.data() + out.size() - p));
}

const Option* Packet4::get(uint8_t code) const noexcept {
    uint8_t pos = index_[code];
    return pos ? &options_[pos - 1] : nullptr;
}

void Packet4::set(uint8_t code, std::vector<uint8_t> data) {
    if (uint8_t pos = index_[code]) {
        options_[pos - 1].data = std::move(data);
        return;
    }
    options_.push_back(Option{code, std::move(data)});
    index_[code] = uint8_t(options_.size());
}

void Packet4::set(uint8_t code, const uint8_t* data, size_t size) {
    if (uint8_t pos = index_[code]) {
        options_[pos - 1].data.assign(data, data + size);
        return;
    }
    options_.push_back(Option{code, std::vector<uint8_t>(data, data + size)});
    index_[code] = uint8_t(options_.size());
}

void Packet4::remove(uint8_t code) noexcept {
    uint8_t pos = index_[code];
    if (!pos) {
        return;
    }
    options_.erase(options_.begin() + (pos - 1));
    index_[code] = 0;
    for (auto& i : index_) {
        if (i > pos) {
            --i;
        }
    }
}

void Packet4::addClass(std::string_view name) {
    if (!inClass(name)) {
        classes_.emplace_back(name);
    }
}

bool Packet4::inClass(std::string_view name) const noexcept {
    return std::find(classes_.begin(), classes_.end(), name) != classes_.end();
}

void Packet4::clearOptions() noexcept {
    options_.clear();
    index_.fill(0);
}

std::optional<MessageType> Packet4::messageType() const noexcept {
    const Option* o = get(opt::kMessageType);
    if (!o || o->data.size() != 1) {
        return std::nullopt;
    }
    return static_cast<MessageType>(o->data[0]);
}

std::optional<Ipv4Address> Packet4::getAddress(uint8_t code) const noexcept {
    const Option* o = get(code);
    if (!o || o->data.size() != 4) {
        return std::nullopt;
    }
    return Ipv4Address::fromBytes(o->data.data());
}

void Packet4::setAddress(uint8_t code, Ipv4Address a) {
    uint8_t b[4];
    a.toBytes(b);
    set(code, b, 4);
}

void Packet4::setUint32(uint8_t code, uint32_t v) {
    uint8_t b[4];
    put32(b, v);
    set(code, b, 4);
}

HwAddr Packet4::hwAddr() const {
    size_t n = std::min<size_t>(hlen, chaddr.size());
    return HwAddr{htype, std::vector<uint8_t>(chaddr.begin(), chaddr.begin() + n)};
}

std::optional<std::span<const uint8_t>> Packet4::relaySubOption(uint8_t sub) const noexcept {
    const Option* o = get(opt::kRelayAgentInfo);
    if (!o) {
        return std::nullopt;
    }
    const auto& d = o->data;
    size_t i = 0;
    while (i + 2 <= d.size()) {
        size_t len = d[i + 1];
        if (i + 2 + len > d.size()) {
            return std::nullopt; // malformed: do not trust anything past here
        }
        if (d[i] == sub) {
            return std::span<const uint8_t>(d.data() + i + 2, len);
        }
        i += 2 + len;
    }
    return std::nullopt;
}

std::string Packet4::summary() const {
    std::string s;
    s.reserve(160);
    auto mt = messageType();
    s += mt ? toString(*mt) : "BOOTP";
    char xidText[16];
    std::snprintf(xidText, sizeof xidText, "0x%08x", xid);
    s += " xid=";
    s += xidText;
    s += " hwaddr=";
    s += toColonHex(chaddr.data(), std::min<size_t>(hlen, chaddr.size()));
    s += " ciaddr=" + ciaddr.str();
    s += " yiaddr=" + yiaddr.str();
    s += " giaddr=" + giaddr.str();
    if (!iface.empty()) {
        s += " iface=" + iface;
    }
    return s;
}

std::string Packet4::label() const {
    std::string s;
    s.reserve(96);
    char head[32];
    std::snprintf(head, sizeof head, "[hwtype=%u ", static_cast<unsigned>(htype));
    s += head;
    s += toColonHex(chaddr.data(), std::min<size_t>(hlen, chaddr.size()));
    s += "], cid=[";
    if (const Option* cid = get(opt::kClientId); cid && !cid->data.empty()) {
        s += toColonHex(cid->data.data(), cid->data.size());
    } else {
        s += "no info";
    }
    char tid[24];
    std::snprintf(tid, sizeof tid, "], tid=0x%x", xid);
    s += tid;
    return s;
}

} // namespace kahu
