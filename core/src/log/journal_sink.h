// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "fs/file_descriptor.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unordered_map>

// journald support without libsystemd: the native protocol for the "journal" output (and for
// "syslog" when the server runs as a systemd service), and the "<N>" priority prefix for
// stdout/stderr when systemd connected them to the journal. docs/logging.md ("journald") lists
// the fields.
namespace kahu::log {

/// journald's socket for native messages: $KAHU_JOURNAL_SOCKET when set and not empty (tests
/// point it at a socket of their own), else /run/systemd/journal/socket.
std::string journalSocketPath();

/// The Kahu message ID a message text starts with: KAHU_INFO(lg, "DHCP4_LEASE_ALLOC", ...) logs
/// "DHCP4_LEASE_ALLOC text", so the ID is the first word when it matches [A-Z][A-Z0-9_]+.
/// "" when the first word is not such an ID.
std::string_view messageIdOf(std::string_view text) noexcept;

/// journald's MESSAGE_ID for a Kahu message ID: the first 16 bytes of SHA-256("kahu:" + id) as
/// 32 lowercase hex digits. Stable across versions and hosts, so journalctl MESSAGE_ID=...
/// filters (and catalogs) keep working; changing the derivation would break them.
std::string journalMessageId(std::string_view id);

/// Whether JOURNAL_STREAM ("<device>:<inode>" in decimal, as systemd sets it) names the stream
/// st describes. systemd documents this comparison because the variable is inherited: a shell
/// or script started from a service has it while its own output goes elsewhere.
bool journalStreamMatches(const char* journalStream, const struct stat& st) noexcept;

/// fd (1 or 2) is a stream systemd connected to the journal: $JOURNAL_STREAM matches fstat(fd).
bool isJournalStream(int fd) noexcept;

/// The process runs under journald: JOURNAL_STREAM or INVOCATION_ID is set (systemd sets them
/// for a service) and journald's socket exists. The first form takes the values so the decision
/// can be tested without systemd; the second reads the environment and journalSocketPath().
bool underJournald(const char* journalStream, const char* invocationId, bool socketExists) noexcept;
bool underJournald() noexcept;

/// Wraps a formatter so each message starts with its syslog priority "<N>" (syslogPriority()),
/// which journald reads from a stream (SyslogLevelPrefix=, on by default) into PRIORITY and
/// strips. One prefix per message: a multi-line message becomes several journal records, the
/// first one with the message's priority and the others at the unit's default.
std::unique_ptr<spdlog::formatter> withPriorityPrefix(std::unique_ptr<spdlog::formatter> inner);

/// journald's native protocol: each message is one datagram of KEY=value fields to
/// journalSocketPath(), so the journal keeps the logger, severity and message ID as fields
/// (journalctl KAHU_MESSAGE_ID=DHCP4_LEASE_ALLOC) rather than text to grep.
/// Sending never blocks the logging thread: when journald's queue is full the message is dropped
/// and counted (dropped(); the next message that gets through carries KAHU_DROPPED). A message
/// too large for one datagram is sent with MESSAGE truncated rather than lost.
class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    /// ident is SYSLOG_IDENTIFIER (the output's "syslog:NAME"/"journal:NAME", or the program's
    /// name). The formatter starts as kDefaultJournalPattern.
    explicit JournalSink(std::string ident, std::string socketPath = journalSocketPath());

    const std::string& ident() const { return ident_; }
    const std::string& socketPath() const { return path_; }
    /// Messages lost so far: journald's queue was full, or it could not be reached at all.
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    bool openSocket();
    int send(const spdlog::memory_buf_t& message, const spdlog::memory_buf_t& rest);
    const std::string& cachedMessageId(std::string_view id);
    void lost(int err);

    std::string ident_;
    std::string path_;
    FileDescriptor fd_;
    std::atomic<uint64_t> dropped_{0};
    uint64_t droppedUnreported_ = 0; ///< since the last datagram that got through
    bool warned_ = false;
    std::unordered_map<std::string, std::string> messageIds_; ///< Kahu ID -> MESSAGE_ID
};

} // namespace kahu::log
