// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>

namespace kahu::test {

/// Include paths in configs are relative to the cwd (as in Kea), so tests that read the data
/// directory run from the source root and go back afterwards.
class SourceRootCwd : public ::testing::Test {
protected:
    void SetUp() override {
        saved_ = std::filesystem::current_path();
        std::filesystem::current_path(std::filesystem::path(KAHU_TEST_DATA_DIR) / "../..");
    }
    void TearDown() override { std::filesystem::current_path(saved_); }

private:
    std::filesystem::path saved_;
};

inline std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace kahu::test
