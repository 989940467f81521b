// SPDX-License-Identifier: MPL-2.0
#pragma once

/// @file
/// The programs' entry points. Each binary of core/bin is a main() that calls one of these, so
/// the programs use the server's internals while libkahu_core.so exports only the SDK
/// (core/include, marked) and these functions.

#define KAHU_ENTRY __attribute__((visibility("default")))

extern "C" {
/// kahu-dhcp4, the DHCPv4 server (core/src/main/kahu_dhcp4.cc).
KAHU_ENTRY int kahu_dhcp4_main(int argc, char** argv);
/// kahu-ctrl-agent, the control agent (core/src/main/kahu_ctrl_agent.cc).
KAHU_ENTRY int kahu_ctrl_agent_main(int argc, char** argv);
KAHU_ENTRY int kahu_dhcp_ddns_main(int argc, char** argv);
/// kahu-shell, kea-shell's counterpart (core/src/main/kahu_shell.cc).
KAHU_ENTRY int kahu_shell_main(int argc, char** argv);
/// kahu-admin, kea-admin's database commands (core/src/main/kahu_admin.cc).
KAHU_ENTRY int kahu_admin_main(int argc, char** argv);
}
