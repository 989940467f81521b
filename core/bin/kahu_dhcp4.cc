// SPDX-License-Identifier: MPL-2.0
// kahu-dhcp4: the program is core/src/main/kahu_dhcp4.cc, in libkahu_core.so
// (core/src/main/entry.h).
#include "main/entry.h"

int main(int argc, char** argv) {
    return kahu_dhcp4_main(argc, argv);
}
