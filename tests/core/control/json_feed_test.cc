// SPDX-License-Identifier: MPL-2.0
#include "control/json_feed.h"

#include <gtest/gtest.h>

namespace kahu {

TEST(JsonFeed, CompleteMapIsDetectedAcrossChunks) {
    JsonFeed f;
    EXPECT_EQ(f.feed("{\"command\": \"list-"), JsonFeed::State::Incomplete);
    EXPECT_EQ(f.feed("commands\", \"arguments\": {\"a\": [1, {}]}"), JsonFeed::State::Incomplete);
    EXPECT_EQ(f.feed("}"), JsonFeed::State::Complete);
}

TEST(JsonFeed, BracesInStringsAndCommentsDoNotCount) {
    JsonFeed f;
    EXPECT_EQ(f.feed("# leading } comment\n// another }\n/* } ] */ {\"a\": \"}\\\"}\", "
                     "/* } */ \"b\": 1 # }\n"),
              JsonFeed::State::Incomplete);
    EXPECT_EQ(f.feed("}"), JsonFeed::State::Complete);
}

TEST(JsonFeed, BytesAfterTheValueAreNotConsumed) {
    JsonFeed f;
    EXPECT_EQ(f.feed("{\"command\":\"a\"}{\"command\":\"b\"}"), JsonFeed::State::Complete);
    EXPECT_EQ(f.text(), "{\"command\":\"a\"}");
}

TEST(JsonFeed, ValueThatIsNotAMapOrListIsAnError) {
    JsonFeed f;
    EXPECT_EQ(f.feed("  hello"), JsonFeed::State::Error);
    EXPECT_FALSE(f.error().empty());
    JsonFeed g;
    EXPECT_EQ(g.feed("}"), JsonFeed::State::Error);
}

} // namespace kahu
