// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/lease/lease4.h>
#include <mysql.h>
#include <optional>
#include <string>

namespace kahu::mysql {

/// The latest expire a TIMESTAMP column holds (2038-01-19); Kea refuses anything later.
inline constexpr int64_t kMaxDbTime = 0x7fffffff;

/// The value Kea writes into `expire`: cltt + valid lifetime, or cltt alone for an infinite
/// lifetime. Throws kahu::StoreError ("Time value is too large") past kMaxDbTime.
int64_t dbExpire(int64_t cltt, uint32_t validLifetime);
/// The inverse: cltt from a stored expire and valid lifetime.
int64_t clttFromDb(int64_t expire, uint32_t validLifetime) noexcept;

/// Unix seconds as the host's local broken-down time (what Kea binds for `expire`), and back.
MYSQL_TIME toLocalTime(int64_t seconds) noexcept;
int64_t fromLocalTime(const MYSQL_TIME& t) noexcept;

/// The `user_context` column: NULL for no context, else the JSON text; reading an empty or
/// unparsable text gives no context (Kea logs and ignores it too).
std::optional<std::string> userContextToDb(const nlohmann::json& context);
nlohmann::json userContextFromDb(const std::string& text) noexcept;

/// A schema version, as `schema_version` holds it.
struct SchemaVersion {
    int major = 0;
    int minor = 0;
    std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
    bool operator==(const SchemaVersion&) const = default;
};

/// The lease4 layout a schema version has: 14.x (Kea 2.2) stops at user_context; 22.x
/// (Kea 2.6) adds relay_id, remote_id and pool_id. Anything else is not supported.
enum class Lease4Layout { Kea22, Kea26 };
std::optional<Lease4Layout> layoutFor(const SchemaVersion& v) noexcept;
/// "14.0, 22.0, 22.1, 22.2" for messages.
std::string supportedVersions();
/// The version kahu-admin db-init creates and db-upgrade reaches.
inline constexpr SchemaVersion kCurrentSchema{22, 0};

} // namespace kahu::mysql
