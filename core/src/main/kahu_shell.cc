// SPDX-License-Identifier: MPL-2.0
// kahu-shell: kea-shell as a native binary. Same options; the command's arguments are read
// from stdin and placed inside the "arguments" map; the raw response body is printed.
#include "main/entry.h"
#include "server/build_report.h"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <kahu/error.h>
#include <kahu/http/client.h>
#include <string>
#include <vector>

namespace po = boost::program_options;

extern "C" KAHU_ENTRY int kahu_shell_main(int argc, char** argv) {
    po::options_description opts("kahu-shell options");
    std::string host, path, ca, cert, key, user, password, command;
    int port = 8000;
    double timeout = 10;
    std::vector<std::string> services;
    opts.add_options()("help,h", "show this help")("version,v", "print the version and exit")(
        "extended-version,V", "print the extended version and exit")(
        "host", po::value(&host)->default_value("127.0.0.1"),
        "server address")("port", po::value(&port)->default_value(8000), "server port")(
        "path", po::value(&path)->default_value(""), "URL path")("ca", po::value(&ca),
                                                                 "CA file (switches to https)")(
        "cert", po::value(&cert), "client certificate file")("key", po::value(&key),
                                                             "client private key file")(
        "timeout", po::value(&timeout)->default_value(10),
        "timeout in seconds")("service", po::value(&services), "target service (repeatable)")(
        "auth-user", po::value(&user), "basic authentication user")(
        "auth-password", po::value(&password), "basic authentication password")(
        "command", po::value(&command)->default_value("list-commands"), "command to send");
    po::positional_options_description pos;
    pos.add("command", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "kahu-shell: " << e.what() << "\n" << opts;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << "Usage: kahu-shell [options] [command] < arguments\n" << opts;
        return 0;
    }
    if (vm.count("version")) {
        std::cout << kahu::versionText() << std::endl;
        return 0;
    }
    if (vm.count("extended-version")) {
        std::cout << kahu::extendedVersionText() << std::endl;
        return 0;
    }
    if (port < 1 || port > 65535) {
        std::cerr << "kahu-shell: --port must be in 1-65535\n";
        return 2;
    }

    // Built by concatenation exactly as kea-shell does, so the stdin text lands verbatim.
    std::string args(std::istreambuf_iterator<char>(std::cin), {});
    std::string body = "{ \"command\": \"" + command + "\"";
    if (!services.empty()) {
        body += ", \"service\": [";
        for (size_t i = 0; i < services.size(); ++i) {
            body += (i ? ", \"" : "\"") + services[i] + "\"";
        }
        body += "]";
    }
    if (args.size() > 1) {
        body += ", \"arguments\": { " + args + " }";
    }
    body += " }";

    kahu::http::Target target;
    target.host = host;
    target.port = static_cast<uint16_t>(port);
    target.https = !ca.empty();
    target.tls.trustAnchor = ca;
    target.tls.certFile = cert;
    target.tls.keyFile = key;
    kahu::http::ClientRequest req;
    req.path = "/" + path;
    req.body = body;
    req.timeout = std::chrono::milliseconds(static_cast<long>(timeout * 1000));
    req.headers.push_back({"User-Agent", "Kahu-shell/" + kahu::versionText()});
    if (!user.empty()) {
        req.headers.push_back({"Authorization", kahu::http::BasicAuth::header(user, password)});
    }
    try {
        kahu::http::ClientResponse res = kahu::http::request(target, req);
        if (res.status != 200) {
            std::cerr << "Failed to run: HTTP Error " << res.status << ": " << res.reason
                      << std::endl;
            return 1;
        }
        std::cout << res.body << std::endl;
    } catch (const kahu::Error& e) {
        std::cerr << "Failed to run: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
