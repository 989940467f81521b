// SPDX-License-Identifier: MPL-2.0
#include "script_runner.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <kahu/log.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kahu::run_script {

ScriptRunner::ScriptRunner(std::string program, std::shared_ptr<spdlog::logger> logger,
                           size_t maxQueued)
    : program_(std::move(program)), logger_(std::move(logger)), maxQueued_(maxQueued) {
    thread_ = std::thread([this] { loop(); });
}

ScriptRunner::~ScriptRunner() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void ScriptRunner::submit(std::string hookPoint, std::vector<std::string> env) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= maxQueued_) {
            ++failures_;
            if (dropped_++ == 0) {
                KAHU_WARN(logger_, "RUN_SCRIPT_QUEUE_FULL",
                          "{} runs of {} are waiting to start: the run for {} and the next ones "
                          "are dropped until the queue has room",
                          queue_.size(), program_, hookPoint);
            }
            return;
        }
        queue_.push_back({std::move(hookPoint), std::move(env)});
    }
    wake_.notify_one();
}

bool ScriptRunner::waitStarted(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return queue_.empty() && !busy_; });
}

size_t ScriptRunner::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

void ScriptRunner::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            return; // stopping, and everything submitted has been started
        }
        Job job = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        if (dropped_ != 0 && queue_.empty()) {
            KAHU_WARN(logger_, "RUN_SCRIPT_QUEUE_FULL", "{} runs of {} were dropped", dropped_,
                      program_);
            dropped_ = 0;
        }
        lock.unlock();
        start(job);
        lock.lock();
        busy_ = false;
        if (queue_.empty()) {
            idle_.notify_all();
        }
    }
}

namespace {

// Only async-signal-safe calls from here on: the server is multi-threaded.
[[noreturn]] void execProgram(char* const argv[], char* const envp[], int errorFd, int maxFd) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            ::sigaction(sig, &dfl, nullptr); // fails harmlessly for the reserved ones
        }
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Every descriptor but 0, 1 and 2 closes at exec (the error pipe too). Before Linux 5.11
    // (no CLOSE_RANGE_CLOEXEC) one by one, up to the limit the parent read.
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (int fd = 3; fd < maxFd; ++fd) {
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }
    ::execve(argv[0], argv, envp);
    int err = errno;
    ssize_t n = ::write(errorFd, &err, sizeof err);
    (void)n;
    ::_exit(127);
}

} // namespace

void ScriptRunner::start(Job& job) {
    std::string program = program_;
    std::vector<char*> argv{program.data(), job.hookPoint.data(), nullptr};
    std::vector<char*> envp;
    envp.reserve(job.env.size() + 1);
    for (std::string& e : job.env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    auto fail = [&](const std::string& why) {
        KAHU_ERROR(logger_, "RUN_SCRIPT_START_FAILED", "{} {} could not start: {}", program_,
                   job.hookPoint, why);
        std::lock_guard lock(mutex_);
        ++failures_;
    };
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
        fail(std::string("pipe: ") + std::strerror(errno));
        return;
    }
    const long openMax = ::sysconf(_SC_OPEN_MAX);
    const int maxFd = openMax > 0 && openMax < 65536 ? static_cast<int>(openMax) : 65536;
    // No signal handler of the server may run in the children before they reset them.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t middle = ::fork();
    if (middle == 0) {
        ::close(pipeFds[0]);
        pid_t grandchild = ::fork();
        if (grandchild == 0) {
            execProgram(argv.data(), envp.data(), pipeFds[1], maxFd);
        }
        ::_exit(grandchild < 0 ? 1 : 0);
    }
    const int forkErrno = errno;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    ::close(pipeFds[1]);
    if (middle < 0) {
        ::close(pipeFds[0]);
        fail(std::string("fork: ") + std::strerror(forkErrno));
        return;
    }
    int status = 0;
    while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    // EOF once the program has exec'd (the pipe closes on exec), or its errno when it could
    // not; no wait for the program itself.
    int execErrno = 0;
    ssize_t n;
    while ((n = ::read(pipeFds[0], &execErrno, sizeof execErrno)) < 0 && errno == EINTR) {
    }
    ::close(pipeFds[0]);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
        fail("fork failed");
    } else if (n == static_cast<ssize_t>(sizeof execErrno)) {
        fail(std::strerror(execErrno));
    }
}

} // namespace kahu::run_script
