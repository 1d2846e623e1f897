#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/prefixes/console_prefix.h"
#include "analyzer/input/prefixes/syslog_year.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include "conformance.h"

namespace kdiag {
namespace {

std::vector<Record> FrameLines(const std::vector<std::string>& lines) {
  ConsoleFramer framer("test.log");
  std::vector<Record> out;
  RecordSink sink = [&out](Record&& r) { out.push_back(std::move(r)); };
  uint64_t number = 0;
  for (const std::string& line : lines) framer.Line(line, ++number, sink);
  framer.Finish(sink);
  return out;
}

Record FrameOne(const std::string& line) {
  std::vector<Record> records = FrameLines({line});
  EXPECT_EQ(records.size(), 1u) << line;
  return records.empty() ? Record{} : records[0];
}

// ---- Kernel console / syslog(2) -------------------------------------------------------------

TEST(ConsoleFramerKernel, TimestampAndBootMarker) {
  Record r = FrameOne("[    0.000000] Linux version 6.1.0-13-amd64 (gcc 12)");
  EXPECT_EQ(r.text, "Linux version 6.1.0-13-amd64 (gcc 12)");
  ASSERT_TRUE(r.time_us.has_value());
  EXPECT_EQ(*r.time_us, 0);
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_TRUE(r.boot_marker);
  EXPECT_EQ(r.input, "test.log");
  EXPECT_EQ(r.line, 1u);
  EXPECT_EQ(r.line_count, 1u);
  EXPECT_EQ(r.level, -1);
  EXPECT_EQ(r.facility, -1);
  EXPECT_TRUE(r.wall_time.empty());
}

TEST(ConsoleFramerKernel, WideTimestamp) {
  Record r = FrameOne("[100000.000001] late message");
  ASSERT_TRUE(r.time_us.has_value());
  EXPECT_EQ(*r.time_us, 100000000001);
  EXPECT_EQ(r.text, "late message");
  EXPECT_FALSE(r.boot_marker);
}

TEST(ConsoleFramerKernel, PriorityGivesLevelAndFacility) {
  Record r = FrameOne("<4>[   12.345678] pciback 0000:13:04.0: Driver tried to write");
  EXPECT_EQ(r.level, 4);
  EXPECT_EQ(r.facility, 0);
  EXPECT_EQ(*r.time_us, 12345678);
  EXPECT_EQ(r.text, "pciback 0000:13:04.0: Driver tried to write");
  Record user = FrameOne("<14>[    1.000000] from user");
  EXPECT_EQ(user.level, 6);
  EXPECT_EQ(user.facility, 1);
}

TEST(ConsoleFramerKernel, LevelInsideTheMessageIsStripped) {
  // Before 2.6.37 a printk level was the text "<N>"; one printed after a continuation reached the
  // log as text (2.6.18 show_registers: printk("\n" KERN_EMERG "Stack: ")).
  Record r = FrameOne("[   12.345678] <1>Unable to handle kernel paging request");
  EXPECT_EQ(r.text, "Unable to handle kernel paging request");
  EXPECT_EQ(r.level, 1);
  Record spaced = FrameOne("[   12.345678]  <0>Kernel panic - not syncing: Fatal exception");
  EXPECT_EQ(spaced.text, "Kernel panic - not syncing: Fatal exception");
  // Only a level: "<IRQ>" and "<8>" are text.
  EXPECT_EQ(FrameOne("[   12.345678]  <IRQ>").text, " <IRQ>");
  EXPECT_EQ(FrameOne("[   12.345678] <8>x").text, "<8>x");
}

TEST(ConsoleFramerKernel, PrintkTimeZero) {
  Record r = FrameOne("<6>pci 0000:00:1d.7: [8086:24cd] type 00 class 0x0c0320");
  EXPECT_EQ(r.level, 6);
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_EQ(r.text, "pci 0000:00:1d.7: [8086:24cd] type 00 class 0x0c0320");
  Record plain = FrameOne("Linux version 2.6.18-xen");
  EXPECT_TRUE(plain.boot_marker);
  EXPECT_EQ(plain.text, "Linux version 2.6.18-xen");
}

TEST(ConsoleFramerKernel, CallerIdKernelForms) {
  Record r = FrameOne("<6>[    0.000000][    T1] Linux version 6.6");
  EXPECT_EQ(r.caller, "T1");
  EXPECT_EQ(*r.time_us, 0);
  EXPECT_EQ(r.text, "Linux version 6.6");
  EXPECT_TRUE(r.boot_marker);
  Record cpu = FrameOne("[    5.000001][  C1] on cpu one");
  EXPECT_EQ(cpu.caller, "C1");
  EXPECT_EQ(cpu.text, "on cpu one");
  Record notime = FrameOne("[  T123] no time, caller only");
  EXPECT_EQ(notime.caller, "T123");
  EXPECT_FALSE(notime.time_us.has_value());
  EXPECT_EQ(notime.text, "no time, caller only");
}

TEST(ConsoleFramerKernel, BracketTextIsNotAPrefix) {
  EXPECT_EQ(FrameOne("[mem 0x0000000000000000-0x000000000009efff] usable").text,
            "[mem 0x0000000000000000-0x000000000009efff] usable");
  Record r = FrameOne("[    0.000003] [mem 0x00000000-0x0009efff] usable");
  EXPECT_EQ(r.text, "[mem 0x00000000-0x0009efff] usable");
  EXPECT_EQ(*r.time_us, 3);
  EXPECT_EQ(FrameOne("[ 12.34] two decimals").text, "[ 12.34] two decimals");
  EXPECT_FALSE(FrameOne("[ 12.34] two decimals").time_us.has_value());
  EXPECT_EQ(FrameOne("[    1.000000").text, "[    1.000000");
  EXPECT_EQ(FrameOne("[").text, "[");
  EXPECT_EQ(FrameOne("[    1.000000]x").text, "[    1.000000]x");
  EXPECT_EQ(FrameOne("[Firmware Bug]: TSC doesn't count").text,
            "[Firmware Bug]: TSC doesn't count");
  EXPECT_EQ(FrameOne("[Tx] not a caller").text, "[Tx] not a caller");
  EXPECT_EQ(FrameOne("[1234567890123.000000] too many digits").text,
            "[1234567890123.000000] too many digits");
}

TEST(ConsoleFramerKernel, BadPriorityIsText) {
  Record r = FrameOne("<999>[    1.000000] x");
  EXPECT_EQ(r.text, "<999>[    1.000000] x");
  EXPECT_EQ(r.level, -1);
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_EQ(FrameOne("<6").text, "<6");
  EXPECT_EQ(FrameOne("<>x").text, "<>x");
  EXPECT_EQ(FrameOne("<192>x").text, "<192>x");
  EXPECT_EQ(FrameOne("<191>x").level, 7);
}

TEST(ConsoleFramerKernel, EmptyMessageAfterPrefix) {
  Record r = FrameOne("[    2.000000]");
  EXPECT_EQ(r.text, "");
  EXPECT_EQ(*r.time_us, 2000000);
}

// ---- util-linux dmesg renderings ------------------------------------------------------------

TEST(ConsoleFramerDmesg, Raw) {
  Record r = FrameOne("<30>[    3.250000] systemd[1]: started");
  EXPECT_EQ(r.level, 6);
  EXPECT_EQ(r.facility, 3);
  EXPECT_EQ(*r.time_us, 3250000);
  EXPECT_EQ(r.text, "systemd[1]: started");
}

TEST(ConsoleFramerDmesg, Decode) {
  Record r = FrameOne("kern  :info  : [  216.000000] e1000e: Intel(R) PRO/1000");
  EXPECT_EQ(r.facility, 0);
  EXPECT_EQ(r.level, 6);
  EXPECT_EQ(*r.time_us, 216000000);
  EXPECT_EQ(r.text, "e1000e: Intel(R) PRO/1000");
  Record priv = FrameOne("authpriv:notice: [    1.000000] long facility name");
  EXPECT_EQ(priv.facility, 10);
  EXPECT_EQ(priv.level, 5);
  EXPECT_EQ(priv.text, "long facility name");
  Record local = FrameOne("local7:debug : [    1.000000] x");
  EXPECT_EQ(local.facility, 23);
  EXPECT_EQ(local.level, 7);
  Record res = FrameOne("res3  :warn  : [    1.000000] reserved");
  EXPECT_EQ(res.facility, 15);
  EXPECT_EQ(res.level, 4);
  Record notime = FrameOne("daemon:err   : no time");
  EXPECT_EQ(notime.facility, 3);
  EXPECT_EQ(notime.level, 3);
  EXPECT_EQ(notime.text, "no time");
}

TEST(ConsoleFramerDmesg, DecodeLookalikesAreText) {
  EXPECT_EQ(FrameOne("kern :info  : x").text, "kern :info  : x");
  EXPECT_EQ(FrameOne("kernel:info  : x").text, "kernel:info  : x");
  EXPECT_EQ(FrameOne("kern  :loud  : x").text, "kern  :loud  : x");
  EXPECT_EQ(FrameOne("kern  :info  :x").text, "kern  :info  :x");
}

TEST(ConsoleFramerDmesg, Ctime) {
  Record r = FrameOne("[Fri Feb 13 23:31:30 2009] usb 1-1: new device");
  EXPECT_EQ(r.wall_time, "Fri Feb 13 23:31:30 2009");
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_EQ(r.text, "usb 1-1: new device");
  Record padded = FrameOne("[Tue Mar  3 01:02:03 2015] day padded");
  EXPECT_EQ(padded.wall_time, "Tue Mar  3 01:02:03 2015");
  EXPECT_EQ(padded.text, "day padded");
}

TEST(ConsoleFramerDmesg, Iso) {
  Record r = FrameOne("2009-02-13T23:31:30,123456+00:00 usb 1-1: new device");
  EXPECT_EQ(r.wall_time, "2009-02-13T23:31:30,123456+00:00");
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_TRUE(r.host.empty());
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_EQ(r.text, "usb 1-1: new device");
}

TEST(ConsoleFramerDmesg, DeltaIsNotTimeSinceBoot) {
  Record r = FrameOne("[<    7.000000>] after seven seconds");
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_EQ(r.text, "after seven seconds");
  Record both = FrameOne("[    8.000000 <    7.000000>] show delta");
  EXPECT_EQ(*both.time_us, 8000000);
  EXPECT_EQ(both.text, "show delta");
  Record ctime = FrameOne("[Fri Feb 13 23:31:38 2009 <    7.000000>] ctime delta");
  EXPECT_EQ(ctime.wall_time, "Fri Feb 13 23:31:38 2009");
  EXPECT_EQ(ctime.text, "ctime delta");
}

TEST(ConsoleFramerDmesg, Reltime) {
  Record minute = FrameOne("[Feb13 23:31] first of the minute");
  EXPECT_EQ(minute.wall_time, "Feb13 23:31");
  EXPECT_FALSE(minute.time_us.has_value());
  EXPECT_EQ(minute.text, "first of the minute");
  Record early = FrameOne("[Feb 3 09:05] padded day");
  EXPECT_EQ(early.wall_time, "Feb 3 09:05");
  Record offset = FrameOne("[  +0.000123] soon after");
  EXPECT_FALSE(offset.time_us.has_value());
  EXPECT_TRUE(offset.wall_time.empty());
  EXPECT_EQ(offset.text, "soon after");
  EXPECT_EQ(FrameOne("[ +19.000000] wider").text, "wider");
  // %f in a decimal-comma locale (real: maharmstone/btrfs issue 788's `dmesg -H`, nl/de locale)
  Record comma = FrameOne("[  +0,000002] BTRFS critical (device nvme0n1p2): corrupt leaf");
  EXPECT_FALSE(comma.time_us.has_value());
  EXPECT_EQ(comma.text, "BTRFS critical (device nvme0n1p2): corrupt leaf");
  EXPECT_EQ(FrameOne("[<    7,000000>] comma delta").text, "comma delta");
  EXPECT_EQ(FrameOne("[    8.000000 <    7,000000>] comma suffix").text, "comma suffix");
  // the kernel's own stamp is "%5lu.%06lu", never with a comma: not a stamp
  EXPECT_EQ(FrameOne("[    8,000000] not a stamp").text, "[    8,000000] not a stamp");
}

TEST(ConsoleFramerDmesg, CallerAfterTime) {
  Record r = FrameOne("[    0.000000] [T1] Linux version 6.6.4");
  EXPECT_EQ(r.caller, "T1");
  EXPECT_EQ(r.text, "Linux version 6.6.4");
  EXPECT_TRUE(r.boot_marker);
  Record padded = FrameOne("[    0.000000] [    T1] padded");
  EXPECT_EQ(padded.caller, "T1");
  EXPECT_EQ(padded.text, "padded");
}

TEST(ConsoleFramerDmesg, SeveralTimeFormats) {
  Record r =
      FrameOne("[    1.000000] [Fri Feb 13 23:31:31 2009] 2009-02-13T23:31:31,123456+00:00 msg");
  EXPECT_EQ(*r.time_us, 1000000);
  EXPECT_EQ(r.wall_time, "Fri Feb 13 23:31:31 2009");
  EXPECT_EQ(r.text, "msg");
  Record rel = FrameOne("[Feb13 23:31] [Fri Feb 13 23:31:30 2009 <    0.000000>] msg");
  EXPECT_EQ(rel.wall_time, "Fri Feb 13 23:31:30 2009");  // the full date beats the minute
  EXPECT_EQ(rel.text, "msg");
  Record iso = FrameOne("2009-02-13T23:31:38,123456+00:00 [<    7.000000>] msg");
  EXPECT_EQ(iso.wall_time, "2009-02-13T23:31:38,123456+00:00");
  EXPECT_EQ(iso.text, "msg");
  // Each kind once: a second raw stamp belongs to the message.
  Record twice = FrameOne("[    1.000000] [    2.000000] quoted");
  EXPECT_EQ(*twice.time_us, 1000000);
  EXPECT_EQ(twice.text, "[    2.000000] quoted");
}

TEST(ConsoleFramerDmesg, ContinuationLinesJoin) {
  std::vector<Record> r = FrameLines({
      "[    1.000000] pciback 0000:13:04.0: Driver tried to write",
      "               1) see permissive attribute in sysfs",
      "               2) report problems",
      "[    2.000000] next",
  });
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text,
            "pciback 0000:13:04.0: Driver tried to write\n1) see permissive attribute in sysfs\n"
            "2) report problems");
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[0].line_count, 3u);
  EXPECT_EQ(r[1].text, "next");
  EXPECT_EQ(r[1].line, 4u);
  EXPECT_EQ(r[1].line_count, 1u);
}

