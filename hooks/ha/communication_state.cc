// SPDX-License-Identifier: MPL-2.0
#include "communication_state.h"

#include <cstdlib>
#include <ctime>

namespace kahu::ha {

using namespace std::chrono;

namespace {
constexpr seconds kWarnClockSkew{30};
constexpr seconds kTermClockSkew{60};
constexpr seconds kMinTimeSinceSkewWarn{60};

const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
} // namespace

std::string formatRfc1123(system_clock::time_point t) {
    std::time_t tt = system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    // Names spelled out rather than strftime's %a/%b, which follow the locale.
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::optional<system_clock::time_point> parseRfc1123(const std::string& text) {
    char day[4] = {}, mon[4] = {}, zone[4] = {};
    int mday = 0, year = 0, h = 0, m = 0, s = 0;
    if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", day, &mday, mon, &year, &h, &m, &s,
                    zone) != 8) {
        return std::nullopt;
    }
    if (std::string(zone) != "GMT") {
        return std::nullopt;
    }
    int month = -1;
    for (int i = 0; i < 12; ++i) {
        if (std::string(mon) == kMonths[i]) {
            month = i;
        }
    }
    if (month < 0 || mday < 1 || mday > 31 || h > 23 || m > 59 || s > 60 || year < 1970) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month;
    tm.tm_mday = mday;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = s;
    const std::time_t t = timegm(&tm);
    // system_clock counts nanoseconds in 64 bits (up to 2262): a later date does not fit.
    if (t < 0 || t > duration_cast<seconds>(system_clock::duration::max()).count()) {
        return std::nullopt;
    }
    return system_clock::from_time_t(t);
}

CommunicationState::CommunicationState(const HaConfig& config, SteadyNow steady, WallNow wall)
    : config_(config), steady_(std::move(steady)), wall_(std::move(wall)) {
    const PeerRole role = config.thisServer().role;
    lbOrStandby_ = config.mode == HaMode::LoadBalancing || role == PeerRole::Standby;
    pokeTime_ = steadyNow();
}

steady_clock::time_point CommunicationState::steadyNow() const {
    return steady_ ? steady_() : steady_clock::now();
}

system_clock::time_point CommunicationState::wallNow() const {
    return wall_ ? wall_() : system_clock::now();
}

void CommunicationState::poke() {
    std::lock_guard lock(mutex_);
    pokeTime_ = steadyNow();
    connecting_.clear();
    analyzed_ = 0;
}

milliseconds CommunicationState::durationSinceLastPoke() const {
    std::lock_guard lock(mutex_);
    return duration_cast<milliseconds>(steadyNow() - pokeTime_);
}

bool CommunicationState::isCommunicationInterrupted() const {
    return durationSinceLastPoke() > config_.maxResponseDelay;
}

uint16_t CommunicationState::normalizedSecs(uint16_t secs) noexcept {
    if (secs > 255 && (secs & 0xff) == 0) {
        return static_cast<uint16_t>((secs >> 8) | (secs << 8));
    }
    return secs;
}

void CommunicationState::analyzeMessage(const Packet4& query) {
    std::vector<uint8_t> hw(query.chaddr.begin(),
                            query.chaddr.begin() + std::min<size_t>(query.hlen, 16));
    std::vector<uint8_t> cid;
    if (const Option* o = query.get(opt::kClientId)) {
        cid = o->data;
    }
    const bool unacked =
        uint64_t(normalizedSecs(query.secs)) * 1000 > uint64_t(config_.maxAckDelay.count());
    std::lock_guard lock(mutex_);
    ++analyzed_;
    auto [it, inserted] = connecting_.try_emplace({std::move(hw), std::move(cid)}, unacked);
    if (!inserted && unacked) {
        it->second = true;
    }
}

uint64_t CommunicationState::unackedLocked() const {
    uint64_t n = 0;
    for (const auto& [k, unacked] : connecting_) {
        n += unacked;
    }
    return n;
}

bool CommunicationState::failureDetected() const {
    std::lock_guard lock(mutex_);
    return config_.maxUnackedClients == 0 || unackedLocked() > config_.maxUnackedClients;
}

bool CommunicationState::shouldPartnerDown(bool serviceEnabled) const {
    if (!isCommunicationInterrupted()) {
        return false;
    }
    if (serviceEnabled && lbOrStandby_) {
        return failureDetected();
    }
    return true;
}

uint64_t CommunicationState::unackedClients() const {
    std::lock_guard lock(mutex_);
    return unackedLocked();
}

uint64_t CommunicationState::connectingClients() const {
    std::lock_guard lock(mutex_);
    return connecting_.size();
}

uint64_t CommunicationState::analyzedMessages() const {
    std::lock_guard lock(mutex_);
    return analyzed_;
}

