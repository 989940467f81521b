// SPDX-License-Identifier: MPL-2.0
#include "stats/stat_texts.h"

#include <chrono>
#include <gtest/gtest.h>
#include <kahu/stats.h>
#include <regex>
#include <thread>
#include <vector>

namespace kahu {
namespace {

// Longer than a tick of CLOCK_REALTIME_COARSE (1-10 ms), so every change is its own sample.
void nextTick() {
    std::this_thread::sleep_for(std::chrono::milliseconds(11));
}

std::vector<int64_t> sampleValues(const Statistics& stats, const std::string& name) {
    std::vector<int64_t> values;
    const auto json = stats.toJson(name);
    for (const auto& s : json.at(name)) {
        values.push_back(s.at(0).get<int64_t>());
    }
    return values;
}

TEST(Statistics, ConcurrentIncrementsAddUpExactly) {
    Statistics stats;
    Counter& c = stats.counter("pkt4-received");
    constexpr int kThreads = 4;
    constexpr int kPerThread = 200000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&c] {
            for (int i = 0; i < kPerThread; ++i) {
                c.add(1);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(stats.get("pkt4-received"), int64_t{kThreads} * kPerThread);
    const auto json = stats.toJson("pkt4-received");
    EXPECT_EQ(json.at("pkt4-received").at(0).at(0).get<int64_t>(), int64_t{kThreads} * kPerThread);
    EXPECT_LE(json.at("pkt4-received").size(), 20u);
}

TEST(Statistics, JsonHasKeaShapeAndTimestampFormat) {
    Statistics stats;
    stats.set("subnet[1].total-addresses", 11);
    const auto json = stats.toJson("subnet[1].total-addresses");
    ASSERT_TRUE(json.is_object());
    ASSERT_EQ(json.size(), 1u);
    const auto& samples = json.at("subnet[1].total-addresses");
    ASSERT_TRUE(samples.is_array());
    ASSERT_GE(samples.size(), 1u);
    EXPECT_EQ(samples.at(0).at(0), 11);
    const auto ts = samples.at(0).at(1).get<std::string>();
    EXPECT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6})"))) << ts;
}

TEST(Statistics, UnknownNameGivesEmptyObject) {
    Statistics stats;
    EXPECT_EQ(stats.toJson("nope"), nlohmann::json::object());
    EXPECT_FALSE(stats.exists("nope"));
    EXPECT_EQ(stats.get("nope"), 0);
}

TEST(Statistics, SamplesAreNewestFirstFromCreation) {
    Statistics stats;
    Counter& c = stats.counter("x");
    for (int i = 0; i < 3; ++i) {
        nextTick();
        c.add(1);
    }
    EXPECT_EQ(sampleValues(stats, "x"), (std::vector<int64_t>{3, 2, 1, 0}));
}

TEST(Statistics, ChangesWithinOneTickShowAsOneSample) {
    Statistics stats;
    Counter& c = stats.counter("x");
    nextTick();
    for (int i = 0; i < 1000; ++i) {
        c.add(1);
    }
    const auto values = sampleValues(stats, "x");
    ASSERT_GE(values.size(), 2u);
    EXPECT_EQ(values.front(), 1000);
    EXPECT_LT(values.size(), 20u); // far fewer samples than changes
}

TEST(Statistics, SampleCountIsLimitedToTwentyByDefault) {
    Statistics stats;
    Counter& c = stats.counter("x");
    for (int i = 0; i < 25; ++i) {
        nextTick();
        c.add(1);
    }
    const auto values = sampleValues(stats, "x");
    ASSERT_EQ(values.size(), 20u);
    EXPECT_EQ(values.front(), 25);
    EXPECT_EQ(values.back(), 6);
}

TEST(Statistics, MaxSamplesAndMaxAgeLimitHistory) {
    Statistics stats;
    Counter& c = stats.counter("x");
    for (int i = 0; i < 5; ++i) {
        nextTick();
        c.add(1);
    }
    EXPECT_TRUE(stats.setMaxSamples("x", 2));
    EXPECT_EQ(sampleValues(stats, "x"), (std::vector<int64_t>{5, 4}));
    // An age limit replaces the count limit; 0 s keeps only the newest sample.
    EXPECT_TRUE(stats.setMaxSampleAge("x", 0));
    nextTick();
    c.add(1);
    EXPECT_EQ(sampleValues(stats, "x"), (std::vector<int64_t>{6}));
    EXPECT_TRUE(stats.setMaxSampleAge("x", 60));
    nextTick();
    c.add(1);
    EXPECT_EQ(sampleValues(stats, "x"), (std::vector<int64_t>{7, 6}));
    EXPECT_FALSE(stats.setMaxSamples("nope", 3));
    EXPECT_FALSE(stats.setMaxSampleAge("nope", 3));
}

TEST(Statistics, AllFormsApplyToEveryStatistic) {
    Statistics stats;
    for (const char* name : {"a", "b"}) {
        for (int i = 0; i < 3; ++i) {
            nextTick();
            stats.add(name, 1);
        }
    }
    stats.setMaxSamplesAll(1);
    EXPECT_EQ(sampleValues(stats, "a"), (std::vector<int64_t>{3}));
    EXPECT_EQ(sampleValues(stats, "b"), (std::vector<int64_t>{3}));
}

TEST(Statistics, DefaultsApplyToNewAndExistingStatistics) {
    Statistics stats;
    stats.counter("old");
    stats.applySampleDefaults(2, 0);
    for (const char* name : {"old", "new"}) {
        for (int i = 0; i < 3; ++i) {
            nextTick();
            stats.add(name, 1);
        }
        EXPECT_EQ(sampleValues(stats, name).size(), 2u) << name;
    }
}

TEST(Statistics, ResetLeavesZeroWithOneSample) {
    Statistics stats;
    for (int i = 0; i < 3; ++i) {
        nextTick();
        stats.add("x", 5);
    }
    EXPECT_TRUE(stats.reset("x"));
    EXPECT_EQ(sampleValues(stats, "x"), (std::vector<int64_t>{0}));
    EXPECT_FALSE(stats.reset("nope"));
    stats.add("y", 2);
    stats.resetAll();
    EXPECT_EQ(stats.get("y"), 0);
    EXPECT_TRUE(stats.exists("y"));
}

TEST(Statistics, RemovedStatisticDisappearsUntilItChangesAgain) {
    Statistics stats;
    Counter& c = stats.counter("pkt4-sent");
    c.add(7);
    stats.add("other", 1);
    EXPECT_TRUE(stats.remove("pkt4-sent"));
    EXPECT_FALSE(stats.exists("pkt4-sent"));
    EXPECT_FALSE(stats.remove("pkt4-sent"));
    EXPECT_EQ(stats.toJson("pkt4-sent"), nlohmann::json::object());
    EXPECT_FALSE(stats.allToJson().contains("pkt4-sent"));
    EXPECT_TRUE(stats.allToJson().contains("other"));
    nextTick();
    c.add(2); // the packet path still holds the pointer; Kea would re-create with 2
    EXPECT_TRUE(stats.exists("pkt4-sent"));
    EXPECT_EQ(sampleValues(stats, "pkt4-sent"), (std::vector<int64_t>{2}));
    stats.removeAll();
    EXPECT_EQ(stats.allToJson(), nlohmann::json::object());
}

TEST(Statistics, AllToJsonListsEveryStatistic) {
    Statistics stats;
    stats.set("pkt4-received", 3);
    stats.set("subnet[1].assigned-addresses", 1);
    const auto all = stats.allToJson();
    EXPECT_EQ(all.size(), 2u);
    EXPECT_EQ(all.at("pkt4-received").at(0).at(0), 3);
    EXPECT_EQ(all.at("subnet[1].assigned-addresses").at(0).at(0), 1);
}

TEST(StatTexts, MatchKeaAnswers) {
    EXPECT_EQ(stat_text::notFound("bogus"), "No 'bogus' statistic found");
    EXPECT_EQ(stat_text::reset("x"), "Statistic 'x' reset.");
    EXPECT_EQ(stat_text::removed("x"), "Statistic 'x' removed.");
    EXPECT_EQ(stat_text::countSet("x"), "Statistic 'x' count limit is set.");
    EXPECT_EQ(stat_text::durationSet("x"), "Statistic 'x' duration limit is set.");
    EXPECT_EQ(stat_text::kAllReset, "All statistics reset to neutral values.");
}

} // namespace
} // namespace kahu
