// The prefixes of the logs a Xen host writes besides the kernel's: xenconsoled's stamp, xentoollog
// (xl, libxl, libxc), libvirt's libxl driver, xend, and gdprintk() lines pasted without "(XEN) ";
// alone, and as ConsoleFramer meets them per line. Lines are real (corpus/xen-toolstack/README.md)
// unless a test says it builds one.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/prefixes/libvirt_prefix.h"
#include "analyzer/input/prefixes/xen_debug_prefix.h"
#include "analyzer/input/prefixes/xenconsoled_prefix.h"
#include "analyzer/input/prefixes/xend_prefix.h"
#include "analyzer/input/prefixes/xtl_prefix.h"
#include "tests/pipeline_run.h"

namespace kdiag {
namespace {

constexpr const char* kXtlDated =
    "2022-01-13 01:39:51 UTC libxl: error: libxl_device.c:1105:device_backend_callback: unable to "
    "add device with path /local/domain/2/backend/vif/0/0";
constexpr const char* kXtlPlain =
    "libxl: error: libxl_create.c:1676:domcreate_devmodel_started: Domain 4:device model did not "
    "start: -3";
constexpr const char* kLibvirt =
    "2020-03-25 23:02:05.140+0000: libxl: libxl_pci.c:1199:libxl__device_pci_reset: The kernel "
    "doesn't support reset from sysfs for PCI device 0000:00:14.0";
constexpr const char* kXend =
    "[2009-06-30 13:46:14 5499] ERROR (XendDomainInfo:1942) XendDomainInfo.destroy: "
    "xc.domain_destroy failed.";
constexpr const char* kGdprintk =
    "mm.c:907:d16 Error getting mfn 100000 (pfn 942b1) from L1 entry 8000000100000673 for "
    "l1e_owner=16, pg_owner=32753";
constexpr const char* kHypervisorLog = "[2020-12-24 08:34:49] (XEN) I/O virtualisation enabled";

std::vector<Record> Frame(const std::vector<std::string>& lines) {
  ConsoleFramer framer("test.log");
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return testing::FrameText(&framer, text);
}

Record FrameOne(const std::string& line) {
  std::vector<Record> records = Frame({line});
  EXPECT_EQ(records.size(), 1u) << line;
  return records.empty() ? Record{} : records[0];
}

// ---- xenconsoled ----------------------------------------------------------------------------

TEST(XenconsoledPrefix, StampThenCopiedLine) {
  std::string_view stamp;
  size_t text = 0;
  ASSERT_TRUE(TakeXenconsoledStamp(kHypervisorLog, &stamp, &text));
  EXPECT_EQ(stamp, "2020-12-24 08:34:49");
  EXPECT_EQ(std::string_view(kHypervisorLog).substr(text), "(XEN) I/O virtualisation enabled");
}

TEST(XenconsoledPrefix, RunInLogfileOpenedBeforeXen45) {
  // Built: before 743803911c the note had no newline, so the first copied line ran into it.
  std::string line = "[2014-07-01 10:00:00] Logfile Opened(XEN) Xen version 4.4.0";
  std::string_view stamp;
  size_t text = 0;
  ASSERT_TRUE(TakeXenconsoledStamp(line, &stamp, &text));
  EXPECT_EQ(line.substr(text), "(XEN) Xen version 4.4.0");
  ASSERT_TRUE(TakeXenconsoledStamp("[2020-12-24 08:34:49] Logfile Opened", &stamp, &text));
  EXPECT_TRUE(
      IsXenconsoledNote(std::string_view("[2020-12-24 08:34:49] Logfile Opened").substr(text)));
}

TEST(XenconsoledPrefix, RejectsNearMisses) {
  std::string_view stamp;
  size_t text = 0;
  for (const char* line : {"[2020-13-24 08:34:49] (XEN) x",  // month 13
                           "[2020-12-24 24:34:49] (XEN) x",  // hour 24
                           "[2020-12-24 08:34:49](XEN) x",   // no separator
                           "[2020-12-24 08:34:49.123] x",    // Xen's datems, not xenconsoled
                           "[2020-12-24 08:34:4",            // cut
                           "[24-12-2020 08:34:49] x",        // the unreleased first format
                           "[    1.234567] x", ""}) {
    EXPECT_FALSE(TakeXenconsoledStamp(line, &stamp, &text)) << line;
  }
}

TEST(XenconsoledPrefix, FramedLinesKeepTheirOwnShape) {
  std::vector<Record> r = Frame({
      "[2020-12-24 08:34:49] Logfile Opened",
      kHypervisorLog,
      "[2020-12-24 08:34:49]  Xen 4.14.0",
      "[2024-01-21 01:09:53] NET: Registered protocol family 2",
      "[2026-03-28 22:39:25] [    2.548608] BUG: unable to handle page fault for address: "
      "ffff888007e00360",
  });
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].source, Source::kUserspace);
  EXPECT_EQ(r[0].program, "xenconsoled");
  EXPECT_EQ(r[1].source, Source::kXen);
  EXPECT_EQ(r[1].text, "I/O virtualisation enabled");
  EXPECT_EQ(r[1].wall_time, "2020-12-24 08:34:49");
  // The banner after "(XEN) " lines: xenconsoled copies it from Xen's console ring.
  EXPECT_EQ(r[2].source, Source::kXen);
  EXPECT_EQ(r[3].text, "NET: Registered protocol family 2");
  EXPECT_EQ(r[3].wall_time, "2024-01-21 01:09:53");
  ASSERT_TRUE(r[4].time_us.has_value());
  EXPECT_EQ(*r[4].time_us, 2548608);
  EXPECT_EQ(r[4].text, "BUG: unable to handle page fault for address: ffff888007e00360");
  EXPECT_EQ(r[4].wall_time, "2026-03-28 22:39:25");
}

