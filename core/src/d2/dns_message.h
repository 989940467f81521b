// SPDX-License-Identifier: MPL-2.0
// RFC 2136 update messages as kahu-dhcp-ddns builds them, the few facts it reads back from an
// answer (ID, rcode, truncation, the TSIG record) and TSIG (RFC 8945) with OpenSSL's HMACs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kahu::d2 {

using Bytes = std::vector<uint8_t>;

namespace rrtype {
inline constexpr uint16_t kA = 1;
inline constexpr uint16_t kSoa = 6;
inline constexpr uint16_t kPtr = 12;
inline constexpr uint16_t kAaaa = 28;
inline constexpr uint16_t kDhcid = 49;
inline constexpr uint16_t kTsig = 250;
inline constexpr uint16_t kAny = 255;
} // namespace rrtype

namespace rrclass {
inline constexpr uint16_t kIn = 1;
inline constexpr uint16_t kNone = 254;
inline constexpr uint16_t kAny = 255;
} // namespace rrclass

namespace rcode {
inline constexpr int kNoError = 0;
inline constexpr int kFormErr = 1;
inline constexpr int kServFail = 2;
inline constexpr int kNxDomain = 3;
inline constexpr int kNotImp = 4;
inline constexpr int kRefused = 5;
inline constexpr int kYxDomain = 6;
inline constexpr int kYxRrset = 7;
inline constexpr int kNxRrset = 8;
inline constexpr int kNotAuth = 9;
inline constexpr int kNotZone = 10;
} // namespace rcode

/// "NOERROR", "YXDOMAIN", ... (the number for others).
std::string rcodeName(int rcode);
/// TSIG errors: "BADSIG", "BADKEY", "BADTIME", "BADTRUNC", or the number.
std::string tsigErrorName(int error);

/// A domain name in wire form (no compression), lower-cased when `canonical`. Throws
/// std::invalid_argument for an empty label inside the name, a label over 63 octets or a name
/// over 255 octets. "." and "" are the root.
Bytes nameToWire(const std::string& name, bool canonical = false);
/// "name." with exactly one trailing dot.
std::string absoluteName(const std::string& name);

struct ResourceRecord {
    std::string name;
    uint16_t type = 0;
    uint16_t klass = rrclass::kIn;
    uint32_t ttl = 0;
    Bytes rdata;
};

/// An UPDATE (opcode 5): the zone section holds one SOA question for `zone`.
struct UpdateMessage {
    uint16_t id = 0;
    std::string zone;
    std::vector<ResourceRecord> prerequisites;
    std::vector<ResourceRecord> updates;

    Bytes toWire() const;
};

struct TsigKey {
    std::string name;      ///< as configured
    std::string algorithm; ///< Kea's spelling: HMAC-MD5, HMAC-SHA1, ..., HMAC-SHA512
    Bytes secret;
    uint32_t digestBits = 0; ///< 0: the whole MAC

    /// The RFC 8945 algorithm name ("hmac-sha256.") or "" for an unknown algorithm.
    static std::string algorithmName(const std::string& kea);
    /// The full MAC length in octets of a Kea algorithm name, 0 if unknown.
    static size_t macLength(const std::string& kea);
};

/// The TSIG record of a message.
struct TsigRecord {
    std::string keyName;
    std::string algorithm;
    uint64_t timeSigned = 0;
    uint16_t fudge = 0;
    Bytes mac;
    uint16_t originalId = 0;
    uint16_t error = 0;
    Bytes other;
    size_t offset = 0; ///< where the TSIG RR starts in the message
};

/// Signs `message` (wire form, no TSIG yet) in place: appends the TSIG RR and counts it in
/// ARCOUNT. Returns the MAC, which the answer's MAC covers. An answer passes the MAC of the
/// request it answers. Throws std::runtime_error when OpenSSL fails.
Bytes tsigSign(Bytes& message, const TsigKey& key, uint64_t timeSigned, uint16_t fudge = 300,
               const Bytes& requestMac = {});

/// What is known of an answer.
struct Response {
    uint16_t id = 0;
    bool isResponse = false;
    int opcode = 0;
    int rcode = 0;
    bool truncated = false;
    std::optional<TsigRecord> tsig;
};

/// Parses the header and walks every section (names may be compressed) to find a TSIG RR
/// last in the additional section. Throws std::invalid_argument on malformed data.
Response parseResponse(const Bytes& wire);

enum class TsigVerdict { Ok, Unsigned, KeyMismatch, ServerError, BadMac };

/// Checks the answer's TSIG against the request's MAC (RFC 8945 section 5.3); an empty
/// requestMac checks a request.
/// ServerError: the server reported a TSIG error (response.tsig->error: BADSIG, BADKEY, ...).
TsigVerdict tsigVerify(const Bytes& wire, const Response& response, const TsigKey& key,
                       const Bytes& requestMac);

/// HMAC of `data` with the key's algorithm (the whole MAC). Throws std::runtime_error.
Bytes hmac(const TsigKey& key, const Bytes& data);

} // namespace kahu::d2
