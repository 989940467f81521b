// SPDX-License-Identifier: MPL-2.0
// kahu-ctrl-agent: the program is core/src/main/kahu_ctrl_agent.cc, in libkahu_core.so
// (core/src/main/entry.h).
#include "main/entry.h"

int main(int argc, char** argv) {
    return kahu_ctrl_agent_main(argc, argv);
}