TEST(XenconsoledPrefix, XensOwnDateStampWinsAndStampsDoNotNest) {
  // Built: console_timestamps=date inside xenconsoled's stamp; the hypervisor's clock is kept.
  Record r = FrameOne("[2024-10-14 15:32:07] (XEN) [2024-10-14 15:32:05] Freed 536kB init memory");
  EXPECT_EQ(r.source, Source::kXen);
  EXPECT_EQ(r.wall_time, "2024-10-14 15:32:05");
  EXPECT_EQ(r.text, "Freed 536kB init memory");
  // One stamp is xenconsoled's; a second one is text, never a second round of prefixes.
  r = FrameOne("[2024-10-14 15:32:07] [2024-10-14 15:32:07] (XEN) forged");
  EXPECT_NE(r.source, Source::kXen);
  EXPECT_EQ(r.text, "[2024-10-14 15:32:07] (XEN) forged");
}

TEST(XenconsoledPrefix, CopiedLinesAreConsoleOutputOnly) {
  // Built: xenconsoled copies console output; a copied line that reads like a bare gdprintk(), a
  // toolstack or a syslog line is text some console printed, kept whole as console text.
  for (const std::string& copied :
       {std::string("mm.c:907:d16 Error getting mfn 100000 (pfn 942b1)"), std::string(kXtlPlain),
        std::string(kXend), std::string("Aug 15 20:29:00 dom0 kernel: x")}) {
    Record r = FrameOne("[2024-01-21 01:09:53] " + copied);
    EXPECT_EQ(r.source, Source::kKernel) << copied;
    EXPECT_EQ(r.text, copied);
    EXPECT_EQ(r.wall_time, "2024-01-21 01:09:53") << copied;
  }
}

TEST(XenconsoledPrefix, StampedLinesNeverContinueOthers) {
  // A dmesg record takes indented lines; a stamped line is never one, and the record it frames
  // takes none (its next line would carry the stamp too).
  std::vector<Record> r = Frame({"[2024-01-21 01:09:53] [    1.000000] a", "        b"});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text, "a");
  EXPECT_EQ(r[1].text, "        b");
}

// ---- xentoollog ---------------------------------------------------------------------------

TEST(XtlPrefix, DatedLine) {
  Record r;
  size_t text = 0;
  ASSERT_TRUE(ParseXtlLine(kXtlDated, &r, &text));
  EXPECT_EQ(r.source, Source::kUserspace);
  EXPECT_EQ(r.program, "libxl");
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.wall_time, "2022-01-13 01:39:51 UTC");
  EXPECT_EQ(std::string_view(kXtlDated).substr(text),
            "libxl_device.c:1105:device_backend_callback: unable to add device with path "
            "/local/domain/2/backend/vif/0/0");
}

