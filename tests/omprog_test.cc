// kdiag behind a real rsyslogd (installed by `scripts/setup test`): omprog with
// confirmMessages="on" runs `kdiag --omprog`, which must confirm readiness and every message
// ("OK" lines, rsyslog plugins/omprog/omprog.c) or rsyslog stalls and restarts it. A private
// instance: its own config, imuxsock socket, work directory and pid file under a temp dir.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstring>
#include <string>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;
using testing::ReadFile;
using testing::TempDir;
using testing::WaitFor;
using testing::WriteFile;

constexpr char kRsyslogd[] = "/usr/sbin/rsyslogd";

constexpr char kTickRule[] = R"([[rule]]
id       = "test.omprog.tick"
severity = "notice"
source   = "kernel"
pattern  = '''kdiagtest-(?P<tag>[a-z0-9]+): tick (?P<n>\d+)'''
summary  = "tick {n}"
  [[rule.example]]
  line   = "kdiagtest-abc: tick 1"
  fields = { tag = "abc", n = "1" }
)";

bool SendDatagram(const std::string& socket_path, const std::string& message) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  ssize_t n = sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&addr),
                     sizeof addr);
  close(fd);
  return n == static_cast<ssize_t>(message.size());
}

TEST(Omprog, TwentyMessagesThroughRsyslogAreConfirmedAndBecomeEvents) {
  if (access(kRsyslogd, X_OK) != 0) GTEST_SKIP() << "rsyslogd not installed (scripts/setup test)";
  std::string dir = TempDir(), rules = TempDir();
  WriteFile(rules + "/tick.toml", kTickRule);
  std::string sock = dir + "/log.sock", events = dir + "/events", metrics = dir + "/kdiag.prom";
  std::string tag = "t" + std::to_string(getpid());
  // The ruleset keeps rsyslogd's own messages ("rsyslogd: start") away from kdiag.
  // confirmTimeout: kdiag confirms its start once its rules are compiled, which takes seconds
  // under ASan on a loaded machine, beyond omprog's default 10 s (rsyslog would restart it).
  WriteFile(dir + "/rsyslog.conf",
            "global(workDirectory=\"" + dir +
                "\")\n"
                "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
                "module(load=\"omprog\")\n"
                "ruleset(name=\"kdiag\") {\n"
                "  action(type=\"omprog\" confirmMessages=\"on\" confirmTimeout=\"120000\"\n"
                "         template=\"RSYSLOG_FileFormat\"\n"
                "         output=\"" +
                dir +
                "/kdiag.stderr\"\n"
                "         binary=\"" KDIAG_BINARY " --omprog --rules " +
                rules + " --output-file " + events + " --metrics " + metrics +
                "\")\n"
                "}\n"
                "input(type=\"imuxsock\" Socket=\"" +
                sock + "\" RateLimit.Interval=\"0\" Ruleset=\"kdiag\")\n");
  pid_t pid = fork();
  if (pid == 0) {
    std::string log = dir + "/rsyslogd.out";
    freopen(log.c_str(), "w", stdout);
    freopen(log.c_str(), "a", stderr);
    execl(kRsyslogd, kRsyslogd, "-n", "-f", (dir + "/rsyslog.conf").c_str(), "-i",
          (dir + "/rsyslogd.pid").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  struct stat st;
  bool up = WaitFor([&] { return stat(sock.c_str(), &st) == 0; }, 20);
  for (int i = 1; up && i <= 20; ++i) {
    EXPECT_TRUE(SendDatagram(
        sock, "<5>kernel: [   41.000000] kdiagtest-" + tag + ": tick " + std::to_string(i)));
  }
  bool all = up && WaitFor([&] { return Count(ReadFile(events), "\"type\":\"event\"") == 20; }, 30);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(up) << ReadFile(dir + "/rsyslogd.out");
  ASSERT_TRUE(all) << ReadFile(events) << ReadFile(dir + "/rsyslogd.out")
                   << ReadFile(dir + "/kdiag.stderr");

  // On shutdown rsyslog closes kdiag's stdin: kdiag writes its summary and exits. One summary:
  // kdiag was never restarted for a missing confirmation.
  ASSERT_TRUE(WaitFor([&] { return Count(ReadFile(events), "\"type\":\"summary\"") >= 1; }, 20));
  std::string text = ReadFile(events);
  EXPECT_EQ(Count(text, "\"type\":\"summary\""), 1u) << text;
  EXPECT_NE(text.find("{\"type\":\"summary\",\"records\":20,"), std::string::npos) << text;
  for (int i = 1; i <= 20; ++i) {
    EXPECT_EQ(Count(text, "\"n\":\"" + std::to_string(i) + "\""), 1u) << i;
  }
  EXPECT_EQ(Count(ReadFile(dir + "/rsyslogd.out"), "omprog"), 0u)
      << ReadFile(dir + "/rsyslogd.out");
  std::string m = ReadFile(metrics);
  EXPECT_NE(m.find("\nkdiag_records_total 20\n"), std::string::npos) << m;
  EXPECT_NE(m.find("kdiag_events_total{rule=\"test.omprog.tick\",severity=\"notice\"} 20\n"),
            std::string::npos)
      << m;
}

}  // namespace
}  // namespace kdiag
