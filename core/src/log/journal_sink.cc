// SPDX-License-Identifier: MPL-2.0
#include "log/journal_sink.h"

#include "log/pattern.h"
#include "log/sinks.h"

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>

namespace kahu::log {

namespace {

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

/// What libsystemd asks for: an AF_UNIX datagram must fit the sender's buffer, so a bigger one
/// lets bigger messages through whole. The kernel caps it at net.core.wmem_max.
constexpr int kSendBuffer = 8 << 20;

/// Bounds the MESSAGE_ID cache: IDs are string literals, so a real server has a few hundred;
/// upper-case first words of messages without an ID must not grow it forever.
constexpr size_t kMaxCachedIds = 4096;

/// One field of the native protocol. A value with a newline cannot be "KEY=value\n": it goes as
/// "KEY\n", its length as 64-bit little-endian, the bytes, "\n". Any other byte is fine in the
/// plain form (journald reads up to the newline).
void appendField(spdlog::memory_buf_t& out, std::string_view key, std::string_view value) {
    out.append(key.data(), key.data() + key.size());
    if (value.find('\n') == std::string_view::npos) {
        out.push_back('=');
    } else {
        out.push_back('\n');
        const uint64_t size = value.size();
        for (int i = 0; i < 8; ++i) {
            out.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
        }
    }
    out.append(value.data(), value.data() + value.size());
    out.push_back('\n');
}

void appendField(spdlog::memory_buf_t& out, std::string_view key, uint64_t value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    appendField(out, key, std::string_view(buf, static_cast<size_t>(end - buf)));
}

class PriorityPrefixFormatter final : public spdlog::formatter {
public:
    explicit PriorityPrefixFormatter(std::unique_ptr<spdlog::formatter> inner)
        : inner_(std::move(inner)) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const char prefix[] = {'<', static_cast<char>('0' + syslogPriority(msg.level)), '>'};
        dest.append(prefix, prefix + sizeof prefix);
        inner_->format(msg, dest);
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<PriorityPrefixFormatter>(inner_->clone());
    }

private:
    std::unique_ptr<spdlog::formatter> inner_;
};

bool parseDecimal(std::string_view s, uint64_t& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

} // namespace

std::string journalSocketPath() {
    const char* path = std::getenv("KAHU_JOURNAL_SOCKET");
    return path && *path ? path : kJournalSocket;
}

std::string_view messageIdOf(std::string_view text) noexcept {
    const auto word = text.substr(0, text.find_first_of(" \t\r\n"));
    if (word.size() < 2 || word[0] < 'A' || word[0] > 'Z') {
        return {};
    }
    for (const char c : word) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return {};
        }
    }
    return word;
}

std::string journalMessageId(std::string_view id) {
    const std::string input = "kahu:" + std::string(id);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1 ||
        length < 16) {
        return ""; // the field is left out; the message itself still goes
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(32);
    for (int i = 0; i < 16; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
    }
    return hex;
}

bool journalStreamMatches(const char* journalStream, const struct stat& st) noexcept {
    if (!journalStream) {
        return false;
    }
    const std::string_view value(journalStream);
    const auto colon = value.find(':');
    uint64_t dev = 0;
    uint64_t ino = 0;
    return colon != std::string_view::npos && parseDecimal(value.substr(0, colon), dev) &&
           parseDecimal(value.substr(colon + 1), ino) && dev == static_cast<uint64_t>(st.st_dev) &&
           ino == static_cast<uint64_t>(st.st_ino);
}

bool isJournalStream(int fd) noexcept {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && journalStreamMatches(std::getenv("JOURNAL_STREAM"), st);
}

bool underJournald(const char* journalStream, const char* invocationId,
                   bool socketExists) noexcept {
    const bool service = (journalStream && *journalStream) || (invocationId && *invocationId);
    return service && socketExists;
}

bool underJournald() noexcept {
    struct stat st {};
    bool socketExists = false;
    try {
        socketExists = ::stat(journalSocketPath().c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
    } catch (...) { // std::bad_alloc from the path: then we do not know, so say no
    }
    return underJournald(std::getenv("JOURNAL_STREAM"), std::getenv("INVOCATION_ID"), socketExists);
}

std::unique_ptr<spdlog::formatter> withPriorityPrefix(std::unique_ptr<spdlog::formatter> inner) {
    return std::make_unique<PriorityPrefixFormatter>(std::move(inner));
}

JournalSink::JournalSink(std::string ident, std::string socketPath)
    : spdlog::sinks::base_sink<std::mutex>(makeFormatter(kDefaultJournalPattern)),
      ident_(std::move(ident)), path_(std::move(socketPath)) {
    // A failure here is retried on the next message: a configuration that names the journal
    // should not fail because of a momentary fd shortage.
    openSocket();
}

bool JournalSink::openSocket() {
    // Nonblocking: a full journald queue must cost the logging thread (maybe the packet path)
    // a dropped message, not a wait. Unconnected: sendmsg() names the socket each time, so a
    // journald that went away and came back is found again.
    fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd_) {
        return false;
    }
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDBUF, &kSendBuffer, sizeof kSendBuffer);
    return true;
}

