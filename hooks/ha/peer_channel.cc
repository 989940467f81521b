// SPDX-License-Identifier: MPL-2.0
#include "peer_channel.h"

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

} // namespace kahu::ha
