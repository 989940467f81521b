// SPDX-License-Identifier: MPL-2.0
// libdhcp_flex_option.so through the hook framework: the options it adds, supersedes and
// removes in responses to real queries, and the errors of its parameters.
#include "hooks/hook_set.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <string>

namespace kahu::hooks {

namespace {

HookLibraryConfig flexOption(nlohmann::json params) {
    return {"libdhcp_flex_option.so", std::move(params), "flex.json:1:1"};
}

std::string text(const Packet4& p, uint8_t code) {
    const Option* o = p.get(code);
    return o != nullptr ? std::string(o->data.begin(), o->data.end()) : "<absent>";
}

std::vector<uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

// A query with host name `host` (none when empty) and the response the server built for it.
struct Exchange {
    Packet4 query, response;
    explicit Exchange(std::string_view host = "") {
        query.chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        query.hlen = 6;
        query.setMessageType(MessageType::Discover);
        if (!host.empty()) {
            query.set(12, bytes(host));
        }
        response.setMessageType(MessageType::Offer);
        response.set(15, bytes("example.org"));
    }
};

std::string loadError(const nlohmann::json& params) {
    try {
        loadHookSet({flexOption(params)}, LoadMode::Load, true)->unload();
    } catch (const HookError& e) {
        return e.what();
    }
    return "";
}

const std::string kPrefix = "hook library 'libdhcp_flex_option.so' (flex.json:1:1): load() "
                            "failed: flex.json:1:1: Dhcp4.hooks-libraries[0].parameters";

} // namespace

class FlexOptionHook : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::is_regular_file(std::string(KAHU_TEST_HOOKS_BUILD_DIR) +
                                                     "/libdhcp_flex_option.so"));
        setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1);
    }
    // Runs pkt4_send of a set loaded with these options on the exchange.
    static void send(const nlohmann::json& options, Exchange& x) {
        auto set = loadHookSet({flexOption({{"options", options}})}, LoadMode::Load, true);
        Pkt4SendArgs args{x.query, x.response, nullptr};
        EXPECT_EQ(set->run<HookPoint::Pkt4Send>(args), Verdict::Continue);
        set->unload();
    }
};

TEST_F(FlexOptionHook, AddsAStringExpressionOnlyWhenNotEmpty) {
    const nlohmann::json options = {
        {{"code", 67},
         {"add", "ifelse(option[host-name].exists,concat(option[host-name].text,'.boot'),'')"}}};
    Exchange with("pc1");
    send(options, with);
    EXPECT_EQ(text(with.response, 67), "pc1.boot");
    Exchange without;
    send(options, without);
    EXPECT_EQ(text(without.response, 67), "<absent>");
}

TEST_F(FlexOptionHook, AddLeavesAnOptionThatIsThere) {
    Exchange x("pc1");
    send({{{"name", "domain-name"}, {"add", "'other.org'"}}}, x);
    EXPECT_EQ(text(x.response, 15), "example.org");
}

TEST_F(FlexOptionHook, SupersedeReplacesUnlessEmpty) {
    Exchange x("pc1");
    send({{{"code", 15}, {"supersede", "concat(option[12].text, '.lab')"}}}, x);
    EXPECT_EQ(text(x.response, 15), "pc1.lab");
    Exchange y;
    send({{{"code", 15}, {"supersede", "option[12].text"}}}, y);
    EXPECT_EQ(text(y.response, 15), "example.org");
    Exchange z;
    send({{{"code", 66}, {"supersede", "'tftp.lab'"}}}, z);
    EXPECT_EQ(text(z.response, 66), "tftp.lab");
}

TEST_F(FlexOptionHook, RemovesWhenTheTestIsTrue) {
    const nlohmann::json options = {{{"code", 15}, {"remove", "option[12].text == 'pc1'"}}};
    Exchange match("pc1");
    send(options, match);
    EXPECT_EQ(text(match.response, 15), "<absent>");
    Exchange other("pc2");
    send(options, other);
    EXPECT_EQ(text(other.response, 15), "example.org");
}

