// SPDX-License-Identifier: MPL-2.0
#include "peer_channel.h"

#include <kahu/kea_json.h>

namespace kahu::ha {

int PeerAnswer::result() const noexcept {
    if (!ok()) {
        return -1;
    }
    auto it = answer.find("result");
    if (it == answer.end() || !it->is_number_integer()) {
        return -1;
    }
    return it->get<int>();
}

PeerAnswer interpretAnswer(unsigned status, const std::string& body) {
    PeerAnswer a;
    // Kea reads \u00xx as the byte xx: a Kea partner sends UTF-8 host names so.
    nlohmann::json parsed = parseKeaText(body, false);
    if (parsed.is_array()) {
        if (parsed.empty()) {
            a.transportError = "list of responses must not be empty";
        } else if (!parsed[0].is_object()) {
            a.transportError = "the first response in the list is not a map";
        } else {
            a.answer = std::move(parsed[0]);
        }
    } else if (parsed.is_object()) {
        std::string text = "HTTP status " + std::to_string(status);
        if (auto it = parsed.find("text"); it != parsed.end() && it->is_string()) {
            text = it->get<std::string>();
        }
        a.answer = {{"result", 1}, {"text", text}};
    } else if (status != 200) {
        a.transportError = "HTTP status " + std::to_string(status);
    } else {
        a.transportError = "the response body is not a JSON list";
    }
    return a;
}

} // namespace kahu::ha
