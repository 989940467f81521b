// SPDX-License-Identifier: MPL-2.0
#include "hooks/store_library.h"

#include <gtest/gtest.h>

using namespace kahu;
using namespace kahu::hooks;

TEST(StoreLibrary, MysqlStoreTypeMapsToKeasLibraryName) {
    EXPECT_EQ("libdhcp_mysql.so", libraryForStoreType("mysql"));
    EXPECT_EQ("", libraryForStoreType("memfile"));
}

TEST(StoreLibrary, MysqlConfigWithoutTheLibraryGetsItWithANotice) {
    ServerConfig cfg;
    cfg.leaseDatabase.type = "mysql";
    cfg.hooksLibraries.push_back({"libdhcp_lease_cmds.so", nullptr, "x:1:1"});
    std::string notice;
    auto libs = librariesToLoad(cfg, notice);
    ASSERT_EQ(2u, libs.size());
    EXPECT_EQ("libdhcp_lease_cmds.so", libs[0].library);
    EXPECT_EQ("libdhcp_mysql.so", libs[1].library);
    EXPECT_NE(std::string::npos, notice.find("libdhcp_mysql.so"));
}

TEST(StoreLibrary, ListedLibraryIsNotAddedTwiceWhateverItsDirectory) {
    ServerConfig cfg;
    cfg.leaseDatabase.type = "mysql";
    cfg.hooksLibraries.push_back(
        {"/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_mysql.so", nullptr, "x:1:1"});
    std::string notice;
    EXPECT_EQ(1u, librariesToLoad(cfg, notice).size());
    EXPECT_TRUE(notice.empty());
}

TEST(StoreLibrary, MemfileConfigLoadsOnlyWhatIsListed) {
    ServerConfig cfg;
    std::string notice;
    EXPECT_TRUE(librariesToLoad(cfg, notice).empty());
    EXPECT_TRUE(notice.empty());
}