TEST(XtlPrefix, DatedWithPidAndNumericZone) {
  // Built: xl -T and the domain builder add "[pid] "; zones without a name print "+03".
  Record r;
  size_t text = 0;
  std::string line =
      "2024-02-01 09:00:00 +03 [4242] domainbuilder: detail: xc_dom_allocate: cmdline=\"\"";
  ASSERT_TRUE(ParseXtlLine(line, &r, &text));
  EXPECT_EQ(r.program, "domainbuilder");
  EXPECT_EQ(r.level, 7);
  EXPECT_EQ(r.wall_time, "2024-02-01 09:00:00 +03");
  EXPECT_EQ(line.substr(text), "xc_dom_allocate: cmdline=\"\"");
}

TEST(XtlPrefix, PlainLineNeedsAKnownContextAndLevel) {
  Record r;
  size_t text = 0;
  ASSERT_TRUE(ParseXtlLine(kXtlPlain, &r, &text));
  EXPECT_EQ(r.program, "libxl");
  EXPECT_EQ(r.level, 3);
  EXPECT_TRUE(r.wall_time.empty());
  EXPECT_EQ(std::string_view(kXtlPlain).substr(text),
            "libxl_create.c:1676:domcreate_devmodel_started: Domain 4:device model did not "
            "start: -3");
  for (const char* line : {"ata1: error: { ABRT }", "libxl: oops: x", "libxl:error: x",
                           "Libxl: error: x", "libxl: error:", "2022-01-13 01:39:51 UTC x"}) {
    Record other;
    EXPECT_FALSE(ParseXtlLine(line, &other, &text)) << line;
    EXPECT_EQ(other.source, Source::kKernel) << line;
  }
}

// ---- libvirt --------------------------------------------------------------------------------

TEST(LibvirtPrefix, LibxlDriverLine) {
  Record r;
  size_t text = 0;
  ASSERT_TRUE(ParseLibvirtLine(kLibvirt, &r, &text));
  EXPECT_EQ(r.program, "libxl");
  EXPECT_EQ(r.level, -1);
  EXPECT_EQ(r.wall_time, "2020-03-25 23:02:05.140+0000");
  EXPECT_EQ(std::string_view(kLibvirt).substr(text).substr(0, 27), "libxl_pci.c:1199:libxl__dev");
}

TEST(LibvirtPrefix, LibvirtdLineAndNearMisses) {
  // Built on virLogFormatString()'s shape.
  Record r;
  size_t text = 0;
  std::string line = "2019-03-01 10:00:00.123+0000: 1234: error : virNetSocketReadWire:1806 : x";
  ASSERT_TRUE(ParseLibvirtLine(line, &r, &text));
  EXPECT_EQ(r.program, "libvirtd");
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(line.substr(text), "virNetSocketReadWire:1806 : x");
  for (const char* bad :
       {"2020-03-25 23:02:05.140+0100: libxl: x", "2020-03-25 23:02:05.14+0000: x",
        "2020-03-25 23:02:05.140+0000 libxl: x"}) {
    Record other;
    EXPECT_FALSE(ParseLibvirtLine(bad, &other, &text)) << bad;
  }
}

// ---- xend -----------------------------------------------------------------------------------

TEST(XendPrefix, Line) {
  Record r;
  size_t text = 0;
  ASSERT_TRUE(ParseXendLine(kXend, &r, &text));
  EXPECT_EQ(r.program, "xend");
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.wall_time, "2009-06-30 13:46:14");
  EXPECT_EQ(std::string_view(kXend).substr(text),
            "XendDomainInfo.destroy: xc.domain_destroy failed.");
  for (const char* bad : {"[2009-06-30 13:46:14 5499] TRACE (XendDomainInfo:1942) x",
                          "[2009-06-30 13:46:14] ERROR (XendDomainInfo:1942) x",
                          "[2009-06-30 13:46:14 5499] ERROR XendDomainInfo:1942 x",
                          "[2009-06-30 13:46:14 5499] ERROR (XendDomainInfo:) x"}) {
    Record other;
    EXPECT_FALSE(ParseXendLine(bad, &other, &text)) << bad;
  }
}

// ---- gdprintk lines without "(XEN) " --------------------------------------------------------

