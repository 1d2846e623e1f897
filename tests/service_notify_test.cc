// The sidecar's notifications to systemd (Type=notify), through the real binary: the test plays
// the service manager, binding the datagram socket that $NOTIFY_SOCKET names (sd_notify(3)) and
// reading what kdiag sends there.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "analyzer/live/sidecar.h"
#include "analyzer/match/matcher.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Background;
using testing::TempDir;
using testing::WriteFile;

// A bound notification socket and $NOTIFY_SOCKET naming it, for as long as it lives.
class NotifySocket {
 public:
  NotifySocket() : path_(TempDir() + "/notify") {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << path_;
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
    unlink(path_.c_str());
  }
  // The next datagram, or "" after `seconds`.
  std::string Next(int seconds = 60) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, seconds * 1000) != 1) return "";
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(ServiceNotify, ReadyOnceTheOutputIsOpenStoppingAtTheEnd) {
  std::string dir = TempDir();
  // A newline in the followed path must not become a second assignment of the message.
  std::string log = dir + "/kern\nMAINPID=1.log";
  WriteFile(log, "[    1.000000] Linux version 6.1.0\n");
  std::string events = dir + "/events.ndjson";
  NotifySocket notify;
  Background kdiag({"--follow", log, "--output-file", events});
  std::string ready = notify.Next();
  EXPECT_EQ(ready, "READY=1\nSTATUS=following " + dir + "/kern MAINPID=1.log");
  // READY=1 promises what a unit ordered after kdiag relies on: the event file exists.
  EXPECT_EQ(access(events.c_str(), F_OK), 0) << events;
  kdiag.Signal(SIGTERM);
  EXPECT_EQ(notify.Next(),
            "STOPPING=1\nSTATUS=input ended: saving the state and writing the summary");
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
}

// A device that cannot be opened is a failed start: READY=1 must not come first (it was sent
// before the open), or systemd would call a sidecar that never reads anything started.
TEST(ServiceNotify, NoReadyWhenTheKmsgDeviceCannotBeOpened) {
  std::string dir = TempDir();
  NotifySocket notify;
  SidecarOptions opt;
  opt.kmsg = true;
  opt.kmsg_device = dir + "/no-such-kmsg";
  opt.output_file = dir + "/events.ndjson";
  std::unique_ptr<Matcher> matcher;
  ASSERT_FALSE(Matcher::Build({}, &matcher));
  std::string complaints;
  int status = RunSidecar(
      opt, std::move(matcher), [](std::unique_ptr<Matcher>*) { return std::optional<Error>(); },
      [&complaints](const std::string& s) { complaints += s + "\n"; });
  EXPECT_EQ(status, 2);
  EXPECT_NE(complaints.find(dir + "/no-such-kmsg: No such file or directory"), std::string::npos)
      << complaints;
  EXPECT_EQ(notify.Next(5).rfind("STOPPING=1", 0), 0u);
  EXPECT_EQ(notify.Next(1), "");
}

}  // namespace
}  // namespace kdiag