TEST_F(FlexOptionHook, CsvFormatEncodesWithTheDefinition) {
    Exchange x("pc1");
    send({{{"name", "routers"}, {"csv-format", true}, {"add", "'10.0.0.1, 10.0.0.2'"}},
          {{"code", 26}, {"csv-format", true}, {"supersede", "'1400'"}}},
         x);
    EXPECT_EQ(x.response.get(3)->data, (std::vector<uint8_t>{10, 0, 0, 1, 10, 0, 0, 2}));
    EXPECT_EQ(x.response.get(26)->data, (std::vector<uint8_t>{0x05, 0x78}));
    Exchange raw("pc1");
    send({{{"code", 26}, {"supersede", "'1400'"}}}, raw);
    EXPECT_EQ(text(raw.response, 26), "1400");
}

TEST_F(FlexOptionHook, ClientClassGuardsTheEntry) {
    const nlohmann::json options = {{{"code", 66}, {"add", "'tftp.lab'"}, {"client-class", "lab"}}};
    Exchange out("pc1");
    send(options, out);
    EXPECT_EQ(text(out.response, 66), "<absent>");
    Exchange in("pc1");
    in.query.addClass("lab");
    send(options, in);
    EXPECT_EQ(text(in.response, 66), "tftp.lab");
}

TEST_F(FlexOptionHook, EntriesRunByCodeThenInOrder) {
    // 66 is removed when 67 is there, but 66 runs before 67 is added: Kea's order.
    Exchange x("pc1");
    send({{{"code", 67}, {"add", "'boot'"}},
          {{"code", 66}, {"add", "'first'"}},
          {{"code", 66}, {"supersede", "'second'"}}},
         x);
    EXPECT_EQ(text(x.response, 66), "second");
    EXPECT_EQ(text(x.response, 67), "boot");
}

TEST_F(FlexOptionHook, BadParametersFailTheLoad) {
    EXPECT_EQ(loadError(nlohmann::json::object()), kPrefix + ": missing 'options'");
    EXPECT_EQ(loadError({{"options", {{{"add", "'x'"}}}}}),
              kPrefix + ".options[0]: 'code' or 'name' must be specified");
    EXPECT_EQ(loadError({{"options", {{{"code", 255}, {"add", "'x'"}}}}}),
              kPrefix + ".options[0].code: invalid 'code' value 255: reserved for END");
    EXPECT_EQ(loadError({{"options", {{{"code", 300}, {"add", "'x'"}}}}}),
              kPrefix + ".options[0].code: value 300 out of range 0..255");
    EXPECT_EQ(loadError({{"options", {{{"name", "no-such"}, {"add", "'x'"}}}}}),
              kPrefix + ".options[0].name: no known 'no-such' option in 'dhcp4' space");
    EXPECT_EQ(loadError({{"options", {{{"name", "routers"}, {"code", 4}, {"add", "'x'"}}}}}),
              kPrefix + ".options[0].code: option 'routers' is defined as code: 3, not the "
                        "specified code: 4");
    EXPECT_EQ(loadError({{"options", {{{"code", 15}}}}}),
              kPrefix + ".options[0]: no action: give one of 'add', 'supersede' and 'remove'");
    EXPECT_EQ(loadError({{"options", {{{"code", 15}, {"add", "'x'"}, {"remove", "true"}}}}}),
              kPrefix + ".options[0].remove: multiple actions: give one of 'add', 'supersede' "
                        "and 'remove'");
    EXPECT_EQ(loadError({{"options", {{{"code", 15}, {"add", ""}}}}}),
              kPrefix + ".options[0].add: 'add' must not be empty");
    EXPECT_EQ(loadError({{"options", {{{"code", 15}, {"remove", "'x'"}}}}}),
              kPrefix + ".options[0].remove: expression ''x'', column 4: expected '==' after the "
                        "string, found the end");
    EXPECT_EQ(loadError({{"options", {{{"code", 224}, {"csv-format", true}, {"add", "'x'"}}}}}),
              kPrefix + ".options[0].csv-format: no known option with code '224' in 'dhcp4' space");
    EXPECT_EQ(loadError({{"options", {{{"code", 43}, {"sub-options", nlohmann::json::array()}}}}}),
              kPrefix + ".options[0].sub-options: sub-options are not supported by this server");
    EXPECT_EQ(loadError({{"options", {{{"code", 15}, {"add", "'x'"}, {"colour", 1}}}}}),
              kPrefix + ".options[0]: unknown key 'colour'");
}

} // namespace kahu::hooks
