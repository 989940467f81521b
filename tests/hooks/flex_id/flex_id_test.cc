// SPDX-License-Identifier: MPL-2.0
// libdhcp_flex_id.so through the hook framework: the identifier it gives host4_identifier for
// real queries, the client identifier it substitutes and restores, and its parameter errors.
#include "hooks/hook_set.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <kahu/error.h>
#include <kahu/hooks/packet_context.h>
#include <string>

namespace kahu::hooks {

namespace {

HookLibraryConfig flexId(nlohmann::json params) {
    return {"libdhcp_flex_id.so", std::move(params), "flex.json:1:1"};
}

std::vector<uint8_t> bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

Packet4 query(std::string_view host) {
    Packet4 q;
    q.chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    q.hlen = 6;
    q.setMessageType(MessageType::Discover);
    if (!host.empty()) {
        q.set(12, bytes(host));
    }
    return q;
}

std::string loadError(const nlohmann::json& params) {
    try {
        loadHookSet({flexId(params)}, LoadMode::Load, true)->unload();
    } catch (const HookError& e) {
        return e.what();
    }
    return "";
}

} // namespace

class FlexIdHook : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::is_regular_file(std::string(KAHU_TEST_HOOKS_BUILD_DIR) +
                                                     "/libdhcp_flex_id.so"));
        setenv("KAHU_HOOKS_PATH", KAHU_TEST_HOOKS_BUILD_DIR, 1);
    }
};

TEST_F(FlexIdHook, GivesTheExpressionValueAsFlexId) {
    auto set =
        loadHookSet({flexId({{"identifier-expression", "concat('id-', option[host-name].text)"}})},
                    LoadMode::Load, true);
    Packet4 q = query("pc1");
    IdentifierType type = IdentifierType::FlexId;
    std::vector<uint8_t> value;
    Host4IdentifierArgs args{q, type, value};
    PacketContext packet;
    EXPECT_EQ(set->run<HookPoint::Host4Identifier>(args, &packet), Verdict::Continue);
    EXPECT_EQ(type, IdentifierType::FlexId);
    EXPECT_EQ(value, bytes("id-pc1"));

    // An empty value leaves the identifier unset.
    auto set2 = loadHookSet({flexId({{"identifier-expression", "option[host-name].text"}})},
                            LoadMode::Load, true);
    Packet4 bare = query("");
    std::vector<uint8_t> none;
    Host4IdentifierArgs args2{bare, type, none};
    PacketContext packet2;
    set2->run<HookPoint::Host4Identifier>(args2, &packet2);
    EXPECT_TRUE(none.empty());
    set->unload();
    set2->unload();
}

TEST_F(FlexIdHook, ReplaceClientIdSubstitutesAndRestores) {
    auto set = loadHookSet({flexId({{"identifier-expression", "option[host-name].text"},
                                    {"replace-client-id", true}})},
                           LoadMode::Load, true);
    Packet4 q = query("pc1");
    q.set(61, {0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
    PacketContext packet;
    Pkt4ReceiveArgs receive{q};
    set->run<HookPoint::Pkt4Receive>(receive, &packet);
    EXPECT_EQ(q.get(61)->data, (std::vector<uint8_t>{0x00, 'p', 'c', '1'}));

    IdentifierType type = IdentifierType::FlexId;
    std::vector<uint8_t> value;
    Host4IdentifierArgs id{q, type, value};
    set->run<HookPoint::Host4Identifier>(id, &packet);
    EXPECT_EQ(value, bytes("pc1")); // computed once, on the query as sent

    Packet4 response;
    response.set(61, q.get(61)->data); // what echo-client-id puts back
    Pkt4SendArgs send{q, response, nullptr};
    set->run<HookPoint::Pkt4Send>(send, &packet);
    EXPECT_EQ(response.get(61)->data,
              (std::vector<uint8_t>{0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}));

    // A client without option 61 gets none back.
    Packet4 q2 = query("pc2");
    PacketContext packet2;
    Pkt4ReceiveArgs receive2{q2};
    set->run<HookPoint::Pkt4Receive>(receive2, &packet2);
    EXPECT_EQ(q2.get(61)->data, (std::vector<uint8_t>{0x00, 'p', 'c', '2'}));
    Packet4 response2;
    response2.set(61, q2.get(61)->data);
    Pkt4SendArgs send2{q2, response2, nullptr};
    set->run<HookPoint::Pkt4Send>(send2, &packet2);
    EXPECT_EQ(response2.get(61), nullptr);

    // No value: the query keeps its own client identifier.
    Packet4 q3 = query("");
    q3.set(61, {0x01, 0x02, 0x03});
    PacketContext packet3;
    Pkt4ReceiveArgs receive3{q3};
    set->run<HookPoint::Pkt4Receive>(receive3, &packet3);
    EXPECT_EQ(q3.get(61)->data, (std::vector<uint8_t>{0x01, 0x02, 0x03}));
    set->unload();
}

TEST_F(FlexIdHook, WithoutReplaceTheQueryIsUntouched) {
    auto set = loadHookSet({flexId({{"identifier-expression", "option[host-name].text"}})},
                           LoadMode::Load, true);
    Packet4 q = query("pc1");
    q.set(61, {0x01, 0x02, 0x03});
    PacketContext packet;
    Pkt4ReceiveArgs receive{q};
    set->run<HookPoint::Pkt4Receive>(receive, &packet);
    EXPECT_EQ(q.get(61)->data, (std::vector<uint8_t>{0x01, 0x02, 0x03}));
    set->unload();
}

TEST_F(FlexIdHook, Parameters) {
    const std::string prefix = "hook library 'libdhcp_flex_id.so' (flex.json:1:1): load() "
                               "failed: flex.json:1:1: Dhcp4.hooks-libraries[0].parameters";
    EXPECT_EQ(loadError(nlohmann::json::object()), "");
    EXPECT_EQ(loadError({{"identifier-expression", "option[12].text"}, {"ignore-iaid", true}}), "");
    EXPECT_EQ(loadError({{"identifier-expression", 12}}),
              prefix + ".identifier-expression: expected a string, got number");
    EXPECT_EQ(loadError({{"replace-client-id", "yes"}}),
              prefix + ".replace-client-id: expected a boolean, got string");
    EXPECT_EQ(loadError({{"identifier-expression", "option[12].text =="}}),
              prefix + ".identifier-expression: expression 'option[12].text ==', column 19: "
                       "expected a value (a string, a number, an option, a packet field, a "
                       "function or a test), found the end");
    EXPECT_EQ(loadError({{"identifier-expression", "'a'"}, {"colour", 1}}),
              prefix + ": unknown key 'colour'");
}

} // namespace kahu::hooks
