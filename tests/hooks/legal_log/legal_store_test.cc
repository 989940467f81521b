// SPDX-License-Identifier: MPL-2.0
// Kea's rotating forensic files (names, rotation per unit and count, reuse of the current file
// at start, prerotate/postrotate), the timestamp, file modes, a write that fails, and the
// syslog form. Time is a fake clock: no test waits for a day to pass.
#include "legal_store.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/log.h>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace kahu::legal_log {

namespace fs = std::filesystem;

namespace {

time_t at(int y, int mo, int d, int h = 10, int mi = 0, int s = 0) {
    tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = s;
    return timegm(&t);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> names(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

class RotatingFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("TZ", "UTC", 1);
        tzset();
        char tmpl[] = "/tmp/kahu-legal-store-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override { fs::remove_all(dir); }

    std::unique_ptr<RotatingFile> make(TimeUnit unit, uint32_t count, std::string pre = "",
                                       std::string post = "") {
        FileOptions o;
        o.directory = dir.string();
        o.baseName = "kea-legal";
        o.unit = unit;
        o.count = count;
        o.prerotate = std::move(pre);
        o.postrotate = std::move(post);
        auto f = std::make_unique<RotatingFile>(o, log::get("kahu-dhcp4.legal-log-hooks"),
                                                [this] { return now; });
        f->open();
        return f;
    }
    void set(time_t t, long nsec = 0) { now = timespec{t, nsec}; }

    fs::path dir;
    timespec now{at(2026, 1, 3), 0};
};

TEST_F(RotatingFileTest, DayFileNameAndLineFormat) {
    auto f = make(TimeUnit::Day, 1);
    EXPECT_EQ(f->fileName(), (dir / "kea-legal.20260103.txt").string());
    f->writeln("Address: 10.0.0.1 has been released", "10.0.0.1");
    f->writeln("", "");
    EXPECT_EQ(slurp(dir / "kea-legal.20260103.txt"),
              "2026-01-03 10:00:00 UTC Address: 10.0.0.1 has been released\n");
}

TEST_F(RotatingFileTest, FilesAreNotWorldReadable) {
    umask(0);
    auto f = make(TimeUnit::Day, 1);
    umask(022);
    EXPECT_EQ(fs::status(f->fileName()).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    // A file someone left readable by all loses that when it is appended to.
    const fs::path old = dir / "other.20260103.txt";
    std::ofstream(old) << "x\n";
    fs::permissions(old, fs::perms::others_read | fs::perms::owner_all);
    FileOptions o;
    o.directory = dir.string();
    o.baseName = "other";
    RotatingFile g(o, log::get("kahu-dhcp4.legal-log-hooks"), [this] { return now; });
    g.open();
    EXPECT_EQ(fs::status(old).permissions() & fs::perms::others_all, fs::perms::none);
}

TEST_F(RotatingFileTest, DayRotationEveryCountDays) {
    auto f = make(TimeUnit::Day, 2);
    f->writeln("one", "");
    set(at(2026, 1, 4, 23, 59, 59));
    f->writeln("two", ""); // still within the 2 days
    set(at(2026, 1, 5, 0, 0, 0));
    f->writeln("three", "");
    EXPECT_EQ(names(dir),
              (std::vector<std::string>{"kea-legal.20260103.txt", "kea-legal.20260105.txt"}));
    EXPECT_EQ(slurp(dir / "kea-legal.20260105.txt"), "2026-01-05 00:00:00 UTC three\n");
}

TEST_F(RotatingFileTest, SecondUnitNamesAndRotation) {
    set(at(2026, 1, 3, 10, 0, 0));
    auto f = make(TimeUnit::Second, 5);
    const std::string first =
        "kea-legal.T" + std::string(10, '0') + std::to_string(at(2026, 1, 3)) + ".txt";
    EXPECT_EQ(fs::path(f->fileName()).filename(), first);
    set(at(2026, 1, 3, 10, 0, 4));
    f->writeln("a", "");
    set(at(2026, 1, 3, 10, 0, 5));
    f->writeln("b", "");
    EXPECT_EQ(names(dir).size(), 2U);
    EXPECT_EQ(fs::path(f->fileName()).filename(), "kea-legal.T" + std::string(10, '0') +
                                                      std::to_string(at(2026, 1, 3, 10, 0, 5)) +
                                                      ".txt");
}

TEST_F(RotatingFileTest, MonthAndYearUnitsKeepTheDayInTheName) {
    set(at(2026, 1, 31));
    auto m = make(TimeUnit::Month, 1);
    EXPECT_EQ(fs::path(m->fileName()).filename(), "kea-legal.20260131.txt");
    set(at(2026, 2, 27));
    m->writeln("feb", ""); // Jan 31 + 1 month = Feb 28: not yet
    EXPECT_EQ(fs::path(m->fileName()).filename(), "kea-legal.20260131.txt");
    set(at(2026, 2, 28));
    m->writeln("feb end", "");
    EXPECT_EQ(fs::path(m->fileName()).filename(), "kea-legal.20260228.txt");
    m.reset();
    fs::remove_all(dir);
    fs::create_directory(dir);
    set(at(2026, 6, 1));
    auto y = make(TimeUnit::Year, 1);
    set(at(2027, 5, 31));
    y->writeln("x", "");
    EXPECT_EQ(fs::path(y->fileName()).filename(), "kea-legal.20260601.txt");
    set(at(2027, 6, 1));
    y->writeln("y", "");
    EXPECT_EQ(fs::path(y->fileName()).filename(), "kea-legal.20270601.txt");
}

TEST_F(RotatingFileTest, CountZeroNeverRotates) {
    auto f = make(TimeUnit::Day, 0);
    set(at(2027, 1, 3));
    f->writeln("a year later", "");
    EXPECT_EQ(names(dir), std::vector<std::string>{"kea-legal.20260103.txt"});
}

TEST_F(RotatingFileTest, StartAppendsToTheCurrentFileOnlyWithinItsPeriod) {
    std::ofstream(dir / "kea-legal.20260102.txt") << "old\n";
    std::ofstream(dir / "kea-legal.20251231.txt") << "older\n";
    std::ofstream(dir / "kea-legal.2026010x.txt") << "not a date\n";
    std::ofstream(dir / "kea-legal.20260109.log") << "not .txt\n";
    // Two-day periods: the file of the 2nd is still current on the 3rd.
    auto f = make(TimeUnit::Day, 2);
    EXPECT_EQ(fs::path(f->fileName()).filename(), "kea-legal.20260102.txt");
    f->writeln("appended", "");
    EXPECT_EQ(slurp(dir / "kea-legal.20260102.txt"), "old\n2026-01-03 10:00:00 UTC appended\n");
    // ...and is left on the 4th (the period is counted from the file's day).
    set(at(2026, 1, 4));
    f->writeln("next", "");
    EXPECT_EQ(fs::path(f->fileName()).filename(), "kea-legal.20260104.txt");
    f.reset();
    // One-day periods: yesterday's file is not reused.
    set(at(2026, 1, 5));
    auto g = make(TimeUnit::Day, 1);
    EXPECT_EQ(fs::path(g->fileName()).filename(), "kea-legal.20260105.txt");
}

TEST_F(RotatingFileTest, TimestampFormatWithMicroseconds) {
    EXPECT_EQ(timeString({at(2026, 1, 3, 1, 2, 3), 123456789}, "%Y-%m-%d %H:%M:%S.%Q %Z"),
              "2026-01-03 01:02:03.123.456 UTC");
    EXPECT_EQ(timeString({at(2026, 1, 3), 5000}, "%H%t%w %F%%"), "10\t6 2026-01-03%");
    EXPECT_THROW(timeString({0, 0}, std::string(200, 'x')), Error);
    EXPECT_THROW(timeString({0, 0}, ""), Error);
}

TEST_F(RotatingFileTest, PrerotateGetsTheOldNamePostrotateTheNewOne) {
    const fs::path marks = dir / "marks";
    fs::create_directory(marks);
    for (const char* which : {"pre", "post"}) {
        const fs::path script = marks / which;
        std::ofstream(script) << "#!/bin/sh\necho \"$1\" > " << (marks / which).string()
                              << ".out\n";
        fs::permissions(script, fs::perms::owner_all);
    }
    auto f = make(TimeUnit::Day, 1, (marks / "pre").string(), (marks / "post").string());
    const std::string first = f->fileName();
    set(at(2026, 1, 4));
    f->writeln("rotated", "");
    const std::string second = f->fileName();
    ASSERT_NE(first, second);
    // The programs run detached: wait for them (at most 5 s).
    for (int i = 0; i < 500 && (!fs::exists(marks / "pre.out") || !fs::exists(marks / "post.out") ||
                                slurp(marks / "post.out").empty());
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(slurp(marks / "pre.out"), first + "\n");
    EXPECT_EQ(slurp(marks / "post.out"), second + "\n");
}

TEST_F(RotatingFileTest, WriteFailureThrows) {
    fs::create_symlink("/dev/full", dir / "kea-legal.20260103.txt");
    auto f = make(TimeUnit::Day, 1);
    try {
        f->writeln("lost", "");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("error writing to file:" + dir.string() +
                                             "/kea-legal.20260103.txt reason: No space left"),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(RotatingFileTest, OpenFailureNamesTheFile) {
    FileOptions o;
    o.directory = (dir / "missing").string();
    RotatingFile f(o, log::get("kahu-dhcp4.legal-log-hooks"), [this] { return now; });
    try {
        f.open();
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot open file:" + o.directory +
                                             "/kea-legal.20260103.txt reason: No such file or "
                                             "directory");
    }
}

TEST(LegalSyslog, KeaPatternAndFacilities) {
    SyslogStore s("LOCAL3", SyslogStore::kDefaultPattern);
    const std::string msg = s.format("Address: 10.0.0.1 has been released");
    EXPECT_EQ(msg, "INFO  [kahu-dhcp4.legal-log-syslog." + std::to_string(gettid()) +
                       "] LEGAL_LOG_SYSLOG Address: 10.0.0.1 has been released");
    EXPECT_EQ(SyslogStore("local0", "%m|%5p|%-6c").format("x"),
              "LEGAL_LOG_SYSLOG x| INFO|kahu-dhcp4.legal-log-syslog");
    EXPECT_EQ(SyslogStore::facilityCode("nope"), -1);
    EXPECT_THROW(SyslogStore("nope", "%m"), Error);
    EXPECT_THROW(SyslogStore("local0", "%m %d{%H}"), Error);
    EXPECT_THROW(SyslogStore("local0", "%m %"), Error);
}

} // namespace kahu::legal_log
