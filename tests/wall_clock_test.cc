// WallClock: every stamp shape to RFC 3339 UTC, anchors for kernel-only lines, the suspend gap,
// the live clock; and the timestamps, host and boot id that reach NDJSON.
#include "analyzer/input/wall_clock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "pipeline_run.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

// Local time is UTC inside these tests, so "log-local" stamps have known values.
class WallClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz) saved_ = tz, had_ = true;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    had_ ? setenv("TZ", saved_.c_str(), 1) : unsetenv("TZ");
    tzset();
  }
  std::string saved_;
  bool had_ = false;
};

std::string Parse(std::string_view wall, int year = 0, bool* zoned_out = nullptr) {
  int64_t us = 0;
  bool zoned = false;
  if (!ParseWallTime(wall, year, &us, &zoned)) return "none";
  if (zoned_out) *zoned_out = zoned;
  return FormatRfc3339Utc(us);
}

TEST_F(WallClockTest, EveryStampShape) {
  bool zoned = false;
  // syslog RFC 3339 / RFC 5424 (rsyslog, Debian 12 default)
  EXPECT_EQ(Parse("2025-11-03T18:54:01.123456+01:00", 0, &zoned), "2025-11-03T17:54:01.123456Z");
  EXPECT_TRUE(zoned);
  EXPECT_EQ(Parse("2025-11-03T18:54:01Z"), "2025-11-03T18:54:01.000000Z");
  EXPECT_EQ(Parse("2025-11-03T18:54:01.5-0230"), "2025-11-03T21:24:01.500000Z");
  // dmesg --time-format iso: ',' before the fraction
  EXPECT_EQ(Parse("2009-02-13T23:31:30,123456+00:00"), "2009-02-13T23:31:30.123456Z");
  // dmesg -T (ctime), read in local time
  EXPECT_EQ(Parse("Fri Feb 13 23:31:30 2009", 0, &zoned), "2009-02-13T23:31:30.000000Z");
  EXPECT_FALSE(zoned);
  // RFC 3164 with an inferred year, journalctl short-precise, util-linux reltime's minute
  EXPECT_EQ(Parse("Nov  3 18:54:01", 2022), "2022-11-03T18:54:01.000000Z");
  EXPECT_EQ(Parse("Dec 24 18:54:01.123456", 2022), "2022-12-24T18:54:01.123456Z");
  EXPECT_EQ(Parse("Jan13 18:54", 2023), "2023-01-13T18:54:00.000000Z");
  EXPECT_EQ(Parse("Nov  3 18:54:01"), "none");  // no year known
  // journalctl short-full, short-unix; libvirt; Xen and xend stamps
  EXPECT_EQ(Parse("Mon 2025-11-03 18:54:01 UTC", 0, &zoned), "2025-11-03T18:54:01.000000Z");
  EXPECT_TRUE(zoned);
  EXPECT_EQ(Parse("Mon 2025-11-03 18:54:01 +03"), "2025-11-03T15:54:01.000000Z");
  EXPECT_EQ(Parse("1699034041.123456"), "2023-11-03T17:54:01.123456Z");
  EXPECT_EQ(Parse("2025-11-03 18:54:01.123+0000"), "2025-11-03T18:54:01.123000Z");
  EXPECT_EQ(Parse("2025-11-03 18:54:01 1234"), "2025-11-03T18:54:01.000000Z");
  // garbage and impossible dates
  EXPECT_EQ(Parse("2025-13-03T18:54:01Z"), "none");
  EXPECT_EQ(Parse("2025-02-31 10:00:00"), "none");
  EXPECT_EQ(Parse("Nov 3"), "none");
  EXPECT_EQ(Parse(""), "none");
}