TEST(ConsoleFramerDmesg, ContinuationWidthFollowsPrefix) {
  std::vector<Record> r = FrameLines({
      "user  :crit  : [    1.000000] first",
      "                              second",
      "[<    1.000000>] delta",
      "                 more",
      "[  +1.000000] rel",
      "              more",
      "[Fri Feb 13 23:31:31 2009] ctime",
      "                           more",
      "2009-02-13T23:31:31,123456+00:00 iso",
      "                                 more",
      "[    0.000000] [T1] caller",
      "                    more",
  });
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].text, "first\nsecond");
  EXPECT_EQ(r[1].text, "delta\nmore");
  EXPECT_EQ(r[2].text, "rel\nmore");
  EXPECT_EQ(r[3].text, "ctime\nmore");
  EXPECT_EQ(r[4].text, "iso\nmore");
  EXPECT_EQ(r[5].text, "caller\nmore");
  EXPECT_EQ(r[5].line, 11u);
  EXPECT_EQ(r[5].line_count, 2u);
}

TEST(ConsoleFramerDmesg, ContinuationKeepsExtraIndentation) {
  std::vector<Record> r = FrameLines({"[    1.000000] table:", "                 indented"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "table:\n  indented");
}

TEST(ConsoleFramerDmesg, ShorterIndentationIsANewRecord) {
  std::vector<Record> r = FrameLines({"[    1.000000] a", "     not enough"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].text, "     not enough");
  EXPECT_EQ(r[1].line, 2u);
}

TEST(ConsoleFramerDmesg, EmptyContinuationLines) {
  // util-linux prints an empty line of a message as the indentation alone.
  std::vector<Record> r = FrameLines({"[    1.000000] a", "               ", "               b"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "a\n\nb");
  EXPECT_EQ(r[0].line_count, 3u);
  // With trailing spaces trimmed, the blank line still joins when a continuation follows.
  r = FrameLines({"[    1.000000] a", "", "", "               b"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "a\n\n\nb");
  EXPECT_EQ(r[0].line_count, 4u);
  // Otherwise blank lines make no records.
  r = FrameLines({"", "[    1.000000] a", "", "   ", "[    2.000000] b", ""});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text, "a");
  EXPECT_EQ(r[0].line_count, 1u);
  EXPECT_EQ(r[1].line, 5u);
}

TEST(ConsoleFramerDmesg, ContinuationsAreBounded) {
  std::vector<std::string> lines = {"[    1.000000] head"};
  for (int i = 0; i < 20000; ++i) lines.push_back("               more");
  std::vector<Record> r = FrameLines(lines);
  ASSERT_GT(r.size(), 1u);
  EXPECT_EQ(r[0].line_count, 10000u);
  EXPECT_EQ(r[1].line, 10001u);
  EXPECT_EQ(r[1].text, "               more");  // past the limit: a record of its own
  EXPECT_EQ(r.size(), 1u + 10001u);
  std::vector<Record> wide =
      FrameLines({"[    1.000000] head", "               " + std::string(600 * 1024, 'a'),
                  "               " + std::string(600 * 1024, 'b')});
  ASSERT_EQ(wide.size(), 2u);
  EXPECT_EQ(wide[0].line_count, 2u);
}

TEST(ConsoleFramerDmesg, NoContinuationWithoutPrefix) {
  std::vector<Record> r = FrameLines({"plain text", "               indented"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].text, "               indented");
}

// ---- Xen ------------------------------------------------------------------------------------

TEST(ConsoleFramerXen, PlainXenLine) {
  Record r = FrameOne("(XEN) Xen version 4.17.5 (user@example) (gcc 12)");
  EXPECT_EQ(r.source, Source::kXen);
  EXPECT_EQ(r.text, "Xen version 4.17.5 (user@example) (gcc 12)");
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_FALSE(r.boot_marker);
  EXPECT_EQ(r.domain, -1);
  Record empty = FrameOne("(XEN)");
  EXPECT_EQ(empty.source, Source::kXen);
  EXPECT_EQ(empty.text, "");
  EXPECT_EQ(FrameOne("(XEN)x").source, Source::kKernel);
}

TEST(ConsoleFramerXen, ConsoleTimestamps) {
  Record date = FrameOne("(XEN) [2024-10-14 15:32:05] mm.c:590:d10 Error getting mfn");
  EXPECT_EQ(date.wall_time, "2024-10-14 15:32:05");
  EXPECT_FALSE(date.time_us.has_value());
  EXPECT_EQ(date.text, "mm.c:590:d10 Error getting mfn");
  Record ms = FrameOne("(XEN) [2024-10-14 15:32:05.123] datems");
  EXPECT_EQ(ms.wall_time, "2024-10-14 15:32:05.123");
  EXPECT_EQ(ms.text, "datems");
  Record boot = FrameOne("(XEN) [    3.123456] boot");
  EXPECT_EQ(*boot.time_us, 3123456);
  EXPECT_TRUE(boot.wall_time.empty());
  EXPECT_EQ(boot.text, "boot");
  Record raw = FrameOne("(XEN) [0000001d2c3b4a5f] raw");
  EXPECT_FALSE(raw.time_us.has_value());
  EXPECT_TRUE(raw.wall_time.empty());
  EXPECT_EQ(raw.text, "raw");
  EXPECT_EQ(FrameOne("(XEN) [0000001d2c3b4a5] short raw").text, "[0000001d2c3b4a5] short raw");
}

TEST(ConsoleFramerXen, GuestLines) {
  Record d = FrameOne("(d5) HVM Loader");
  EXPECT_EQ(d.source, Source::kGuest);
  EXPECT_EQ(d.domain, 5);
  EXPECT_EQ(d.text, "HVM Loader");
  Record stamped = FrameOne("(d12) [2024-10-14 15:32:05] SeaBIOS");
  EXPECT_EQ(stamped.domain, 12);
  EXPECT_EQ(stamped.wall_time, "2024-10-14 15:32:05");
  EXPECT_EQ(stamped.text, "SeaBIOS");
  Record xen = FrameOne("(XEN) (d7) relayed");
  EXPECT_EQ(xen.source, Source::kGuest);
  EXPECT_EQ(xen.domain, 7);
  EXPECT_EQ(xen.text, "relayed");
  Record hvm = FrameOne("(XEN) HVM3: Invoking ROMBIOS ...");
  EXPECT_EQ(hvm.source, Source::kGuest);
  EXPECT_EQ(hvm.domain, 3);
  EXPECT_EQ(hvm.text, "Invoking ROMBIOS ...");
  Record bare = FrameOne("HVM3: bare");
  EXPECT_EQ(bare.source, Source::kGuest);
  EXPECT_EQ(bare.domain, 3);
  EXPECT_EQ(bare.text, "bare");
  // A guest writes anything: its own "Linux version" is not a dom0 boot.
  Record linux_guest = FrameOne("(d2) Linux version 2.6.18");
  EXPECT_EQ(linux_guest.text, "Linux version 2.6.18");
  EXPECT_FALSE(linux_guest.boot_marker);
  EXPECT_EQ(FrameOne("(dx) not a guest").source, Source::kKernel);
}

TEST(ConsoleFramerXen, BannerBeforeFirstXenLine) {
  std::vector<Record> r = FrameLines({
      " __  __            _  _    _ _____  ____  ",
      " \\ \\/ /___ _ __   | || |  / |___  || ___| ",
      " Xen 4.17.5",
      "(XEN) Xen version 4.17.5",
      " __  __",
  });
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].source, Source::kXen);
  EXPECT_EQ(r[0].text, " __  __            _  _    _ _____  ____  ");
  EXPECT_EQ(r[1].source, Source::kXen);
  EXPECT_EQ(r[2].source, Source::kXen);
  EXPECT_EQ(r[2].text, " Xen 4.17.5");
  EXPECT_EQ(r[3].source, Source::kXen);
  EXPECT_EQ(r[4].source, Source::kKernel);
}

