// SPDX-License-Identifier: MPL-2.0
#pragma once

#include "hooks/hook_manager.h"
#include "hooks/hook_set.h"

#include <cstdlib>
#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <string>
#include <vector>

namespace kahu::hooks::test {

inline HookLibraryConfig lib(const std::string& name, nlohmann::json params = nullptr) {
    return {"libfx_" + name + ".so", std::move(params), "test.json:1:1"};
}

inline std::string fixturePath(const std::string& name) {
    return std::string(KAHU_TEST_FIXTURES_DIR) + "/libfx_" + name + ".so";
}

/// True while the fixture's file is mapped in this process.
inline bool isMapped(const std::string& name) {
    void* h = dlopen(fixturePath(name).c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h != nullptr) {
        dlclose(h);
        return true;
    }
    return false;
}

/// The text of the HookError loading `libs` throws, "" when it loads.
inline std::string loadError(const std::vector<HookLibraryConfig>& libs,
                             LoadMode mode = LoadMode::Load, bool mt = false) {
    try {
        loadHookSet(libs, mode, mt);
    } catch (const HookError& e) {
        return e.what();
    }
    return "";
}

inline nlohmann::json call(const HookSet& set, const std::string& command) {
    return set.commands().at(command)(nullptr);
}

class HooksTest : public ::testing::Test {
protected:
    void SetUp() override { setenv("KAHU_HOOKS_PATH", KAHU_TEST_FIXTURES_DIR, 1); }
    void TearDown() override { HookManager::instance().clear(); }
};

} // namespace kahu::hooks::test
