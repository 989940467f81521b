// SPDX-License-Identifier: MPL-2.0
// Every missing or ill-typed argument: result 1 with a text naming it, and nothing stored.
#include "lease_cmds_fixture.h"

namespace kahu::test {
namespace {

struct BadLease {
    const char* what;
    nlohmann::json change; ///< merged into a valid lease; null values remove the key
    std::string text;
};

nlohmann::json valid() {
    return {{"ip-address", "192.0.2.90"}, {"hw-address", "02:00:00:00:00:90"}};
}

const std::vector<BadLease> kBadLeases = {
    {"ip-address missing", {{"ip-address", nullptr}}, "missing parameter 'ip-address'"},
    {"ip-address not a string",
     {{"ip-address", 5}},
     "invalid type specified for parameter 'ip-address'"},
    {"ip-address not an address",
     {{"ip-address", "192.0.2"}},
     "Failed to convert '192.0.2' to address: Failed to convert string to address '192.0.2': "
     "Invalid argument"},
    {"ip-address IPv6", {{"ip-address", "2001:db8::1"}}, "Non-IPv4 address specified: 2001:db8::1"},
    {"hw-address missing", {{"hw-address", nullptr}}, "missing parameter 'hw-address'"},
    {"hw-address not a string",
     {{"hw-address", 1}},
     "invalid type specified for parameter 'hw-address'"},
    {"hw-address not hex",
     {{"hw-address", "02:zz"}},
     "'02:zz' is not a valid string of hexadecimal digits for parameter 'hw-address'"},
    {"subnet-id not an integer",
     {{"subnet-id", "1"}},
     "invalid type specified for parameter 'subnet-id'"},
    {"subnet-id negative",
     {{"subnet-id", -1}},
     "out of range value (-1) specified for parameter 'subnet-id'"},
    {"pool-id not an integer",
     {{"pool-id", 1.5}},
     "invalid type specified for parameter 'pool-id'"},
    {"client-id not a string",
     {{"client-id", 1}},
     "invalid type specified for parameter 'client-id'"},
    {"client-id too short",
     {{"client-id", "01"}},
     "client-id is too short (1), at least 2 is required"},
    {"valid-lft not an integer",
     {{"valid-lft", "3600"}},
     "invalid type specified for parameter 'valid-lft'"},
    {"valid-lft too large",
     {{"valid-lft", 4294967296}},
     "out of range value (4294967296) specified for parameter 'valid-lft'"},
    {"expire not an integer", {{"expire", "1"}}, "invalid type specified for parameter 'expire'"},
    {"expire zero", {{"expire", 0}}, "expiration time must be positive for address 192.0.2.90"},
    {"expire below valid-lft",
     {{"expire", 100}, {"valid-lft", 200}},
     "expiration time must be greater than valid lifetime for address 192.0.2.90"},
    {"fqdn-fwd not a boolean",
     {{"fqdn-fwd", "true"}},
     "invalid type specified for parameter 'fqdn-fwd'"},
    {"fqdn-rev not a boolean",
     {{"fqdn-rev", 1}},
     "invalid type specified for parameter 'fqdn-rev'"},
    {"hostname not a string", {{"hostname", 1}}, "invalid type specified for parameter 'hostname'"},
    {"fqdn without hostname",
     {{"fqdn-fwd", true}},
     "No hostname specified and either forward or reverse fqdn was set to true."},
    {"state not an integer", {{"state", "0"}}, "invalid type specified for parameter 'state'"},
    {"state out of uint8",
     {{"state", 256}},
     "out of range value (256) specified for parameter 'state'"},
    {"state unknown",
     {{"state", 3}},
     "Invalid state value: 3, supported values are: 0 (default), 1 (declined) and 2 "
     "(expired-reclaimed)"},
    {"user-context not a map",
     {{"user-context", {1, 2}}},
     "Invalid user context '[1,2]' is not a JSON map."},
    {"comment twice",
     {{"comment", "a"}, {"user-context", {{"comment", "b"}}}},
     R"(Duplicated comment entry '"a"' in user context '{"comment":"b"}')"},
    {"force-create not a boolean",
     {{"force-create", "yes"}},
     "invalid type specified for parameter 'force-create'"},
    {"no client at all",
     {{"hw-address", ""}},
     "Lease4: 192.0.2.90, state: default has neither hardware address or client id"},
};

TEST_F(LeaseCmdsTest, BadLeaseArgumentsAreRefusedByAddAndUpdate) {
    for (const char* cmd : {"lease4-add", "lease4-update"}) {
        for (const auto& bad : kBadLeases) {
            nlohmann::json args = valid();
            args.merge_patch(bad.change);
            expect(cmd, args, 1, bad.text);
            EXPECT_EQ(server_.leases_.size(), 0u) << cmd << ": " << bad.what;
        }
    }
    EXPECT_EQ(stat("subnet[1].assigned-addresses"), 0);
}

TEST_F(LeaseCmdsTest, AddAndUpdateWithoutArguments) {
    expect("lease4-add", nullptr, 1, "no parameters specified for the command");
    expect("lease4-update", nullptr, 1, "no parameters specified for lease4-update command");
    expect("lease4-add", nlohmann::json::array(), 1, "Parameters missing or are not a map.");
}

TEST_F(LeaseCmdsTest, UpdateWithBadArgumentsLeavesTheStoredLeaseAlone) {
    auto args = valid();
    args["hostname"] = "keep.example.org";
    ASSERT_EQ(run("lease4-add", args)["result"], 0);
    auto bad = valid();
    bad["state"] = 7;
    expect("lease4-update", bad, 1,
           "Invalid state value: 7, supported values are: 0 (default), 1 (declined) and 2 "
           "(expired-reclaimed)");
    EXPECT_EQ(server_.leases_.get(ip("192.0.2.90"))->hostname, "keep.example.org");
}

TEST_F(LeaseCmdsTest, GetAndDelSelectorErrors) {
    struct Case {
        nlohmann::json args;
        std::string get;
        std::string del;
    };
    const std::vector<Case> cases = {
        {nullptr, "Parameters missing or are not a map.", "Parameters missing or are not a map."},
        {{{"ip-address", 5}}, "'ip-address' is not a string.", "'ip-address' is not a string."},
        {{{"ip-address", "x"}},
         "Failed to convert string to address 'x': Invalid argument",
         "Failed to convert string to address 'x': Invalid argument"},
        {{{"ip-address", "::1"}},
         "Invalid IPv4 address specified: ::1",
         "Invalid IPv4 address specified: ::1"},
        {{{"ip-address", "192.0.2.1"}, {"update-ddns", 1}},
         "'update-ddns' is not a boolean",
         "'update-ddns' is not a boolean"},
        {{{"identifier-type", "hw-address"}, {"identifier", "02:00:00:00:00:01"}},
         "Mandatory 'subnet-id' parameter missing.",
         "Mandatory 'subnet-id' parameter missing."},
        {{{"identifier-type", "hw-address"},
          {"identifier", "02:00:00:00:00:01"},
          {"subnet-id", "1"}},
         "'subnet-id' parameter is not integer.",
         "'subnet-id' parameter is not integer."},
        {{{"identifier", "02:00:00:00:00:01"}, {"subnet-id", 1}},
         "No 'ip-address' provided and 'identifier-type' is either missing or not a string.",
         "No 'ip-address' provided and 'identifier-type' is either missing or not a string."},
        {{{"identifier-type", "hw-address"}, {"subnet-id", 1}},
         "No 'ip-address' provided and 'identifier' is either missing or not a string.",
         "No 'ip-address' provided and 'identifier' is either missing or not a string."},
        {{{"identifier-type", "flex-id"}, {"identifier", "01"}, {"subnet-id", 1}},
         "Incorrect identifier type: flex-id, the only supported values are: address, "
         "hw-address, duid",
         "Incorrect identifier type: flex-id, the only supported values are: address, "
         "hw-address, duid"},
        {{{"identifier-type", "duid"}, {"identifier", "01:02"}, {"subnet-id", 1}},
         "Query by duid is not allowed in v4.",
         "Delete by duid is not allowed in v4."},
        {{{"ip-address", "192.0.2.1"}, {"type", "IA_XX"}},
         "Invalid lease type specified: IA_XX, only supported values are: IA_NA, IA_TA, IA_PD "
         "and V4",
         "Invalid lease type specified: IA_XX, only supported values are: IA_NA, IA_TA, IA_PD "
         "and V4"},
    };
    for (const auto& c : cases) {
        expect("lease4-get", c.args, 1, c.get);
        expect("lease4-del", c.args, 1, c.del);
    }
}

} // namespace
} // namespace kahu::test
