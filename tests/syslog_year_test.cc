#include "analyzer/input/prefixes/syslog_year.h"

#include <sys/time.h>

#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "analyzer/input/framers/console_framer.h"
#include "pipeline_run.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

// Local noon of the date, as the reference (syslog stamps are local time).
int64_t LocalNoon(int year, int month, int day) {
  struct tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return static_cast<int64_t>(mktime(&tm));
}

TEST(SyslogYear, FirstStampTakesTheReferenceYear) {
  SyslogYear y(LocalNoon(2026, 11, 23));
  EXPECT_EQ(y.Year(11, 3), 2026);
  EXPECT_EQ(y.Year(11, 23), 2026);
}

TEST(SyslogYear, StampAfterTheReferenceIsLastYear) {
  EXPECT_EQ(SyslogYear(LocalNoon(2026, 11, 23)).Year(12, 1), 2025);
  EXPECT_EQ(SyslogYear(LocalNoon(2026, 11, 23)).Year(11, 25), 2025);
  EXPECT_EQ(SyslogYear(LocalNoon(2026, 11, 23)).Year(11, 24), 2026);  // a day of slack
}

TEST(SyslogYear, DecemberToJanuaryGoesForward) {
  SyslogYear y(LocalNoon(2026, 1, 5));
  EXPECT_EQ(y.Year(12, 30), 2025);
  EXPECT_EQ(y.Year(12, 31), 2025);
  EXPECT_EQ(y.Year(1, 1), 2026);
  EXPECT_EQ(y.Year(1, 4), 2026);
}

TEST(SyslogYear, SmallStepsBackKeepTheYear) {
  SyslogYear y(LocalNoon(2026, 6, 1));
  EXPECT_EQ(y.Year(3, 31), 2026);
  EXPECT_EQ(y.Year(2, 28), 2026);  // out of order, not a new year
  EXPECT_EQ(y.Year(3, 1), 2026);
}

TEST(SyslogYear, MonthDayOfYearlessStamps) {
  int m = 0, d = 0;
  EXPECT_TRUE(YearlessMonthDay("Nov  3 18:54:01", &m, &d));
  EXPECT_EQ(m, 11);
  EXPECT_EQ(d, 3);
  EXPECT_TRUE(YearlessMonthDay("Dec 24 18:54:01.123456", &m, &d));
  EXPECT_EQ(m, 12);
  EXPECT_EQ(d, 24);
  EXPECT_TRUE(YearlessMonthDay("Jan13 18:54", &m, &d));  // util-linux reltime "%b%e %H:%M"
  EXPECT_EQ(d, 13);
  EXPECT_FALSE(YearlessMonthDay("2025-11-03T18:54:01Z", &m, &d));
  EXPECT_FALSE(YearlessMonthDay("Mon 2025-11-03 18:54:01 CET", &m, &d));
  EXPECT_FALSE(YearlessMonthDay("Nov 32 18:54:01", &m, &d));
  EXPECT_FALSE(YearlessMonthDay("Nov", &m, &d));
}

TEST(SyslogYear, ConsoleFramerSetsWallYear) {
  ConsoleFramer framer("kern.log");
  framer.SetReferenceTime(LocalNoon(2026, 1, 2));
  std::vector<Record> r = testing::FrameText(&framer,
                                             "Dec 31 23:59:59 dom0 kernel: [ 1.000000] a\n"
                                             "Jan  1 00:00:01 dom0 kernel: [ 3.000000] b\n"
                                             "2026-01-01T00:00:02+00:00 dom0 kernel: c\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].wall_year, 2025);
  EXPECT_EQ(r[1].wall_year, 2026);
  EXPECT_EQ(r[2].wall_year, 0);  // the stamp has its year
}

TEST(SyslogYear, FilesUseTheirModificationTime) {
  std::string path = testing::TempDir() + "/kern.log";
  testing::WriteFile(path, "Dec 30 10:00:00 dom0 kernel: [ 1.000000] x\n");
  struct timeval times[2] = {{LocalNoon(2021, 1, 3), 0}, {LocalNoon(2021, 1, 3), 0}};
  ASSERT_EQ(utimes(path.c_str(), times), 0);
  std::vector<Error> errors;
  testing::PipelineRun run = testing::RunShippedRulesOnPath(path, false, &errors);
  ASSERT_EQ(run.records.size(), 1u);
  EXPECT_EQ(run.records[0].wall_year, 2020);
}

// journalctl's header names the year: a December 2022 journal read in 2025 (on stdin, no mtime)
// is 2022, and its January lines 2023.
TEST(SyslogYear, JournalctlHeaderGivesTheYear) {
  ConsoleFramer framer("-");
  framer.SetReferenceTime(LocalNoon(2025, 12, 2));
  std::vector<Record> r = testing::FrameText(
      &framer,
      "-- Journal begins at Mon 2022-12-05 10:00:00 UTC, ends at Tue 2023-01-03 11:00:00 UTC. --\n"
      "Dec 05 10:00:00 host kernel: a\n"
      "Jan 03 11:00:00 host kernel: b\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].wall_year, 2022);
  EXPECT_EQ(r[1].wall_year, 2023);
  int year = 0, month = 0;
  EXPECT_TRUE(JournalctlHeaderDate(
      "-- Logs begin at Thu 2019-03-07 09:13:01 CET, end at Fri 2019-03-08 10:00:00 CET. --", &year,
      &month));
  EXPECT_EQ(year, 2019);
  EXPECT_EQ(month, 3);
  EXPECT_FALSE(JournalctlHeaderDate("-- Boot 0123456789abcdef0123456789abcdef --", &year, &month));
  EXPECT_FALSE(JournalctlHeaderDate("-- Logs begin at Thu 20x9-03-07 --", &year, &month));
}

}  // namespace
}  // namespace kdiag
