// SPDX-License-Identifier: MPL-2.0
// kahu-shell: the program is core/src/main/kahu_shell.cc, in libkahu_core.so
// (core/src/main/entry.h).
#include "main/entry.h"

int main(int argc, char** argv) {
    return kahu_shell_main(argc, argv);
}
