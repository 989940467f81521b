// SPDX-License-Identifier: MPL-2.0
#pragma once

// Where forensic entries go: Kea's rotating text files ("type": "logfile", the default) or
// syslog ("type": "syslog"). Both are safe to call from any number of threads.

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <spdlog/logger.h>
#include <string>
#include <string_view>

namespace kahu::legal_log {

/// The wall clock (CLOCK_REALTIME); replaced in tests.
using Clock = std::function<timespec()>;
timespec realtimeNow();

/// Kea's timestamp: strftime() of the local time, with "%Q" replaced by the milliseconds and
/// microseconds ("123.456"). Throws kahu::Error when the result is empty or longer than 127
/// bytes (Kea's limit).
std::string timeString(const timespec& when, const std::string& format);

/// Kea's default timestamp-format.
inline constexpr const char* kDefaultTimestampFormat = "%Y-%m-%d %H:%M:%S %Z";

class LegalStore {
public:
    virtual ~LegalStore() = default;
    /// Writes one entry; returns only once it is written (flushed to the kernel). Throws
    /// kahu::Error when it could not be written: the caller must then not go on as if it were.
    /// An empty text writes nothing.
    virtual void writeln(const std::string& text, const std::string& address) = 0;
};

enum class TimeUnit { Second, Day, Month, Year };

struct FileOptions {
    std::string directory; ///< already confined (kahu::confineDirectory)
    std::string baseName = "kea-legal";
    TimeUnit unit = TimeUnit::Day;
    uint32_t count = 1;     ///< 0: never rotate
    std::string prerotate;  ///< already confined program, or empty
    std::string postrotate; ///< already confined program, or empty
    std::string timestampFormat = kDefaultTimestampFormat;
};

/// Kea's RotatingFile: <dir>/<base>.<CCYYMMDD>.txt (day, month, year) or
/// <dir>/<base>.T<20-digit Unix time>.txt (second), a new file every `count` units counted
/// from the day (second) the current one was started. At open, the newest existing file of
/// the base name is appended to while it is still within its period. Files are created 0640
/// and never left readable by others. Each entry is "<timestamp> <text>\n", written with one
/// write(2).
class RotatingFile : public LegalStore {
public:
    RotatingFile(FileOptions options, std::shared_ptr<spdlog::logger> logger,
                 Clock clock = realtimeNow);
    ~RotatingFile() override;
    RotatingFile(const RotatingFile&) = delete;
    RotatingFile& operator=(const RotatingFile&) = delete;

    /// Opens the file for now (an existing one within its period, else a new one). Throws
    /// kahu::Error ("cannot open file:<path> reason: <errno text>").
    void open();
    void writeln(const std::string& text, const std::string& address) override;
    /// The file being written ("" before open()).
    std::string fileName() const;

private:
    void openFor(const tm& when, bool useExisting);
    void rotateIfDue(const timespec& now);
    void close();
    std::string nameFor(const tm& when) const;
    bool useExisting(tm& when);

    FileOptions opt_;
    std::shared_ptr<spdlog::logger> logger_;
    Clock clock_;
    mutable std::mutex mutex_;
    int fd_ = -1;
    std::string fileName_;
    tm opened_{}; ///< local time the current file's period starts at
};

/// Runs `program` with one argument and does not wait for it (Kea's prerotate/postrotate):
/// the program is detached (double fork), so no child is left to reap. Throws kahu::Error when
/// the process cannot be created.
void spawnDetached(const std::string& program, const std::string& argument);

/// Kea's syslog backend: each entry is one syslog(3) message at LOG_INFO in `facility`,
/// formatted by Kea's logger pattern (default "%-5p [%c.%t] %m\n"), where %m is
/// "LEGAL_LOG_SYSLOG <entry>".
class SyslogStore : public LegalStore {
public:
    /// Throws kahu::Error for a facility or a pattern conversion it does not know.
    SyslogStore(const std::string& facility, std::string pattern);
    void writeln(const std::string& text, const std::string& address) override;
    /// The message as it is handed to syslog (no trailing newline); for tests.
    std::string format(const std::string& text) const;

    static int facilityCode(std::string_view name); ///< -1 when unknown
    static constexpr const char* kDefaultPattern = "%-5p [%c.%t] %m\n";

private:
    int facility_;
    std::string pattern_;
};

} // namespace kahu::legal_log
