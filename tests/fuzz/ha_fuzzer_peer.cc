// SPDX-License-Identifier: MPL-2.0
// Part of the HA fuzzer: compiles the HA peer channel here so that the fuzzer reaches
// interpret(), its internal reading of a partner's HTTP answer (status and body) into a
// PeerAnswer. The channel itself (sockets, TLS) is not used.
#include "../../hooks/ha/http_peer_channel.cc"

namespace kahu::ha::wirefuzz {

PeerAnswer interpretAnswer(unsigned status, const std::string& body) {
    return interpret(status, body);
}

} // namespace kahu::ha::wirefuzz
