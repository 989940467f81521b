// SPDX-License-Identifier: MPL-2.0
#include "hook_test_util.h"
#include "hooks/library_path.h"

#include <gmock/gmock.h>

namespace kahu::hooks::test {

using ::testing::HasSubstr;

TEST_F(HooksTest, BareNameLoadsFromTheHooksDirectory) {
    auto r = resolveLibraryPath("libfx_continue.so", "/opt/kahu/hooks");
    EXPECT_EQ(r.path, "/opt/kahu/hooks/libfx_continue.so");
    EXPECT_EQ(r.notice, "");
}

TEST_F(HooksTest, PathInsideTheHooksDirectoryIsAccepted) {
    auto r = resolveLibraryPath(fixturePath("continue"), KAHU_TEST_FIXTURES_DIR);
    EXPECT_EQ(r.path, fixturePath("continue"));
    EXPECT_EQ(r.notice, "");
}

TEST_F(HooksTest, KeaPathOfALibraryWeProvideMapsToOursWithANotice) {
    auto r = resolveLibraryPath("/usr/lib/x86_64-linux-gnu/kea/hooks/libfx_continue.so",
                                KAHU_TEST_FIXTURES_DIR);
    EXPECT_EQ(r.path, fixturePath("continue"));
    EXPECT_THAT(r.notice, HasSubstr("/usr/lib/x86_64-linux-gnu/kea/hooks/libfx_continue.so"));
    // And it really loads from there.
    auto set = loadHookSet({{"/usr/lib/x86_64-linux-gnu/kea/hooks/libfx_continue.so", nullptr, ""}},
                           LoadMode::Load, true);
    EXPECT_EQ(set->library(0).path, fixturePath("continue"));
}

TEST_F(HooksTest, OtherPathIsRefusedNamingBothPaths) {
    try {
        resolveLibraryPath("/tmp/evil/libdhcp_unknown.so", "/opt/kahu/hooks");
        FAIL() << "accepted a path outside the hooks directory";
    } catch (const HookError& e) {
        EXPECT_THAT(e.what(), HasSubstr("'/tmp/evil/libdhcp_unknown.so'"));
        EXPECT_THAT(e.what(), HasSubstr("'/opt/kahu/hooks'"));
    }
    EXPECT_THAT(loadError({{"/tmp/libfx_nothing.so", nullptr, "a.json:3:5"}}, LoadMode::Validate),
                HasSubstr("(a.json:3:5): invalid path specified"));
}

TEST_F(HooksTest, KahuHooksPathOverridesTheBuiltInDirectory) {
    setenv("KAHU_HOOKS_PATH", "/somewhere/else", 1);
    EXPECT_EQ(hooksDirectory(), "/somewhere/else");
    unsetenv("KAHU_HOOKS_PATH");
    EXPECT_EQ(hooksDirectory(), KAHU_HOOKS_DIR_FOR_TESTS);
    setenv("KAHU_HOOKS_PATH", KAHU_TEST_FIXTURES_DIR, 1);
    EXPECT_EQ(loadError({lib("continue")}, LoadMode::Validate), "");
}

} // namespace kahu::hooks::test
