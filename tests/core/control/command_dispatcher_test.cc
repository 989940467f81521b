// SPDX-License-Identifier: MPL-2.0
#include "control/command_dispatcher.h"

#include <gtest/gtest.h>

namespace kahu {
namespace {

using nlohmann::json;

class CommandDispatcherTest : public ::testing::Test {
protected:
    CommandDispatcherTest()
        : dispatcher_(registry_, [this](hooks::CommandProcessedArgs& a) {
              seen_.push_back(a.name);
              if (rewrite_) {
                  rewrite_(a);
              }
          }) {
        registry_.add("echo", [](const json& args) { return successAnswer("ok", args); });
    }

    json run(const std::string& text) { return dispatcher_.dispatchText(text); }

    CommandRegistry registry_;
    std::vector<std::string> seen_;
    std::function<void(hooks::CommandProcessedArgs&)> rewrite_;
    CommandDispatcher dispatcher_;
};

TEST_F(CommandDispatcherTest, RunsTheCommandWithItsArguments) {
    auto answer = run(R"({"command": "echo", "arguments": {"a": 1}, "service": ["dhcp4"],
                          "remote-address": "127.0.0.1"})");
    EXPECT_EQ(answer, json::parse(R"({"result": 0, "text": "ok", "arguments": {"a": 1}})"));
    EXPECT_EQ(seen_, std::vector<std::string>{"echo"});
}

TEST_F(CommandDispatcherTest, UnknownCommandIsResultTwo) {
    auto answer = run(R"({"command": "bogus"})");
    EXPECT_EQ(answer, json::parse(R"({"result": 2, "text": "'bogus' command not supported."})"));
}

TEST_F(CommandDispatcherTest, UnsupportedTopLevelKeyIsRefusedLikeKea) {
    auto answer = run(R"({"command": "echo", "foo": 1})");
    EXPECT_EQ(answer["result"], 1);
    EXPECT_EQ(answer["text"], "Error during command processing: Received command contains "
                              "unsupported parameter 'foo'");
    EXPECT_TRUE(seen_.empty()) << "no command_processed for a command that never ran";
}

TEST_F(CommandDispatcherTest, MalformedCommandMapsGetKeaTexts) {
    EXPECT_EQ(dispatcher_.dispatch(json::array())["text"],
              "Error during command processing: Invalid command Element specified, expected map");
    EXPECT_EQ(dispatcher_.dispatch(json::object())["text"],
              "Error during command processing: Invalid answer specified, does not contain "
              "mandatory 'command'");
    EXPECT_EQ(dispatcher_.dispatch({{"command", 5}})["text"],
              "Error during command processing: 'command' element in command message is not a "
              "string");
    EXPECT_EQ(dispatcher_.dispatch(nullptr)["text"],
              "Error during command processing: No command specified");
}

TEST_F(CommandDispatcherTest, TextThatIsNotJsonIsResultOne) {
    auto answer = run(R"({"command": )");
    EXPECT_EQ(answer["result"], 1);
    EXPECT_FALSE(answer["text"].get<std::string>().empty());
    EXPECT_EQ(run("// a comment\n{\"command\": \"echo\"}")["result"], 0);
}

TEST_F(CommandDispatcherTest, CommandProcessedCalloutMayRewriteTheAnswer) {
    rewrite_ = [](hooks::CommandProcessedArgs& a) {
        EXPECT_EQ(a.arguments, json({{"x", 2}}));
        a.response["arguments"]["high-availability"] = json::array();
    };
    auto answer = run(R"({"command": "echo", "arguments": {"x": 2}})");
    EXPECT_EQ(answer["arguments"], json::parse(R"({"x": 2, "high-availability": []})"));
}

TEST_F(CommandDispatcherTest, CommandProcessedSeesNullArgumentsWhenAbsent) {
    rewrite_ = [](hooks::CommandProcessedArgs& a) { EXPECT_TRUE(a.arguments.is_null()); };
    EXPECT_EQ(run(R"({"command": "bogus"})")["result"], 2);
    EXPECT_EQ(seen_, std::vector<std::string>{"bogus"}) << "runs after unknown commands too";
}

TEST_F(CommandDispatcherTest, ExecutorDispatches) {
    auto exec = dispatcher_.executor();
    EXPECT_EQ(exec({{"command", "echo"}})["result"], 0);
}

TEST(CommandDispatcherDefault, RunsWithTheActiveHookSet) {
    CommandRegistry registry;
    registry.add("ping", [](const json&) { return successAnswer("pong"); });
    CommandDispatcher d(registry);
    EXPECT_EQ(d.dispatch({{"command", "ping"}})["text"], "pong");
}

} // namespace
} // namespace kahu
