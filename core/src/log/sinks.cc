// SPDX-License-Identifier: MPL-2.0
#include "log/sinks.h"

#include <cstdio>
#include <set>
#include <syslog.h>

namespace kahu::log {

void DispatchSink::log(const spdlog::details::log_msg& msg) {
    const auto sinks = sinks_.load();
    for (const auto& s : *sinks) {
        if (s->should_log(msg.level)) {
            s->log(msg);
        }
    }
}

void DispatchSink::flush() {
    const auto sinks = sinks_.load();
    for (const auto& s : *sinks) {
        s->flush();
    }
}

RotatingFileSink::RotatingFileSink(std::string path, uint64_t maxSize, uint32_t maxVersions)
    : path_(std::move(path)), maxSize_(maxSize), maxVersions_(maxVersions < 1 ? 1 : maxVersions) {
    file_.open(path_, false);
    size_ = file_.size();
}

void RotatingFileSink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    if (maxSize_ > 0 && size_ > 0 && size_ + formatted.size() > maxSize_) {
        rotate();
    }
    file_.write(formatted);
    size_ += formatted.size();
}

void RotatingFileSink::rotate() {
    file_.close();
    const auto name = [this](uint32_t i) { return path_ + "." + std::to_string(i); };
    std::remove(name(maxVersions_).c_str());
    for (uint32_t i = maxVersions_ - 1; i >= 1; --i) {
        std::rename(name(i).c_str(), name(i + 1).c_str());
    }
    std::rename(path_.c_str(), name(1).c_str());
    // Append, never truncate: if a rename failed we keep writing to the old file rather than
    // lose what it holds.
    file_.open(path_, false);
    size_ = file_.size();
}

namespace {

const char* internIdent(const std::string& ident) {
    static std::mutex mutex;
    static std::set<std::string>* idents = new std::set<std::string>; // never freed
    std::lock_guard lock(mutex);
    return idents->insert(ident).first->c_str();
}

} // namespace

int syslogPriority(spdlog::level::level_enum level) noexcept {
    switch (level) {
    case spdlog::level::critical:
        return LOG_CRIT;
    case spdlog::level::err:
        return LOG_ERR;
    case spdlog::level::warn:
        return LOG_WARNING;
    case spdlog::level::info:
        return LOG_INFO;
    default:
        return LOG_DEBUG;
    }
}

SyslogSink::SyslogSink(const std::string& ident) : ident_(internIdent(ident)) {
    ::openlog(ident_, 0, 0);
}

void SyslogSink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    ::syslog(LOG_USER | syslogPriority(msg.level), "%.*s", static_cast<int>(formatted.size()),
             formatted.data());
}

} // namespace kahu::log
