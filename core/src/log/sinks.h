// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <string>
#include <vector>

namespace kahu::log {

using SinkList = std::vector<spdlog::sink_ptr>;

/// The one sink every Kahu logger owns. It forwards to the sinks of the logger's current
/// configuration, which a reload swaps atomically: a message being written while the swap
/// happens goes to the old sinks, which stay alive until that write is done.
class DispatchSink final : public spdlog::sinks::sink {
public:
    explicit DispatchSink(std::shared_ptr<const SinkList> sinks) : sinks_(std::move(sinks)) {}

    void log(const spdlog::details::log_msg& msg) override;
    void flush() override;
    // Formatting belongs to the target sinks (each output has its own pattern).
    void set_pattern(const std::string&) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

    void setSinks(std::shared_ptr<const SinkList> sinks) { sinks_.store(std::move(sinks)); }
    std::shared_ptr<const SinkList> sinks() const { return sinks_.load(); }

private:
    std::atomic<std::shared_ptr<const SinkList>> sinks_;
};

/// A file that rotates like log4cplus's RollingFileAppender (and so like Kea): when it would
/// grow past maxSize, "f.(n-1)" becomes "f.n", ..., "f" becomes "f.1", keeping maxVersions
/// old files. maxSize 0 never rotates. (spdlog's own rotating sink names files "f.1.log".)
class RotatingFileSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    RotatingFileSink(std::string path, uint64_t maxSize, uint32_t maxVersions);
    const std::string& path() const { return path_; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override { file_.flush(); }

private:
    void rotate();

    std::string path_;
    uint64_t maxSize_;
    uint32_t maxVersions_;
    spdlog::details::file_helper file_;
    uint64_t size_ = 0; ///< includes what stdio still buffers (fstat would not)
};

/// The syslog priority of an spdlog level, as Kea maps its severities: FATAL LOG_CRIT (2),
/// ERROR LOG_ERR (3), WARN LOG_WARNING (4), INFO LOG_INFO (6), DEBUG LOG_DEBUG (7).
int syslogPriority(spdlog::level::level_enum level) noexcept;

/// syslog(3) output the way Kea's log4cplus SysLogAppender does it: the text after "syslog:"
/// (default "local0") is the ident passed to openlog(), messages go with facility LOG_USER.
/// openlog() is process-wide, so with several idents the last one opened wins (as in Kea).
class SyslogSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit SyslogSink(const std::string& ident);
    const char* ident() const { return ident_; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    const char* ident_; ///< interned, never freed: openlog() keeps the pointer
};

} // namespace kahu::log
