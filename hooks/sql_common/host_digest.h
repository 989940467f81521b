// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <kahu/config/server_config.h>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <spdlog/logger.h>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

namespace kahu::sql {

/// Kea's host_identifier_type codes (the same in its MySQL and PostgreSQL schemas).
int identifierCode(IdentifierType t) noexcept;

/// What keeps a host database's lookups off the packet path for clients without a
/// reservation, shared by the SQL host stores: the (subnet, identifier type, identifier) and
/// (subnet, address) of every host, read at start. A key the digest rules out is answered
/// "none" without a query; one it holds is read from the database, so what a host says is
/// never stale. A thread asks the store every `every` whether the table changed (the store's
/// own change check) and takes the fresh keys when it did; the store's own adds enter at once.
class HostDigest {
public:
    /// The keys, and the change check's answer when they were read.
    struct Keys {
        std::unordered_set<std::string> identifiers;
        std::unordered_set<uint64_t> addresses;
        std::string version;
        /// `upperHex`: the identifier's bytes in upper-case hex without separators.
        void addIdentifier(SubnetId subnet, int typeCode, std::string_view upperHex);
        void addAddress(SubnetId subnet, uint32_t address);
    };
    /// Message IDs (string literals): reloaded (debug 40), recovered, checkFailed.
    struct Messages {
        const char* reloaded;
        const char* recovered;
        const char* checkFailed;
    };
    /// Fresh keys when the table's version differs from `known`, null when it does not; throws
    /// when the database cannot be asked (the digest then keeps what it knows).
    using Check = std::function<std::unique_ptr<Keys>(const std::string& known)>;

    HostDigest(std::unique_ptr<Keys> initial, std::chrono::milliseconds every, Check check,
               Messages ids, std::shared_ptr<spdlog::logger> logger, std::string describe);
    ~HostDigest(); ///< stops and joins the refresh thread
    HostDigest(const HostDigest&) = delete;
    HostDigest& operator=(const HostDigest&) = delete;

    /// False when the digest rules the key out.
    bool mayHave(SubnetId subnet, IdentifierType type, const std::vector<uint8_t>& id) const;
    bool mayHave(SubnetId subnet, Ipv4Address address) const;
    /// A host this server added: known at once.
    void remember(SubnetId subnet, const Reservation& host);
    size_t size() const;

private:
    void refreshLoop(const std::stop_token& stop);

    const std::chrono::milliseconds every_;
    const Check check_;
    const Messages ids_;
    std::shared_ptr<spdlog::logger> logger_;
    const std::string describe_;
    mutable std::shared_mutex mutex_;
    std::unique_ptr<Keys> keys_;
    std::mutex wakeMutex_;
    std::condition_variable_any wake_;
    std::jthread refresher_; ///< last: stopped and joined before the rest goes
};

} // namespace kahu::sql
