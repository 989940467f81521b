// SPDX-License-Identifier: MPL-2.0
#include "log/journal_sink.h"
#include "log/logging.h"
#include "log/pattern.h"
#include "log/sinks.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <kahu/log.h>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace kahu::log {
namespace {

namespace fs = std::filesystem;

/// One datagram, read the way journald reads the native protocol.
struct Record {
    std::multimap<std::string, std::string> fields;
    std::set<std::string> binary; ///< keys sent in the binary (length-prefixed) form

    size_t count(const std::string& key) const { return fields.count(key); }
    std::string get(const std::string& key) const {
        const auto it = fields.find(key);
        return it == fields.end() ? "<missing " + key + ">" : it->second;
    }
};

bool validKey(std::string_view key) {
    if (key.empty() || key[0] == '_') {
        return false;
    }
    for (const char c : key) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

/// nullopt when the datagram breaks the format (journald would drop or mangle it).
std::optional<Record> parse(std::string_view d) {
    Record r;
    while (!d.empty()) {
        const auto nl = d.find('\n');
        if (nl == std::string_view::npos) {
            return std::nullopt; // every field ends with a newline
        }
        const auto line = d.substr(0, nl);
        d.remove_prefix(nl + 1);
        if (const auto eq = line.find('='); eq != std::string_view::npos) {
            if (!validKey(line.substr(0, eq))) {
                return std::nullopt;
            }
            r.fields.emplace(line.substr(0, eq), line.substr(eq + 1));
            continue;
        }
        if (!validKey(line) || d.size() < 8) {
            return std::nullopt;
        }
        uint64_t size = 0;
        for (int i = 0; i < 8; ++i) {
            size |= uint64_t(static_cast<unsigned char>(d[i])) << (8 * i);
        }
        d.remove_prefix(8);
        if (d.size() < size + 1 || d[size] != '\n') {
            return std::nullopt;
        }
        r.fields.emplace(line, d.substr(0, size));
        r.binary.emplace(line);
        d.remove_prefix(size + 1);
    }
    return r;
}

/// Sets (or with nullptr unsets) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        set(value);
    }
    ~ScopedEnv() { set(old_ ? old_->c_str() : nullptr); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

    void set(const char* value) const {
        if (value) {
            ::setenv(name_, value, 1);
        } else {
            ::unsetenv(name_);
        }
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

std::string streamId(const struct stat& st) {
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

class Journal : public ::testing::Test {
protected:
    void SetUp() override {
        static int n = 0;
        // Short: the socket path must fit sockaddr_un (108 bytes).
        dir_ = fs::temp_directory_path() /
               ("kahu-jt-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        socketPath_ = (dir_ / "journal.sock").string();
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd_, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        ASSERT_LT(socketPath_.size(), sizeof addr.sun_path);
        std::memcpy(addr.sun_path, socketPath_.c_str(), socketPath_.size() + 1);
        ASSERT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0)
            << std::strerror(errno);
        socketEnv_ = std::make_unique<ScopedEnv>("KAHU_JOURNAL_SOCKET", socketPath_.c_str());
    }
    void TearDown() override {
        resetLogging();
        socketEnv_.reset();
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fs::remove_all(dir_);
    }

    /// The next datagram, nullopt when none is queued (sinks send synchronously, so whatever
    /// was logged is already there).
    std::optional<std::string> receive() const {
        const ssize_t size = ::recv(fd_, nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (size < 0) {
            return std::nullopt;
        }
        std::string buf(static_cast<size_t>(size), '\0');
        const ssize_t got = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
        if (got != size) {
            return std::nullopt;
        }
        return buf;
    }

    Record receiveRecord() const {
        const auto datagram = receive();
        if (!datagram) {
            ADD_FAILURE() << "no datagram";
            return {};
        }
        auto record = parse(*datagram);
        if (!record) {
            ADD_FAILURE() << "malformed datagram: " << *datagram;
            return {};
        }
        return *record;
    }

    static LoggerConfig logger(std::string name, std::string severity, std::string output,
                               std::string pattern = "", uint32_t debuglevel = 0) {
        LoggerConfig lc;
        lc.name = std::move(name);
        lc.severity = std::move(severity);
        lc.debuglevel = debuglevel;
        LoggerOutput out;
        out.output = std::move(output);
        out.pattern = std::move(pattern);
        lc.outputs.push_back(out);
        return lc;
    }

    /// The one sink a logger writes to after a configuration with one output.
    static spdlog::sink_ptr onlySink(const std::string& name) {
        auto dispatch = std::dynamic_pointer_cast<DispatchSink>(get(name)->sinks().at(0));
        if (!dispatch || dispatch->sinks()->size() != 1) {
            ADD_FAILURE() << name << " has no single sink";
            return nullptr;
        }
        return dispatch->sinks()->at(0);
    }

    fs::path dir_;
    std::string socketPath_;
    std::unique_ptr<ScopedEnv> socketEnv_;
    int fd_ = -1;
};

TEST_F(Journal, SendsEveryFieldAndMultiLineMessagesInBinaryForm) {
    configureLogging({logger("kea-dhcp4", "INFO", "journal")}, false);
    auto lg = get("kahu-dhcp4.leases");
    KAHU_INFO(lg, "DHCP4_LEASE_ALLOC", "line one\nline {}", "two");
    const Record r = receiveRecord();

    for (const char* key :
         {"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "SYSLOG_FACILITY", "TID", "KAHU_LOGGER",
          "KAHU_COMPONENT", "KAHU_MESSAGE_ID", "KAHU_SEVERITY", "MESSAGE_ID"}) {
        EXPECT_EQ(r.count(key), 1u) << key;
    }
    EXPECT_EQ(r.fields.size(), 10u);
    EXPECT_EQ(r.get("MESSAGE"), "INFO  [kahu-dhcp4.leases] DHCP4_LEASE_ALLOC line one\nline two");
    EXPECT_EQ(r.binary, std::set<std::string>{"MESSAGE"}); // only the value with a newline
    EXPECT_EQ(r.get("PRIORITY"), "6");
    EXPECT_EQ(r.get("SYSLOG_IDENTIFIER"), program_invocation_short_name);
    EXPECT_EQ(r.get("SYSLOG_FACILITY"), "1");
    EXPECT_TRUE(std::regex_match(r.get("TID"), std::regex("[1-9][0-9]*"))) << r.get("TID");
    EXPECT_EQ(r.get("KAHU_LOGGER"), "kahu-dhcp4.leases");
    EXPECT_EQ(r.get("KAHU_COMPONENT"), "leases");
    EXPECT_EQ(r.get("KAHU_MESSAGE_ID"), "DHCP4_LEASE_ALLOC");
    EXPECT_EQ(r.get("KAHU_SEVERITY"), "INFO");
    // printf 'kahu:DHCP4_LEASE_ALLOC' | sha256sum | cut -c1-32: pinned, since operators' filters
    // and catalogs hold these values.
    EXPECT_EQ(r.get("MESSAGE_ID"), "fdc6f59db62ea4c6fcb628a92e9ea92c");
    EXPECT_EQ(journalMessageId("DHCP4_LEASE_ALLOC"), "fdc6f59db62ea4c6fcb628a92e9ea92c");

    // Stable from one message to the next, different for another ID.
    KAHU_INFO(lg, "DHCP4_LEASE_ALLOC", "again");
    KAHU_INFO(lg, "DHCP4_RELEASE", "other");
    const Record again = receiveRecord();
    const Record other = receiveRecord();
    EXPECT_EQ(again.get("MESSAGE_ID"), r.get("MESSAGE_ID"));
    EXPECT_EQ(again.get("MESSAGE"), "INFO  [kahu-dhcp4.leases] DHCP4_LEASE_ALLOC again");
    EXPECT_TRUE(again.binary.empty());
    EXPECT_EQ(other.get("KAHU_MESSAGE_ID"), "DHCP4_RELEASE");
    EXPECT_EQ(other.get("MESSAGE_ID"), "aa9db5282f536a4ee44b871a2844ac52");
    EXPECT_FALSE(receive());
}

TEST_F(Journal, FirstWordThatIsNotAnIdGivesNoMessageId) {
    configureLogging({logger("kea-dhcp4", "INFO", "journal")}, false);
    auto lg = get("kahu-dhcp4");
    for (const char* text : {"hello world", "Dhcp4 started", "DHCP4-LEASE x", "X alone", "_DHCP4 x",
                             "4DHCP x", " DHCP4_LEASE_ALLOC leading space", ""}) {
        lg->info(text);
        const Record r = receiveRecord();
        EXPECT_EQ(r.count("KAHU_MESSAGE_ID"), 0u) << text;
        EXPECT_EQ(r.count("MESSAGE_ID"), 0u) << text;
        EXPECT_EQ(r.get("KAHU_COMPONENT"), "kahu-dhcp4"); // no dot: the whole name
        EXPECT_EQ(r.get("MESSAGE"), std::string("INFO  [kahu-dhcp4] ") + text);
    }
    EXPECT_EQ(messageIdOf("DHCP4_LEASE_ALLOC"), "DHCP4_LEASE_ALLOC");
    EXPECT_EQ(messageIdOf("HA_X1\nsecond line"), "HA_X1");
    EXPECT_EQ(messageIdOf("AB\ttab"), "AB");
    EXPECT_EQ(messageIdOf("Ab c"), "");
    EXPECT_EQ(messageIdOf("A"), "");
}

TEST_F(Journal, PriorityAndSeverityFollowTheLevel) {
    configureLogging({logger("kea-dhcp4", "DEBUG", "journal", "", 99)}, false);
    auto lg = get("kahu-dhcp4.ha.sync");
    KAHU_DEBUG(lg, 10, "TEST_DEBUG", "d");
    KAHU_INFO(lg, "TEST_INFO", "i");
    KAHU_WARN(lg, "TEST_WARN", "w");
    KAHU_ERROR(lg, "TEST_ERROR", "e");
    lg->critical("TEST_FATAL f");
    const std::pair<const char*, const char*> expected[] = {
        {"7", "DEBUG"}, {"6", "INFO"}, {"4", "WARN"}, {"3", "ERROR"}, {"2", "FATAL"}};
    for (const auto& [priority, severity] : expected) {
        const Record r = receiveRecord();
        EXPECT_EQ(r.get("PRIORITY"), priority) << severity;
        EXPECT_EQ(r.get("KAHU_SEVERITY"), severity);
        EXPECT_EQ(r.get("KAHU_MESSAGE_ID"), std::string("TEST_") + severity);
        EXPECT_EQ(r.get("KAHU_COMPONENT"), "ha.sync"); // everything after the first dot
    }
}

TEST_F(Journal, OutputNameIsTheIdentifierAndAPatternIsKept) {
    configureLogging({logger("kea-dhcp4", "INFO", "journal:kahu-test", "%p: %m\n\n")}, false);
    auto sink = std::dynamic_pointer_cast<JournalSink>(onlySink("kahu-dhcp4"));
    ASSERT_TRUE(sink);
    EXPECT_EQ(sink->ident(), "kahu-test");
    EXPECT_EQ(sink->socketPath(), socketPath_);
    KAHU_INFO(get("kahu-dhcp4"), "TEST_PATTERN", "text");
    const Record r = receiveRecord();
    EXPECT_EQ(r.get("SYSLOG_IDENTIFIER"), "kahu-test");
    EXPECT_EQ(r.get("MESSAGE"), "INFO: TEST_PATTERN text"); // trailing newlines are journald's
    EXPECT_TRUE(r.binary.empty());

    EXPECT_FALSE(isLogFile("journal"));
    EXPECT_FALSE(isLogFile("journal:kahu-test"));
    EXPECT_TRUE(isLogFile("journal.log"));
}

TEST_F(Journal, SyslogGoesToTheJournalOnlyUnderSystemd) {
    ScopedEnv stream("JOURNAL_STREAM", nullptr);
    ScopedEnv invocation("INVOCATION_ID", "0123456789abcdef0123456789abcdef");

    configureLogging({logger("kea-dhcp4", "INFO", "syslog:local5")}, false);
    auto journal = std::dynamic_pointer_cast<JournalSink>(onlySink("kahu-dhcp4"));
    ASSERT_TRUE(journal);
    EXPECT_EQ(journal->ident(), "local5");
    KAHU_WARN(get("kahu-dhcp4"), "TEST_SYSLOG", "via journal");
    const Record r = receiveRecord();
    EXPECT_EQ(r.get("MESSAGE"), "WARN  [kahu-dhcp4] TEST_SYSLOG via journal");
    EXPECT_EQ(r.get("SYSLOG_IDENTIFIER"), "local5");
    EXPECT_EQ(r.get("SYSLOG_FACILITY"), "1");

    configureLogging({logger("kea-dhcp4", "INFO", "syslog")}, false);
    journal = std::dynamic_pointer_cast<JournalSink>(onlySink("kahu-dhcp4"));
    ASSERT_TRUE(journal);
    EXPECT_EQ(journal->ident(), program_invocation_short_name);

    // JOURNAL_STREAM alone is as good a sign as INVOCATION_ID.
    invocation.set(nullptr);
    stream.set("1:2");
    configureLogging({logger("kea-dhcp4", "INFO", "syslog")}, false);
    EXPECT_TRUE(std::dynamic_pointer_cast<JournalSink>(onlySink("kahu-dhcp4")));

    // No journald socket: syslog(3) as before.
    {
        ScopedEnv socket("KAHU_JOURNAL_SOCKET", (dir_ / "none.sock").c_str());
        configureLogging({logger("kea-dhcp4", "INFO", "syslog:local5")}, false);
        EXPECT_TRUE(std::dynamic_pointer_cast<SyslogSink>(onlySink("kahu-dhcp4")));
    }
    // Not a service: syslog(3) as before, even though journald is there.
    stream.set(nullptr);
    configureLogging({logger("kea-dhcp4", "INFO", "syslog:local5")}, false);
    auto syslog = std::dynamic_pointer_cast<SyslogSink>(onlySink("kahu-dhcp4"));
    ASSERT_TRUE(syslog);
    EXPECT_STREQ(syslog->ident(), "local5");
    // "journal" is the journal regardless.
    configureLogging({logger("kea-dhcp4", "INFO", "journal")}, false);
    EXPECT_TRUE(std::dynamic_pointer_cast<JournalSink>(onlySink("kahu-dhcp4")));
}

TEST_F(Journal, UnderJournaldNeedsAServiceAndTheSocket) {
    EXPECT_TRUE(underJournald("8:1234", nullptr, true));
    EXPECT_TRUE(underJournald(nullptr, "abc", true));
    EXPECT_TRUE(underJournald("8:1234", "abc", true));
    EXPECT_FALSE(underJournald("8:1234", "abc", false));
    EXPECT_FALSE(underJournald(nullptr, nullptr, true));
    EXPECT_FALSE(underJournald("", "", true));
}

TEST_F(Journal, FullQueueDropsWithoutBlockingAndCounts) {
    configureLogging({logger("kea-dhcp4", "INFO", "journal")}, false);
    auto sink = std::dynamic_pointer_cast<JournalSink>(onlySink("kahu-dhcp4"));
    ASSERT_TRUE(sink);
    auto lg = get("kahu-dhcp4");
    const std::string filler(1024, 'x');
    constexpr int kSent = 2000; // far beyond a datagram queue nobody reads
    for (int i = 0; i < kSent; ++i) {
        KAHU_INFO(lg, "TEST_FLOOD", "{} {}", i, filler);
    }
    const uint64_t dropped = sink->dropped();
    EXPECT_GT(dropped, 0u);
    int received = 0;
    while (receive()) {
        ++received;
    }
    EXPECT_EQ(received + dropped, uint64_t{kSent});

    KAHU_INFO(lg, "TEST_AFTER", "flood");
    const Record r = receiveRecord();
    EXPECT_EQ(r.get("KAHU_DROPPED"), std::to_string(dropped));
    KAHU_INFO(lg, "TEST_AFTER", "reported once");
    EXPECT_EQ(receiveRecord().count("KAHU_DROPPED"), 0u);
}

TEST_F(Journal, OversizedMessageIsTruncatedNotLost) {
    configureLogging({logger("kea-dhcp4", "INFO", "journal")}, false);
    // Larger than any datagram the kernel takes (the sink asks for an 8 MiB send buffer, which
    // the kernel doubles; big datagrams fail earlier, with ENOBUFS).
    std::string big;
    big.reserve(17 << 20);
    while (big.size() < (17u << 20)) {
        big += "\xc3\xa9"; // é: a cut inside it would leave invalid UTF-8
    }
    KAHU_INFO(get("kahu-dhcp4"), "TEST_BIG", "{}", big);
    const std::string prefix = "INFO  [kahu-dhcp4] TEST_BIG ";
    const Record r = receiveRecord();
    ASSERT_EQ(r.count("MESSAGE"), 1u);
    const std::string message = r.get("MESSAGE");
    EXPECT_EQ(r.get("KAHU_MESSAGE_TRUNCATED"), std::to_string(prefix.size() + big.size()));
    EXPECT_EQ(r.get("KAHU_MESSAGE_ID"), "TEST_BIG");
    ASSERT_GT(message.size(), prefix.size() + 3);
    EXPECT_LT(message.size(), prefix.size() + big.size());
    EXPECT_EQ(message.compare(0, prefix.size(), prefix), 0);
    EXPECT_EQ(message.substr(message.size() - 3), "...");
    const std::string kept = message.substr(prefix.size(), message.size() - prefix.size() - 3);
    EXPECT_EQ(kept.size() % 2, 0u);
    EXPECT_EQ(kept, big.substr(0, kept.size()));
}

TEST(JournalConsole, JournalStreamMatchesDeviceAndInode) {
    struct stat st {};
    st.st_dev = 2049;
    st.st_ino = 123456789;
    EXPECT_TRUE(journalStreamMatches("2049:123456789", st));
    EXPECT_FALSE(journalStreamMatches("2049:123456788", st));
    EXPECT_FALSE(journalStreamMatches("2048:123456789", st));
    EXPECT_FALSE(journalStreamMatches("2049:123456789x", st));
    EXPECT_FALSE(journalStreamMatches("2049123456789", st));
    EXPECT_FALSE(journalStreamMatches(":123456789", st));
    EXPECT_FALSE(journalStreamMatches("", st));
    EXPECT_FALSE(journalStreamMatches(nullptr, st));
}

TEST(JournalConsole, PrefixIsThePriorityOncePerMessage) {
    auto formatter = withPriorityPrefix(makeFormatter("%p %m\n"));
    const auto format = [&](spdlog::level::level_enum level, std::string_view text) {
        spdlog::details::log_msg msg("kahu-dhcp4", level, text);
        spdlog::memory_buf_t out;
        formatter->format(msg, out);
        return std::string(out.data(), out.size());
    };
    EXPECT_EQ(format(spdlog::level::info, "TEST_A a"), "<6>INFO TEST_A a\n");
    EXPECT_EQ(format(spdlog::level::warn, "TEST_B one\ntwo"), "<4>WARN TEST_B one\ntwo\n");
    EXPECT_EQ(format(spdlog::level::critical, "x"), "<2>FATAL x\n");
    EXPECT_EQ(format(spdlog::level::debug, "x"), "<7>DEBUG x\n");
    auto copy = formatter->clone();
    spdlog::details::log_msg msg("kahu-dhcp4", spdlog::level::err, "y");
    spdlog::memory_buf_t out;
    copy->format(msg, out);
    EXPECT_EQ(std::string(out.data(), out.size()), "<3>ERROR y\n");
}

/// stdout redirected to a file that JOURNAL_STREAM names (or not), as systemd would set it up.
class JournalStdout : public ::testing::Test {
protected:
    void SetUp() override {
        path_ =
            (fs::temp_directory_path() / ("kahu-jt-stdout-" + std::to_string(::getpid()))).string();
        const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_GE(fd, 0);
        std::fflush(stdout);
        saved_ = ::dup(STDOUT_FILENO);
        ASSERT_GE(saved_, 0);
        ASSERT_EQ(::dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
        ::close(fd);
    }
    void TearDown() override {
        restore();
        resetLogging();
        fs::remove(path_);
    }

    /// Puts stdout back and returns what went to the file.
    std::string restore() {
        if (saved_ >= 0) {
            std::fflush(stdout);
            ::dup2(saved_, STDOUT_FILENO);
            ::close(saved_);
            saved_ = -1;
        }
        std::ifstream in(path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    std::string stdoutStreamId() const {
        struct stat st {};
        ::fstat(STDOUT_FILENO, &st);
        return streamId(st);
    }

    static LoggerConfig stdoutLogger(std::string pattern) {
        LoggerConfig lc;
        lc.name = "kea-dhcp4";
        LoggerOutput out;
        out.output = "stdout";
        out.pattern = std::move(pattern);
        lc.outputs.push_back(out);
        return lc;
    }

    std::string path_;
    int saved_ = -1;
};

TEST_F(JournalStdout, DefaultPatternGetsThePriorityAndNoDate) {
    ScopedEnv stream("JOURNAL_STREAM", stdoutStreamId().c_str());
    EXPECT_TRUE(isJournalStream(STDOUT_FILENO));
    configureLogging({stdoutLogger("")}, false);
    KAHU_INFO(get("kahu-dhcp4.x"), "TEST_CONSOLE", "hello");
    KAHU_WARN(get("kahu-dhcp4.x"), "TEST_TWO", "a\nb");
    const std::string text = restore();
    const std::string pid = std::to_string(::getpid());
    EXPECT_TRUE(std::regex_match(text, std::regex("<6>INFO  \\[kahu-dhcp4\\.x/" + pid +
                                                  "\\.[0-9]+\\] TEST_CONSOLE hello\n"
                                                  "<4>WARN  \\[kahu-dhcp4\\.x/" +
                                                  pid + "\\.[0-9]+\\] TEST_TWO a\nb\n")))
        << text;
}

TEST_F(JournalStdout, ExplicitPatternIsKeptWithThePriority) {
    ScopedEnv stream("JOURNAL_STREAM", stdoutStreamId().c_str());
    configureLogging({stdoutLogger("%d{%Y} %p %m\n")}, false);
    KAHU_ERROR(get("kahu-dhcp4"), "TEST_PATTERN", "kept");
    const std::string text = restore();
    EXPECT_TRUE(std::regex_match(text, std::regex("<3>20[0-9]{2} ERROR TEST_PATTERN kept\n")))
        << text;
}

TEST_F(JournalStdout, InheritedJournalStreamOfAnotherStreamChangesNothing) {
    // A shell started from a service inherits JOURNAL_STREAM while its stdout is a file.
    ScopedEnv stream("JOURNAL_STREAM", "1:2");
    EXPECT_FALSE(isJournalStream(STDOUT_FILENO));
    configureLogging({stdoutLogger("")}, false);
    KAHU_INFO(get("kahu-dhcp4"), "TEST_PLAIN", "dated");
    const std::string text = restore();
    EXPECT_TRUE(std::regex_match(
        text, std::regex("20[0-9-]{8} [0-9:.]{12} INFO  \\[kahu-dhcp4/[0-9]+\\.[0-9]+\\] "
                         "TEST_PLAIN dated\n")))
        << text;
}

} // namespace
} // namespace kahu::log
