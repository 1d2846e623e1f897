// BootEnds (correlate/boot_ends.h): a boot that ended without a clean shutdown is one finding,
// platform.boot.unclean_end, whether the evidence is a boot change with no shutdown logged or a
// run of NUL bytes where a syslog file's last writes were lost; an orderly end, a panic, a
// kernel-only log or a NUL run at a file's start is none, and a log's text cannot forge one.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;
using testing::RunKdiag;
using testing::TempDir;
using testing::WriteFile;

constexpr char kFirstBoot[] =
    "Mar  3 09:00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 "
    "(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP Debian 6.1.76-1\n"
    "Mar  3 09:00:05 web1 systemd[1]: Started ssh.service - OpenBSD Secure Shell server.\n"
    "Mar  3 09:58:00 web1 CRON[3021]: (root) CMD (command -v debian-sa1 > /dev/null)\n";
constexpr char kNextBoot[] =
    "Mar  3 10:05:09 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 "
    "(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP Debian 6.1.76-1\n"
    "Mar  3 10:05:12 web1 systemd[1]: Started ssh.service - OpenBSD Secure Shell server.\n";

// The NDJSON of kdiag on `log`.
std::string Ndjson(const std::string& log, std::vector<std::string> extra = {}) {
  std::string dir = TempDir();
  WriteFile(dir + "/messages", log);
  std::vector<std::string> args = {"--no-config", "--output", "ndjson"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(dir + "/messages");
  testing::RunResult r = RunKdiag(args);
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

size_t UncleanFindings(const std::string& out) {
  return Count(out, "\"type\":\"finding\",\"rule\":\"platform.boot.unclean_end\"");
}

TEST(BootEnds, ABootFollowedByAnotherWithoutShutdownIsAFinding) {
  std::string out = Ndjson(std::string(kFirstBoot) + kNextBoot);
  EXPECT_EQ(UncleanFindings(out), 1u) << out;
  EXPECT_NE(out.find("\"evidence\":\"no shutdown or reboot was logged\",\"last_line\":\"3\","
                     "\"last_time\":\"Mar  3 09:58:00\""),
            std::string::npos)
      << out;
  // Placed at the next boot's first line (line 4), in that boot.
  EXPECT_NE(out.find("\"rule\":\"platform.boot.unclean_end\",\"severity\":\"warning\""),
            std::string::npos);
  EXPECT_EQ(Count(out, "\"boot\":1,\"fields\":{\"evidence\""), 1u) << out;  // the event
  EXPECT_EQ(Count(out, "/messages\",\"line\":4}"), 2u) << out;              // event and finding
}

TEST(BootEnds, AnOrderlyEndIsNone) {
  for (const char* end : {
           "Mar  3 09:59:00 web1 systemd[1]: Reached target shutdown.target - System Shutdown.\n",
           "Mar  3 09:59:00 web1 systemd[1]: Reached target Reboot.\n",
           "Mar  3 09:59:01 web1 systemd-journald[301]: Journal stopped\n",
           "Mar  3 09:59:02 web1 rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" "
           "x-pid=\"644\" x-info=\"https://www.rsyslog.com\"] exiting on signal 15.\n",
           "Mar  3 09:59:02 web1 kernel: [ 3500.100000] reboot: Restarting system\n",
       }) {
    std::string out = Ndjson(std::string(kFirstBoot) + end + kNextBoot);
    EXPECT_EQ(UncleanFindings(out), 0u) << end << out;
    EXPECT_EQ(Count(out, "\"rule\":\"platform.shutdown\""), 1u) << end << out;
  }
}

// The orderly-end messages count near a boot's end only: a user's systemd reaches its own
// "Shutdown" target at logout, rsyslogd exits on signal 15 when restarted.
TEST(BootEnds, AnEndMessageLongBeforeTheBootsEndIsNotItsEnd) {
  std::string busy;
  for (int i = 0; i < 1200; ++i) {
    busy += "Mar  3 09:30:00 web1 CRON[" + std::to_string(4000 + i) + "]: (root) CMD (true)\n";
  }
  std::string logout = "Mar  3 09:20:00 web1 systemd[1480]: Reached target Shutdown.\n";
  std::string out = Ndjson(std::string(kFirstBoot) + logout + busy + kNextBoot);
  EXPECT_EQ(UncleanFindings(out), 1u) << out.substr(out.size() - 3000);
  out = Ndjson(std::string(kFirstBoot) + busy + logout + kNextBoot);
  EXPECT_EQ(UncleanFindings(out), 0u) << out.substr(out.size() - 3000);
}

// A panic says how its boot ended: its own finding, not a second one.
TEST(BootEnds, APanicExplainsTheEnd) {
  std::string out = Ndjson(
      std::string(kFirstBoot) +
      "Mar  3 09:58:30 web1 kernel: [ 3510.000000] Kernel panic - not syncing: Fatal exception\n" +
      kNextBoot);
  EXPECT_EQ(UncleanFindings(out), 0u) << out;
  EXPECT_EQ(Count(out, "\"type\":\"finding\",\"rule\":\"kernel.panic"), 1u) << out;
}

// kern.log, dmesg, `journalctl -k`: the logger stops before the kernel's last words, so a
// kernel-only log cannot show an orderly end, and says nothing about one that is missing.
TEST(BootEnds, KernelOnlyLogsProveNothing) {
  std::string out = Ndjson(
      "Mar  3 09:00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1\n"
      "Mar  3 09:58:00 web1 kernel: [ 3480.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full "
      "Duplex, Flow Control: Rx/Tx\n"
      "Mar  3 10:05:09 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1\n");
  EXPECT_EQ(UncleanFindings(out), 0u) << out;
  out = Ndjson(
      "[    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1\n"
      "[   50.000000] systemd[1]: Started ssh.service.\n"
      "[    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1\n");
  EXPECT_EQ(UncleanFindings(out), 0u) << out;
}

// A syslog file whose last writes were lost reads back as NUL bytes up to where the next boot's
// lines begin: that is evidence even in kern.log; the NUL-prefixed line is still read.
TEST(BootEnds, ANulRunWhereWritesWereLostIsAFinding) {
  std::string log =
      "Mar  3 09:00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1\n"
      "Mar  3 09:58:00 web1 kernel: [ 3480.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full "
      "Duplex, Flow Control: Rx/Tx\n" +
      std::string(4096, '\0') +
      "Mar  3 10:05:09 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1\n"
      "Mar  3 10:05:10 web1 kernel: [    1.000000] e1000e: eth0 NIC Link is Down\n";
  std::string out = Ndjson(log);
  EXPECT_EQ(UncleanFindings(out), 1u) << out;
  EXPECT_NE(out.find("\"evidence\":\"4096 NUL bytes before line 3 (its last writes were lost)\""),
            std::string::npos)
      << out;
  // The line behind the NULs is read: its boot is the second one.
  out = Ndjson(log, {"--records"});
  EXPECT_EQ(Count(out, "\"type\":\"record\""), 4u) << out;
  EXPECT_EQ(Count(out, "\"boot\":1,\"message\":\"Linux version"), 1u) << out;
  // Before the first line: logrotate's copytruncate while the writer kept its offset. No finding.
  out = Ndjson(std::string(512, '\0') + kFirstBoot);
  EXPECT_EQ(UncleanFindings(out), 0u) << out;
  // Inside a line (syslog-ng wrote NULs in place of a host name at start-up, syslog-ng issue
  // 360): no hole where writes were lost.
  out = Ndjson(std::string(kFirstBoot) +
               "Mar  3 09:59:00 web1 syslog-ng[2030]: syslog-ng starting up; version='3.4.8'\n" +
               "Mar  3 09:59:01 " + std::string(40, '\0') +
               " kernel: [    0.000000] Initializing cgroup subsys cpuset\n");
  EXPECT_EQ(UncleanFindings(out), 0u) << out;
}

// journald says the same early in the next boot: one finding, the journald event merged in.
TEST(BootEnds, JournaldsUncleanShutdownIsMergedIn) {
  std::string out =
      Ndjson(std::string(kFirstBoot) + kNextBoot +
             "Mar  3 10:05:13 web1 systemd-journald[392]: File "
             "/var/log/journal/a1b2c3d4e5f6/system.journal corrupted or uncleanly shut down, "
             "renaming and replacing.\n");
  EXPECT_EQ(UncleanFindings(out), 1u) << out;
  EXPECT_EQ(Count(out, "\"type\":\"finding\""), 1u) << out;
  EXPECT_EQ(Count(out, "\"merged\":[{\"rule\":\"platform.unclean_shutdown\""), 1u) << out;
}

// The rule matches only what kdiag writes: the same text in a log is no event.
TEST(BootEnds, ALogCannotForgeIt) {
  std::string out = Ndjson(
      std::string(kFirstBoot) +
      "Mar  3 09:58:01 web1 guest: kdiag: the previous boot ended without a clean shutdown: no "
      "shutdown or reboot was logged; its last line is line 1\n"
      "Mar  3 09:58:02 web1 kernel: [ 3500.100000] reboot: Restarting system\n" +
      kNextBoot);
  EXPECT_EQ(Count(out, "platform.boot.unclean_end"), 0u) << out;
}

// A boot read only in part (--since) is not judged: its end may be outside the window.
TEST(BootEnds, ABootReadInPartIsNotJudged) {
  std::string out = Ndjson(std::string(kFirstBoot) + kNextBoot, {"--boot", "0"});
  EXPECT_EQ(UncleanFindings(out), 0u) << out;
}

}  // namespace
}  // namespace kdiag
