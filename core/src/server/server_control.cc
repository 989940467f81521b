// SPDX-License-Identifier: MPL-2.0
// kahu::Server, part 3: what the control channel asks of it (ControlHost).
#include "config/config_loader.h"
#include "server/server.h"
#include "server/server_detail.h"

#include <fmt/ranges.h>
#include <future>
#include <kahu/stats.h>

namespace kahu {

using server_detail::loadHooks;
using server_detail::logger;
using server_detail::nowSeconds;

std::shared_ptr<const ServerConfig> Server::config() const {
    auto gen = gen_.load();
    return gen ? gen->config : nullptr;
}

std::string Server::runOnLoop(std::function<std::string()> task) {
    auto promise = std::make_shared<std::promise<std::string>>();
    auto result = promise->get_future();
    {
        std::lock_guard lock(tasksMutex_);
        tasks_.emplace_back([task = std::move(task), promise] {
            try {
                promise->set_value(task());
            } catch (const std::exception& e) {
                promise->set_value(e.what());
            }
        });
    }
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakeFd_.get(), &one, sizeof one);
    return result.get();
}

void Server::applyListeners() noexcept {
    listenersDirty_ = false;
    auto cfg = config();
    try {
        listeners_->apply(cfg->controlSockets);
        KAHU_INFO(logger(), "DHCP4_CONTROL_CHANNEL", "control channel: {}",
                  fmt::join(listeners_->describe(), ", "));
    } catch (const std::exception& e) {
        KAHU_ERROR(logger(), "DHCP4_CONTROL_CHANNEL_FAILED",
                   "control socket could not be (re)opened: {}", e.what());
    }
}

void Server::runLoopTasks() {
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard lock(tasksMutex_);
        tasks.swap(tasks_);
    }
    for (auto& t : tasks) {
        t();
    }
}

std::string Server::reloadFromFile() {
    return runOnLoop([this] { return reload(); });
}

std::string Server::applyJson(const nlohmann::json& top, bool checkOnly) {
    try {
        auto result = config::buildConfig(top, "<wire>");
        if (checkOnly) {
            // config-test: everything but applying; hook libraries are opened and checked.
            ControlListeners::validate(result.config->controlSockets);
            loadHooks(*result.config, hooks::LoadMode::Validate, nullptr)->unload();
            return {};
        }
        return runOnLoop([this, cfg = result.config]() -> std::string {
            try {
                applyConfig(cfg, false);
                return {};
            } catch (const std::exception& e) {
                KAHU_ERROR(logger(), "DHCP4_CONFIG_LOAD_FAIL",
                           "configuration error using file: (config-set), reason: {}; the "
                           "previous configuration stays",
                           e.what());
                return e.what();
            }
        });
    } catch (const std::exception& e) {
        return e.what();
    }
}

void Server::reclaimNow(bool remove) {
    auto gen = gen_.load();
    gen->reclaimer->reclaim(nowSeconds(), remove, true);
}

int64_t Server::uptimeSeconds() const {
    return nowSeconds() - startedAt_;
}

int64_t Server::secondsSinceReload() const {
    return nowSeconds() - configuredAt_;
}

std::vector<std::shared_ptr<HostStore>> Server::hostStores() const {
    auto gen = gen_.load();
    return gen ? gen->hostStores : std::vector<std::shared_ptr<HostStore>>{};
}

ServerAccess::NameChange Server::queueNameChange(bool add, const Lease4& lease) {
    auto cfg = config();
    if (!cfg || !ddns_.enabled()) {
        return NameChange::Disabled;
    }
    return ddns_.queue(add, lease, *cfg);
}

nlohmann::json Server::socketStatus() const {
    auto sockets = sockets_.load();
    if (sockets && !sockets->empty()) {
        return {{"status", "ready"}};
    }
    return {{"status", "failed"}, {"errors", {"no DHCP socket is open"}}};
}

nlohmann::json Server::packetQueueStatistics() const {
    // queue_ is replaced only on the loop thread while the workers are stopped; a command reads
    // it racily at worst between two reconfigurations, which is harmless for averages.
    auto* q = queue_.get();
    if (!q) {
        return nlohmann::json::array({0.0, 0.0, 0.0});
    }
    auto avg = q->averages();
    return nlohmann::json::array({avg[0], avg[1], avg[2]});
}

} // namespace kahu
