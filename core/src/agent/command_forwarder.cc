// SPDX-License-Identifier: MPL-2.0
#include "agent/command_forwarder.h"

#include "control/unix_client.h"
#include "server/build_report.h"

#include <algorithm>
#include <atomic>
#include <kahu/command/answer.h>
#include <kahu/error.h>
#include <kahu/metrics.h>
#include <unistd.h>

namespace kahu {

namespace {

const char* kNoServiceHint =
    " You did not include \"service\" parameter in the command, which indicates that Kea "
    "Control Agent should process this command rather than forward it to one or more Kea "
    "servers. If you aimed to send this command to one of the Kea servers you should include "
    "the \"service\" parameter in your request, e.g. \"service\": [ \"dhcp4\" ] to forward the "
    "command to the DHCPv4 server, or \"service\": [ \"dhcp4\", \"dhcp6\", \"d2\" ] to forward "
    "it to DHCPv4, DHCPv6 and D2 servers etc.";

nlohmann::json listAnswer(nlohmann::json answer) {
    return nlohmann::json::array({std::move(answer)});
}

nlohmann::json processingError(const std::string& why) {
    return listAnswer(errorAnswer("Error during command processing: " + why));
}

} // namespace

CommandForwarder::CommandForwarder(std::shared_ptr<const AgentConfig> config,
                                   std::function<void()> onShutdown,
                                   std::chrono::milliseconds forwardTimeout)
    : config_(std::move(config)), onShutdown_(std::move(onShutdown)), timeout_(forwardTimeout) {}

void CommandForwarder::setConfig(std::shared_ptr<const AgentConfig> config) {
    std::atomic_store(&config_, std::move(config));
}

nlohmann::json CommandForwarder::operator()(const nlohmann::json& command) const {
    if (!command.is_object()) {
        return processingError("Invalid command Element specified, expected map");
    }
    for (const auto& [key, v] : command.items()) {
        if (key != "command" && key != "arguments" && key != "service" && key != "remote-address") {
            return processingError("Received command contains unsupported parameter '" + key + "'");
        }
    }
    if (!command.contains("command")) {
        return processingError("Invalid answer specified, does not contain mandatory 'command'");
    }
    if (!command["command"].is_string()) {
        return processingError("'command' element in command message must be a string");
    }
    std::string name = command["command"].get<std::string>();
    std::vector<std::string> services;
    if (command.contains("service")) {
        const auto& s = command["service"];
        if (!s.is_array()) {
            return processingError("service value must be a list");
        }
        for (const auto& e : s) {
            if (!e.is_string()) {
                return processingError("service value must be a list of strings");
            }
            services.push_back(e.get<std::string>());
        }
    }
    if (services.empty()) {
        return listAnswer(local(name, command.value("arguments", nlohmann::json())));
    }
    nlohmann::json answers = nlohmann::json::array();
    for (const auto& service : services) {
        nlohmann::json a = forward(service, command);
        if (a.is_array()) {
            for (auto& e : a) {
                answers.push_back(std::move(e));
            }
        } else {
            answers.push_back(std::move(a));
        }
    }
    return answers;
}

nlohmann::json CommandForwarder::forward(const std::string& service,
                                         const nlohmann::json& command) const {
    auto cfg = std::atomic_load(&config_);
    auto it = cfg->sockets.find(service);
    if (it == cfg->sockets.end()) {
        return errorAnswer("forwarding socket is not configured for the server type " + service);
    }
    std::string reason;
    try {
        std::string text = sendUnixCommand(it->second, command.dump(), timeout_);
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        reason = std::string("invalid answer: ") + e.what();
    } catch (const std::exception& e) {
        reason = e.what();
    }
    return errorAnswer("unable to forward command to the " + service + " service: " + reason +
                       ". The server is likely to be offline");
}

std::string CommandForwarder::metricsText() const {
    auto cfg = std::atomic_load(&config_);
    std::string server;
    metrics::Family up{"kahu_ctrl_agent_service_up",
                       "1 when the service answered the agent's metrics-get",
                       metrics::Type::Gauge,
                       {}};
    for (const auto& [service, socket] : cfg->sockets) {
        bool ok = false;
        if (service == "dhcp4") {
            nlohmann::json a = forward(service, {{"command", "metrics-get"}});
            if (a.is_object() && a.value("result", -1) == 0 && a.contains("arguments") &&
                a["arguments"].is_object() && a["arguments"].contains("metrics") &&
                a["arguments"]["metrics"].is_string()) {
                server = a["arguments"]["metrics"].get<std::string>();
                ok = true;
            }
        }
        up.add(ok ? 1 : 0, {{"service", service}});
    }
    return server + metrics::render({up});
}

nlohmann::json CommandForwarder::local(const std::string& name, const nlohmann::json& args) const {
    if (name == "list-commands") {
        nlohmann::json names = {"build-report", "config-get", "config-test", "list-commands",
                                "shutdown",     "status-get", "version-get"};
        if (reload_) {
            names.push_back("config-reload");
            std::sort(names.begin(), names.end());
        }
        return successAnswer("", names);
    }
    if (name == "config-test") {
        if (!args.is_object() || !args.contains("Control-agent")) {
            return errorAnswer("Missing mandatory 'Control-agent' parameter.");
        }
        try {
            AgentConfig::fromText(args.dump(), "<wire>");
            return successAnswer("Configuration check successful");
        } catch (const std::exception& e) {
            return errorAnswer(e.what());
        }
    }
    if (name == "config-reload" && reload_) {
        std::string error = reload_();
        return error.empty() ? successAnswer("Configuration applied successfully.")
                             : errorAnswer("Config reload failed: " + error);
    }
    if (name == "status-get") {
        auto up = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::steady_clock::now() - started_)
                      .count();
        return successAnswer(
            "", {{"pid", static_cast<int64_t>(::getpid())}, {"uptime", up}, {"reload", up}});
    }
    if (name == "version-get") {
        return successAnswer(versionText(), {{"extended", extendedVersionText()}});
    }
    if (name == "build-report") {
        return successAnswer(buildReportText());
    }
    if (name == "config-get") {
        return successAnswer("", std::atomic_load(&config_)->raw);
    }
    if (name == "shutdown") {
        if (onShutdown_) {
            onShutdown_();
        }
        return successAnswer("Control Agent is shutting down");
    }
    return makeAnswer(CommandResult::Unsupported,
                      "'" + name + "' command not supported." + kNoServiceHint);
}

} // namespace kahu
