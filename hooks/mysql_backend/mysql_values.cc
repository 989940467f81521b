// SPDX-License-Identifier: MPL-2.0
#include "mysql_values.h"

#include <cstring>
#include <ctime>
#include <kahu/error.h>

namespace kahu::mysql {

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

MYSQL_TIME toLocalTime(int64_t seconds) noexcept {
    time_t t = static_cast<time_t>(seconds);
    struct tm tm {};
    localtime_r(&t, &tm);
    MYSQL_TIME out;
    std::memset(&out, 0, sizeof out);
    out.year = unsigned(tm.tm_year + 1900);
    out.month = unsigned(tm.tm_mon + 1);
    out.day = unsigned(tm.tm_mday);
    out.hour = unsigned(tm.tm_hour);
    out.minute = unsigned(tm.tm_min);
    out.second = unsigned(tm.tm_sec);
    out.time_type = MYSQL_TIMESTAMP_DATETIME;
    return out;
}

int64_t fromLocalTime(const MYSQL_TIME& t) noexcept {
    struct tm tm {};
    tm.tm_year = int(t.year) - 1900;
    tm.tm_mon = int(t.month) - 1;
    tm.tm_mday = int(t.day);
    tm.tm_hour = int(t.hour);
    tm.tm_min = int(t.minute);
    tm.tm_sec = int(t.second);
    tm.tm_isdst = -1; // let mktime decide, as Kea does
    return static_cast<int64_t>(mktime(&tm));
}

std::optional<std::string> userContextToDb(const nlohmann::json& context) {
    if (context.is_null()) {
        return std::nullopt;
    }
    return context.dump();
}

nlohmann::json userContextFromDb(const std::string& text) noexcept {
    if (text.empty()) {
        return nullptr;
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() || !j.is_object() ? nlohmann::json() : j;
}

std::optional<Lease4Layout> layoutFor(const SchemaVersion& v) noexcept {
    if (v == SchemaVersion{14, 0}) {
        return Lease4Layout::Kea22;
    }
    if (v.major == 22 && v.minor >= 0 && v.minor <= 2) {
        return Lease4Layout::Kea26;
    }
    return std::nullopt;
}

std::string supportedVersions() {
    return "14.0, 22.0, 22.1, 22.2";
}

} // namespace kahu::mysql
