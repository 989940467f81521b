// SPDX-License-Identifier: MPL-2.0
// kahu-admin: the program is core/src/main/kahu_admin.cc, in libkahu_core.so
// (core/src/main/entry.h).
#include "main/entry.h"

int main(int argc, char** argv) {
    return kahu_admin_main(argc, argv);
}
