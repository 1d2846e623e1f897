// journalctl's text renderings beyond short and short-precise: short-iso, short-iso-precise,
// short-full, short-monotonic, short-unix (ConsoleFramer), verbose (JournalVerboseFramer), and the
// "-- Boot <id> --" separators between boots. The line shapes are journalctl 252's output for a
// journal built with systemd-journal-remote (see journal_conformance_test.cc for the real run).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/input/boot_segmenter.h"
#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/framers/format.h"
#include "analyzer/input/framers/journal_fields.h"
#include "analyzer/input/framers/journal_verbose_framer.h"
#include "pipeline_run.h"

namespace kdiag {
namespace {

using testing::FrameText;

std::vector<Record> Console(std::string_view text) {
  ConsoleFramer framer("j.log");
  return FrameText(&framer, text);
}

// Boot indexes as the pipeline assigns them.
std::vector<int> Boots(std::vector<Record>* records, int* count) {
  BootSegmenter segmenter;
  std::vector<int> boots;
  for (Record& r : *records) {
    segmenter.Assign(&r);
    boots.push_back(r.boot);
  }
  *count = segmenter.boots();
  return boots;
}

TEST(JournalctlShort, IsoStampsWithStrftimeZone) {
  std::vector<Record> r = Console(
      "2025-11-03T18:54:01+0100 dom0 kernel: Linux version 6.1.0\n"
      "2025-11-03T18:54:44.052271+0100 dom0 kernel: pciback 0000:13:04.0: x\n"
      "                                             second line\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].wall_time, "2025-11-03T18:54:01+0100");
  EXPECT_EQ(r[0].host, "dom0");
  EXPECT_TRUE(r[0].boot_marker);
  EXPECT_EQ(r[1].wall_time, "2025-11-03T18:54:44.052271+0100");
  EXPECT_EQ(r[1].text, "pciback 0000:13:04.0: x\nsecond line");
}

TEST(JournalctlShort, FullAndUnix) {
  std::vector<Record> r = Console(
      "Mon 2025-11-03 18:54:01 CET dom0 kernel: full\n"
      "1762192441.000000 dom0 libxl: unix\n"
      "Tue 2025-11-04 01:00:00 +03 dom0 kernel: numeric zone\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].wall_time, "Mon 2025-11-03 18:54:01 CET");
  EXPECT_EQ(r[0].text, "full");
  EXPECT_EQ(r[0].source, Source::kKernel);
  EXPECT_EQ(r[1].wall_time, "1762192441.000000");
  EXPECT_EQ(r[1].source, Source::kUserspace);
  EXPECT_EQ(r[1].program, "libxl");
  EXPECT_EQ(r[1].text, "unix");
  EXPECT_EQ(r[2].wall_time, "Tue 2025-11-04 01:00:00 +03");
  // A number is a short-unix stamp only with "host tag: " after it.
  std::vector<Record> text = Console("3.141592 is pi\n");
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0].text, "3.141592 is pi");
  EXPECT_TRUE(text[0].wall_time.empty());
}

TEST(JournalctlShort, MonotonicNeedsTheKernelTagFirst) {
  // Kernel console text whose device name reads like "host tag: " stays kernel text.
  std::vector<Record> console = Console("[    1.500000] usb 1-1: new high-speed USB device\n");
  ASSERT_EQ(console.size(), 1u);
  EXPECT_EQ(console[0].text, "usb 1-1: new high-speed USB device");
  EXPECT_TRUE(console[0].host.empty());

  std::vector<Record> r = Console(
      "[    0.000000] dom0 kernel: Linux version 6.1.0\n"
      "[   43.052271] dom0 kernel: pciback 0000:13:04.0: x\n"
      "[   44.000000] dom0 libxl: from a program\n"
      "[   45.000000 <    1.000000>] dom0 kernel: short-delta\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].host, "dom0");
  EXPECT_EQ(*r[0].time_us, 0);
  EXPECT_TRUE(r[0].boot_marker);
  EXPECT_EQ(*r[1].time_us, 43052271);
  EXPECT_EQ(r[1].text, "pciback 0000:13:04.0: x");
  EXPECT_TRUE(r[1].wall_time.empty());
  EXPECT_EQ(r[2].source, Source::kUserspace);
  EXPECT_EQ(r[2].program, "libxl");
  EXPECT_EQ(*r[3].time_us, 45000000);
  EXPECT_EQ(r[3].text, "short-delta");
}

TEST(JournalctlSeparators, BootSeparatorsStartBoots) {
  std::vector<Record> r = Console(
      "-- Journal begins at Mon 2025-11-03 18:54:01 CET, ends at Mon 2025-11-03 19:54:02 CET. --\n"
      "Nov 03 18:54:01 dom0 kernel: Linux version 6.1.0\n"
      "Nov 03 18:54:44 dom0 kernel: one\n"
      "-- Boot 6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8f --\n"
      "Nov 03 19:54:01 dom0 kernel: two\n"
      "Nov 03 19:54:02 dom0 libxl: two more\n"
      "-- Reboot --\n"
      "Nov 03 20:54:01 dom0 kernel: three\n"
      "-- No entries --\n");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_TRUE(r[0].boot_id.empty());
  EXPECT_TRUE(r[2].boot_start);
  EXPECT_EQ(r[2].boot_id, "6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8f");
  EXPECT_EQ(r[3].boot_id, "6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8f");
  EXPECT_FALSE(r[3].boot_start);
  EXPECT_TRUE(r[4].boot_start);
  EXPECT_TRUE(r[4].boot_id.empty());
  int count = 0;
  EXPECT_EQ(Boots(&r, &count), (std::vector<int>{0, 0, 1, 1, 2}));
  EXPECT_EQ(count, 3);
}

TEST(JournalctlSeparators, SeparatorLookalikesAreText) {
  std::vector<Record> r = Console(
      "-- Boot 6b8d --\n"
      "-- Bootstrap --\n"
      "-- Boot 6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8g --\n");
  ASSERT_EQ(r.size(), 3u);
  for (const Record& record : r) EXPECT_FALSE(record.boot_start) << record.text;
  EXPECT_EQ(r[0].text, "-- Boot 6b8d --");
}

TEST(JournalctlSeparators, SeparatorBeforeTheFirstRecordIsNotANewBoot) {
  std::vector<Record> r = Console(
      "-- Boot 5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e --\n"
      "Nov 03 18:54:01 dom0 kernel: Linux version 6.1.0\n");
  int count = 0;
  EXPECT_EQ(Boots(&r, &count), (std::vector<int>{0}));
  EXPECT_EQ(count, 1);
}

constexpr std::string_view kVerbose =
    "-- Journal begins at Mon 2025-11-03 18:54:01 CET. --\n"
    "Mon 2025-11-03 18:54:44.052271 CET [s=cf9ca6a476c548b1aedc4f4f2ffa9f90;i=2;"
    "b=5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e;m=290ecef;t=642b46909ad2f;x=274691de3e0cceeb]\n"
    "    _BOOT_ID=5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e\n"
    "    _HOSTNAME=dom0\n"
    "    _TRANSPORT=kernel\n"
    "    PRIORITY=4\n"
    "    SYSLOG_FACILITY=0\n"
    "    MESSAGE=line one\n"
    "            line two\n"
    "-- Boot 6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8f --\n"
    "Mon 2025-11-03 19:54:02.000000 CET [s=cf9ca6a476c548b1aedc4f4f2ffa9f90;i=5;"
    "b=6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8f;m=f4240;t=642b53d1ba680;x=3f600354c359bc6f]\n"
    "    _HOSTNAME=dom0\n"
    "    _TRANSPORT=syslog\n"
    "    SYSLOG_IDENTIFIER=libxl\n"
    "    MESSAGE=libxl msg\n";

TEST(JournalVerbose, FieldsCursorAndContinuations) {
  EXPECT_STREQ(DetectFormat(kVerbose).name, "journal-verbose");
  JournalVerboseFramer framer("v.log");
  std::vector<Record> r = FrameText(&framer, kVerbose);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text, "line one\nline two");
  EXPECT_EQ(r[0].source, Source::kKernel);
  EXPECT_EQ(r[0].level, 4);
  EXPECT_EQ(r[0].facility, 0);
  EXPECT_EQ(r[0].host, "dom0");
  EXPECT_EQ(r[0].boot_id, "5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e");
  EXPECT_EQ(*r[0].time_us, 0x290ecef);  // kernel record: __MONOTONIC_TIMESTAMP from m=
  EXPECT_EQ(r[0].wall_time, "2025-11-03T17:54:44.052271Z");  // t= in UTC
  EXPECT_EQ(r[0].line, 2u);
  EXPECT_EQ(r[0].line_count, 8u);
  EXPECT_EQ(r[1].source, Source::kUserspace);
  EXPECT_EQ(r[1].program, "libxl");
  EXPECT_EQ(r[1].boot_id, "6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8f");  // from the cursor alone
  EXPECT_FALSE(r[1].time_us.has_value());                       // not a kernel record
}

TEST(JournalVerbose, StrayLinesAreUnparsedRecords) {
  JournalVerboseFramer framer("v.log");
  std::vector<Record> r = FrameText(&framer,
                                    "Mon 2025-11-03 18:54:44.052271 CET [s=1;i=2;"
                                    "b=5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e;m=1;t=1;x=1]\n"
                                    "    MESSAGE=kept\n"
                                    "not a field\n"
                                    "    MESSAGE=orphan field\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].text, "kept");
  EXPECT_EQ(r[1].program, kUnparsedProgram);
  EXPECT_EQ(r[1].text, "not a field");
  EXPECT_EQ(r[2].program, kUnparsedProgram);
  EXPECT_EQ(r[2].line, 4u);
}

TEST(JournalVerbose, DetectionNeedsHeaderAndField) {
  EXPECT_FALSE(LooksLikeJournalVerbose("Mon 2025-11-03 18:54:44 CET [s=1;i=2]\n    MESSAGE=x\n"));
  EXPECT_FALSE(LooksLikeJournalVerbose(
      "x [s=1;i=2;b=5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e;m=1;t=1;x=1]\nMESSAGE=x\n"));
  EXPECT_TRUE(LooksLikeJournalVerbose(
      "x [s=1;i=2;b=5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e;m=1;t=1;x=1]\n    MESSAGE=x\n"));
}

TEST(JournalVerbose, ValuesAreBounded) {
  JournalVerboseFramer framer("v.log");
  std::string text =
      "x [s=1;i=2;b=5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e;m=1;t=1;x=1]\n    MESSAGE=start\n";
  std::string cont = "            " + std::string(1000, 'a') + "\n";
  for (int i = 0; i < 3000; ++i) text += cont;
  std::vector<Record> r = FrameText(&framer, text);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_LE(r[0].text.size(), JournalVerboseFramer::kMaxValueBytes);
  EXPECT_EQ(r[0].line_count, 3002u);
}

}  // namespace
}  // namespace kdiag
