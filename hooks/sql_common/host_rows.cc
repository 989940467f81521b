// SPDX-License-Identifier: MPL-2.0
#include "host_rows.h"

#include <cstdlib>
#include <kahu/config/server_config.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace kahu::sql {

namespace {

uint64_t number(const std::optional<std::string>& v) {
    return v ? std::strtoull(v->c_str(), nullptr, 10) : 0;
}

void setIdentifier(Reservation& r, uint64_t type, std::vector<uint8_t> bytes) {
    switch (type) {
    case 0:
        r.hwAddress = HwAddr{1, std::move(bytes)};
        break;
    case 1:
        r.duid = std::move(bytes);
        break;
    case 2:
        r.circuitId = std::move(bytes);
        break;
    case 3:
        r.clientId = std::move(bytes);
        break;
    case 4:
        r.flexId = std::move(bytes);
        break;
    default:
        break;
    }
}

std::vector<std::string> classList(const std::string& list) {
    std::vector<std::string> names;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        std::string name = list.substr(start, comma - start);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (!name.empty()) {
            names.push_back(name);
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return names;
}

std::shared_ptr<Reservation> hostOf(const Row& row, const HostRowFormat& format) {
    auto r = std::make_shared<Reservation>();
    setIdentifier(*r, number(row[2]), format.bytes(row[1]));
    if (row[4] && number(row[4]) != 0) {
        r->ipAddress = Ipv4Address(static_cast<uint32_t>(number(row[4])));
    }
    r->hostname = row[5].value_or(std::string());
    if (row[6] && !row[6]->empty()) {
        r->clientClasses = classList(*row[6]);
    }
    if (row[7] && number(row[7]) != 0) {
        r->nextServer = Ipv4Address(static_cast<uint32_t>(number(row[7])));
    }
    if (row[8] && !row[8]->empty()) {
        r->serverHostname = *row[8];
    }
    if (row[9] && !row[9]->empty()) {
        r->bootFileName = *row[9];
    }
    if (row[10] && !row[10]->empty()) {
        r->userContext = nlohmann::json::parse(*row[10], nullptr, false);
        if (r->userContext.is_discarded()) {
            r->userContext = nullptr;
        }
    }
    return r;
}

} // namespace

std::vector<StoredHost> hostsFromRows(const std::vector<Row>& rows, const HostRowFormat& format,
                                      const ServerAccess* server, spdlog::logger& logger,
                                      const std::string& where) {
    const std::shared_ptr<const ServerConfig> config = server ? server->config() : nullptr;
    const OptionDefinitions& defs =
        config && config->optionDefs ? *config->optionDefs : OptionDefinitions::standard();
    std::vector<StoredHost> out;
    std::shared_ptr<Reservation> r;
    for (const auto& row : rows) {
        const uint64_t id = number(row[0]);
        if (!r || out.back().id != id) {
            r = hostOf(row, format);
            StoredHost h;
            h.id = id;
            h.subnet = static_cast<SubnetId>(number(row[3]));
            h.host = r;
            out.push_back(std::move(h));
        }
        if (!row[11]) {
            continue; // no option (the LEFT JOIN's NULL row)
        }
        OptionData o;
        o.code = static_cast<uint8_t>(number(row[11]));
        o.space = row[14] && !row[14]->empty() ? *row[14] : "dhcp4";
        o.alwaysSend = format.flag(row[15]);
        const OptionDefinition* def = defs.byCode(o.code, o.space);
        o.name = def ? def->name : "";
        try {
            if (row[13] && !row[13]->empty()) {
                o.text = *row[13];
                o.csvFormat = true;
                o.data = encodeOptionData(def, o.text, true);
            } else {
                o.data = format.bytes(row[12]);
                o.csvFormat = false;
            }
        } catch (const std::exception& e) {
            logger.error("{} host {} in {}: option {} left out: {}", format.optionInvalid, id,
                         where, o.code, e.what());
            continue;
        }
        r->options.push_back(std::move(o));
    }
    return out;
}

} // namespace kahu::sql
