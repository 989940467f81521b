// SPDX-License-Identifier: MPL-2.0
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <kahu/paths.h>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace kahu {
namespace {

namespace fs = std::filesystem;

/// Sets (or clears) the six directory variables for one test and restores them after.
class PathsTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* v : kVars) {
            const char* old = std::getenv(v);
            saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
            ::unsetenv(v);
        }
        dir_ = fs::temp_directory_path() / ("kahu-paths-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "sub");
    }
    void TearDown() override {
        for (const auto& [name, value] : saved_) {
            value ? ::setenv(name, value->c_str(), 1) : ::unsetenv(name);
        }
        fs::remove_all(dir_);
    }
    static constexpr const char* kVars[] = {"KAHU_DHCP_DATA_DIR",      "KEA_DHCP_DATA_DIR",
                                            "KAHU_LOG_FILE_DIR",       "KEA_LOG_FILE_DIR",
                                            "KAHU_CONTROL_SOCKET_DIR", "KEA_CONTROL_SOCKET_DIR",
                                            "KAHU_LEGAL_LOG_DIR",      "KEA_LEGAL_LOG_DIR",
                                            "KAHU_HOOK_SCRIPTS_PATH",  "KEA_HOOK_SCRIPTS_PATH"};
    std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
    fs::path dir_;
};

std::string refusal(PathKind kind, const std::string& path) {
    try {
        confinePath(kind, path);
    } catch (const PathError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST_F(PathsTest, ForensicLogsAndHookScriptsHaveDirectoriesOfTheirOwn) {
    EXPECT_EQ(confinePath(PathKind::HookScript, "/usr/share/kea/scripts/notify.sh"),
              "/usr/share/kea/scripts/notify.sh");
    EXPECT_EQ(confinePath(PathKind::HookScript, "notify.sh"), "/usr/share/kahu/scripts/notify.sh");
    EXPECT_NE(refusal(PathKind::HookScript, "/tmp/notify.sh").find("KEA_HOOK_SCRIPTS_PATH"),
              std::string::npos);
    EXPECT_EQ(confineDirectory(PathKind::LegalLog, ""), "/var/log/kahu");
    EXPECT_EQ(confineDirectory(PathKind::LegalLog, "/var/log/kea/"), "/var/log/kea");
    ::setenv("KEA_LEGAL_LOG_DIR", (dir_ / "sub").c_str(), 1);
    EXPECT_EQ(confineDirectory(PathKind::LegalLog, (dir_ / "sub" / ".." / "sub").string()),
              (dir_ / "sub").string());
    try {
        confineDirectory(PathKind::LegalLog, dir_.string());
        ADD_FAILURE() << "a directory outside the forensic log directories was accepted";
    } catch (const PathError& e) {
        EXPECT_NE(std::string(e.what()).find("supported path is '/var/log/kahu' or '" +
                                             (dir_ / "sub").string() + "'"),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(PathsTest, KeaDirectoriesAreAcceptedBesideKahus) {
    EXPECT_EQ(confinePath(PathKind::Data, "/var/lib/kea/kea-leases4.csv"),
              "/var/lib/kea/kea-leases4.csv");
    EXPECT_EQ(confinePath(PathKind::Socket, "/run/kea/kea4-ctrl-socket"),
              "/run/kea/kea4-ctrl-socket");
    EXPECT_EQ(confinePath(PathKind::Log, "/var/log/kea/kea-dhcp4.log"),
              "/var/log/kea/kea-dhcp4.log");
    EXPECT_EQ(confinePath(PathKind::Socket, "/run/kahu/kahu4-ctrl-socket"),
              "/run/kahu/kahu4-ctrl-socket");
}

TEST_F(PathsTest, BareNameGoesIntoKahusDirectory) {
    EXPECT_EQ(confinePath(PathKind::Data, "leases.csv"),
              defaultDirectory(PathKind::Data) + "/leases.csv");
    ::setenv("KAHU_LOG_FILE_DIR", dir_.c_str(), 1);
    EXPECT_EQ(confinePath(PathKind::Log, "kahu.log"), (dir_ / "kahu.log").string());
}

TEST_F(PathsTest, PathElsewhereIsRefusedNamingPathAndDirectories) {
    std::string e = refusal(PathKind::Data, "/etc/cron.d/x");
    EXPECT_NE(e.find("'/etc/cron.d/x'"), std::string::npos) << e;
    EXPECT_NE(e.find("'" + defaultDirectory(PathKind::Data) + "'"), std::string::npos) << e;
    EXPECT_NE(e.find("'/var/lib/kea'"), std::string::npos) << e;
    EXPECT_NE(e.find("KAHU_DHCP_DATA_DIR"), std::string::npos) << e;
    e = refusal(PathKind::Log, "/tmp/kea.log");
    EXPECT_NE(e.find("'/var/log/kea'"), std::string::npos) << e;
}

TEST_F(PathsTest, SubdirectoriesDotDotAndSymlinksDoNotEscape) {
    ::setenv("KAHU_DHCP_DATA_DIR", dir_.c_str(), 1);
    EXPECT_EQ(confinePath(PathKind::Data, (dir_ / "l.csv").string()), (dir_ / "l.csv").string());
    EXPECT_NE(refusal(PathKind::Data, (dir_ / "sub/l.csv").string()), "(accepted)");
    EXPECT_NE(refusal(PathKind::Data, (dir_ / "../l.csv").string()), "(accepted)");
    EXPECT_NE(refusal(PathKind::Data, "/var/lib/kea/../../../etc/passwd"), "(accepted)");
    fs::create_directory_symlink("/etc", dir_ / "etc-link");
    EXPECT_NE(refusal(PathKind::Data, (dir_ / "etc-link/passwd").string()), "(accepted)");
    // "sub/.." resolves back into the directory itself.
    EXPECT_EQ(refusal(PathKind::Data, (dir_ / "sub/../l.csv").string()), "(accepted)");
}

TEST_F(PathsTest, NotAFileNameIsRefused) {
    EXPECT_NE(refusal(PathKind::Data, ""), "(accepted)");
    EXPECT_NE(refusal(PathKind::Data, ".."), "(accepted)");
    EXPECT_NE(refusal(PathKind::Data, "/var/lib/kea/"), "(accepted)");
    EXPECT_NE(refusal(PathKind::Data, std::string("a\0b", 3)), "(accepted)");
}

TEST_F(PathsTest, EnvironmentReplacesTheDefaultOfItsSide) {
    ::setenv("KEA_DHCP_DATA_DIR", dir_.c_str(), 1);
    EXPECT_EQ(refusal(PathKind::Data, (dir_ / "kea-leases4.csv").string()), "(accepted)");
    EXPECT_NE(refusal(PathKind::Data, "/var/lib/kea/kea-leases4.csv"), "(accepted)");
    // Kahu's own default stays.
    EXPECT_EQ(refusal(PathKind::Data, defaultDirectory(PathKind::Data) + "/x.csv"), "(accepted)");
    EXPECT_EQ(allowedDirectories(PathKind::Data).size(), 2u);
}

} // namespace
} // namespace kahu
