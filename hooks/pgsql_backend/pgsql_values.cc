// SPDX-License-Identifier: MPL-2.0
#include "pgsql_values.h"

#include <ctime>
#include <kahu/error.h>

namespace kahu::pgsql {

int64_t dbExpire(int64_t cltt, uint32_t validLifetime) {
    int64_t expire = validLifetime == Lease4::kInfinite ? cltt : cltt + int64_t(validLifetime);
    if (expire > kMaxDbTime) {
        throw StoreError("Time value is too large: " + std::to_string(expire));
    }
    return expire;
}

int64_t clttFromDb(int64_t expire, uint32_t validLifetime) noexcept {
    return validLifetime == Lease4::kInfinite ? expire : expire - int64_t(validLifetime);
}

int64_t storedExpireInDb(int64_t expectedExpire) noexcept {
    return expectedExpire > kMaxDbTime ? expectedExpire - int64_t(Lease4::kInfinite)
                                       : expectedExpire;
}

std::string timestampText(int64_t unixSeconds) {
    time_t t = static_cast<time_t>(unixSeconds);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[40];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+00", &tm);
    return std::string(buf, n);
}

std::string userContextToDb(const nlohmann::json& context) {
    return context.is_null() ? std::string() : context.dump();
}

nlohmann::json userContextFromDb(std::string_view text) noexcept {
    if (text.empty()) {
        return nullptr;
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() || !j.is_object() ? nlohmann::json() : j;
}

} // namespace kahu::pgsql