TEST(ConsoleFramerXen, XenLinesTakeNoContinuations) {
  std::vector<Record> r = FrameLines({"(XEN) one", "      two"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].source, Source::kKernel);
}

TEST(ConsoleFramerXen, InterleavedSerialCapture) {
  std::vector<Record> r = FrameLines({
      "(XEN) [    1.000000] Xen line",
      "[    0.000000] Linux version 6.1.0",
      "(d1) guest line",
      "[    0.100000] dom0 again",
  });
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].source, Source::kXen);
  EXPECT_EQ(r[1].source, Source::kKernel);
  EXPECT_TRUE(r[1].boot_marker);
  EXPECT_EQ(r[2].source, Source::kGuest);
  EXPECT_EQ(r[3].line, 4u);
}

// ---- Syslog-wrapped -------------------------------------------------------------------------

TEST(ConsoleFramerSyslog, Rfc3164WithKernelTime) {
  Record r = FrameOne("Nov  3 18:54:01 dom0 kernel: [   12.345678] pciback 0000:13:04.0: x");
  EXPECT_EQ(r.wall_time, "Nov  3 18:54:01");
  EXPECT_EQ(r.host, "dom0");
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_EQ(*r.time_us, 12345678);
  EXPECT_EQ(r.text, "pciback 0000:13:04.0: x");
  EXPECT_TRUE(r.program.empty());
}

