// SPDX-License-Identifier: MPL-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <spdlog/logger.h>
#include <string>
#include <thread>
#include <vector>

namespace kahu::run_script {

/// Runs the program of libdhcp_run_script.so off the packet path, as Kea's asynchronous mode
/// does: submit() only queues (it never waits for a process), and one thread of the runner
/// starts the programs in the order they were submitted, each as `<program> <hook point>`
/// with exactly the given environment, no shell.
///
/// A program is started through an intermediate child that exits at once, so the program
/// belongs to init (or the nearest subreaper), never to the server: it leaves no zombie
/// whenever it ends, and one that hangs holds neither packets nor a reload nor the shutdown.
/// The program gets the default signal dispositions and an empty signal mask, stdin, stdout
/// and stderr of the server, and no other descriptor.
class ScriptRunner {
public:
    /// `program` must be an absolute path (the caller checked it). At most `maxQueued`
    /// runs wait to be started; beyond that a run is dropped and logged (RUN_SCRIPT_QUEUE_FULL).
    ScriptRunner(std::string program, std::shared_ptr<spdlog::logger> logger,
                 size_t maxQueued = 10000);
    /// Starts what is still queued, then stops the thread. Never waits for a program to end.
    ~ScriptRunner();
    ScriptRunner(const ScriptRunner&) = delete;
    ScriptRunner& operator=(const ScriptRunner&) = delete;

    /// Queues one run. Thread-safe; never blocks on a process.
    void submit(std::string hookPoint, std::vector<std::string> env);
    /// Waits until every run submitted so far has been started (or failed to start), at most
    /// `timeout`. For tests and for a caller that must know.
    bool waitStarted(std::chrono::milliseconds timeout);
    /// Runs that could not start (exec failed, fork failed) or were dropped, so far.
    size_t failures() const;

private:
    struct Job {
        std::string hookPoint;
        std::vector<std::string> env;
    };
    void loop();
    void start(Job& job);

    const std::string program_;
    const std::shared_ptr<spdlog::logger> logger_;
    const size_t maxQueued_;
    mutable std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::deque<Job> queue_;
    bool busy_ = false;
    bool stopping_ = false;
    size_t dropped_ = 0;  ///< dropped since the queue was last full
    size_t failures_ = 0; ///< all time
    std::thread thread_;
};

} // namespace kahu::run_script
