// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <kahu/lease/lease4.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kahu::pgsql {

/// The latest expire Kea stores (2038-01-19, its MAX_DB_TIME); it refuses anything later.
inline constexpr int64_t kMaxDbTime = 0x7fffffff;

/// The value Kea writes into `expire`: cltt + valid lifetime, or cltt alone for an infinite
/// lifetime. Throws kahu::StoreError ("Time value is too large") past kMaxDbTime.
int64_t dbExpire(int64_t cltt, uint32_t validLifetime);
/// The inverse: cltt from a stored expire and valid lifetime.
int64_t clttFromDb(int64_t expire, uint32_t validLifetime) noexcept;
/// The caller's expected expire (cltt + valid lifetime) as the row holds it: an infinite lease
/// stores cltt, and no finite lease is stored past kMaxDbTime, so a larger value is infinite.
int64_t storedExpireInDb(int64_t expectedExpire) noexcept;

/// Unix seconds as a TIMESTAMP WITH TIME ZONE literal in UTC ("2023-11-14 22:13:20+00"):
/// the instant whatever the session's time zone. (Kea sends the host's local time without a
/// zone, which the server reads in the session's zone: the same instant when, as Kea needs,
/// the two zones agree.)
std::string timestampText(int64_t unixSeconds);

/// The `user_context` column: Kea writes '' for no context, else the JSON text; reading NULL,
/// '' or an unparsable text gives no context.
std::string userContextToDb(const nlohmann::json& context);
nlohmann::json userContextFromDb(std::string_view text) noexcept;

/// A schema version, as `schema_version` holds it.
struct SchemaVersion {
    int major = 0;
    int minor = 0;
    std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
    bool operator==(const SchemaVersion&) const = default;
};

/// The version kahu-admin db-init creates, and the one Kea 2.2 makes and reads: the only one
/// the store accepts (later Kea schemas add lease4 columns).
inline constexpr SchemaVersion kCurrentSchema{13, 0};
inline bool supported(const SchemaVersion& v) noexcept {
    return v == kCurrentSchema;
}

} // namespace kahu::pgsql
