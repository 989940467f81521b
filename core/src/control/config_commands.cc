// SPDX-License-Identifier: MPL-2.0
// config-get, config-hash-get, config-reload, config-set, config-test, config-write.
#include "control/builtin_commands.h"
#include "control/config_json.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <kahu/command/answer.h>
#include <kahu/kea_json.h>

namespace kahu::control {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kConfigSuccessful = "Configuration successful.";
constexpr std::string_view kConfigSane =
    "Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were "
    "sanity checked, but not applied.";

// config-set / config-test argument checks (ctrl_dhcp4_srv.cc): "" when usable.
std::string checkConfigArguments(const json& args) {
    if (args.is_null()) {
        return "Missing mandatory 'arguments' parameter.";
    }
    auto dhcp4 = args.find("Dhcp4");
    if (dhcp4 == args.end()) {
        return "Missing mandatory 'Dhcp4' parameter.";
    }
    if (!dhcp4->is_object()) {
        return "'Dhcp4' parameter expected to be a map.";
    }
    std::string message;
    for (const auto& [key, value] : args.items()) {
        if (key == "Dhcp4") {
            continue;
        }
        if (message.empty()) {
            message = "Unsupported '" + key + "' parameter";
        } else {
            message += " (and '" + key + "')";
        }
    }
    if (!message.empty()) {
        message += ".";
    }
    return message;
}

json runningConfig(const ControlHost& host) {
    return configToJson(*host.config());
}

json configSetOrTest(ControlHost& host, const json& args, bool checkOnly) {
    if (!args.is_null() && !args.is_object()) {
        return nonMapArgumentsAnswer();
    }
    if (std::string problem = checkConfigArguments(args); !problem.empty()) {
        return errorAnswer(problem);
    }
    if (std::string error = host.applyJson(args, checkOnly); !error.empty()) {
        return errorAnswer(error);
    }
    if (checkOnly) {
        return successAnswer(kConfigSane);
    }
    return successAnswer(kConfigSuccessful, {{"hash", configHash(runningConfig(host))}});
}

// Kea >= 2.6.3 writes only next to the -c file, so that a control-channel user cannot write
// arbitrary files with the server's privileges. KAHU_CONFIG_WRITE_ANY=1 lifts the limit.
// Returns the path to write, or throws the reason.
std::string checkWritePath(const std::string& requested, const std::string& configFile) {
    fs::path file(requested);
    fs::path configDir = fs::path(configFile).parent_path();
    if (!file.has_parent_path()) {
        file = configDir / file; // a bare name goes next to the config file
    }
    const char* any = std::getenv("KAHU_CONFIG_WRITE_ANY");
    if (any != nullptr && std::string_view(any) == "1") {
        return file.string();
    }
    std::error_code ec;
    auto canonicalDir = [&ec](const fs::path& dir) {
        return fs::weakly_canonical(dir.empty() ? fs::path(".") : dir, ec);
    };
    if (canonicalDir(file.parent_path()) != canonicalDir(configDir) || ec) {
        throw std::runtime_error("not allowed to write config into " + requested + ": file " +
                                 requested + " must be in the same directory as the config file (" +
                                 configFile + ")");
    }
    return file.string();
}

json configWrite(ControlHost& host, const json& args) {
    std::string filename;
    if (!args.is_null()) {
        if (!args.is_object()) {
            return errorAnswer("Argument must be a map");
        }
        if (auto it = args.find("filename"); it != args.end()) {
            if (!it->is_string()) {
                return errorAnswer("passed parameter 'filename' is not a string");
            }
            filename = it->get<std::string>();
        }
    }
    const std::string configFile = host.configFile();
    if (filename.empty()) {
        filename = configFile;
    }
    if (filename.empty()) {
        return errorAnswer("Unable to determine filename.Please specify filename explicitly.");
    }
    std::string path;
    try {
        path = checkWritePath(filename, configFile);
    } catch (const std::exception& e) {
        return errorAnswer(e.what());
    }

    // Kahu's layout (one member per line, nlohmann's) with Kea's numbers and escapes, and UTF-8
    // text as it is, which Kahu's configuration reader and Kea's both read back unchanged.
    std::string text = keaTextIndented(runningConfig(host), 2) + "\n";
    std::ofstream out(path, std::ios::trunc | std::ios::binary);
    if (!out.good()) {
        return errorAnswer("Error during write-config: Unable to open file " + path +
                           " for writing");
    }
    out << text;
    out.close();
    if (!out) {
        return errorAnswer("Error writing configuration to " + path);
    }
    return successAnswer("Configuration written to " + path + " successful",
                         {{"filename", path}, {"size", text.size()}});
}

} // namespace

void registerConfigCommands(CommandRegistry& registry, ControlHost& host) {
    registry.add("config-get", [&host](const json&) {
        json config = runningConfig(host);
        std::string hash = configHash(config);
        config["hash"] = hash; // beside "Dhcp4", as Kea 2.4+ does
        return successAnswer("", std::move(config));
    });
    registry.add("config-hash-get", [&host](const json&) {
        return successAnswer("", {{"hash", configHash(runningConfig(host))}});
    });
    registry.add("config-reload", [&host](const json&) {
        if (std::string error = host.reloadFromFile(); !error.empty()) {
            return errorAnswer("Config reload failed: configuration error using file '" +
                               host.configFile() + "': " + error);
        }
        return successAnswer(kConfigSuccessful, {{"hash", configHash(runningConfig(host))}});
    });
    registry.add("config-set",
                 [&host](const json& args) { return configSetOrTest(host, args, false); });
    registry.add("config-test",
                 [&host](const json& args) { return configSetOrTest(host, args, true); });
    registry.add("config-write", [&host](const json& args) { return configWrite(host, args); });
}

} // namespace kahu::control
