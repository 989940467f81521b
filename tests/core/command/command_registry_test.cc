// SPDX-License-Identifier: MPL-2.0
#include <gtest/gtest.h>
#include <kahu/command/command_registry.h>
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