TEST(ConsoleFramerSyslog, JournalctlShort) {
  Record r = FrameOne("Nov 03 18:54:01 dom0 kernel: Linux version 6.1.0");
  EXPECT_EQ(r.wall_time, "Nov 03 18:54:01");
  EXPECT_EQ(r.host, "dom0");
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_TRUE(r.boot_marker);
  EXPECT_EQ(r.text, "Linux version 6.1.0");
  Record precise = FrameOne("Nov 03 18:54:01.123456 dom0 kernel: precise");
  EXPECT_EQ(precise.wall_time, "Nov 03 18:54:01.123456");
  EXPECT_EQ(precise.text, "precise");
}

// OpenWrt's logread (ubox log/logread.c): ctime, "facility.priority", " kernel:" for the kernel's
// messages. Before, the kernel's "[time]" inside the line split it into two records, the first
// only the header, and the wall time was lost (real line: coolsnowwolf/lede issue 6427).
TEST(ConsoleFramerSyslog, OpenWrtLogread) {
  Record r = FrameOne(
      "Wed Feb 24 00:35:21 2021 kern.info kernel: [16300.998425] neighbour: arp_cache: neighbor "
      "table overflow!");
  EXPECT_EQ(r.wall_time, "Wed Feb 24 00:35:21 2021");
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_EQ(*r.time_us, 16300998425);
  EXPECT_EQ(r.level, 6);
  EXPECT_EQ(r.facility, 0);
  EXPECT_EQ(r.text, "neighbour: arp_cache: neighbor table overflow!");
  Record user = FrameOne("Wed Feb  4 00:35:27 2021 daemon.err dnsmasq[1234]: failed to bind");
  EXPECT_EQ(user.wall_time, "Wed Feb  4 00:35:27 2021");
  EXPECT_EQ(user.source, Source::kUserspace);
  EXPECT_EQ(user.program, "dnsmasq");
  EXPECT_EQ(user.level, 3);
  EXPECT_EQ(user.facility, 3);
  EXPECT_EQ(user.text, "failed to bind");
  // logread -t: the epoch stamp after ctime.
  Record t =
      FrameOne("Wed Feb 24 00:35:28 2021 [1614126928.123] kern.warn kernel: [   1.000000] x");
  EXPECT_EQ(t.level, 4);
  EXPECT_EQ(t.text, "x");
  // An unknown facility is no logread header.
  EXPECT_EQ(FrameOne("Wed Feb 24 00:35:29 2021 nosuch.info kernel: y").wall_time, "");
}

