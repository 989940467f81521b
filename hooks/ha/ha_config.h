// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The HA library's configuration: one relationship's "high-availability" entry with Kea's
// keys, defaults and limits (Kea's ha/ha_config_parser.cc), as plain data. ha_config_parser.{h,cc}
// builds it from the hook parameters and enforces the role rules; everything else only
// reads it.
namespace kahu::ha {

enum class HaMode { LoadBalancing, HotStandby, PassiveBackup };
enum class PeerRole { Primary, Secondary, Standby, Backup };
enum class StatePause { Never, Always, Once };

/// TLS material (global or per peer): all three given, or none.
struct TlsFiles {
    std::string trustAnchor;
    std::string certFile;
    std::string keyFile;
    bool empty() const noexcept {
        return trustAnchor.empty() && certFile.empty() && keyFile.empty();
    }
};

struct PeerConfig {
    std::string name;
    std::string url;  ///< as written, "http://192.0.2.1:8000/"
    std::string host; ///< the IP literal from url
    uint16_t port = 0;
    bool https = false;
    PeerRole role = PeerRole::Primary;
    bool autoFailover = true;
    std::string basicAuthUser;     ///< empty = no Authorization header
    std::string basicAuthPassword; ///< from basic-auth-password or -password-file
    TlsFiles tls;                  ///< per-peer values, else the global ones
};

struct StatePauseConfig {
    std::string state; ///< wire name, "load-balancing"
    StatePause pause = StatePause::Never;
};

struct HaConfig {
    std::string thisServerName;
    HaMode mode = HaMode::LoadBalancing;
    std::chrono::milliseconds heartbeatDelay{10000};
    std::chrono::milliseconds maxResponseDelay{60000};
    std::chrono::milliseconds maxAckDelay{10000};
    uint32_t maxUnackedClients = 10;
    uint32_t maxRejectedLeaseUpdates = 10;
    uint32_t delayedUpdatesLimit = 0; ///< default 100 in load-balancing, 0 otherwise
    bool sendLeaseUpdates = true;
    bool syncLeases = true;
    std::chrono::milliseconds syncTimeout{60000};
    uint32_t syncPageLimit = 10000;
    bool waitBackupAck = false;
    bool requireClientCerts = true;
    bool restrictCommands = false;
    TlsFiles tls; ///< global
    struct MultiThreading {
        bool enable = false; ///< Kea 2.2 default; 2.4+ defaults to true
        bool dedicatedListener = false;
        uint32_t listenerThreads = 0; ///< 0 = the DHCP thread count
        uint32_t clientThreads = 0;
    } multiThreading;
    std::vector<StatePauseConfig> statePauses;
    std::vector<PeerConfig> peers; ///< in configuration order

    const PeerConfig& thisServer() const;
    /// The non-backup partner (LB: the other of primary/secondary; HS: the other of
    /// primary/standby); nullopt for a backup server or passive-backup.
    const PeerConfig* partner() const;
    const PeerConfig* peer(const std::string& name) const;
};

} // namespace kahu::ha