TEST(XenDebugPrefix, EveryGeneration) {
  EXPECT_TRUE(LooksLikeXenDebugLine(kGdprintk));
  // From the (XEN) lines of rules/xen-mm.toml and xen-devel, without the prefix.
  EXPECT_TRUE(LooksLikeXenDebugLine("mm.c:1096:d157v0 Error getting mfn 36f40 (pfn 02f40)"));
  EXPECT_TRUE(LooksLikeXenDebugLine("arch/x86/mm.c:2159:d0v0 Bad L1 flags 400000"));
  EXPECT_TRUE(LooksLikeXenDebugLine("DOM4: (file=mm.c, line=512) Error getting mfn 9be78"));
  EXPECT_TRUE(LooksLikeXenDebugLine("traps.c:1234:d[IDLE]v0 x"));
  for (const char* bad : {"mm.c:907:d16", "mm.c:907:d16 ", "mm.py:907:d16 x", "mm.c:907:16 x",
                          "mm.c:d16 x", ".c:1:d1 x", "/mm.c:1:d1 x", "usb 1-1: new device",
                          "DOM4: Error", "(file=mm.c, line=512)"}) {
    EXPECT_FALSE(LooksLikeXenDebugLine(bad)) << bad;
  }
}

TEST(XenDebugPrefix, OnlyLinesWithoutAPrefixOfTheirOwn) {
  EXPECT_EQ(FrameOne(kGdprintk).source, Source::kXen);
  EXPECT_EQ(FrameOne(kGdprintk).text, kGdprintk);
  // A kernel, guest or syslog message that reads like one keeps its writer.
  EXPECT_EQ(FrameOne(std::string("[   12.000000] ") + kGdprintk).source, Source::kKernel);
  EXPECT_EQ(FrameOne(std::string("(d5) ") + kGdprintk).source, Source::kGuest);
  Record syslog = FrameOne(std::string("Aug 15 20:29:00 dom0 qrexec: ") + kGdprintk);
  EXPECT_EQ(syslog.source, Source::kUserspace);
  EXPECT_EQ(syslog.program, "qrexec");
}

// ---- Per line in one stream -----------------------------------------------------------------

TEST(XenHostLines, MixedInOneStream) {
  std::vector<Record> r = Frame({kXtlDated, kXtlPlain, kLibvirt, kXend, kGdprintk, kHypervisorLog,
                                 "Parsing config from /etc/drakrun/configs/vm-0.cfg"});
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0].program, "libxl");
  EXPECT_EQ(r[1].program, "libxl");
  EXPECT_EQ(r[2].program, "libxl");
  EXPECT_EQ(r[3].program, "xend");
  EXPECT_EQ(r[4].source, Source::kXen);
  EXPECT_EQ(r[5].source, Source::kXen);
  EXPECT_EQ(r[6].source, Source::kKernel);  // xl's own fprintf(): no prefix to know it by
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r[i].source, Source::kUserspace) << i;
}

TEST(XenHostLines, LookAlikesInsideAMessageChangeNothing) {
  for (const std::string& text : {std::string("x ") + kXtlPlain, std::string("x ") + kXend,
                                  std::string("x ") + kHypervisorLog}) {
    Record r = FrameOne(text);
    EXPECT_EQ(r.source, Source::kKernel) << text;
    EXPECT_EQ(r.text, text);
  }
}

TEST(XenHostLines, EveryCutOfARealLineIsSafe) {
  // Truncated lines (a log cut mid-write) and random bytes: parsers stay inside the line and a
  // cut line is never half-taken.
  std::mt19937 random(14);
  for (std::string line : {std::string(kXtlDated), std::string(kXtlPlain), std::string(kLibvirt),
                           std::string(kXend), std::string(kGdprintk), std::string(kHypervisorLog),
                           std::string("[2020-12-24 08:34:49] Logfile Opened")}) {
    for (size_t n = 0; n <= line.size(); ++n) {
      std::string cut = line.substr(0, n);
      Record r;
      size_t text = 0;
      std::string_view stamp;
      if (ParseXtlLine(cut, &r, &text) || ParseLibvirtLine(cut, &r, &text) ||
          ParseXendLine(cut, &r, &text)) {
        EXPECT_LE(text, cut.size());
      }
      if (TakeXenconsoledStamp(cut, &stamp, &text)) {
        EXPECT_LE(text, cut.size());
      }
      LooksLikeXenDebugLine(cut);
      EXPECT_EQ(Frame({cut}).size(), cut.empty() ? 0u : 1u) << cut;
    }
    for (int i = 0; i < 200; ++i) {
      std::string noisy = line;
      noisy[random() % noisy.size()] = static_cast<char>(random());
      Frame({noisy});
    }
  }
}

}  // namespace
}  // namespace kdiag
