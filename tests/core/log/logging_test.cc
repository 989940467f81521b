// SPDX-License-Identifier: MPL-2.0
#include "log/kea_loggers.h"
#include "log/logging.h"
#include "log/sinks.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/log.h>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace kahu::log {
namespace {

namespace fs = std::filesystem;

class Logging : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("kahu-log-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        ::setenv("KAHU_LOG_FILE_DIR", dir_.c_str(), 1); // log files may live only there
    }
    void TearDown() override {
        resetLogging();
        ::unsetenv("KAHU_LOG_FILE_DIR");
        fs::remove_all(dir_);
    }

    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    static std::string read(const std::string& file) {
        std::ifstream in(file);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    static size_t lines(const std::string& file) {
        const auto text = read(file);
        return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    }

    static LoggerConfig logger(std::string name, std::string severity, std::string output,
                               uint32_t debuglevel = 0) {
        LoggerConfig lc;
        lc.name = std::move(name);
        lc.severity = std::move(severity);
        lc.debuglevel = debuglevel;
        LoggerOutput out;
        out.output = std::move(output);
        out.pattern = "%-5p %c %m\n";
        lc.outputs.push_back(out);
        return lc;
    }

    fs::path dir_;
};

TEST_F(Logging, MapsKeaNamesToKahuNames) {
    EXPECT_EQ(toKahuName("kea-dhcp4"), "kahu-dhcp4");
    EXPECT_EQ(toKahuName("kea-dhcp4.ha-hooks"), "kahu-dhcp4.ha-hooks");
    EXPECT_EQ(toKahuName("kahu-dhcp4.ha"), "kahu-dhcp4.ha");
    EXPECT_EQ(toKahuName("kea-dhcp4.*"), "kahu-dhcp4");
    EXPECT_EQ(get("kea-dhcp4.lease-cmds").get(), get("kahu-dhcp4.lease-cmds").get());
}

TEST_F(Logging, SeverityFiltersMessages) {
    auto lg = get("kahu-dhcp4");
    configureLogging({logger("kea-dhcp4", "WARN", path("a.log"))}, false);
    KAHU_INFO(lg, "TEST_INFO", "not {}", "shown");
    KAHU_WARN(lg, "TEST_WARN", "shown {}", 1);
    KAHU_ERROR(lg, "TEST_ERROR", "shown");
    EXPECT_EQ(read(path("a.log")),
              "WARN  kahu-dhcp4 TEST_WARN shown 1\nERROR kahu-dhcp4 TEST_ERROR shown\n");
    EXPECT_EQ(debugLevel(*lg), -1);
}

TEST_F(Logging, DebugLevelFiltersDebugMessages) {
    configureLogging({logger("kea-dhcp4", "DEBUG", path("a.log"), 10)}, false);
    auto lg = get("kahu-dhcp4");
    EXPECT_EQ(debugLevel(*lg), 10);
    KAHU_DEBUG(lg, 10, "TEST_D10", "at {}", 10);
    KAHU_DEBUG(lg, 11, "TEST_D11", "at {}", 11);
    EXPECT_EQ(read(path("a.log")), "DEBUG kahu-dhcp4 TEST_D10 at 10\n");
}

TEST_F(Logging, SeverityNoneSilencesLogger) {
    configureLogging({logger("kea-dhcp4", "none", path("a.log"))}, false);
    KAHU_ERROR(get("kahu-dhcp4"), "TEST_ERROR", "x");
    EXPECT_EQ(read(path("a.log")), "");
}

TEST_F(Logging, ChildInheritsParentUnlessConfigured) {
    auto early = get("kahu-dhcp4.lease-cmds"); // created before configuration
    configureLogging({logger("kea-dhcp4", "INFO", path("main.log")),
                      logger("kea-dhcp4.ha", "DEBUG", path("ha.log"), 99)},
                     false);
    KAHU_INFO(early, "TEST_CHILD", "x");
    KAHU_DEBUG(get("kahu-dhcp4.ha"), 50, "TEST_HA", "y");
    KAHU_DEBUG(get("kahu-dhcp4.ha.sync"), 50, "TEST_HA_SYNC", "z");
    EXPECT_EQ(read(path("main.log")), "INFO  kahu-dhcp4.lease-cmds TEST_CHILD x\n");
    EXPECT_EQ(read(path("ha.log")),
              "DEBUG kahu-dhcp4.ha TEST_HA y\nDEBUG kahu-dhcp4.ha.sync TEST_HA_SYNC z\n");
}

TEST_F(Logging, EntryWithoutOutputsWritesWhereParentWrites) {
    LoggerConfig child;
    child.name = "kea-dhcp4.alloc";
    child.severity = "DEBUG";
    child.debuglevel = 5;
    configureLogging({logger("kea-dhcp4", "INFO", path("main.log")), child}, false);
    KAHU_DEBUG(get("kahu-dhcp4.alloc"), 5, "TEST_ALLOC", "x");
    EXPECT_EQ(read(path("main.log")), "DEBUG kahu-dhcp4.alloc TEST_ALLOC x\n");
}

TEST_F(Logging, FileOutsideTheLogDirectoriesIsRefusedAndNothingChanges) {
    configureLogging({logger("kea-dhcp4", "INFO", path("a.log"))}, false);
    try {
        configureLogging({logger("kea-dhcp4", "INFO", "/etc/kahu-test.log")}, false);
        FAIL() << "a log file in /etc was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("invalid path specified: '/etc/kahu-test.log'"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(fs::exists("/etc/kahu-test.log"));
    KAHU_INFO(get("kahu-dhcp4"), "TEST_STILL", "still here");
    get("kahu-dhcp4")->flush();
    EXPECT_NE(read(path("a.log")).find("still here"), std::string::npos);
}

TEST_F(Logging, BareFileNameGoesIntoTheLogDirectoryWithoutWorldAccess) {
    const mode_t old = ::umask(027);
    configureLogging({logger("kea-dhcp4", "INFO", "bare.log")}, false);
    ::umask(old);
    KAHU_INFO(get("kahu-dhcp4"), "TEST_HELLO", "hello");
    get("kahu-dhcp4")->flush();
    ASSERT_TRUE(fs::exists(path("bare.log")));
    EXPECT_EQ(fs::status(path("bare.log")).permissions() & fs::perms::others_all, fs::perms::none);
}

TEST_F(Logging, FileRotatesLikeKea) {
    auto lc = logger("kea-dhcp4", "INFO", path("kea.log"));
    lc.outputs[0].maxsize = kMinRotateSize;
    lc.outputs[0].maxver = 2;
    configureLogging({lc}, false);
    auto lg = get("kahu-dhcp4");
    const std::string filler(200, 'x');
    for (int i = 0; i < 3000; ++i) { // ~650 kB: more than three files' worth
        KAHU_INFO(lg, "TEST_FILL", "{} {}", i, filler);
    }
    EXPECT_TRUE(fs::exists(path("kea.log.1")));
    EXPECT_TRUE(fs::exists(path("kea.log.2")));
    EXPECT_FALSE(fs::exists(path("kea.log.3")));
    EXPECT_LE(fs::file_size(path("kea.log")), kMinRotateSize);
    EXPECT_LE(fs::file_size(path("kea.log.1")), kMinRotateSize);
    // The newest message is in the live file, older ones moved to .1.
    EXPECT_NE(read(path("kea.log")).find("TEST_FILL 2999 "), std::string::npos);
}

TEST_F(Logging, SmallMaxsizeDisablesRotation) {
    auto lc = logger("kea-dhcp4", "INFO", path("kea.log"));
    lc.outputs[0].maxsize = 1000; // below Kea's minimum: no rotation
    configureLogging({lc}, false);
    for (int i = 0; i < 100; ++i) {
        KAHU_INFO(get("kahu-dhcp4"), "TEST_FILL", "{}", i);
    }
    EXPECT_FALSE(fs::exists(path("kea.log.1")));
    EXPECT_EQ(lines(path("kea.log")), 100u);
}

TEST_F(Logging, RotatingSinkKeepsMaxVersions) {
    RotatingFileSink sink(path("r.log"), 100, 3);
    sink.set_pattern("%v"); // spdlog adds the newline here
    for (int i = 0; i < 100; ++i) {
        spdlog::details::log_msg msg("t", spdlog::level::info, "0123456789012345678");
        sink.log(msg);
    }
    sink.flush();
    for (const char* f : {"r.log", "r.log.1", "r.log.2", "r.log.3"}) {
        ASSERT_TRUE(fs::exists(path(f))) << f;
        EXPECT_EQ(lines(path(f)), 5u) << f;
    }
    EXPECT_FALSE(fs::exists(path("r.log.4")));
}

TEST_F(Logging, SyslogOutputUsesFacilityTextAsIdent) {
    // Outside journald (under it, "syslog" goes to the journal natively: journal_test.cc).
    ::unsetenv("JOURNAL_STREAM");
    ::unsetenv("INVOCATION_ID");
    auto lc = logger("kea-dhcp4", "INFO", "syslog:local5");
    lc.outputs[0].pattern = "";
    configureLogging({lc}, false);
    auto dispatch = std::dynamic_pointer_cast<DispatchSink>(get("kahu-dhcp4")->sinks().at(0));
    ASSERT_TRUE(dispatch);
    const auto sinks = dispatch->sinks();
    ASSERT_EQ(sinks->size(), 1u);
    auto syslog = std::dynamic_pointer_cast<SyslogSink>(sinks->at(0));
    ASSERT_TRUE(syslog);
    EXPECT_STREQ(syslog->ident(), "local5");
}

TEST_F(Logging, DebugToConsoleForcesDebug99) {
    configureLogging({logger("kea-dhcp4", "WARN", path("a.log"))}, true);
    auto lg = get("kahu-dhcp4.x");
    EXPECT_EQ(debugLevel(*lg), 99);
    EXPECT_TRUE(lg->should_log(spdlog::level::debug));
    resetLogging();
    EXPECT_EQ(debugLevel(*lg), -1);
    EXPECT_FALSE(lg->should_log(spdlog::level::debug));
    EXPECT_TRUE(lg->should_log(spdlog::level::info));
}

TEST_F(Logging, BadConfigurationChangesNothing) {
    configureLogging({logger("kea-dhcp4", "INFO", path("a.log"))}, false);
    EXPECT_THROW(configureLogging({logger("kea-dhcp4", "LOUD", path("b.log"))}, false),
                 ConfigError);
    EXPECT_THROW(configureLogging({logger("kea-dhcp4", "DEBUG", path("b.log"), 100)}, false),
                 ConfigError);
    EXPECT_THROW(configureLogging({logger("kea-dhcp4", "INFO", "/proc/nonexistent/x.log")}, false),
                 ConfigError);
    KAHU_INFO(get("kahu-dhcp4"), "TEST_STILL", "here");
    EXPECT_EQ(read(path("a.log")), "INFO  kahu-dhcp4 TEST_STILL here\n");
}

TEST_F(Logging, ReconfigureWhileThreadsLogLosesNothing) {
    configureLogging({logger("kea-dhcp4", "INFO", path("a.log"))}, false);
    std::atomic<bool> stop{false};
    std::atomic<int> written{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&, t] {
            auto lg = get("kahu-dhcp4.t" + std::to_string(t));
            while (!stop.load()) {
                KAHU_INFO(lg, "TEST_LOOP", "{}", t);
                written.fetch_add(1);
            }
        });
    }
    for (int i = 0; i < 40; ++i) {
        configureLogging({logger("kea-dhcp4", "INFO", path(i % 2 ? "a.log" : "b.log"))}, false);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    stop = true;
    for (auto& t : threads) {
        t.join();
    }
    resetLogging(); // closes the files
    EXPECT_GT(written.load(), 0);
    EXPECT_EQ(lines(path("a.log")) + lines(path("b.log")), static_cast<size_t>(written.load()));
}

// Each packet-path message goes to the logger Kea logs it on, so an operator's selection of
// "kea-dhcp4.bad-packets" at DEBUG gets the drops and NAK reasons and nothing else.
TEST_F(Logging, PacketMessagesUseKeasLoggers) {
    configureLogging({logger("kea-dhcp4", "WARN", path("main.log")),
                      logger("kea-dhcp4.bad-packets", "DEBUG", path("bad.log"), 50),
                      logger("kea-dhcp4.leases", "INFO", path("leases.log"))},
                     false);
    KAHU_DEBUG(badPackets(), 50, "DHCP4_PACKET_DROP_0003", "{}", "foreign server id");
    KAHU_INFO(leases(), "DHCP4_LEASE_ALLOC", "{}", "lease");
    KAHU_INFO(dhcp4(), "DHCP4_CONFIG_COMPLETE", "{}", "below WARN: not shown");
    KAHU_WARN(allocEngine(), "ALLOC_ENGINE_V4_ALLOC_FAIL", "{}", "pool full");
    EXPECT_EQ(read(path("bad.log")),
              "DEBUG kahu-dhcp4.bad-packets DHCP4_PACKET_DROP_0003 foreign server id\n");
    EXPECT_EQ(read(path("leases.log")), "INFO  kahu-dhcp4.leases DHCP4_LEASE_ALLOC lease\n");
    EXPECT_EQ(read(path("main.log")),
              "WARN  kahu-dhcp4.alloc-engine ALLOC_ENGINE_V4_ALLOC_FAIL pool full\n");
}

} // namespace
} // namespace kahu::log
