// SPDX-License-Identifier: MPL-2.0
// kahu-dhcp-ddns: the program is core/src/main/kahu_dhcp_ddns.cc, in libkahu_core.so
// (core/src/main/entry.h).
#include "main/entry.h"

int main(int argc, char** argv) {
    return kahu_dhcp_ddns_main(argc, argv);
}
