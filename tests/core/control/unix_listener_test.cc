// SPDX-License-Identifier: MPL-2.0
#include "control/unix_client.h"
#include "control/unix_listener.h"
#include "transport_test_util.h"

#include <gtest/gtest.h>
#include <kahu/error.h>
#include <sys/stat.h>
#include <thread>

namespace kahu {

using test::rawUnix;

class UnixListenerTest : public ::testing::Test {
protected:
    test::SocketDir dir;
    std::string sock = dir.path + "/ctrl.sock";
};

TEST_F(UnixListenerTest, AnswersOneCommandThenCloses) {
    UnixListener l(sock, test::echoExecutor());
    l.start();
    auto answer = nlohmann::json::parse(
        sendUnixCommand(sock, "{\"command\": \"version-get\"}", std::chrono::seconds(3)));
    EXPECT_EQ(answer["result"], 0);
    EXPECT_EQ(answer["arguments"]["command"], "version-get");
}

TEST_F(UnixListenerTest, SecondCommandOnTheSameConnectionIsIgnored) {
    UnixListener l(sock, test::echoExecutor());
    l.start();
    std::string out = rawUnix(sock, "{\"command\":\"a\"}{\"command\":\"b\"}");
    auto answer = nlohmann::json::parse(out); // exactly one JSON text, then EOF
    EXPECT_EQ(answer["arguments"]["command"], "a");
}

TEST_F(UnixListenerTest, CommentsAroundTheCommandAreAccepted) {
    UnixListener l(sock, test::echoExecutor());
    l.start();
    auto answer =
        nlohmann::json::parse(rawUnix(sock, "# hi\n{ // x\n \"command\": /* y */ \"c\" }"));
    EXPECT_EQ(answer["arguments"]["command"], "c");
}

TEST_F(UnixListenerTest, InvalidJsonGetsResultOneAndTheListenerKeepsServing) {
    UnixListener l(sock, test::echoExecutor());
    l.start();
    auto bad = nlohmann::json::parse(rawUnix(sock, "{\"command\":\"list-commands\",}"));
    EXPECT_EQ(bad["result"], 1);
    EXPECT_FALSE(bad["text"].get<std::string>().empty());
    auto garbage = nlohmann::json::parse(rawUnix(sock, "garbage\n"));
    EXPECT_EQ(garbage["result"], 1);
    auto notMap = nlohmann::json::parse(rawUnix(sock, "[1, 2]"));
    EXPECT_EQ(notMap["text"],
              "Error during command processing: Invalid command Element specified, expected map");
    auto good = nlohmann::json::parse(rawUnix(sock, "{\"command\":\"x\"}"));
    EXPECT_EQ(good["result"], 0);
}

TEST_F(UnixListenerTest, PartialCommandTimesOutWithKeaText) {
    UnixListenerLimits limits;
    limits.receiveTimeout = std::chrono::milliseconds(200);
    UnixListener l(sock, test::echoExecutor(), limits);
    l.start();
    auto answer = nlohmann::json::parse(rawUnix(sock, "{\"command\": "));
    EXPECT_EQ(answer["result"], 1);
    EXPECT_EQ(answer["text"], "Connection over control channel timed out, discarded partial "
                              "command of 12 bytes");
    auto idle = nlohmann::json::parse(rawUnix(sock, ""));
    EXPECT_EQ(idle["text"], "Connection over control channel timed out");
}

TEST_F(UnixListenerTest, OversizedCommandIsRefused) {
    UnixListenerLimits limits;
    limits.maxRequestBytes = 1000;
    UnixListener l(sock, test::echoExecutor(), limits);
    l.start();
    std::string huge = "{\"command\": \"x\", \"arguments\": {\"a\": \"" + std::string(5000, 'x');
    auto answer = nlohmann::json::parse(rawUnix(sock, huge));
    EXPECT_EQ(answer["result"], 1);
    EXPECT_NE(answer["text"].get<std::string>().find("1000 bytes"), std::string::npos);
}

TEST_F(UnixListenerTest, ConnectionsOverTheLimitAreRefused) {
    UnixListenerLimits limits;
    limits.maxConnections = 1;
    limits.receiveTimeout = std::chrono::milliseconds(1500);
    UnixListener l(sock, test::echoExecutor(), limits);
    l.start();
    int idle = test::connectUnix(sock);
    ASSERT_GE(idle, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto answer = nlohmann::json::parse(rawUnix(sock, "{\"command\":\"x\"}", 1000));
    EXPECT_EQ(answer["text"], "Too many connections over control channel");
    ::close(idle);
}

TEST_F(UnixListenerTest, SocketFileIsOwnerOnly) {
    UnixListener l(sock, test::echoExecutor());
    l.start();
    struct stat st {};
    ASSERT_EQ(::stat(sock.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    l.stop();
    EXPECT_NE(::stat(sock.c_str(), &st), 0) << "stop() removes the socket file";
}

TEST_F(UnixListenerTest, StaleSocketFileIsReplaced) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, sock.c_str(), sizeof(a.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    ::close(fd); // the file stays, nobody listens: what a crash leaves
    UnixListener l(sock, test::echoExecutor());
    ASSERT_NO_THROW(l.start());
    EXPECT_EQ(nlohmann::json::parse(rawUnix(sock, "{\"command\":\"x\"}"))["result"], 0);
}

TEST_F(UnixListenerTest, LiveSocketIsNotTakenOver) {
    UnixListener first(sock, test::echoExecutor());
    first.start();
    UnixListener second(sock, test::echoExecutor());
    EXPECT_THROW(second.start(), Error);
    EXPECT_EQ(nlohmann::json::parse(rawUnix(sock, "{\"command\":\"x\"}"))["result"], 0);
}

TEST_F(UnixListenerTest, PathOutsideTheControlSocketDirIsRefusedNamingBoth) {
    try {
        UnixListener l("/tmp/elsewhere/ctrl.sock", test::echoExecutor());
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        std::string m = e.what();
        EXPECT_NE(m.find("/tmp/elsewhere/ctrl.sock"), std::string::npos) << m;
        EXPECT_NE(m.find(dir.path), std::string::npos) << m;
    }
    UnixListener bare("bare.sock", test::echoExecutor());
    EXPECT_EQ(bare.path(), dir.path + "/bare.sock");
}

TEST_F(UnixListenerTest, ExecutorExceptionBecomesResultOne) {
    UnixListener l(
        sock, [](const nlohmann::json&) -> nlohmann::json { throw std::runtime_error("boom"); });
    l.start();
    auto answer = nlohmann::json::parse(rawUnix(sock, "{\"command\":\"x\"}"));
    EXPECT_EQ(answer["result"], 1);
    EXPECT_EQ(answer["text"], "Error during command processing: boom");
}

} // namespace kahu
