// SPDX-License-Identifier: MPL-2.0
#include "hooks/keep_mapped_store.h"
#include "lease/memfile_store.h"

#include <gtest/gtest.h>

namespace kahu {
namespace {

MemfileConfig inMemory() {
    MemfileConfig c;
    c.persist = false;
    c.lfcInterval = 0;
    return c;
}

// A store that says it may block, as a database store does; everything else is memfile's.
class BlockingStore : public MemfileStore {
public:
    using MemfileStore::MemfileStore;
    bool mayBlock() const noexcept override { return true; }
    bool available() const noexcept override { return up; }
    bool up = true;
};

TEST(KeepMappedStore, ForwardsMayBlock) {
    // The server picks its worker count and hand-over from mayBlock(): a wrapped library store
    // must answer as the library's store does.
    hooks::detail::KeepMappedStore blocking(nullptr, std::make_unique<BlockingStore>(inMemory()));
    EXPECT_TRUE(blocking.mayBlock());
    hooks::detail::KeepMappedStore memfile(nullptr, std::make_unique<MemfileStore>(inMemory()));
    EXPECT_FALSE(memfile.mayBlock());
}

TEST(KeepMappedStore, ForwardsAvailability) {
    // kahu_lease_store_up reads available(): a database store that lost its server must show
    // as down through the wrapper too.
    auto inner = std::make_unique<BlockingStore>(inMemory());
    BlockingStore* raw = inner.get();
    hooks::detail::KeepMappedStore wrapped(nullptr, std::move(inner));
    EXPECT_TRUE(wrapped.available());
    raw->up = false;
    EXPECT_FALSE(wrapped.available());
}

} // namespace
} // namespace kahu
