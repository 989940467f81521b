// SPDX-License-Identifier: MPL-2.0
#include "control/config_json.h"

#include "config/config_loader.h"

#include <kahu/error.h>
#include <kahu/kea_json.h>
#include <memory>
#include <openssl/evp.h>

namespace kahu::control {

namespace {

using nlohmann::json;

// Kea 2.2's global defaults that Kahu's parser accepts (others are not added: Kahu refuses
// them, and config-get's output must go back into config-set).
const json& globalDefaults() {
    static const json kDefaults = {
        {"valid-lifetime", 7200},
        {"decline-probation-period", 86400},
        {"calculate-tee-times", false},
        {"t1-percent", 0.5},
        {"t2-percent", 0.875},
        {"echo-client-id", true},
        {"match-client-id", true},
        {"authoritative", false},
        {"next-server", "0.0.0.0"},
        {"server-hostname", ""},
        {"boot-file-name", ""},
        {"server-tag", ""},
        {"reservations-global", false},
        {"reservations-in-subnet", true},
        {"reservations-out-of-pool", false},
        {"parked-packet-limit", 256},
        {"ddns-send-updates", true},
        {"ddns-override-no-update", false},
        {"ddns-override-client-update", false},
        {"ddns-replace-client-name", "never"},
        {"ddns-generated-prefix", "myhost"},
        {"ddns-qualifying-suffix", ""},
        {"ddns-update-on-renew", false},
        {"ddns-use-conflict-resolution", true},
        {"hostname-char-set", "[^A-Za-z0-9.-]"},
        {"hostname-char-replacement", ""},
        {"statistic-default-sample-count", 20},
        {"statistic-default-sample-age", 0},
        {"host-reservation-identifiers", {"hw-address", "duid", "circuit-id", "client-id"}},
        {"option-def", json::array()},
        {"option-data", json::array()},
        {"shared-networks", json::array()},
        {"subnet4", json::array()},
        {"hooks-libraries", json::array()},
    };
    return kDefaults;
}

void addMissing(json& map, const json& defaults);

// Kea 2.2's dhcp-ddns map as its config-get writes it, whether the file has one or not.
void addDhcpDdns(json& dhcp4) {
    static const json kDefaults = {{"enable-updates", false}, {"server-ip", "127.0.0.1"},
                                   {"server-port", 53001},    {"sender-ip", "0.0.0.0"},
                                   {"sender-port", 0},        {"max-queue-size", 1024},
                                   {"ncr-protocol", "UDP"},   {"ncr-format", "JSON"}};
    json& d = dhcp4["dhcp-ddns"];
    if (!d.is_object()) {
        d = json::object();
    }
    // Kea 2.2 moves the deprecated behaviour keys to the global level when it parses (unless
    // the global level sets them): its config-get shows them there, and so must this one, or
    // the answer fed back to config-set would lose them to the global defaults.
    static const std::pair<const char*, const char*> kMoved[] = {
        {"override-no-update", "ddns-override-no-update"},
        {"override-client-update", "ddns-override-client-update"},
        {"replace-client-name", "ddns-replace-client-name"},
        {"generated-prefix", "ddns-generated-prefix"},
        {"qualifying-suffix", "ddns-qualifying-suffix"},
        {"hostname-char-set", "hostname-char-set"},
        {"hostname-char-replacement", "hostname-char-replacement"}};
    for (const auto& [old, global] : kMoved) {
        if (d.contains(old)) {
            if (!dhcp4.contains(global)) {
                dhcp4[global] = d[old];
            }
            d.erase(old);
        }
    }
    addMissing(d, kDefaults);
}

// Kea 2.2 turns the deprecated reservation-mode into the reservations-* flags when it parses,
// so its config-get never shows it; the answer must also go back into config-set, which
// refuses reservation-mode next to the flags the defaults add.
void moveReservationMode(json& map) {
    if (!map.is_object() || !map.contains("reservation-mode") ||
        !map["reservation-mode"].is_string()) {
        return;
    }
    json flags = config::reservationModeFlags(map["reservation-mode"].get<std::string>());
    map.erase("reservation-mode");
    if (flags.is_object()) {
        map.update(flags);
    }
}

// Kea writes each subnet's effective lifetimes and tee-time settings (inherited from the shared
// network or the globals) and its empty lists; Kahu resolved the same values when it parsed.
void fillSubnet(json& entry, const Subnet* s) {
    if (!entry.is_object() || !s) {
        return;
    }
    addMissing(entry, {{"valid-lifetime", s->valid.value},
                       {"min-valid-lifetime", s->valid.min},
                       {"max-valid-lifetime", s->valid.max},
                       {"calculate-tee-times", s->calculateTeeTimes},
                       {"t1-percent", s->t1Percent},
                       {"t2-percent", s->t2Percent},
                       {"option-data", json::array()},
                       {"reservations", json::array()},
                       {"relay", {{"ip-addresses", json::array()}}}});
    if (entry.contains("pools") && entry["pools"].is_array()) {
        for (auto& pool : entry["pools"]) {
            if (pool.is_object()) {
                addMissing(pool, {{"option-data", json::array()}});
            }
        }
    }
}

void fillLoggers(json& loggers) {
    if (!loggers.is_array()) {
        return;
    }
    for (auto& logger : loggers) {
        if (!logger.is_object()) {
            continue;
        }
        addMissing(logger, {{"debuglevel", 0}});
        for (const char* key : {"output-options", "output_options"}) {
            if (logger.contains(key) && logger[key].is_array()) {
                for (auto& out : logger[key]) {
                    if (out.is_object()) {
                        addMissing(out, {{"flush", true},
                                         {"maxsize", 10240000},
                                         {"maxver", 1},
                                         {"pattern", ""}});
                    }
                }
            }
        }
    }
}

void addMissing(json& map, const json& defaults) {
    for (const auto& [key, value] : defaults.items()) {
        if (!map.contains(key)) {
            map[key] = value;
        }
    }
}

} // namespace

json configToJson(const ServerConfig& config) {
    json dhcp4 = config.json.is_object() ? config.json : json::object();
    moveReservationMode(dhcp4);
    addDhcpDdns(dhcp4);
    addMissing(dhcp4, globalDefaults());
    // The parsed subnets keep the file's order: top-level subnet4 first, then each shared
    // network's (ids may be absent in the file and assigned by the parser).
    size_t next = 0;
    auto parsed = [&]() -> const Subnet* {
        return next < config.subnets.size() ? &config.subnets[next++] : nullptr;
    };
    for (auto& subnet : dhcp4["subnet4"]) {
        moveReservationMode(subnet);
        fillSubnet(subnet, parsed());
    }
    for (auto& network : dhcp4["shared-networks"]) {
        moveReservationMode(network);
        if (network.is_object() && network.contains("subnet4")) {
            for (auto& subnet : network["subnet4"]) {
                moveReservationMode(subnet);
                fillSubnet(subnet, parsed());
            }
        }
    }
    if (dhcp4.contains("loggers")) {
        fillLoggers(dhcp4["loggers"]);
    }

    // Maps whose effective values the parsed config knows: fill in what the file left out.
    if (!dhcp4.contains("multi-threading") || dhcp4["multi-threading"].is_object()) {
        addMissing(dhcp4["multi-threading"],
                   {{"enable-multi-threading", config.multiThreading.enabled},
                    {"thread-pool-size", config.multiThreading.threadPoolSize},
                    {"packet-queue-size", config.multiThreading.packetQueueSize}});
    }
    if (!dhcp4.contains("expired-leases-processing") ||
        dhcp4["expired-leases-processing"].is_object()) {
        const auto& e = config.expiredLeases;
        addMissing(dhcp4["expired-leases-processing"],
                   {{"reclaim-timer-wait-time", e.reclaimTimerWaitTime},
                    {"flush-reclaimed-timer-wait-time", e.flushReclaimedTimerWaitTime},
                    {"hold-reclaimed-time", e.holdReclaimedTime},
                    {"max-reclaim-leases", e.maxReclaimLeases},
                    {"max-reclaim-time", e.maxReclaimTime},
                    {"unwarned-reclaim-cycles", e.unwarnedReclaimCycles}});
    }
    if (!dhcp4.contains("lease-database")) {
        dhcp4["lease-database"] = {{"type", config.leaseDatabase.type}};
    }
    if (!dhcp4.contains("sanity-checks")) {
        dhcp4["sanity-checks"] = {{"lease-checks", config.leaseChecks}};
    }
    if (dhcp4.contains("interfaces-config") && dhcp4["interfaces-config"].is_object()) {
        addMissing(dhcp4["interfaces-config"], {{"re-detect", config.interfaces.reDetect}});
    }
    return json{{"Dhcp4", std::move(dhcp4)}};
}

std::string sha256Hex(std::string_view bytes) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
        throw Error("SHA-256 digest failed");
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string hex;
    hex.reserve(std::size_t{length} * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
    }
    return hex;
}

std::string configHash(const json& top) {
    return sha256Hex(keaText(top));
}

} // namespace kahu::control