int JournalSink::send(const spdlog::memory_buf_t& message, const spdlog::memory_buf_t& rest) {
    if (!fd_ && !openSocket()) {
        return errno;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path) {
        return ENAMETOOLONG;
    }
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    iovec iov[2] = {{const_cast<char*>(message.data()), message.size()},
                    {const_cast<char*>(rest.data()), rest.size()}};
    msghdr mh{};
    mh.msg_name = &addr;
    mh.msg_namelen = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size() + 1);
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    for (;;) {
        if (::sendmsg(fd_.get(), &mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
            return 0;
        }
        if (errno != EINTR) {
            return errno;
        }
    }
}

const std::string& JournalSink::cachedMessageId(std::string_view id) {
    if (auto it = messageIds_.find(std::string(id)); it != messageIds_.end()) {
        return it->second;
    }
    if (messageIds_.size() >= kMaxCachedIds) {
        messageIds_.clear();
    }
    return messageIds_.emplace(std::string(id), journalMessageId(id)).first->second;
}

void JournalSink::lost(int err) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    ++droppedUnreported_;
    // A full queue is load: journald catches up and the next message says how many were lost.
    // Anything else means journald is not there or refuses us, which the operator must hear
    // about once (on stderr, which systemd collects too), not once per message.
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || warned_) {
        return;
    }
    warned_ = true;
    const std::string reason = std::error_code(err, std::generic_category()).message();
    std::fprintf(stderr, "kahu: journal output: cannot send to %s: %s; its messages are lost\n",
                 path_.c_str(), reason.c_str());
}

void JournalSink::sink_it_(const spdlog::details::log_msg& msg) {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string_view text(formatted.data(), formatted.size());
    while (!text.empty() && text.back() == '\n') { // journald ends the record itself
        text.remove_suffix(1);
    }
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    const auto dot = logger.find('.');
    const std::string_view id = messageIdOf({msg.payload.data(), msg.payload.size()});

    // MESSAGE and the rest go as two pieces of one datagram, so a MESSAGE too large can be
    // shortened without building the other fields again.
    spdlog::memory_buf_t rest;
    appendField(rest, "PRIORITY", static_cast<uint64_t>(syslogPriority(msg.level)));
    appendField(rest, "SYSLOG_FACILITY", uint64_t{1}); // LOG_USER, as Kea's syslog output
    appendField(rest, "SYSLOG_IDENTIFIER", ident_);
    appendField(rest, "TID", static_cast<uint64_t>(msg.thread_id));
    appendField(rest, "KAHU_LOGGER", logger);
    appendField(rest, "KAHU_COMPONENT",
                dot == std::string_view::npos ? logger : logger.substr(dot + 1));
    appendField(rest, "KAHU_SEVERITY", keaLevelName(msg.level));
    if (!id.empty()) {
        appendField(rest, "KAHU_MESSAGE_ID", id);
        if (const auto& journalId = cachedMessageId(id); !journalId.empty()) {
            appendField(rest, "MESSAGE_ID", journalId);
        }
    }
    if (droppedUnreported_ > 0) {
        appendField(rest, "KAHU_DROPPED", droppedUnreported_);
    }
    spdlog::memory_buf_t message;
    appendField(message, "MESSAGE", text);

    int err = send(message, rest);
    // Too large for one datagram: EMSGSIZE past the send buffer, ENOBUFS when the kernel cannot
    // allocate the datagram in one piece (libsystemd takes both as "too large" and passes the
    // message in a memfd instead). Keep the start of MESSAGE, halving until it fits, and record
    // the original length. Cuts fall on a UTF-8 character boundary so journalctl still shows
    // text, not a blob.
    std::string_view kept = text;
    while ((err == EMSGSIZE || err == ENOBUFS) && !kept.empty()) {
        size_t n = kept.size() / 2;
        while (n > 0 && (static_cast<unsigned char>(kept[n]) & 0xC0) == 0x80) {
            --n;
        }
        kept = kept.substr(0, n);
        message.clear();
        appendField(message, "MESSAGE", std::string(kept) + "...");
        appendField(message, "KAHU_MESSAGE_TRUNCATED", static_cast<uint64_t>(text.size()));
        err = send(message, rest);
    }
    if (err == 0) {
        droppedUnreported_ = 0;
    } else {
        lost(err);
    }
}

} // namespace kahu::log
