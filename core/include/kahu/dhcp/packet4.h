// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <array>
#include <cstdint>
#include <kahu/dhcp/hw_addr.h>
#include <kahu/dhcp/ipv4_address.h>
#include <kahu/export.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// DHCP message types (option 53).
enum class MessageType : uint8_t {
    Discover = 1,
    Offer = 2,
    Request = 3,
    Decline = 4,
    Ack = 5,
    Nak = 6,
    Release = 7,
    Inform = 8,
};
/// "DHCPDISCOVER", ... as Kea logs them; "UNKNOWN" for other values.
KAHU_API const char* toString(MessageType) noexcept;

/// Well-known option codes the core itself reads or writes.
namespace opt {
inline constexpr uint8_t kPad = 0, kSubnetMask = 1, kRouters = 3, kDnsServers = 6, kHostName = 12,
                         kDomainName = 15, kOverload = 52, kRequestedAddress = 50, kLeaseTime = 51,
                         kMessageType = 53, kServerId = 54, kParamRequest = 55,
                         kMaxMessageSize = 57, kRenewalTime = 58, kRebindingTime = 59,
                         kVendorClass = 60, kClientId = 61, kRelayAgentInfo = 82,
                         kSubnetSelection = 118, kEnd = 255;
}

/// One option: its code and its (possibly RFC 3396-concatenated) data.
struct Option {
    uint8_t code = 0;
    std::vector<uint8_t> data;
};

/// Why a buffer was not accepted as a DHCPv4 packet. Every value but Ok means "count and drop".
enum class ParseError : uint8_t {
    Ok = 0,
    TooShort,       ///< fewer than 236 header bytes + 4 cookie bytes
    BadMagicCookie, ///< the cookie is not 99.130.83.99
    BadOp,          ///< op is neither 1 (BOOTREQUEST) nor 2 (BOOTREPLY)
    BadHlen,        ///< hlen > 16
    OptionOverrun,  ///< an option's length runs past the end of its area
    BadOverload,    ///< option 52 malformed, or present in sname/file (a loop)
    NoMessageType,  ///< option 53 missing, not exactly one byte, or 0
    OptionTooShort, ///< a fixed-size option shorter than its type (50, 51, 54: 4 bytes; 57: 2)
};
KAHU_API const char* toString(ParseError) noexcept;

/// A DHCPv4 packet: the BOOTP header, the options, and where it came from / goes to.
///
/// parse() and pack() are bounds-checked and never throw on bad input. Options are kept in the
/// order they were first seen; pack() writes 53 first, then by code ascending, 82 last, then END
/// (Kea's order), splitting data longer than 255 bytes into consecutive options (RFC 3396).
///
/// Option overload (52): parse() reads the options stored in file, then sname (RFC 2131 order),
/// merges them into options(), then drops option 52 and zeroes the overloaded field(s), so that
/// sname/file only ever hold names and pack() never overloads. Repeated codes are concatenated
/// in wire order (RFC 3396). A Packet4 reused for many parse() calls reuses its option buffers.
class KAHU_API Packet4 {
public:
    static constexpr size_t kHeaderSize = 236;
    static constexpr uint32_t kMagicCookie = 0x63825363;

    // --- BOOTP header -------------------------------------------------------------------
    uint8_t op = 1;
    uint8_t htype = 1;
    uint8_t hlen = 6;
    uint8_t hops = 0;
    uint32_t xid = 0;
    uint16_t secs = 0;
    uint16_t flags = 0;
    Ipv4Address ciaddr, yiaddr, siaddr, giaddr;
    std::array<uint8_t, 16> chaddr{};
    std::array<uint8_t, 64> sname{}; ///< NUL-padded; holds options when overloaded
    std::array<uint8_t, 128> file{}; ///< NUL-padded; holds options when overloaded

    // --- Transport metadata (filled by the receiver / used by the sender) -----------------
    Ipv4Address remoteAddr; ///< source of a query, destination of a reply
    Ipv4Address localAddr;  ///< destination of a query (may be 255.255.255.255)
    uint16_t remotePort = 68;
    uint16_t localPort = 67;
    int ifindex = 0;
    std::string iface;
    std::array<uint8_t, 6> remoteMac{}; ///< link-layer source (raw sockets) / destination
    std::array<uint8_t, 6> localMac{};  ///< link-layer destination of a query (raw sockets)

    /// Parses a whole UDP payload into *this, replacing the header fields and the options.
    /// The transport metadata above is left alone (the receiver fills it). Never throws; on an
    /// error the packet's content is unspecified and must not be used.
    ParseError parse(std::span<const uint8_t> buffer) noexcept;
    /// Appends the wire form to out (clears it first). Pads to the 300-byte BOOTP minimum.
    void pack(std::vector<uint8_t>& out) const;

    // --- Options ---------------------------------------------------------------------------
    const Option* get(uint8_t code) const noexcept;
    /// Adds or replaces an option.
    void set(uint8_t code, std::vector<uint8_t> data);
    void set(uint8_t code, const uint8_t* data, size_t size);
    void remove(uint8_t code) noexcept;
    const std::vector<Option>& options() const noexcept { return options_; }
    void clearOptions() noexcept;

    /// Option 53, if present and one byte long.
    std::optional<MessageType> messageType() const noexcept;
    void setMessageType(MessageType t) { set(opt::kMessageType, {static_cast<uint8_t>(t)}); }
    /// Reads a 4-byte address option (50, 54, 118 ...).
    std::optional<Ipv4Address> getAddress(uint8_t code) const noexcept;
    void setAddress(uint8_t code, Ipv4Address a);
    void setUint32(uint8_t code, uint32_t v);

    HwAddr hwAddr() const;
    bool broadcastFlag() const noexcept { return (flags & 0x8000) != 0; }
    bool isRelayed() const noexcept { return !giaddr.isZero(); }
    /// A sub-option of option 82 (1 = circuit-id, 2 = remote-id, 5 = link-selection ...).
    std::optional<std::span<const uint8_t>> relaySubOption(uint8_t sub) const noexcept;

    // --- Client classes ----------------------------------------------------------------------
    /// The query's client classes, in the order they were added (Kea's ClientClasses). A
    /// callout in buffer4_receive or pkt4_receive may add some (HA adds "HA_<scope>"); the
    /// server then adds "ALL" and its built-in classes ("VENDOR_CLASS_...") and lets only
    /// these classes use a subnet or pool with a `client-class`. parse() leaves them alone.
    void addClass(std::string_view name);
    bool inClass(std::string_view name) const noexcept;
    const std::vector<std::string>& classes() const noexcept { return classes_; }

    /// One-line summary for logs: type, xid, chaddr, ciaddr/yiaddr/giaddr.
    std::string summary() const;
    /// The client as Kea's messages name it ("%1" of DHCP4_LEASE_ALLOC and most others):
    /// "[hwtype=1 0a:1b:2c:3d:4e:5f], cid=[01:0a:1b:2c:3d:4e:5f], tid=0x1234" ("cid=[no info]"
    /// without option 61), so log searches written for Kea find Kahu's lines too.
    std::string label() const;

private:
    std::vector<Option> options_;
    std::vector<std::string> classes_;
    std::array<uint8_t, 256> index_{}; ///< option code -> position in options_ + 1; 0 = absent
};

} // namespace kahu
