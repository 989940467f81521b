// SPDX-License-Identifier: MPL-2.0
#include "command/command_registry.h"
#include "hook_test_util.h"
#include "lease/lease_store_factories.h"

#include <kahu/lease/lease_store.h>

namespace kahu::hooks::test {

TEST_F(HooksTest, ActivatePublishesCommandsAndClearRemovesThem) {
    auto& registry = CommandRegistry::instance();
    HookManager::instance().activate(
        loadHookSet({lib("continue", {{"tag", 5}})}, LoadMode::Load, true));
    auto answer = registry.execute("fx-continue-info-5", nullptr);
    EXPECT_EQ(answer["result"], 0);
    EXPECT_EQ(answer["arguments"]["parameters"]["tag"], 5);
    HookManager::instance().clear();
    EXPECT_EQ(registry.execute("fx-continue-info-5", nullptr)["result"], 2);
}

TEST_F(HooksTest, FailedReloadLeavesTheOldSetServing) {
    auto& manager = HookManager::instance();
    auto old = loadHookSet({lib("continue", {{"tag", 1}})}, LoadMode::Load, true);
    manager.activate(old);
    EXPECT_THROW(
        loadHookSet({lib("continue", {{"tag", 2}}), lib("load_throws")}, LoadMode::Load, true),
        HookError);
    EXPECT_EQ(manager.current(), old);
    EXPECT_FALSE(old->unloaded());
    EXPECT_EQ(CommandRegistry::instance().execute("fx-continue-info-1", nullptr)["result"], 0);
    EXPECT_FALSE(CommandRegistry::instance().has("fx-continue-info-2"));
}

TEST_F(HooksTest, ActivationConflictingWithABuiltInChangesNothing) {
    auto& manager = HookManager::instance();
    auto old = loadHookSet({lib("continue", {{"tag", 1}})}, LoadMode::Load, true);
    manager.activate(old);
    auto next = loadHookSet({lib("duplicate_command")}, LoadMode::Load, true);
    CommandRegistry::instance().add("fx-dup", [](const nlohmann::json&) { return nullptr; });
    EXPECT_THROW(manager.activate(next), HookError);
    CommandRegistry::instance().remove("fx-dup");
    EXPECT_EQ(manager.current(), old);
    EXPECT_TRUE(CommandRegistry::instance().has("fx-continue-info-1"));
}

TEST_F(HooksTest, LeaseStoreFactoryIsPublishedAndStoresKeepTheLibraryMapped) {
    auto& stores = LeaseStoreFactories::instance();
    HookManager::instance().activate(loadHookSet({lib("lease_store")}, LoadMode::Load, true));
    ASSERT_TRUE(stores.has("fx-store"));
    EXPECT_THROW(stores.create("fx-store", {nlohmann::json::object(), false}), std::exception);
    auto store = stores.create("fx-store", {{{"type", "fx-store"}, {"name", "a"}}, false});
    ASSERT_TRUE(store);
    EXPECT_EQ(store->description(), "fixture store a");
    Lease4 lease;
    lease.address = Ipv4Address(0x0a000001);
    EXPECT_TRUE(store->add(lease));

    HookManager::instance().clear();
    EXPECT_FALSE(stores.has("fx-store"));
    EXPECT_TRUE(isMapped("lease_store"));
    EXPECT_EQ(store->size(), 1u); // still usable: its code is still mapped
    store.reset();
    EXPECT_FALSE(isMapped("lease_store"));
}

TEST_F(HooksTest, DuplicateLeaseStoreTypeFails) {
    EXPECT_THAT(loadError({lib("lease_store"), lib("lease_store")}),
                ::testing::HasSubstr("lease store type 'fx-store' is already registered"));
}

} // namespace kahu::hooks::test
