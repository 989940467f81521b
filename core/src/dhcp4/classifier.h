// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <kahu/config/server_config.h>
#include <kahu/dhcp/packet4.h>
#include <string_view>
#include <vector>

namespace kahu {

/// Kea's classification steps (ARM "Classification Steps") over a configuration's
/// client-classes. The query's class list (Packet4::classes) is the result: the order classes
/// joined in is the order their options and fixed fields take precedence in.
///
///  1. On arrival, after ALL and VENDOR_CLASS_*: each class with a test that is neither
///     only-if-required nor KNOWN-dependent, in configuration order (onArrival).
///  2. After the subnet is selected and the reservation looked up: KNOWN or UNKNOWN, the
///     reservation's client-classes, then the KNOWN-dependent classes (afterHostLookup).
///  3. After the address is chosen: the classes the shared network, the subnet and the pool
///     require, in that order; one without a test is joined unconditionally (required).
/// A query in DROP after step 1 or 2 is dropped (dropped()).
///
/// Holds a reference to its configuration; safe for concurrent use.
class Classifier {
public:
    explicit Classifier(const ServerConfig& config) noexcept : config_(config) {}

    void onArrival(Packet4& query) const;
    void afterHostLookup(Packet4& query, const Reservation* reservation) const;
    void required(Packet4& query, const Subnet& subnet, const Pool* pool) const;
    /// The query is in the special class DROP.
    static bool dropped(const Packet4& query) noexcept { return query.inClass("DROP"); }

    /// The definitions of the query's classes, in the order the query joined them (classes
    /// without a definition, e.g. ALL or a hook's, are left out).
    std::vector<const ClientClass*> definitionsOf(const Packet4& query) const;

private:
    void evaluate(Packet4& query, const ClientClass& cls) const;

    const ServerConfig& config_;
};

} // namespace kahu
