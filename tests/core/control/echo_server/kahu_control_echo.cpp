// SPDX-License-Identifier: MPL-2.0
// kahu-control-echo FILE: FILE holds {"control-sockets": [Kea 3.0 control-socket entries]}.
// Serves them until SIGTERM/SIGINT; every command is answered {"result": 0, "text": "echo",
// "arguments": <the command>}. Prints "ready" once listening.
#include "control/control_listeners.h"

#include <csignal>
#include <fstream>
#include <iostream>
#include <kahu/error.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: kahu-control-echo FILE\n";
        return 2;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    try {
        nlohmann::json doc = nlohmann::json::parse(std::ifstream(argv[1]));
        std::vector<kahu::ControlSocketConfig> sockets;
        for (const auto& e : doc.at("control-sockets")) {
            kahu::ControlSocketConfig s;
            s.type = e.value("socket-type", "unix");
            s.name = e.value("socket-name", "");
            s.httpHost = e.value("socket-address", "127.0.0.1");
            s.httpPort = e.value("socket-port", 8000);
            s.raw = e;
            sockets.push_back(s);
        }
        kahu::ControlListeners listeners([](const nlohmann::json& cmd) {
            return nlohmann::json{{"result", 0}, {"text", "echo"}, {"arguments", cmd}};
        });
        listeners.apply(sockets);
        for (const auto& d : listeners.describe()) {
            std::cout << "listening " << d << "\n";
        }
        std::cout << "ready" << std::endl;
        int sig = 0;
        sigwait(&signals, &sig);
        listeners.stop();
    } catch (const std::exception& e) {
        std::cerr << "kahu-control-echo: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
