// SPDX-License-Identifier: MPL-2.0
#include "dhcp4/classifier.h"

#include "log/kea_loggers.h"

#include <kahu/log.h>

namespace kahu {

void Classifier::evaluate(Packet4& query, const ClientClass& cls) const {
    if (cls.expression) {
        const char* failure = nullptr;
        if (cls.expression->evaluateBool(query, failure)) {
            query.addClass(cls.name);
        } else if (failure) {
            KAHU_DEBUG(log::dhcp4(), 55, "EVAL_RESULT",
                       "{}: expression of class {} failed to evaluate: {}", query.label(), cls.name,
                       failure);
        }
        return;
    }
    if (cls.templateExpression) {
        // Kea 2.6's template classes: a non-empty value makes the query a member of the
        // template and of the class spawned for that value.
        std::string value = cls.templateExpression->evaluateString(query);
        if (!value.empty()) {
            query.addClass(cls.name);
            query.addClass("SPAWN_" + cls.name + "_" + value);
        }
    }
}

void Classifier::onArrival(Packet4& query) const {
    for (const auto& cls : config_.clientClasses) {
        if (!cls.onlyIfRequired && !cls.dependsOnKnown) {
            evaluate(query, cls);
        }
    }
}

void Classifier::afterHostLookup(Packet4& query, const Reservation* reservation) const {
    if (reservation) {
        query.addClass("KNOWN");
        for (const auto& name : reservation->clientClasses) {
            query.addClass(name);
        }
    } else {
        query.addClass("UNKNOWN");
    }
    for (const auto& cls : config_.clientClasses) {
        if (!cls.onlyIfRequired && cls.dependsOnKnown) {
            evaluate(query, cls);
        }
    }
}

void Classifier::required(Packet4& query, const Subnet& subnet, const Pool* pool) const {
    auto evaluateList = [&](const std::vector<std::string>& names) {
        for (const auto& name : names) {
            const ClientClass* cls = config_.clientClass(name);
            if (!cls) {
                KAHU_DEBUG(log::dhcp4(), 50, "DHCP4_CLASS_UNDEFINED",
                           "required class {} has no definition", name);
                continue;
            }
            if (!cls->expression && !cls->templateExpression) {
                query.addClass(cls->name); // required without a test: always a member
            } else {
                evaluate(query, *cls);
            }
        }
    };
    if (subnet.sharedNetwork >= 0) {
        evaluateList(config_.sharedNetworks[subnet.sharedNetwork].requiredClasses);
    }
    evaluateList(subnet.requiredClasses);
    if (pool) {
        evaluateList(pool->requiredClasses);
    }
}

std::vector<const ClientClass*> Classifier::definitionsOf(const Packet4& query) const {
    std::vector<const ClientClass*> out;
    if (config_.clientClasses.empty()) {
        return out;
    }
    for (const auto& name : query.classes()) {
        if (const ClientClass* cls = config_.clientClass(name)) {
            out.push_back(cls);
        }
    }
    return out;
}

} // namespace kahu
