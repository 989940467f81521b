// SPDX-License-Identifier: MPL-2.0
#include "host_digest.h"

#include <kahu/host/host_json.h>
#include <kahu/log.h>

namespace kahu::sql {

namespace {

std::string identifierKey(SubnetId subnet, int typeCode, std::string_view hex) {
    std::string key = std::to_string(subnet);
    key += ':';
    key += std::to_string(typeCode);
    key += ':';
    key += hex;
    return key;
}

uint64_t addressKey(SubnetId subnet, uint32_t address) {
    return uint64_t{subnet} << 32 | address;
}

} // namespace

int identifierCode(IdentifierType t) noexcept {
    switch (t) {
    case IdentifierType::HwAddress:
        return 0;
    case IdentifierType::Duid:
        return 1;
    case IdentifierType::CircuitId:
        return 2;
    case IdentifierType::ClientIdentifier:
        return 3;
    case IdentifierType::FlexId:
        return 4;
    }
    return 0;
}

void HostDigest::Keys::addIdentifier(SubnetId subnet, int typeCode, std::string_view upperHex) {
    identifiers.insert(identifierKey(subnet, typeCode, upperHex));
}

void HostDigest::Keys::addAddress(SubnetId subnet, uint32_t address) {
    addresses.insert(addressKey(subnet, address));
}

HostDigest::HostDigest(std::unique_ptr<Keys> initial, std::chrono::milliseconds every, Check check,
                       Messages ids, std::shared_ptr<spdlog::logger> logger, std::string describe)
    : every_(every), check_(std::move(check)), ids_(ids), logger_(std::move(logger)),
      describe_(std::move(describe)), keys_(std::move(initial)) {
    refresher_ = std::jthread([this](const std::stop_token& stop) { refreshLoop(stop); });
}

HostDigest::~HostDigest() {
    refresher_.request_stop();
    wake_.notify_all();
}

bool HostDigest::mayHave(SubnetId subnet, IdentifierType type,
                         const std::vector<uint8_t>& id) const {
    // identifierToText gives flex-id's form for any bytes: upper hex without separators, as
    // the stores' keys are read (HEX(), upper(encode(..., 'hex'))).
    const std::string key =
        identifierKey(subnet, identifierCode(type), identifierToText(IdentifierType::FlexId, id));
    std::shared_lock lock(mutex_);
    return keys_->identifiers.count(key) != 0;
}

bool HostDigest::mayHave(SubnetId subnet, Ipv4Address address) const {
    std::shared_lock lock(mutex_);
    return keys_->addresses.count(addressKey(subnet, address.value())) != 0;
}

void HostDigest::remember(SubnetId subnet, const Reservation& host) {
    std::unique_lock lock(mutex_);
    if (auto type = identifierTypeOf(host)) {
        keys_->addIdentifier(subnet, identifierCode(*type),
                             identifierToText(IdentifierType::FlexId, *identifierOf(host, *type)));
    }
    if (host.ipAddress) {
        keys_->addAddress(subnet, host.ipAddress->value());
    }
}

size_t HostDigest::size() const {
    std::shared_lock lock(mutex_);
    return keys_->identifiers.size();
}

void HostDigest::refreshLoop(const std::stop_token& stop) {
    bool failing = false;
    for (;;) {
        {
            std::unique_lock lock(wakeMutex_);
            wake_.wait_for(lock, stop, every_, [] { return false; });
        }
        if (stop.stop_requested()) {
            return;
        }
        try {
            std::string known;
            {
                std::shared_lock lock(mutex_);
                known = keys_->version;
            }
            if (auto fresh = check_(known)) {
                const size_t n = fresh->identifiers.size();
                {
                    std::unique_lock lock(mutex_);
                    keys_ = std::move(fresh);
                }
                if (log::debugLevel(*logger_) >= 40) {
                    logger_->debug("{} {}: the hosts table changed, {} host(s) known",
                                   ids_.reloaded, describe_, n);
                }
            }
            if (failing) {
                logger_->info("{} {}: changes are checked again", ids_.recovered, describe_);
            }
            failing = false;
        } catch (const std::exception& e) {
            // The database is away: keep what is known; lookups of known hosts fail as before.
            if (!failing) {
                logger_->warn("{} {}: cannot check the hosts table for changes: {}",
                              ids_.checkFailed, describe_, e.what());
            }
            failing = true;
        }
    }
}

} // namespace kahu::sql