TEST_F(WallClockTest, FormatsRfc3339AndLocal) {
  EXPECT_EQ(FormatRfc3339Utc(1234567890123456), "2009-02-13T23:31:30.123456Z");
  EXPECT_EQ(FormatRfc3339Utc(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatLocalWallTime(1234567890123456), "Fri Feb 13 23:31:30 2009");
}

Record KernelLine(int64_t time_us, std::string text, std::string wall = "", int boot = 0) {
  Record r;
  r.time_us = time_us;
  r.text = std::move(text);
  r.wall_time = std::move(wall);
  r.boot = boot;
  return r;
}

std::string Placed(WallClock* clock, Record r) {
  clock->Place(&r);
  if (!r.timestamp_us) return "none";
  return FormatRfc3339Utc(*r.timestamp_us) + " " + std::string(r.timestamp_source);
}

TEST_F(WallClockTest, KernelLinesTakeTheLatestAnchorOfTheirBoot) {
  WallClock clock;
  EXPECT_EQ(Placed(&clock, KernelLine(500000, "early")), "none");
  // The RTC sets the clock at boot (drivers/rtc/hctosys.c).
  EXPECT_EQ(Placed(&clock, KernelLine(1000000,
                                      "rtc_cmos 00:01: setting system clock to "
                                      "2022-12-13T10:00:00 UTC (1670925600)")),
            "2022-12-13T10:00:00.000000Z anchor");
  EXPECT_EQ(Placed(&clock, KernelLine(3500000, "later")), "2022-12-13T10:00:02.500000Z anchor");
  // A syslog line with a kernel stamp is an anchor too.
  EXPECT_EQ(Placed(&clock, KernelLine(10000000, "x", "2022-12-13T11:00:00Z")),
            "2022-12-13T11:00:00.000000Z log");
  EXPECT_EQ(Placed(&clock, KernelLine(11000000, "y")), "2022-12-13T11:00:01.000000Z anchor");
  // A new boot starts without an anchor.
  EXPECT_EQ(Placed(&clock, KernelLine(12000000, "z", "", 1)), "none");
  // Xen's clock is its own.
  Record xen = KernelLine(11000000, "(XEN) y");
  xen.source = Source::kXen;
  EXPECT_EQ(Placed(&clock, xen), "none");
}

TEST_F(WallClockTest, AfterAResumeDerivedTimesAreApproximate) {
  WallClock clock;
  Placed(&clock, KernelLine(1000000, "a", "2022-12-13T10:00:00Z"));
  EXPECT_EQ(Placed(&clock, KernelLine(2000000, "PM: suspend entry (deep)")),
            "2022-12-13T10:00:01.000000Z anchor");
  EXPECT_EQ(Placed(&clock, KernelLine(2100000, "PM: suspend exit")),
            "2022-12-13T10:00:01.100000Z approximate-after-suspend");
  EXPECT_EQ(Placed(&clock, KernelLine(2200000, "e1000e: link up")),
            "2022-12-13T10:00:01.200000Z approximate-after-suspend");
  // dmesg -T computes its stamp from the kernel's, so it drifts the same way.
  EXPECT_EQ(Placed(&clock, KernelLine(0, "b", "Tue Dec 13 10:00:01 2022")),
            "2022-12-13T10:00:01.000000Z approximate-after-suspend");
  // A stamp of the line's own (syslog) re-anchors.
  Placed(&clock, KernelLine(2400000, "c", "2022-12-13T12:00:00Z"));
  EXPECT_EQ(Placed(&clock, KernelLine(2500000, "d")), "2022-12-13T12:00:00.100000Z anchor");
}

TEST_F(WallClockTest, LiveKernelRecordsUseTheRunningClock) {
  WallClock clock;
  clock.SetLiveKernelClock(true);
  Record r = KernelLine(0, "x");
  struct timespec real, mono;
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  r.time_us = static_cast<int64_t>(mono.tv_sec) * 1000000 + mono.tv_nsec / 1000;
  clock.Place(&r);
  ASSERT_TRUE(r.timestamp_us);
  EXPECT_EQ(r.timestamp_source, "kmsg+clock");
  int64_t now = static_cast<int64_t>(real.tv_sec) * 1000000 + real.tv_nsec / 1000;
  EXPECT_LT(std::llabs(*r.timestamp_us - now), 1000000);  // printed "now": placed at now
}

// NDJSON events of each input shape carry "timestamp" and "timestamp_source".
TEST_F(WallClockTest, EventsOfEveryShapeCarryTimestamps) {
  const std::string ext4 =
      "EXT4-fs error (device sda1): ext4_lookup:1589: inode #2: comm ls: deleted inode "
      "referenced: 1835009";
  struct Case {
    std::string input, timestamp, source;
  };
  std::vector<Case> cases = {
      {"2025-11-03T18:54:01.123456+01:00 host1 kernel: [ 5.000000] " + ext4,
       "2025-11-03T17:54:01.123456Z", "log"},
      {"[Mon Nov  3 18:54:01 2025] " + ext4, "2025-11-03T18:54:01.000000Z", "log-local"},
      {"{\"__REALTIME_TIMESTAMP\":\"1699034041123456\",\"_HOSTNAME\":\"host1\",\"_BOOT_ID\":"
       "\"0123456789abcdef0123456789abcdef\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"" +
           ext4 + "\"}",
       "2023-11-03T17:54:01.123456Z", "journal"},
      {"6,1,1000000,-;rtc_cmos 00:01: setting system clock to 2022-12-13T10:00:00 UTC "
       "(1670925600)\n3,2,5000000,-;" +
           ext4,
       "2022-12-13T10:00:04.000000Z", "anchor"},
  };
  for (const Case& c : cases) {
    testing::RunResult run =
        testing::RunKdiag({"--output", "ndjson", "-"}, "", c.input + "\n", {"TZ=UTC"});
    EXPECT_NE(run.out.find("\"timestamp\":\"" + c.timestamp + "\""), std::string::npos)
        << c.input << "\n"
        << run.out << run.err;
    EXPECT_NE(run.out.find("\"timestamp_source\":\"" + c.source + "\""), std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("\"first_timestamp\":\"" + c.timestamp + "\""), std::string::npos)
        << run.out;
  }
  // RFC 3164: the year from the file's modification time.
  std::string path = testing::TempDir() + "/kern.log";
  testing::WriteFile(path, "Nov  3 18:54:01 host1 kernel: [ 5.000000] " + ext4 + "\n");
  struct timespec times[2] = {{1700000000, 0}, {1700000000, 0}};  // 2023-11-14
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  testing::RunResult run = testing::RunKdiag({"--output", "ndjson", path}, "", "", {"TZ=UTC"});
  EXPECT_NE(run.out.find("\"timestamp\":\"2023-11-03T18:54:01.000000Z\",\"timestamp_source\":"
                         "\"log-local+year\""),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("\"host\":\"host1\""), std::string::npos);
  EXPECT_NE(run.out.find("\"hosts\":[\"host1\"]"), std::string::npos) << run.out;
}

// A console log: the RTC's anchor comes a second into the boot. The event before it takes its
// time from it (input/early_records.h), and so does the one after, also when no --records makes
// kdiag pass over the lines no rule matches (it passed over the RTC line: both were null).
TEST_F(WallClockTest, ConsoleEventsBeforeAndAfterTheFirstAnchorArePlaced) {
  std::string path = testing::TempDir() + "/console.log";
  testing::WriteFile(
      path,
      "[    0.000000] Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) #1 SMP "
      "PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)\n"
      "[    0.100000] tsc: Marking TSC unstable due to clocksource watchdog\n"
      "[    0.900000] x86/mm: Memory block size: 128MB\n"
      "[    1.000000] rtc_cmos 00:00: setting system clock to 2025-11-03T18:54:01 UTC "
      "(1762196041)\n"
      "[    5.000000] e1000e 0000:00:19.0 eth0: NIC Link is Down\n");
  for (bool records : {false, true}) {
    std::vector<std::string> args = {"--no-config", "--output", "ndjson", path};
    if (records) args.push_back("--records");
    testing::RunResult run = testing::RunKdiag(args, "", "", {"TZ=UTC"});
    EXPECT_NE(run.out.find("\"rule\":\"hw.tsc.unstable\""), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("\"first_timestamp\":\"2025-11-03T18:54:00.100000Z\""),
              std::string::npos)
        << records << run.out;
    EXPECT_NE(run.out.find("\"first_timestamp\":\"2025-11-03T18:54:05.000000Z\""),
              std::string::npos)
        << records << run.out;
    EXPECT_EQ(run.out.find("\"timestamp\":null"), std::string::npos) << records << run.out;
  }
}

TEST_F(WallClockTest, TextReportShowsLocalWallTime) {
  testing::RunResult run = testing::RunKdiag(
      {"-"}, "",
      "2025-11-03T18:54:01Z host1 kernel: [ 5.000000] tsc: Marking TSC unstable due to "
      "clocksource watchdog\n",
      {"TZ=Europe/Paris"});
  EXPECT_NE(run.out.find("[Mon Nov  3 19:54:01 2025]"), std::string::npos) << run.out;
}

// /dev/kmsg read live: host and boot id of the running system, times from its clock.
TEST_F(WallClockTest, LiveKmsgEventsCarryHostAndBootId) {
  if (access("/dev/kmsg", R_OK) != 0) GTEST_SKIP() << "no readable /dev/kmsg";
  testing::RunResult run = testing::RunKdiag({"--kmsg", "--output", "ndjson", "--records"});
  ASSERT_EQ(run.status, 0) << run.err;
  std::string boot_id = testing::ReadFile("/proc/sys/kernel/random/boot_id");
  std::string id;
  for (char c : boot_id) {
    if (c != '-' && c != '\n') id.push_back(c);
  }
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_NE(run.out.find("\"boot_id\":\"" + id + "\""), std::string::npos)
      << run.out.substr(0, 2000);
  EXPECT_NE(run.out.find("\"host\":\"" + std::string(host) + "\""), std::string::npos);
  EXPECT_NE(run.out.find("\"timestamp_source\":\"kmsg+clock\""), std::string::npos);
  EXPECT_NE(run.out.find("\"boot_ids\":[\"" + id + "\"]"), std::string::npos);
}

}  // namespace
}  // namespace kdiag
