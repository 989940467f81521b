// SPDX-License-Identifier: MPL-2.0
#include "command/command_registry.h"

#include <gtest/gtest.h>
#include <kahu/error.h>

namespace kahu {

TEST(CommandAnswer, SuccessLeavesOutEmptyTextAndNullArguments) {
    EXPECT_EQ(successAnswer(""), nlohmann::json({{"result", 0}}));
    EXPECT_EQ(makeAnswer(CommandResult::Empty, "nothing", {{"a", 1}}),
              nlohmann::json({{"result", 3}, {"text", "nothing"}, {"arguments", {{"a", 1}}}}));
    EXPECT_EQ(makeAnswer(CommandResult::Error, "")["text"], "");
}

TEST(CommandRegistry, UnknownCommandIsUnsupportedWithKeasText) {
    CommandRegistry registry;
    auto answer = registry.execute("bogus", nullptr);
    EXPECT_EQ(answer["result"], 2);
    EXPECT_EQ(answer["text"], "'bogus' command not supported.");
}

TEST(CommandRegistry, ThrowingHandlerGivesResultOneWithItsText) {
    CommandRegistry registry;
    registry.add("x-fail", [](const nlohmann::json&) -> nlohmann::json {
        throw CommandError("missing 'ip-address'");
    });
    auto answer = registry.execute("x-fail", nullptr);
    EXPECT_EQ(answer["result"], 1);
    EXPECT_EQ(answer["text"], "missing 'ip-address'");
}

TEST(CommandRegistry, ThrownCommandErrorGivesItsResultAndText) {
    CommandRegistry registry;
    registry.add("x-empty", [](const nlohmann::json&) -> nlohmann::json {
        throw CommandError(CommandResult::Empty, "IPv4 lease not found.");
    });
    registry.add("x-state", [](const nlohmann::json&) -> nlohmann::json {
        throw CommandError(static_cast<CommandResult>(1001), "refused in this state");
    });
    registry.add("x-other",
                 [](const nlohmann::json&) -> nlohmann::json { throw StoreError("disk full"); });
    EXPECT_EQ(registry.execute("x-empty", nullptr),
              nlohmann::json({{"result", 3}, {"text", "IPv4 lease not found."}}));
    EXPECT_EQ(registry.execute("x-state", nullptr),
              nlohmann::json({{"result", 1001}, {"text", "refused in this state"}}));
    EXPECT_EQ(registry.execute("x-other", nullptr),
              nlohmann::json({{"result", 1}, {"text", "disk full"}}));
    EXPECT_EQ(CommandError("x").result(), CommandResult::Error);
}

TEST(CommandRegistry, DuplicateBuiltInIsAnError) {
    CommandRegistry registry;
    registry.add("x", [](const nlohmann::json&) { return successAnswer("one"); });
    EXPECT_THROW(registry.add("x", [](const nlohmann::json&) { return nullptr; }), Error);
    EXPECT_EQ(registry.execute("x", nullptr)["text"], "one");
}

TEST(CommandRegistry, ReplaceGroupSwapsOnlyTheOwnersCommands) {
    CommandRegistry registry;
    int a = 0, b = 0;
    registry.add("builtin", [](const nlohmann::json&) { return successAnswer(""); });
    registry.replaceGroup(nullptr, &a,
                          {{"hook-x", [](const nlohmann::json&) { return successAnswer("a"); }}});
    registry.replaceGroup(&a, &b,
                          {{"hook-y", [](const nlohmann::json&) { return successAnswer("b"); }}});
    EXPECT_EQ(registry.names(), (std::vector<std::string>{"builtin", "hook-y"}));
    EXPECT_THROW(
        registry.replaceGroup(&b, &a, {{"builtin", [](const nlohmann::json&) { return nullptr; }}}),
        HookError);
    EXPECT_TRUE(registry.has("hook-y")); // the failed swap changed nothing
}

} // namespace kahu