TEST(ConsoleFramerSyslog, JournalctlContinuation) {
  std::vector<Record> r =
      FrameLines({"Nov 03 18:54:01 dom0 kernel: first", "                             second"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "first\nsecond");
}

TEST(ConsoleFramerSyslog, Rfc3339) {
  Record r = FrameOne("2023-11-03T18:54:01.123456+01:00 dom0 kernel: [    1.000000] msg");
  EXPECT_EQ(r.wall_time, "2023-11-03T18:54:01.123456+01:00");
  EXPECT_EQ(r.host, "dom0");
  EXPECT_EQ(*r.time_us, 1000000);
  EXPECT_EQ(r.text, "msg");
  Record z = FrameOne("2023-11-03T17:54:01Z dom0 kernel: zulu");
  EXPECT_EQ(z.wall_time, "2023-11-03T17:54:01Z");
  EXPECT_EQ(z.text, "zulu");
}

TEST(ConsoleFramerSyslog, Rfc5424) {
  Record r = FrameOne("<4>1 2023-11-03T18:54:01.123456+01:00 dom0 kernel - - - warning text");
  EXPECT_EQ(r.level, 4);
  EXPECT_EQ(r.facility, 0);
  EXPECT_EQ(r.wall_time, "2023-11-03T18:54:01.123456+01:00");
  EXPECT_EQ(r.host, "dom0");
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_EQ(r.text, "warning text");
  Record sd = FrameOne(
      "<30>1 2023-11-03T18:54:01Z dom0 libxl 812 - [meta x=\"a]\\\"b\"][o y=\"1\"] created");
  EXPECT_EQ(sd.source, Source::kUserspace);
  EXPECT_EQ(sd.program, "libxl");
  EXPECT_EQ(sd.level, 6);
  EXPECT_EQ(sd.facility, 3);
  EXPECT_EQ(sd.text, "created");
  Record nil = FrameOne("<6>1 - - kernel - - -");
  EXPECT_EQ(nil.source, Source::kKernel);
  EXPECT_TRUE(nil.wall_time.empty());
  EXPECT_TRUE(nil.host.empty());
  EXPECT_EQ(nil.text, "");
  // A kernel line whose message starts with "1 " is not RFC 5424.
  Record kernel = FrameOne("<6>1 apple");
  EXPECT_EQ(kernel.text, "1 apple");
  EXPECT_TRUE(kernel.host.empty());
}

TEST(ConsoleFramerSyslog, UserspacePrograms) {
  Record libxl = FrameOne("Nov  3 18:54:01 dom0 libxl: error: PCI device not assignable");
  EXPECT_EQ(libxl.source, Source::kUserspace);
  EXPECT_EQ(libxl.program, "libxl");
  EXPECT_EQ(libxl.text, "error: PCI device not assignable");
  Record xl = FrameOne("Nov  3 18:54:01 dom0 xl[1234]: xl says");
  EXPECT_EQ(xl.program, "xl");
  EXPECT_EQ(xl.text, "xl says");
  Record systemd = FrameOne("2023-11-03T18:54:01.5+01:00 dom0 systemd[1]: Started x.");
  EXPECT_EQ(systemd.program, "systemd");
  EXPECT_EQ(systemd.source, Source::kUserspace);
  EXPECT_FALSE(systemd.boot_marker);
  Record version = FrameOne("Nov  3 18:54:01 dom0 foo: Linux version 1");
  EXPECT_FALSE(version.boot_marker);
}

TEST(ConsoleFramerSyslog, XenRelayedBySyslog) {
  Record r = FrameOne("Nov  3 18:54:01 dom0 xen: (XEN) [    5.000000] ptwr_emulate: fixing up");
  EXPECT_EQ(r.source, Source::kXen);
  EXPECT_EQ(r.host, "dom0");
  EXPECT_EQ(*r.time_us, 5000000);
  EXPECT_EQ(r.text, "ptwr_emulate: fixing up");
}

TEST(ConsoleFramerSyslog, StampWithoutTagKeepsText) {
  Record r = FrameOne("Nov  3 18:54:01 dom0 -- MARK --");
  EXPECT_EQ(r.wall_time, "Nov  3 18:54:01");
  EXPECT_EQ(r.text, "dom0 -- MARK --");
  EXPECT_EQ(FrameOne("Nov 33 18:54:01 dom0 kernel: x").text, "Nov 33 18:54:01 dom0 kernel: x");
  EXPECT_EQ(FrameOne("November rain").text, "November rain");
}

// ---- Serial capture noise -------------------------------------------------------------------

TEST(ConsoleFramerNoise, CrLf) {
  Record r = FrameOne("[    1.000000] msg\r");
  EXPECT_EQ(r.text, "msg");
  EXPECT_EQ(FrameOne("(XEN) x\r\r").text, "x");
}

TEST(ConsoleFramerNoise, AnsiEscapes) {
  Record colors =
      FrameOne("kern  :alert : \x1b[32m[    1.000000] \x1b[0m\x1b[7m\x1b[31mbad\x1b[0m");
  EXPECT_EQ(colors.level, 1);
  EXPECT_EQ(*colors.time_us, 1000000);
  EXPECT_EQ(colors.text, "bad");
  EXPECT_EQ(FrameOne("\x1b]0;title\x07(XEN) osc").text, "osc");
  EXPECT_EQ(FrameOne("\x1b]0;title\x1b\\(XEN) osc st").text, "osc st");
  EXPECT_EQ(FrameOne("\x1b(B(XEN) charset").text, "charset");
  EXPECT_EQ(FrameOne("[    1.000000] lone\x1b").text, "lone");
  EXPECT_EQ(FrameOne("[    1.000000] mid\x1b\x01dle").text, "mid\x01dle");
  EXPECT_EQ(FrameOne("[    1.000000] unterminated \x1b[12;3").text, "unterminated ");
  EXPECT_EQ(FrameOne("[    1.000000] cr hidden\r\x1b[0m").text, "cr hidden");
}

TEST(ConsoleFramerNoise, NulBytesAreText) {
  std::string line = std::string("[    1.000000] a\0b", 18);
  Record r = FrameOne(line);
  EXPECT_EQ(r.text, std::string("a\0b", 3));
  std::string nul_only(5, '\0');
  EXPECT_EQ(FrameOne(nul_only).text, nul_only);
}

TEST(ConsoleFramerNoise, HugeLine) {
  std::string line = "[    1.000000] " + std::string(64 * 1024, 'x');
  Record r = FrameOne(line);
  EXPECT_EQ(r.text.size(), 64u * 1024u);
  std::string brackets(64 * 1024, '[');
  EXPECT_EQ(FrameOne(brackets).text, brackets);
  std::string spaces = "[" + std::string(64 * 1024, ' ');
  EXPECT_EQ(FrameOne(spaces).text, spaces);
}

TEST(ConsoleFramerNoise, RandomBytesNeverCrash) {
  std::mt19937 rng(20240611);
  // Bytes drawn mostly from the characters prefixes are made of, so parsers go deep.
  const std::string alphabet = "[]<>()0123456789. :-+TCXENdHVMkernlinfo\x1b\r\n\t\0\xff\x80";
  ConsoleFramer framer("fuzz");
  uint64_t records = 0;
  uint64_t lines = 0;
  RecordSink sink = [&](Record&& r) {
    ++records;
    EXPECT_GE(r.line, 1u);
    EXPECT_LE(r.line + r.line_count - 1, lines);
  };
  for (int i = 0; i < 20000; ++i) {
    std::string line(rng() % 80, '\0');
    for (char& c : line) {
      c = (rng() % 4 == 0) ? static_cast<char>(rng() % 256)
                           : alphabet[rng() % (alphabet.size() + 1) % alphabet.size()];
    }
    if (i % 7 == 0) line = "[    1.000000] " + line;
    if (i % 11 == 0) line = "(XEN) [" + line;
    if (i % 13 == 0) line = "Nov  3 18:54:01 h " + line;
    framer.Line(line, ++lines, sink);
  }
  framer.Finish(sink);
  EXPECT_GT(records, 1000u);
}

// ---- util-linux conformance renderings ------------------------------------------------------

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Frames a file of the conformance set, or skips the test loudly when the set is absent.
#define FRAME_CONFORMANCE(var, relative)  \
  READ_CONFORMANCE(var##_text, relative); \
  std::vector<Record> var = FrameLines(Lines(var##_text));

TEST(ConsoleFramerConformance, RenderingsOfTheSyslogInput) {
  FRAME_CONFORMANCE(truth, "input/input");
  ASSERT_EQ(truth.size(), 106u);
  for (size_t i = 0; i < truth.size(); ++i) {
    EXPECT_EQ(truth[i].text, "example[" + std::to_string(i) + "]");
    // "<pri>[pri^3 seconds] example[i]" with pri = i, except the last line (<150>).
    int64_t pri = i < 105 ? static_cast<int64_t>(i) : 150;
    EXPECT_EQ(truth[i].level + truth[i].facility * 8, pri);
    ASSERT_TRUE(truth[i].time_us.has_value());
    if (i < 105) {
      EXPECT_EQ(*truth[i].time_us, pri * pri * pri * 1000000);
    }
  }
  struct Rendering {
    const char* file;
    bool time;  // carries time since boot
    bool pri;   // carries facility and level
    bool wall;  // carries a wall-clock stamp
  };
  const Rendering renderings[] = {
      {"expected/decode", true, true, false},
      {"expected/colors", true, true, false},
      {"expected/delta", true, false, false},
      {"expected/timestamp-format-delta", false, false, true},
      {"expected/timestamp-format-delta-ctime", false, false, true},
      {"expected/timestamp-format-delta-notime", false, false, false},
      {"expected/timestamp-format-delta-raw", true, false, true},
      {"expected/timestamp-format-multiple", true, false, true},
      {"expected/timestamp-format-notime-delta", false, false, false},
  };
  for (const Rendering& rendering : renderings) {
    SCOPED_TRACE(rendering.file);
    FRAME_CONFORMANCE(got, rendering.file);
    ASSERT_EQ(got.size(), truth.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].text, truth[i].text);
      EXPECT_EQ(got[i].line, i + 1);
      EXPECT_EQ(got[i].time_us.has_value(), rendering.time);
      if (rendering.time && got[i].time_us) {
        EXPECT_EQ(*got[i].time_us, *truth[i].time_us);
      }
      EXPECT_EQ(got[i].level, rendering.pri ? truth[i].level : -1);
      EXPECT_EQ(got[i].facility, rendering.pri ? truth[i].facility : -1);
      EXPECT_EQ(got[i].wall_time.empty(), !rendering.wall);
    }
  }
}

TEST(ConsoleFramerConformance, FilteredRunsReadEveryRecord) {
  FRAME_CONFORMANCE(truth, "input/input");
  for (const char* file : {"expected/facilities", "expected/console-levels", "expected/limit"}) {
    SCOPED_TRACE(file);
    FRAME_CONFORMANCE(got, file);
    std::vector<std::string> lines = Lines(got_text);
    ASSERT_EQ(got.size(), lines.size());
    for (const Record& r : got) {
      if (r.text.rfind("test_dmesg: ", 0) == 0) continue;  // the test driver's own complaint
      ASSERT_EQ(r.text.rfind("example[", 0), 0u) << r.text;
      size_t index = std::stoul(r.text.substr(8));
      ASSERT_LT(index, truth.size());
      EXPECT_EQ(r.text, truth[index].text);
      EXPECT_EQ(r.time_us, truth[index].time_us);
    }
  }
}

TEST(ConsoleFramerConformance, CallerIds) {
  FRAME_CONFORMANCE(cid, "input/cid-input");
  std::vector<std::string> raw = Lines(cid_text);
  ASSERT_EQ(cid.size(), raw.size());
  for (size_t i = 0; i < cid.size(); ++i) {
    // "<pri>[time] [   T<n>] example[i]": the caller as written (n is not always i).
    size_t open = raw[i].find("] [") + 3;
    size_t close = raw[i].find(']', open);
    std::string written = raw[i].substr(open, close - open);
    EXPECT_EQ(cid[i].caller, written.substr(written.find_first_not_of(' ')));
    EXPECT_EQ(cid[i].text, "example[" + std::to_string(i) + "]");
  }
  FRAME_CONFORMANCE(decode, "expected/cid-kmsg-decode");
  FRAME_CONFORMANCE(colors, "expected/cid-kmsg-colors");
  FRAME_CONFORMANCE(delta, "expected/cid-kmsg-delta");
  ASSERT_EQ(decode.size(), 58u);  // 58 records and a final empty line
  ASSERT_EQ(colors.size(), decode.size());
  ASSERT_EQ(delta.size(), decode.size());
  EXPECT_EQ(decode[0].caller, "T1");
  EXPECT_TRUE(decode[0].boot_marker);
  for (size_t i = 0; i < decode.size(); ++i) {
    EXPECT_FALSE(decode[i].caller.empty());
    EXPECT_EQ(colors[i].text, decode[i].text);
    EXPECT_EQ(delta[i].text, decode[i].text);
    EXPECT_EQ(colors[i].caller, decode[i].caller);
    EXPECT_EQ(delta[i].caller, decode[i].caller);
    EXPECT_EQ(colors[i].level, decode[i].level);
    EXPECT_EQ(colors[i].facility, decode[i].facility);
    EXPECT_EQ(delta[i].time_us, decode[i].time_us);
    EXPECT_TRUE(decode[i].time_us.has_value());
  }
}

TEST(ConsoleFramerConformance, Indentation) {
  FRAME_CONFORMANCE(got, "expected/indentation");
  // default, decode, delta, reltime, ctime and iso join the continuation lines; notime cannot.
  ASSERT_EQ(got.size(), 17u);
  const char* texts[] = {"new\nline",
                         "two\nnew\nlines",
                         "new\nline",
                         "two\nnew\nlines",
                         "new\nline",
                         "two\nnew\nlines",
                         "new",
                         "line",
                         "two",
                         "new",
                         "lines",
                         "new\nline",
                         "two\nnew\nlines",
                         "new\nline",
                         "two\nnew\nlines",
                         "new\nline",
                         "two\nnew\nlines"};
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].text, texts[i]) << i;
  EXPECT_EQ(got[2].level, 2);  // "user  :crit  : "
  EXPECT_EQ(got[2].facility, 1);
  EXPECT_EQ(got[3].line_count, 3u);
  EXPECT_EQ(*got[0].time_us, 1000000);
  EXPECT_EQ(got[15].wall_time, "2009-02-13T23:31:31,123456+00:00");
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

TEST(ConsoleFramerKernel, TextRunningIntoAKernelLineIsTwoRecords) {
  auto records = FrameLines({"syzkaller login: [  417.725670][    C1] rcu: INFO: rcu_sched stall",
                             "** 3601 printk messages dropped ** [  418.000001] next",
                             "no stamp here [12.5] or [x.123456]", "<999>[    1.000000] x"});
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0].text, "syzkaller login: ");
  EXPECT_EQ(records[1].text, "rcu: INFO: rcu_sched stall");
  EXPECT_EQ(*records[1].time_us, 417725670);
  EXPECT_EQ(records[1].caller, "C1");
  EXPECT_EQ(records[1].line, 1u);
  EXPECT_EQ(records[2].text, "** 3601 printk messages dropped ** ");
  EXPECT_EQ(records[3].text, "next");
  EXPECT_EQ(records[4].text, "no stamp here [12.5] or [x.123456]");
  EXPECT_EQ(records[5].text, "<999>[    1.000000] x");  // a bad priority keeps the line whole
}

