// SPDX-License-Identifier: MPL-2.0
#include "d2/d2_config.h"

#include "config/json_reader.h"
#include "config/parse_context.h"
#include "config/parse_services.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cstdint>
#include <kahu/error.h>
#include <openssl/evp.h>
#include <set>
#include <stdexcept>

namespace kahu::d2 {

namespace {

using config::Node;
using config::ParseContext;

const std::vector<std::string> kTopKeys = {"ip-address",      "port",         "dns-server-timeout",
                                           "ncr-protocol",    "ncr-format",   "control-socket",
                                           "tsig-keys",       "forward-ddns", "reverse-ddns",
                                           "hooks-libraries", "loggers",      "user-context",
                                           "comment"};
// The other daemons' sections may share the file (Kea's single-file deployments).
const std::vector<std::string> kOtherSections = {"Dhcp4", "Dhcp6", "Control-agent", "Netconf"};

void onlyKeys(ParseContext& c, const Node& n, const std::vector<std::string>& keys) {
    if (!n.value.is_object()) {
        c.fail(n, "expected a map");
    }
    for (const auto& [k, v] : n.value.items()) {
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
            std::string text = "unknown key '" + k + "' (expected one of: ";
            for (size_t i = 0; i < keys.size(); ++i) {
                text.append(i == 0 ? "" : ", ").append(keys[i]);
            }
            text += ")";
            c.fail(n.child(k), text);
        }
    }
    if (n.value.contains("user-context") && !n.value["user-context"].is_object()) {
        c.fail(n.child("user-context"), "expected a map");
    }
    if (n.value.contains("comment") && !n.value["comment"].is_string()) {
        c.fail(n.child("comment"), "expected a string");
    }
}

std::string str(ParseContext& c, const Node& n, bool allowEmpty = false) {
    if (!n.value.is_string()) {
        c.fail(n, "expected a string");
    }
    if (!allowEmpty && n.value.get<std::string>().empty()) {
        c.fail(n, "must not be empty");
    }
    return n.value.get<std::string>();
}

int64_t integer(ParseContext& c, const Node& n, int64_t min, int64_t max) {
    if (!n.value.is_number_integer() || n.value.get<int64_t>() < min ||
        n.value.get<int64_t>() > max) {
        c.fail(n, "expected an integer in " + std::to_string(min) + "-" + std::to_string(max));
    }
    return n.value.get<int64_t>();
}

std::string ipAddress(ParseContext& c, const Node& n) {
    std::string s = str(c, n);
    in6_addr a6{};
    in_addr a4{};
    if (::inet_pton(AF_INET, s.c_str(), &a4) != 1 && ::inet_pton(AF_INET6, s.c_str(), &a6) != 1) {
        c.fail(n, "'" + s + "' is not an IP address");
    }
    return s;
}

std::string lowerName(const std::string& s) {
    std::string out = absoluteName(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return out;
}

Bytes base64(const std::string& s, bool& ok) {
    ok = false;
    if (s.empty() || s.size() % 4 != 0) {
        return {};
    }
    Bytes out(s.size() / 4 * 3);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                            static_cast<int>(s.size()));
    if (n < 0) {
        return {};
    }
    size_t len = static_cast<size_t>(n);
    if (s.back() == '=') {
        --len;
        if (s[s.size() - 2] == '=') {
            --len;
        }
    }
    out.resize(len);
    ok = true;
    return out;
}

TsigKey parseKey(ParseContext& c, const Node& n) {
    onlyKeys(c, n, {"name", "algorithm", "digest-bits", "secret", "user-context", "comment"});
    for (const char* k : {"name", "algorithm", "secret"}) {
        if (!n.value.contains(k)) {
            c.fail(n, std::string("'") + k + "' is required");
        }
    }
    TsigKey key;
    key.name = str(c, n.child("name"));
    try {
        nameToWire(key.name);
    } catch (const std::invalid_argument& e) {
        c.fail(n.child("name"), e.what());
    }
    Node alg = n.child("algorithm");
    key.algorithm = str(c, alg);
    std::transform(key.algorithm.begin(), key.algorithm.end(), key.algorithm.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (TsigKey::algorithmName(key.algorithm).empty()) {
        c.fail(alg, "TSIG key algorithm '" + alg.value.get<std::string>() +
                        "' is not one of HMAC-MD5, HMAC-SHA1, HMAC-SHA224, HMAC-SHA256, "
                        "HMAC-SHA384, HMAC-SHA512");
    }
    if (n.value.contains("digest-bits")) {
        Node d = n.child("digest-bits");
        const size_t full = TsigKey::macLength(key.algorithm) * 8;
        key.digestBits = static_cast<uint32_t>(integer(c, d, 0, static_cast<int64_t>(full)));
        // RFC 8945 section 5.2.2.1: a multiple of 8, at least 80 bits and half the hash.
        if (key.digestBits != 0 &&
            (key.digestBits % 8 != 0 || key.digestBits < 80 || key.digestBits < full / 2)) {
            c.fail(d, "digest-bits must be 0 or a multiple of 8 of at least 80 and of at least "
                      "half the hash length (" +
                          std::to_string(full / 2) + ")");
        }
    }
    Node sec = n.child("secret");
    bool ok = false;
    key.secret = base64(str(c, sec), ok);
    if (!ok) {
        c.fail(sec, "the secret is not valid base64");
    }
    return key;
}

std::vector<DdnsDomain> parseDomains(ParseContext& c, const Node& n,
                                     const std::map<std::string, TsigKey>& keys) {
    onlyKeys(c, n, {"ddns-domains", "user-context", "comment"});
    std::vector<DdnsDomain> out;
    if (!n.value.contains("ddns-domains")) {
        return out;
    }
    Node list = n.child("ddns-domains");
    if (!list.value.is_array()) {
        c.fail(list, "expected a list");
    }
    std::set<std::string> names;
    auto checkKey = [&](const Node& k) {
        std::string name = str(c, k, true);
        if (!name.empty() && !keys.count(name)) {
            c.fail(k, "TSIG key '" + name + "' is not defined in tsig-keys");
        }
        return name;
    };
    for (size_t i = 0; i < list.value.size(); ++i) {
        Node d = list.element(i);
        onlyKeys(c, d, {"name", "key-name", "dns-servers", "user-context", "comment"});
        if (!d.value.contains("name")) {
            c.fail(d, "'name' is required");
        }
        DdnsDomain dom;
        std::string name = str(c, d.child("name"));
        if (name != "*") {
            try {
                nameToWire(name);
            } catch (const std::invalid_argument& e) {
                c.fail(d.child("name"), e.what());
            }
            name = lowerName(name);
        }
        dom.name = name;
        if (!names.insert(dom.name).second) {
            c.fail(d.child("name"), "duplicate domain '" + dom.name + "'");
        }
        if (d.value.contains("key-name")) {
            dom.keyName = checkKey(d.child("key-name"));
        }
        if (!d.value.contains("dns-servers") || !d.value["dns-servers"].is_array() ||
            d.value["dns-servers"].empty()) {
            c.fail(d.value.contains("dns-servers") ? d.child("dns-servers") : d,
                   "'dns-servers' must be a non-empty list");
        }
        Node servers = d.child("dns-servers");
        for (size_t j = 0; j < servers.value.size(); ++j) {
            Node s = servers.element(j);
            onlyKeys(c, s,
                     {"ip-address", "port", "key-name", "hostname", "user-context", "comment"});
            if (s.value.contains("hostname")) {
                c.fail(s.child("hostname"), "'hostname' is not supported, give 'ip-address'");
            }
            if (!s.value.contains("ip-address")) {
                c.fail(s, "'ip-address' is required");
            }
            DnsServer srv;
            srv.address = ipAddress(c, s.child("ip-address"));
            if (s.value.contains("port")) {
                srv.port = static_cast<uint16_t>(integer(c, s.child("port"), 1, 65535));
            }
            if (s.value.contains("key-name")) {
                srv.keyName = checkKey(s.child("key-name"));
            }
            dom.servers.push_back(srv);
        }
        out.push_back(std::move(dom));
    }
    return out;
}

D2Config parse(const config::JsonDocument& doc, const std::string& origin) {
    ParseContext c;
    c.locations = &doc.locations;
    c.origin = origin;
    if (!doc.value.is_object() || !doc.value.contains("DhcpDdns")) {
        throw ConfigError(origin + ": expected a map with a 'DhcpDdns' entry");
    }
    for (const auto& [k, v] : doc.value.items()) {
        if (k != "DhcpDdns" &&
            std::find(kOtherSections.begin(), kOtherSections.end(), k) == kOtherSections.end()) {
            c.fail(Node{v, k}, "unknown top-level key '" + k + "' (expected 'DhcpDdns')");
        }
    }
    Node top{doc.value.at("DhcpDdns"), "DhcpDdns"};
    onlyKeys(c, top, kTopKeys);
    const auto& m = top.value;
    D2Config cfg;
    if (m.contains("ip-address")) {
        cfg.ipAddress = ipAddress(c, top.child("ip-address"));
        in_addr a4{};
        if (::inet_pton(AF_INET, cfg.ipAddress.c_str(), &a4) != 1) {
            c.fail(top.child("ip-address"), "kahu-dhcp-ddns listens on IPv4 only");
        }
    }
    if (m.contains("port")) {
        cfg.port = static_cast<uint16_t>(integer(c, top.child("port"), 1, 65535));
    }
    if (m.contains("dns-server-timeout")) {
        cfg.dnsServerTimeout =
            std::chrono::milliseconds(integer(c, top.child("dns-server-timeout"), 1, INT32_MAX));
    }
    if (m.contains("ncr-protocol")) {
        Node p = top.child("ncr-protocol");
        std::string v = str(c, p);
        if (v == "TCP") {
            c.fail(p, "ncr-protocol TCP is not yet supported");
        }
        if (v != "UDP") {
            c.fail(p, "ncr-protocol must be UDP");
        }
    }
    if (m.contains("ncr-format")) {
        Node p = top.child("ncr-format");
        if (str(c, p) != "JSON") {
            c.fail(p, "ncr-format must be JSON");
        }
    }
    if (m.contains("control-socket")) {
        Node s = top.child("control-socket");
        onlyKeys(c, s, {"socket-type", "socket-name", "user-context", "comment"});
        if (!s.value.contains("socket-type") || str(c, s.child("socket-type")) != "unix") {
            c.fail(s.value.contains("socket-type") ? s.child("socket-type") : s,
                   "'socket-type' must be 'unix'");
        }
        if (!s.value.contains("socket-name")) {
            c.fail(s, "'socket-name' is required");
        }
        cfg.controlSocket = str(c, s.child("socket-name"));
    }
    if (m.contains("hooks-libraries")) {
        Node h = top.child("hooks-libraries");
        if (!h.value.is_array()) {
            c.fail(h, "expected a list");
        }
        if (!h.value.empty()) {
            c.fail(h, "hook libraries are not supported by kahu-dhcp-ddns");
        }
    }
    if (m.contains("tsig-keys")) {
        Node list = top.child("tsig-keys");
        if (!list.value.is_array()) {
            c.fail(list, "expected a list");
        }
        for (size_t i = 0; i < list.value.size(); ++i) {
            TsigKey key = parseKey(c, list.element(i));
            if (cfg.keys.count(key.name)) {
                c.fail(list.element(i).child("name"), "duplicate TSIG key '" + key.name + "'");
            }
            cfg.keys[key.name] = std::move(key);
        }
    }
    if (m.contains("forward-ddns")) {
        cfg.forward = parseDomains(c, top.child("forward-ddns"), cfg.keys);
    }
    if (m.contains("reverse-ddns")) {
        cfg.reverse = parseDomains(c, top.child("reverse-ddns"), cfg.keys);
    }
    if (m.contains("loggers")) {
        ServerConfig tmp;
        config::parseLoggers(c, top.child("loggers"), tmp);
        cfg.loggers = std::move(tmp.loggers);
    }
    // What config-get shows: the file with Kea's defaults filled in.
    nlohmann::json out = m;
    out["ip-address"] = cfg.ipAddress;
    out["port"] = cfg.port;
    out["dns-server-timeout"] = cfg.dnsServerTimeout.count();
    out["ncr-protocol"] = "UDP";
    out["ncr-format"] = "JSON";
    for (const char* k : {"forward-ddns", "reverse-ddns"}) {
        if (!out.contains(k)) {
            out[k] = nlohmann::json::object();
        }
        if (!out[k].contains("ddns-domains")) {
            out[k]["ddns-domains"] = nlohmann::json::array();
        }
        for (auto& d : out[k]["ddns-domains"]) {
            if (!d.contains("key-name")) {
                d["key-name"] = "";
            }
            for (auto& s : d["dns-servers"]) {
                if (!s.contains("port")) {
                    s["port"] = 53;
                }
                if (!s.contains("hostname")) {
                    s["hostname"] = "";
                }
            }
        }
    }
    if (!out.contains("tsig-keys")) {
        out["tsig-keys"] = nlohmann::json::array();
    }
    for (auto& k : out["tsig-keys"]) {
        if (!k.contains("digest-bits")) {
            k["digest-bits"] = 0;
        }
    }
    if (!out.contains("hooks-libraries")) {
        out["hooks-libraries"] = nlohmann::json::array();
    }
    cfg.raw = nlohmann::json{{"DhcpDdns", out}};
    return cfg;
}

} // namespace

D2Config D2Config::fromFile(const std::string& path) {
    return parse(config::readJsonFile(path), path);
}

D2Config D2Config::fromText(const std::string& text, const std::string& origin) {
    return parse(config::readJsonText(text, origin), origin);
}

D2Config D2Config::fromJson(const nlohmann::json& value, const std::string& origin) {
    config::JsonDocument doc;
    doc.value = value;
    return parse(doc, origin);
}

const DdnsDomain* D2Config::match(const std::vector<DdnsDomain>& domains, const std::string& fqdn) {
    const std::string name = lowerName(fqdn);
    const DdnsDomain* best = nullptr;
    const DdnsDomain* wildcard = nullptr;
    for (const auto& d : domains) {
        if (d.name == "*") {
            wildcard = &d;
            continue;
        }
        const bool suffix = name == d.name || (name.size() > d.name.size() &&
                                               name.compare(name.size() - d.name.size(),
                                                            d.name.size(), d.name) == 0 &&
                                               name[name.size() - d.name.size() - 1] == '.');
        if (suffix && (best == nullptr || d.name.size() > best->name.size())) {
            best = &d;
        }
    }
    return best != nullptr ? best : wildcard;
}

std::string D2Config::reverseName(const std::string& ipv4) {
    in_addr a{};
    if (::inet_pton(AF_INET, ipv4.c_str(), &a) != 1) {
        throw std::invalid_argument("'" + ipv4 + "' is not an IPv4 address");
    }
    const auto* b = reinterpret_cast<const uint8_t*>(&a.s_addr);
    return std::to_string(b[3]) + "." + std::to_string(b[2]) + "." + std::to_string(b[1]) + "." +
           std::to_string(b[0]) + ".in-addr.arpa.";
}

} // namespace kahu::d2