void CommunicationState::setPartnerState(HaState state) {
    std::lock_guard lock(mutex_);
    partnerState_ = state;
    if (state != HaState::Unavailable) {
        inTouch_ = true;
    }
}

void CommunicationState::markPartnerUnavailable() {
    std::lock_guard lock(mutex_);
    partnerState_ = HaState::Unavailable;
    skew_ = seconds(0);
}

HaState CommunicationState::partnerState() const {
    std::lock_guard lock(mutex_);
    return partnerState_;
}

bool CommunicationState::inTouch() const {
    std::lock_guard lock(mutex_);
    return inTouch_;
}

void CommunicationState::setPartnerScopes(std::vector<std::string> scopes) {
    std::lock_guard lock(mutex_);
    partnerScopes_ = std::move(scopes);
}

std::vector<std::string> CommunicationState::partnerScopes() const {
    std::lock_guard lock(mutex_);
    return partnerScopes_;
}

void CommunicationState::setPartnerUnsentUpdateCount(uint64_t count) {
    std::lock_guard lock(mutex_);
    partnerUnsentPrev_ = partnerUnsent_;
    partnerUnsent_ = count;
}

bool CommunicationState::hasPartnerNewUnsentUpdates() const {
    std::lock_guard lock(mutex_);
    return partnerUnsent_ > 0 && partnerUnsent_ != partnerUnsentPrev_;
}

bool CommunicationState::setPartnerTime(const std::string& rfc1123) {
    auto t = parseRfc1123(rfc1123);
    if (!t) {
        return false;
    }
    auto skew = duration_cast<seconds>(*t - wallNow());
    std::lock_guard lock(mutex_);
    skew_ = skew;
    return true;
}

seconds CommunicationState::clockSkew() const {
    std::lock_guard lock(mutex_);
    return skew_;
}

bool CommunicationState::clockSkewShouldWarn() {
    std::lock_guard lock(mutex_);
    if (std::abs(skew_.count()) <= kWarnClockSkew.count()) {
        return false;
    }
    auto now = steadyNow();
    if (lastSkewWarn_ && now - *lastSkewWarn_ < kMinTimeSinceSkewWarn) {
        return false;
    }
    lastSkewWarn_ = now;
    return true;
}

bool CommunicationState::clockSkewShouldTerminate() const {
    std::lock_guard lock(mutex_);
    return std::abs(skew_.count()) > kTermClockSkew.count();
}

void CommunicationState::reportRejectedLeaseUpdate(const std::string& hwAddr,
                                                   const std::string& clientId, seconds lifetime) {
    std::lock_guard lock(mutex_);
    rejected_[hwAddr + "|" + clientId] = steadyNow() + lifetime;
}

bool CommunicationState::reportSuccessfulLeaseUpdate(const std::string& hwAddr,
                                                     const std::string& clientId) {
    std::lock_guard lock(mutex_);
    return rejected_.erase(hwAddr + "|" + clientId) != 0;
}

void CommunicationState::purgeRejectedLocked() const {
    auto now = steadyNow();
    for (auto it = rejected_.begin(); it != rejected_.end();) {
        it = it->second <= now ? rejected_.erase(it) : std::next(it);
    }
}

uint64_t CommunicationState::rejectedLeaseUpdates() const {
    std::lock_guard lock(mutex_);
    purgeRejectedLocked();
    return rejected_.size();
}

void CommunicationState::clearRejectedLeaseUpdates() {
    std::lock_guard lock(mutex_);
    rejected_.clear();
}

bool CommunicationState::rejectedLeaseUpdatesShouldTerminate() const {
    return config_.maxRejectedLeaseUpdates > 0 &&
           rejectedLeaseUpdates() >= config_.maxRejectedLeaseUpdates;
}

nlohmann::json CommunicationState::statusJson() const {
    const bool interrupted = isCommunicationInterrupted();
    const auto sincePoke = durationSinceLastPoke();
    std::lock_guard lock(mutex_);
    const uint64_t unacked = unackedLocked();
    uint64_t left = 0;
    if (interrupted && config_.maxUnackedClients >= unacked) {
        left = config_.maxUnackedClients - unacked + 1;
    }
    nlohmann::json j;
    j["age"] = inTouch_ ? duration_cast<seconds>(sincePoke).count() : 0;
    j["analyzed-packets"] = analyzed_;
    j["communication-interrupted"] = interrupted;
    j["connecting-clients"] = connecting_.size();
    j["in-touch"] = inTouch_;
    j["last-scopes"] = partnerScopes_;
    j["last-state"] = std::string(wireName(partnerState_));
    j["unacked-clients"] = unacked;
    j["unacked-clients-left"] = left;
    return j;
}

} // namespace kahu::ha
