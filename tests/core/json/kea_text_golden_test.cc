// SPDX-License-Identifier: MPL-2.0
// kahu::keaText against what the real Kea 2.2 printed for the same values
// (tests/data/kea_text/golden.json, made by tools/kea-text-golden): the user-context of a
// lease4-get answer and the user_context column of Kea's lease file, byte for byte.
#include "lease/csv_lease_codec.h"

#include <fstream>
#include <gtest/gtest.h>
#include <kahu/command/answer.h>
#include <kahu/kea_json.h>
#include <kahu/lease/lease_json.h>
#include <sstream>

using namespace kahu;
using json = nlohmann::json;

namespace {

// The golden file's strings hold one byte per character (U+0000..U+00FF).
std::string bytes(const std::string& utf8) {
    std::string out;
    for (size_t i = 0; i < utf8.size(); ++i) {
        auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            // U+0080..U+00FF: 0xc2 or 0xc3, then one continuation byte
            EXPECT_TRUE((c == 0xc2 || c == 0xc3) && i + 1 < utf8.size()) << "not a byte: " << utf8;
            out +=
                static_cast<char>((c & 0x03) << 6 | (static_cast<unsigned char>(utf8[++i]) & 0x3f));
        }
    }
    return out;
}

// A value as Kea's parser reads the ASCII text sent to it: \u00xx is the byte xx. nlohmann
// read it as the code point U+00xx; bytes() turns those back into the byte.
json asKeaReadsIt(const json& v) {
    if (v.is_string()) {
        return bytes(v.get<std::string>());
    }
    if (v.is_array()) {
        json a = json::array();
        for (const auto& e : v) {
            a.push_back(asKeaReadsIt(e));
        }
        return a;
    }
    if (v.is_object()) {
        json o = json::object();
        for (auto it = v.begin(); it != v.end(); ++it) {
            o[bytes(it.key())] = asKeaReadsIt(it.value());
        }
        return o;
    }
    return v;
}

struct GoldenCase {
    std::string name;
    json value;                      // what Kea held
    std::string keaGet;              // Kea's text in the lease4-get answer
    std::string keaCsv;              // Kea's user_context column
    std::optional<std::string> kahu; // Kahu's text where Kea's is not JSON
};

const json& golden() {
    static const json g = [] {
        std::ifstream in(KAHU_TEST_DATA_DIR "/kea_text/golden.json");
        std::stringstream ss;
        ss << in.rdbuf();
        return json::parse(ss.str());
    }();
    return g;
}

std::vector<GoldenCase> cases() {
    std::vector<GoldenCase> out;
    for (const auto& c : golden().at("cases")) {
        GoldenCase g;
        g.name = c.at("name");
        std::string sent = c.at("sent");
        for (char ch : sent) {
            EXPECT_LT(static_cast<unsigned char>(ch), 0x80) << g.name << ": sent text not ASCII";
        }
        g.value = asKeaReadsIt(json::parse(sent));
        g.keaGet = bytes(c.at("kea_lease4_get"));
        g.keaCsv = bytes(c.at("kea_csv_user_context"));
        if (c.contains("kahu")) {
            g.kahu = bytes(c.at("kahu"));
            EXPECT_FALSE(c.value("why", "").empty()) << g.name;
        }
        out.push_back(std::move(g));
    }
    EXPECT_GE(out.size(), 20u);
    return out;
}

TEST(KeaTextGolden, EveryValueIsPrintedAsKeaPrintsIt) {
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(keaText(c.value), c.kahu.value_or(c.keaGet));
        std::string appended = "x";
        appendKeaText(appended, c.value);
        EXPECT_EQ(appended, "x" + keaText(c.value));
    }
}

TEST(KeaTextGolden, LeaseFileColumnIsWhatKeaWrites) {
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        Lease4 l;
        l.address = *Ipv4Address::fromText("10.77.0.1");
        l.hwAddr = *HwAddr::fromText("02:00:00:00:00:01");
        l.validLifetime = 4000;
        l.cltt = 1795400000;
        l.subnetId = 1;
        l.userContext = c.value;
        std::string row = CsvLeaseCodec::formatRow(l);
        std::string_view rest(row);
        for (int i = 0; i < 10; ++i) {
            rest.remove_prefix(rest.find(',') + 1);
        }
        std::string column(rest.substr(0, rest.find(',')));
        EXPECT_EQ(column, c.kahu ? CsvLeaseCodec::escape(*c.kahu) : c.keaCsv);
        // And the column reads back as what the text holds: the value, with doubles cut to
        // six digits and bytes that are not UTF-8 replaced.
        std::string error;
        row.pop_back();
        auto back = CsvLeaseCodec::parseRow(row, CsvLeaseCodec::kColumns, &error);
        ASSERT_TRUE(back) << error;
        EXPECT_EQ(back->userContext, parseKeaText(keaText(c.value)));
    }
}

// Kahu differs only where Kea's text is not JSON: a JSON parser refuses Kea's and reads
// Kahu's.
TEST(KeaTextGolden, DifferencesAreOnlyWhereKeaIsNotJson) {
    size_t differing = 0;
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        if (c.kahu) {
            ++differing;
            EXPECT_NE(*c.kahu, c.keaGet);
            EXPECT_TRUE(json::parse(c.keaGet, nullptr, false).is_discarded()) << c.keaGet;
            EXPECT_FALSE(parseKeaText(*c.kahu, false).is_discarded()) << *c.kahu;
        } else {
            EXPECT_FALSE(json::parse(c.keaGet, nullptr, false).is_discarded()) << c.keaGet;
        }
    }
    EXPECT_EQ(differing, 3u);
}

// parseKeaText reads Kea's text as Kea does: what Kea printed is the value it held, for every
// value whose strings are UTF-8.
TEST(KeaTextGolden, KeaTextReadsBackAsKeaHeldIt) {
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        json back = parseKeaText(keaText(c.value), false);
        ASSERT_FALSE(back.is_discarded());
        if (c.name != "bytes that are not UTF-8" && c.name != "key bytes that are not UTF-8" &&
            c.name.rfind("doubles", 0) != 0) {
            EXPECT_EQ(back, c.value);
            if (!c.kahu) {
                EXPECT_EQ(parseKeaText(c.keaGet), c.value);
            }
        }
    }
}

// A whole lease4-get answer: the lease JSON and the answer map, printed as Kea printed them.
TEST(KeaTextGolden, LeaseGetAnswerIsKeas) {
    const std::string kea = bytes(golden().at("lease4-get-answer"));
    Lease4 l;
    l.address = *Ipv4Address::fromText("10.77.0.200");
    l.hwAddr = *HwAddr::fromText("02:00:00:00:00:c8");
    l.clientId = {0x01, 0x02, 0x03};
    l.validLifetime = 4000;
    l.cltt = 2000000000 - 4000;
    l.subnetId = 1;
    l.fqdnFwd = true;
    l.hostname = "h\xf6st\xff.example.org"; // bytes that are not UTF-8
    l.userContext = {{"x", {1, "y"}}};
    EXPECT_EQ(keaText(successAnswer("IPv4 lease found.", leaseToJson(l))), kea);
}

} // namespace
