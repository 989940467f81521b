// SPDX-License-Identifier: MPL-2.0
#include "d2/dns_message.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdexcept>

namespace kahu::d2 {

namespace {

void put16(Bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v & 0xff));
}

void put32(Bytes& b, uint32_t v) {
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v & 0xffff));
}

void put48(Bytes& b, uint64_t v) {
    put16(b, static_cast<uint16_t>((v >> 32) & 0xffff));
    put32(b, static_cast<uint32_t>(v & 0xffffffff));
}

void append(Bytes& b, const Bytes& more) {
    b.insert(b.end(), more.begin(), more.end());
}

uint16_t get16(const Bytes& b, size_t at) {
    if (at + 2 > b.size()) {
        throw std::invalid_argument("message truncated");
    }
    return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

uint32_t get32(const Bytes& b, size_t at) {
    return (static_cast<uint32_t>(get16(b, at)) << 16) | get16(b, at + 2);
}

void putRr(Bytes& b, const ResourceRecord& rr) {
    append(b, nameToWire(rr.name));
    put16(b, rr.type);
    put16(b, rr.klass);
    put32(b, rr.ttl);
    put16(b, static_cast<uint16_t>(rr.rdata.size()));
    append(b, rr.rdata);
}

/// Reads a possibly compressed name at `at`; returns it as text and moves `at` past it.
std::string readName(const Bytes& b, size_t& at) {
    std::string out;
    size_t pos = at;
    bool jumped = false;
    int jumps = 0;
    for (;;) {
        if (pos >= b.size()) {
            throw std::invalid_argument("name runs past the message");
        }
        uint8_t len = b[pos];
        if ((len & 0xc0) == 0xc0) {
            if (pos + 1 >= b.size() || ++jumps > 32) {
                throw std::invalid_argument("bad name compression");
            }
            size_t target = static_cast<size_t>(((len & 0x3f) << 8) | b[pos + 1]);
            if (!jumped) {
                at = pos + 2;
            }
            jumped = true;
            pos = target;
            continue;
        }
        if ((len & 0xc0) != 0) {
            throw std::invalid_argument("bad label type");
        }
        if (len == 0) {
            if (!jumped) {
                at = pos + 1;
            }
            break;
        }
        if (pos + 1 + len > b.size()) {
            throw std::invalid_argument("label runs past the message");
        }
        out.append(reinterpret_cast<const char*>(&b[pos + 1]), len);
        out.push_back('.');
        pos += 1 + len;
    }
    return out.empty() ? "." : out;
}

const EVP_MD* digestOf(const std::string& algorithm) {
    static const std::map<std::string, const EVP_MD* (*)()> table = {
        {"HMAC-MD5", EVP_md5},       {"HMAC-SHA1", EVP_sha1},     {"HMAC-SHA224", EVP_sha224},
        {"HMAC-SHA256", EVP_sha256}, {"HMAC-SHA384", EVP_sha384}, {"HMAC-SHA512", EVP_sha512}};
    auto it = table.find(algorithm);
    return it == table.end() ? nullptr : it->second();
}

/// The TSIG variables of RFC 8945 section 4.3.3.
Bytes tsigVariables(const std::string& keyName, const std::string& algorithm, uint64_t time,
                    uint16_t fudge, uint16_t error, const Bytes& other) {
    Bytes v = nameToWire(keyName, true);
    put16(v, rrclass::kAny);
    put32(v, 0);
    append(v, nameToWire(algorithm, true));
    put48(v, time);
    put16(v, fudge);
    put16(v, error);
    put16(v, static_cast<uint16_t>(other.size()));
    append(v, other);
    return v;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

std::string rcodeName(int rcode) {
    static const char* const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                        "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                        "NXRRSET", "NOTAUTH", "NOTZONE"};
    if (rcode >= 0 && rcode <= 10) {
        return names[rcode];
    }
    return std::to_string(rcode);
}

std::string tsigErrorName(int error) {
    switch (error) {
    case 0:
        return "NOERROR";
    case 16:
        return "BADSIG";
    case 17:
        return "BADKEY";
    case 18:
        return "BADTIME";
    case 22:
        return "BADTRUNC";
    default:
        return std::to_string(error);
    }
}

Bytes nameToWire(const std::string& name, bool canonical) {
    Bytes out;
    std::string n = name;
    if (!n.empty() && n.back() == '.') {
        n.pop_back();
    }
    size_t start = 0;
    while (!n.empty() && start <= n.size()) {
        size_t dot = n.find('.', start);
        size_t end = dot == std::string::npos ? n.size() : dot;
        size_t len = end - start;
        if (len == 0) {
            throw std::invalid_argument("empty label in name '" + name + "'");
        }
        if (len > 63) {
            throw std::invalid_argument("label longer than 63 octets in name '" + name + "'");
        }
        out.push_back(static_cast<uint8_t>(len));
        for (size_t i = start; i < end; ++i) {
            auto c = static_cast<unsigned char>(n[i]);
            out.push_back(static_cast<uint8_t>(canonical ? std::tolower(c) : c));
        }
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }
    out.push_back(0);
    if (out.size() > 255) {
        throw std::invalid_argument("name longer than 255 octets: '" + name + "'");
    }
    return out;
}

std::string absoluteName(const std::string& name) {
    std::string n = name;
    while (!n.empty() && n.back() == '.') {
        n.pop_back();
    }
    return n + ".";
}

Bytes UpdateMessage::toWire() const {
    Bytes b;
    put16(b, id);
    put16(b, 5 << 11); // QR=0, opcode UPDATE
    put16(b, 1);       // ZOCOUNT
    put16(b, static_cast<uint16_t>(prerequisites.size()));
    put16(b, static_cast<uint16_t>(updates.size()));
    put16(b, 0);
    append(b, nameToWire(zone));
    put16(b, rrtype::kSoa);
    put16(b, rrclass::kIn);
    for (const auto& rr : prerequisites) {
        putRr(b, rr);
    }
    for (const auto& rr : updates) {
        putRr(b, rr);
    }
    return b;
}

std::string TsigKey::algorithmName(const std::string& kea) {
    static const std::map<std::string, std::string> names = {
        {"HMAC-MD5", "hmac-md5.sig-alg.reg.int."}, {"HMAC-SHA1", "hmac-sha1."},
        {"HMAC-SHA224", "hmac-sha224."},           {"HMAC-SHA256", "hmac-sha256."},
        {"HMAC-SHA384", "hmac-sha384."},           {"HMAC-SHA512", "hmac-sha512."}};
    auto it = names.find(kea);
    return it == names.end() ? "" : it->second;
}

size_t TsigKey::macLength(const std::string& kea) {
    const EVP_MD* md = digestOf(kea);
    return md ? static_cast<size_t>(EVP_MD_size(md)) : 0;
}

Bytes hmac(const TsigKey& key, const Bytes& data) {
    const EVP_MD* md = digestOf(key.algorithm);
    if (md == nullptr) {
        throw std::runtime_error("unknown TSIG algorithm " + key.algorithm);
    }
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    if (HMAC(md, key.secret.data(), static_cast<int>(key.secret.size()), data.data(), data.size(),
             out.data(), &len) == nullptr) {
        throw std::runtime_error("HMAC computation failed");
    }
    out.resize(len);
    return out;
}

Bytes tsigSign(Bytes& message, const TsigKey& key, uint64_t timeSigned, uint16_t fudge,
               const Bytes& requestMac) {
    const std::string alg = TsigKey::algorithmName(key.algorithm);
    Bytes data;
    if (!requestMac.empty()) {
        put16(data, static_cast<uint16_t>(requestMac.size()));
        append(data, requestMac);
    }
    append(data, message);
    append(data, tsigVariables(key.name, alg, timeSigned, fudge, 0, {}));
    Bytes mac = hmac(key, data);
    if (key.digestBits != 0 && key.digestBits / 8 < mac.size()) {
        mac.resize(key.digestBits / 8);
    }
    Bytes rdata = nameToWire(alg, true);
    put48(rdata, timeSigned);
    put16(rdata, fudge);
    put16(rdata, static_cast<uint16_t>(mac.size()));
    append(rdata, mac);
    put16(rdata, get16(message, 0));
    put16(rdata, 0);
    put16(rdata, 0);
    putRr(message,
          ResourceRecord{lower(absoluteName(key.name)), rrtype::kTsig, rrclass::kAny, 0, rdata});
    uint16_t arcount = get16(message, 10);
    message[10] = static_cast<uint8_t>((arcount + 1) >> 8);
    message[11] = static_cast<uint8_t>((arcount + 1) & 0xff);
    return mac;
}

Response parseResponse(const Bytes& wire) {
    if (wire.size() < 12) {
        throw std::invalid_argument("message shorter than a DNS header");
    }
    Response r;
    r.id = get16(wire, 0);
    uint16_t flags = get16(wire, 2);
    r.isResponse = (flags & 0x8000) != 0;
    r.opcode = (flags >> 11) & 0xf;
    r.truncated = (flags & 0x0200) != 0;
    r.rcode = flags & 0xf;
    const uint16_t qd = get16(wire, 4);
    const uint16_t an = get16(wire, 6);
    const uint16_t ns = get16(wire, 8);
    const uint16_t ar = get16(wire, 10);
    size_t at = 12;
    for (uint16_t i = 0; i < qd; ++i) {
        readName(wire, at);
        at += 4;
    }
    const unsigned total = an + ns + ar;
    for (unsigned i = 0; i < total; ++i) {
        const size_t start = at;
        std::string owner = readName(wire, at);
        uint16_t type = get16(wire, at);
        uint16_t rdlen = get16(wire, at + 8);
        size_t rdata = at + 10;
        if (rdata + rdlen > wire.size()) {
            throw std::invalid_argument("record data runs past the message");
        }
        at = rdata + rdlen;
        if (type == rrtype::kTsig) {
            if (i != total - 1) {
                throw std::invalid_argument("TSIG record is not the last record");
            }
            TsigRecord t;
            t.offset = start;
            t.keyName = owner;
            size_t p = rdata;
            t.algorithm = readName(wire, p);
            t.timeSigned = (static_cast<uint64_t>(get16(wire, p)) << 32) | get32(wire, p + 2);
            t.fudge = get16(wire, p + 6);
            uint16_t macLen = get16(wire, p + 8);
            p += 10;
            if (p + macLen + 6 > at) {
                throw std::invalid_argument("TSIG record too short");
            }
            t.mac.assign(wire.begin() + static_cast<long>(p),
                         wire.begin() + static_cast<long>(p + macLen));
            p += macLen;
            t.originalId = get16(wire, p);
            t.error = get16(wire, p + 2);
            uint16_t otherLen = get16(wire, p + 4);
            p += 6;
            if (p + otherLen > at) {
                throw std::invalid_argument("TSIG other data too short");
            }
            t.other.assign(wire.begin() + static_cast<long>(p),
                           wire.begin() + static_cast<long>(p + otherLen));
            r.tsig = std::move(t);
        }
    }
    return r;
}

TsigVerdict tsigVerify(const Bytes& wire, const Response& response, const TsigKey& key,
                       const Bytes& requestMac) {
    if (!response.tsig) {
        return TsigVerdict::Unsigned;
    }
    const TsigRecord& t = *response.tsig;
    if (lower(absoluteName(t.keyName)) != lower(absoluteName(key.name)) ||
        lower(absoluteName(t.algorithm)) != TsigKey::algorithmName(key.algorithm)) {
        return TsigVerdict::KeyMismatch;
    }
    if (t.error != 0) {
        return TsigVerdict::ServerError;
    }
    // The MAC covers the request MAC, the message without its TSIG (ARCOUNT one less, the
    // original ID) and the TSIG variables.
    Bytes data;
    if (!requestMac.empty()) { // an answer: the request's MAC comes first
        put16(data, static_cast<uint16_t>(requestMac.size()));
        append(data, requestMac);
    }
    Bytes body(wire.begin(), wire.begin() + static_cast<long>(t.offset));
    body[0] = static_cast<uint8_t>(t.originalId >> 8);
    body[1] = static_cast<uint8_t>(t.originalId & 0xff);
    uint16_t arcount = get16(body, 10);
    body[10] = static_cast<uint8_t>((arcount - 1) >> 8);
    body[11] = static_cast<uint8_t>((arcount - 1) & 0xff);
    append(data, body);
    append(data, tsigVariables(t.keyName, t.algorithm, t.timeSigned, t.fudge, t.error, t.other));
    Bytes mac = hmac(key, data);
    const size_t minLen = std::max<size_t>(10, mac.size() / 2);
    if (t.mac.size() > mac.size() || t.mac.size() < minLen ||
        CRYPTO_memcmp(mac.data(), t.mac.data(), t.mac.size()) != 0) {
        return TsigVerdict::BadMac;
    }
    return TsigVerdict::Ok;
}

} // namespace kahu::d2
