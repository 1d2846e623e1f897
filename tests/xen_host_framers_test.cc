// The whole-file shapes of a Xen host's logs: xend.log (XendFramer), guest console and device model
// logs (SingleWriterFramer), and how detection finds them by content or by xenconsoled's and
// libxl's file names.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/input/framers/format.h"
#include "analyzer/input/framers/single_writer_framer.h"
#include "analyzer/input/framers/xend_framer.h"
#include "tests/pipeline_run.h"

namespace kdiag {
namespace {

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

std::vector<Record> FrameAll(Framer* framer, const std::vector<std::string>& lines) {
  return testing::FrameText(framer, Join(lines));
}

const std::vector<std::string> kXendLog = {
    "[2009-06-30 13:46:14 5499] DEBUG (XendDomainInfo:1930) XendDomainInfo.destroyDomain(7)",
    "[2009-06-30 13:46:14 5499] ERROR (XendDomainInfo:1942) XendDomainInfo.destroy: "
    "xc.domain_destroy failed.",
    "Traceback (most recent call last):",
    "  File \"/usr/lib/python2.5/site-packages/xen/xend/XendDomainInfo.py\", line 1937, in "
    "destroyDomain",
    "    xc.domain_destroy(self.domid)",
    "Error: (3, 'No such process')",
    "[2009-06-30 13:46:14 5499] DEBUG (XendDomainInfo:1553) No device model",
};

const std::vector<std::string> kGuestConsole = {
    "[2024-01-21 01:09:53] NET: Registered protocol family 2",
    "[2024-01-21 01:09:53] Unpacking initramfs...",
    "[2024-01-21 01:09:53] xen:xen_evtchn: Event-channel device installed",
};

TEST(XendFramer, TracebackJoinsItsMessage) {
  XendFramer framer("xend.log");
  std::vector<Record> r = FrameAll(&framer, kXendLog);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].text, "XendDomainInfo.destroy: xc.domain_destroy failed.\n" + kXendLog[2] + "\n" +
                           kXendLog[3] + "\n" + kXendLog[4] + "\n" + kXendLog[5]);
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[1].line_count, 5u);
  EXPECT_EQ(r[1].level, 3);
  EXPECT_EQ(r[2].line, 7u);
  for (const Record& record : r) {
    EXPECT_EQ(record.source, Source::kUserspace);
    EXPECT_EQ(record.program, "xend");
  }
}

TEST(XendFramer, LinesBeforeTheFirstMessageAndBounds) {
  XendFramer framer("xend.log");
  std::vector<std::string> lines = {"stray line", kXendLog[0]};
  for (int i = 0; i < 10005; ++i) lines.push_back("  x");
  std::vector<Record> r = FrameAll(&framer, lines);
  // The stray line and the held record are separate; 10,000 lines at most per record.
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].text, "stray line");
  EXPECT_EQ(r[0].program, "xend");
  EXPECT_EQ(r[1].line_count, 10000u);
  EXPECT_EQ(r[2].line_count, 6u);
  EXPECT_EQ(r[2].line, 10002u);
}

TEST(SingleWriterFramer, GuestConsoleIsTheGuestsWhateverItSays) {
  SingleWriterFramer framer("guest-sys-net.log", Source::kKernel, "", true);
  std::vector<std::string> lines = kGuestConsole;
  // Built: what a guest may print to look like the hypervisor, the kernel or the toolstack.
  lines.push_back("[2024-01-21 01:09:54] (XEN) mm.c:907:d0 Error getting mfn 1 (pfn 1)");
  lines.push_back("mm.c:907:d16 Error getting mfn 100000 (pfn 942b1)");
  lines.push_back("libxl: error: libxl_pci.c:1:f: PCI device 0000:00:00.0 is not assignable");
  lines.push_back("[2024-01-21 01:09:55] Logfile Opened");
  lines.push_back("   ");
  std::vector<Record> r = FrameAll(&framer, lines);
  ASSERT_EQ(r.size(), 7u);
  // The guest kernel's text: never the hypervisor's or the toolstack's. (The pipeline makes the
  // whole input the guest's: provenance_test.cc.)
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(r[i].source, Source::kKernel) << i;
    EXPECT_EQ(r[i].domain, -1) << i;
  }
  EXPECT_EQ(r[0].text, "NET: Registered protocol family 2");
  EXPECT_EQ(r[0].wall_time, "2024-01-21 01:09:53");
  EXPECT_EQ(r[3].text, "(XEN) mm.c:907:d0 Error getting mfn 1 (pfn 1)");
  EXPECT_TRUE(r[4].wall_time.empty());
  EXPECT_EQ(r[6].source, Source::kUserspace);
  EXPECT_EQ(r[6].program, "xenconsoled");
}

