// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/hooks/hook_args.h>
#include <string>
#include <string_view>
#include <vector>

/// @file
/// The environment libdhcp_run_script.so gives its program at each DHCPv4 hook point: Kea's
/// variable names, values and order (run_script.cc / run_script_callouts.cc of Kea 2.2), and
/// nothing else (no PATH, no variable of the server's own environment).

namespace kahu::run_script {

/// "NAME=value" strings, in Kea's order.
using Env = std::vector<std::string>;

/// QUERY4_TYPE ... QUERY4_REMOTE_HWADDR_TYPE, then QUERY4_OPTION_82 and its sub-options 1 and 2
/// when the query carries them.
void addQuery(Env& env, const Packet4& query, std::string_view prefix);
/// <prefix>_ADDRESS, _CLTT, _HOSTNAME, _HWADDR, _HWADDR_TYPE, _STATE, _SUBNET_ID,
/// _VALID_LIFETIME, _CLIENT_ID.
void addLease(Env& env, const Lease4& lease, std::string_view prefix);
/// <prefix>_SIZE and <prefix>_AT<i>_... for each lease.
void addLeases(Env& env, const std::vector<Lease4>& leases, std::string_view prefix);

Env renewEnv(const hooks::Lease4RenewArgs& args);
Env expireEnv(const hooks::Lease4ExpireArgs& args);
Env recoverEnv(const hooks::Lease4RecoverArgs& args);
Env committedEnv(const hooks::Leases4CommittedArgs& args);
Env releaseEnv(const hooks::Lease4ReleaseArgs& args);
Env declineEnv(const hooks::Lease4DeclineArgs& args);

/// Kea's Option::toHexString(): "0x" and the data in upper-case hex; "" for no data.
std::string optionHex(const uint8_t* data, size_t size);

} // namespace kahu::run_script
