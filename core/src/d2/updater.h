// SPDX-License-Identifier: MPL-2.0
// One NameChangeRequest carried out as Kea's D2 does: RFC 4703 conflict resolution (add:
// "name not in use" then "DHCID matches" replace; remove: address, then the rest when the
// DHCID matches, then the PTR) or, when the request turns it off, Kea's simple add/remove.
// Each server of the matched domain gets up to three tries, then the next server.
#pragma once

#include "d2/d2_config.h"
#include "d2/ncr.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kahu::d2 {

/// How one exchange with a DNS server ended (Kea's DNSClient statuses).
enum class ExchangeStatus { Success, Timeout, Other, InvalidResponse };

struct ExchangeResult {
    ExchangeStatus status = ExchangeStatus::Other;
    Bytes answer;
    std::string detail; ///< why, for the log
};

/// Sends one update to one server and waits for the answer (UDP, TCP when truncated).
class DnsTransport {
public:
    virtual ~DnsTransport() = default;
    virtual ExchangeResult exchange(const DnsServer& server, const Bytes& query,
                                    std::chrono::milliseconds timeout) = 0;
};

/// The real one: UDP with TCP fallback when the answer has TC set.
std::unique_ptr<DnsTransport> makeNetworkTransport();

class Updater {
public:
    Updater(std::shared_ptr<const D2Config> config, DnsTransport& transport,
            std::function<uint64_t()> clock = {});

    /// Carries out the request; true when every change it asked for is done.
    bool process(const NameChangeRequest& ncr);
    /// After a false process(): every server of a domain timed out or could not be reached
    /// (none answered, not even wrongly). The request should wait and be tried again; nothing
    /// was logged as failed.
    bool unreachable() const noexcept { return unreachable_; }

    /// Builders, public for the tests (ID 0; the caller sets one).
    static UpdateMessage addForward(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage replaceForward(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage replaceReverse(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage simpleReplaceForward(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage removeForwardAddress(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage removeForwardRrs(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage removeReverse(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage simpleRemoveForward(const NameChangeRequest& n, const std::string& zone);
    static UpdateMessage simpleRemoveReverse(const NameChangeRequest& n, const std::string& zone);

    /// Initialises the global statistics to 0 as Kea 2.2's D2 does on start.
    static void initStatistics(const D2Config& config);

private:
    enum class Step {
        AddFwd,
        ReplaceFwd,
        SimpleFwd,
        ReplaceRev,
        RemoveFwdAddr,
        RemoveFwdRrs,
        RemoveRev,
        SimpleRemoveFwd,
        SimpleRemoveRev,
        // check-exists-with-dhcid (Kea 2.6): some DHCID on the name, not necessarily ours.
        ExistsReplaceFwd,
        ExistsRemoveFwdAddr,
        ExistsRemoveFwdRrs,
        // no-check-without-dhcid (Kea 2.6): the records alone, no DHCID written or removed.
        BareFwd,
        BareRev,
        BareRemoveFwd,
        BareRemoveRev
    };
    enum class Verdict { Done, Failed, Next };
    struct Decision {
        Verdict verdict;
        Step next;
    };

    bool direction(const NameChangeRequest& n, const DdnsDomain& domain, Step first);
    UpdateMessage build(Step step, const NameChangeRequest& n, const std::string& zone) const;
    Decision decide(Step step, int rcode, const NameChangeRequest& n,
                    const DnsServer& server) const;

    std::shared_ptr<const D2Config> config_;
    DnsTransport& transport_;
    std::function<uint64_t()> clock_;
    bool unreachable_ = false;
};

} // namespace kahu::d2
