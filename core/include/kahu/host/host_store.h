// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <kahu/config/server_config.h>
#include <kahu/config/source_map.h>
#include <kahu/export.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kahu {

/// One reservation as a host store holds it.
struct StoredHost {
    SubnetId subnet = 0; ///< the subnet it is for; 0 = global
    /// The store's own key, increasing in the order getPage() walks (Kea's host_id).
    uint64_t id = 0;
    std::shared_ptr<const Reservation> host;
};

/// Where reservations are kept besides the configuration file: Kea's "hosts-database" and
/// "hosts-databases", each entry a store of a type a hook library registers ("mysql").
/// The server asks the configuration's own reservations first, then each store in the order
/// the configuration lists them; the first that has the client's reservation wins.
///
/// Threading: every method may be called from several threads at once; an implementation
/// guards its own data. Reads return what was there when asked (a database is read each time
/// unless the store says otherwise). Lookups that fail on the medium throw kahu::StoreError:
/// the query is then dropped, as Kea drops it when its host backend is unavailable.
class KAHU_API HostStore {
public:
    virtual ~HostStore() = default;

    /// The type name from the hosts-database entry ("mysql").
    virtual std::string type() const = 0;
    /// For logs and version-get: the backend and where it is, never a password.
    virtual std::string description() const = 0;
    /// True when the entry says "readonly": the store is only read (add and remove refuse).
    virtual bool readOnly() const noexcept = 0;
    /// True when a call may wait on the network: the server then asks the store from its
    /// worker threads, never from the thread that reads packets.
    virtual bool mayBlock() const noexcept { return true; }

    /// The reservation of one identifier in a subnet (0 = global), or none.
    virtual std::optional<StoredHost> get(SubnetId subnet, IdentifierType type,
                                          const std::vector<uint8_t>& identifier) const = 0;
    /// The reservation of an address in a subnet (0 = global), or none.
    virtual std::optional<StoredHost> getByAddress(SubnetId subnet, Ipv4Address address) const = 0;

    /// Every reservation of a subnet (0 = global), by id.
    virtual std::vector<StoredHost> getAll(SubnetId subnet) const = 0;
    /// Up to `limit` reservations with an id above `after`, by id; of one subnet, or of all
    /// when `subnet` is none.
    virtual std::vector<StoredHost> getPage(std::optional<SubnetId> subnet, uint64_t after,
                                            size_t limit) const = 0;
    /// The reservations whose hostname is `hostname` (case-insensitive), of one subnet or all.
    virtual std::vector<StoredHost> getByHostname(std::string_view hostname,
                                                  std::optional<SubnetId> subnet) const = 0;
    /// The reservations of one identifier, in every subnet.
    virtual std::vector<StoredHost> getById(IdentifierType type,
                                            const std::vector<uint8_t>& identifier) const = 0;
    /// The reservations of an address, of one subnet or all.
    virtual std::vector<StoredHost> getAllByAddress(Ipv4Address address,
                                                    std::optional<SubnetId> subnet) const = 0;

    /// Adds a reservation for `subnet` (0 = global). Throws kahu::Error when the store is
    /// read-only or holds a reservation of the same identifier or address in that subnet
    /// (the message says which), kahu::StoreError when the medium fails.
    virtual void add(SubnetId subnet, const Reservation& host) = 0;
    /// Removes the reservation of an address, or of an identifier, in a subnet; false when
    /// there is none. Throws as add() does.
    virtual bool remove(SubnetId subnet, Ipv4Address address) = 0;
    virtual bool remove(SubnetId subnet, IdentifierType type,
                        const std::vector<uint8_t>& identifier) = 0;
};

/// What a factory gets: one hosts-database entry as written (validated only for "type").
struct HostStoreParams {
    nlohmann::json config;
    bool checkOnly = false; ///< a configuration check (-T, config-test): change nothing
    /// Where config's keys were written, for messages (kahu::hooks::ParamReader reads both).
    std::shared_ptr<const SourceMap> source = nullptr;
    /// "Dhcp4.hosts-database" or "Dhcp4.hosts-databases[<i>]", for messages.
    std::string path;
};

/// Makes a store from its parameters; throws kahu::Error (the message names the bad key).
using HostStoreFactory = std::function<std::unique_ptr<HostStore>(const HostStoreParams&)>;

} // namespace kahu