TEST(SingleWriterFramer, QemuDmKeepsTextAsWritten) {
  SingleWriterFramer framer("qemu-dm-windows7.log", Source::kUserspace, "qemu-dm", false);
  std::vector<Record> r = FrameAll(
      &framer, {"domid: 7", "[2024-01-21 01:09:53] looks stamped", "husb: open device 1.1\r"});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].text, "[2024-01-21 01:09:53] looks stamped");
  EXPECT_TRUE(r[1].wall_time.empty());
  EXPECT_EQ(r[2].text, "husb: open device 1.1");
  for (const Record& record : r) EXPECT_EQ(record.program, "qemu-dm");
}

TEST(XenHostDetection, ByContent) {
  EXPECT_STREQ(DetectFormat(Join(kXendLog)).name, "xend");
  EXPECT_STREQ(DetectFormat(Join(kGuestConsole)).name, "xen-guest-console");
  EXPECT_STREQ(DetectFormat("domid: 7\nUsing file /VMPool/Win7/W7ultimate.img\n").name, "qemu-dm");
  // hypervisor.log has Xen's lines after the stamps: per line, in the console framer.
  EXPECT_STREQ(DetectFormat("[2020-12-24 08:34:49] Logfile Opened\n[2020-12-24 08:34:49] (XEN) "
                            "Bootloader: GRUB 2.04\n")
                   .name,
               "console");
  EXPECT_STREQ(DetectFormat(Join(kGuestConsole) + "unstamped\n").name, "console");
  EXPECT_STREQ(DetectFormat("[2024-01-21 01:09:53] (d3) x\n").name, "console");
  EXPECT_STREQ(DetectFormat(kGuestConsole[0]).name, "console");  // no complete line yet
  EXPECT_STREQ(DetectFormat("domid: 7").name, "console");
  EXPECT_STREQ(DetectFormat("libxl: error: x\n2022-01-13 01:39:51 UTC libxl: debug: x\n").name,
               "console");
}

TEST(XenHostDetection, ByNameBeforeContent) {
  // A guest that prints "(XEN) " does not make its console log read like hypervisor.log.
  std::string forged = "[2024-01-21 01:09:53] (XEN) Xen version 4.14.0\n";
  EXPECT_STREQ(DetectFormat(forged, "/var/log/xen/console/hypervisor.log").name, "console");
  EXPECT_STREQ(DetectFormat(forged, "/var/log/xen/console/guest-sys-net.log").name,
               "xen-guest-console");
  EXPECT_STREQ(DetectFormat(forged, "guest-sys-net-dm.log.1.gz").name, "xen-guest-console");
  EXPECT_STREQ(DetectFormat("x\n", "/var/log/xen/qemu-dm-win7.log.old").name, "qemu-dm");
  EXPECT_STREQ(DetectFormat("x\n", "/var/log/guest-notes.txt").name, "console");
  EXPECT_STREQ(DetectFormat("x\n", "-").name, "console");
  EXPECT_STREQ(DetectFormat("x\n", "/logs/guest-/x").name, "console");
}

TEST(XenHostDetection, FormatNamesAreListed) {
  for (const char* name : {"xend", "qemu-dm", "xen-guest-console"}) {
    ASSERT_NE(FindFormat(name), nullptr) << name;
    EXPECT_NE(FormatNames().find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace kdiag