// Lines passed over are never framed, so the cheap stamp parser must agree with the real one on
// every line it accepts: the same time, and no wall time that would move the year inference.
TEST(ConsoleFramer, ConsoleStampAgreesWithParseKernelPrefix) {
  const std::vector<std::string> pieces = {"[",
                                           "]",
                                           " ",
                                           "  ",
                                           "1",
                                           "12",
                                           "0",
                                           "999999999999",
                                           "9999999999999",
                                           ".",
                                           "000000",
                                           "123456",
                                           "1234567",
                                           "[T1]",
                                           "[    T42]",
                                           "[C3]",
                                           "[Nov 3 10:00]",
                                           "[Mon Nov  3 10:00:00 2025]",
                                           "[<    7.000000>]",
                                           "[  +0.000100]",
                                           " <    0.000001>",
                                           "[drm]",
                                           "x",
                                           "kernel:",
                                           "host ",
                                           "2025-11-03T10:00:00,123456+00:00",
                                           "\t",
                                           "-",
                                           "+"};
  std::mt19937 rng(1);
  size_t accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string line = "[";
    int n = 1 + static_cast<int>(rng() % 9);
    for (int k = 0; k < n; ++k) line += pieces[rng() % pieces.size()];
    if (i % 3 == 0)
      line = "[" + std::string(rng() % 4, ' ') + std::to_string(rng() % 100000) + "." +
             std::to_string(100000 + rng() % 900000) + "]" + line.substr(1);
    int64_t t = -1;
    if (!TakeConsoleStamp(line, &t)) continue;
    ++accepted;
    Record r;
    ParseKernelPrefix(line, &r);
    ASSERT_TRUE(r.time_us.has_value()) << line;
    EXPECT_EQ(*r.time_us, t) << line;
    int month = 0, day = 0;
    EXPECT_FALSE(YearlessMonthDay(r.wall_time, &month, &day)) << line;
  }
  EXPECT_GT(accepted, 10000u);
}

}  // namespace
}  // namespace kdiag
