// SPDX-License-Identifier: MPL-2.0
// What every listener runs on: an io_context driven by one thread the listener owns, and one
// worker thread for the commands, so a slow command never blocks accepts or timeouts.
// Internal header: it pulls in Boost.Asio, include it from .cc files only.
#pragma once

// clang-format off
// First: Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// clang-format on
#include <boost/asio.hpp>
#include <future>
#include <memory>
#include <thread>

namespace kahu {

namespace asio = boost::asio;

/// Runs `call` on the worker thread and resumes the awaiting coroutine with its result. A free
/// coroutine rather than a lambda: GCC 12 miscompiles lambda coroutines whose captures are
/// non-trivial (double destruction).
template <class T, class Call> asio::awaitable<T> callOnWorker(Call call) {
    co_return call();
}

/// Closes an acceptor on the I/O thread that owns it (asio objects are not thread-safe) and
/// waits until it is closed; its accept loop then ends with operation_aborted.
template <class Acceptor> void closeAcceptorOnIoThread(asio::io_context& io, Acceptor& acceptor) {
    std::promise<void> done;
    asio::post(io, [&] {
        boost::system::error_code ec;
        acceptor.close(ec);
        done.set_value();
    });
    done.get_future().wait();
}

class IoRuntime {
public:
    IoRuntime() : work_(asio::make_work_guard(io_)), pool_(1) {}
    ~IoRuntime() { stop(); }

    asio::io_context& io() { return io_; }
    asio::thread_pool& workers() { return pool_; }

    void run() {
        thread_ = std::thread([this] { io_.run(); });
    }

    /// Stops the I/O thread, then abandons queued commands and waits for a running one.
    void stop() {
        if (stopped_) {
            return;
        }
        stopped_ = true;
        work_.reset();
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
        pool_.stop();
        pool_.join();
    }

private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::thread_pool pool_;
    std::thread thread_;
    bool stopped_ = false;
};

} // namespace kahu
