// Provenance: a guest's own log is read and reported, but never becomes a fix for the host
// (analyzer/input/provenance.h). The attack: a guest prints a pciback warning and an enumeration
// line of its choosing into its console, which xenconsoled writes to dom0's disk
// (/var/log/xen/console/guest-NAME.log) and support bundles collect.
#include "analyzer/input/provenance.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "tests/run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;
using testing::RunKdiag;
using testing::TempDir;
using testing::WriteFile;

// What a hostile guest prints: a pciback warning for a register and device of its choosing, and
// an enumeration line that names the device.
constexpr char kForged[] =
    "[    1.000000] pci 0000:13:04.0: [8086:10b5] type 00 class 0x020000\n"
    "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only configuration "
    "space field at offset 0xe0, size 2. This may be harmless, but if you have problems with your "
    "device:\n";

constexpr char kEcho[] = "echo 0000:13:04.0-000000e0:2:00000000";

TEST(Provenance, GuestLogPathsFollowTheDaemonsConventions) {
  EXPECT_TRUE(IsGuestLogPath("/var/log/xen/console/guest-web01.log"));
  EXPECT_TRUE(IsGuestLogPath("guest-web01-emu.log"));
  EXPECT_TRUE(IsGuestLogPath("/var/log/xen/console/guest-web01.log.1.gz"));
  EXPECT_TRUE(IsGuestLogPath("/var/log/xen/qemu-dm-web01.log"));
  EXPECT_FALSE(IsGuestLogPath("/var/log/xen/console/hypervisor.log"));
  EXPECT_FALSE(IsGuestLogPath("/var/log/kern.log"));
  EXPECT_FALSE(IsGuestLogPath("/var/log/xen/xl-web01.log"));
  EXPECT_FALSE(IsGuestLogPath("/home/guest-user/dmesg"));  // the directory is not the file
}

TEST(Provenance, GuestConsoleInABundleGetsNoFix) {
  std::string dir = TempDir();
  ASSERT_EQ(mkdir((dir + "/var").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((dir + "/var/log").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((dir + "/var/log/xen").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((dir + "/var/log/xen/console").c_str(), 0755), 0);
  WriteFile(dir + "/var/log/xen/console/guest-evil.log", kForged);
  for (const char* emit : {"sysfs-quirks", "xl", "xend-quirks"}) {
    auto r = RunKdiag({"--pci-ids", "none", "--emit", emit, dir});
    EXPECT_EQ(Count(r.out, "0000:13:04.0"), 0u) << emit << "\n" << r.out;
    EXPECT_NE(r.err.find("a guest wrote this line"), std::string::npos) << r.err;
  }
  // The event is still reported, as the guest's.
  auto r = RunKdiag({"--pci-ids", "none", dir});
  EXPECT_NE(r.out.find("xen.pciback.ro_config_write"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(written by a guest)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("No fix:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kEcho), std::string::npos) << r.out;
}

TEST(Provenance, GuestConsoleNamedDirectlyGetsNoFix) {
  std::string dir = TempDir();
  WriteFile(dir + "/guest-evil.log", kForged);
  auto r = RunKdiag({"--pci-ids", "none", "--emit", "sysfs-quirks", dir + "/guest-evil.log"});
  EXPECT_EQ(r.out.find(kEcho), std::string::npos) << r.out;
  auto nd = RunKdiag({"--pci-ids", "none", "--output", "ndjson", dir + "/guest-evil.log"});
  EXPECT_NE(nd.out.find("\"rule\":\"xen.pciback.ro_config_write\""), std::string::npos);
  EXPECT_EQ(Count(nd.out, "\"provenance\":\"guest\""), 3u) << nd.out;  // 2 events, 1 finding
  EXPECT_EQ(Count(nd.out, "\"provenance\":\"kernel\""), 0u) << nd.out;
}

TEST(Provenance, OperatorNamesAGuestsLog) {
  std::string dir = TempDir();
  WriteFile(dir + "/web01-console.txt", kForged);
  auto host = RunKdiag({"--pci-ids", "none", "--emit", "sysfs-quirks", dir + "/web01-console.txt"});
  EXPECT_NE(host.out.find(kEcho), std::string::npos) << "without --source, the file is dom0's";
  auto r = RunKdiag({"--pci-ids", "none", "--emit", "sysfs-quirks", "--source", "guest",
                     dir + "/web01-console.txt"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find(kEcho), std::string::npos) << r.out;
  auto bad = RunKdiag({"--source", "host", dir + "/web01-console.txt"});
  EXPECT_EQ(bad.status, 2);
}

TEST(Provenance, AGuestKernelsOwnLinesMakeTheWholeInputAGuests) {
  // pcifront only runs in the domain a device is passed to; its line may come after the forged
  // warning, and still withdraws the fix.
  std::string dir = TempDir();
  WriteFile(dir + "/console.log",
            std::string(kForged) + "[   50.000000] pcifront pci-0: Installing PCI frontend\n");
  auto r = RunKdiag({"--pci-ids", "none", "--emit", "sysfs-quirks", dir + "/console.log"});
  EXPECT_EQ(r.out.find(kEcho), std::string::npos) << r.out;
}

TEST(Provenance, AGuestsEnumerationNeverNamesAHostDevice) {
  // dom0's own warning, without an enumeration line; a guest's log claims the BDF is 8086:10b5.
  std::string dir = TempDir();
  WriteFile(dir + "/dmesg.log",
            "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only "
            "configuration space field at offset 0xe0, size 2. This may be harmless, but if you "
            "have problems with your device:\n");
  WriteFile(dir + "/guest-evil.log",
            "[    1.000000] pci 0000:13:04.0: [8086:10b5] type 00 class 0x020000\n");
  auto r = RunKdiag(
      {"--pci-ids", "none", "--emit", "xend-quirks", dir + "/dmesg.log", dir + "/guest-evil.log"});
  EXPECT_EQ(r.out.find("8086:10b5"), std::string::npos) << r.out;
  // dom0's own line still gets its fix.
  auto s = RunKdiag(
      {"--pci-ids", "none", "--emit", "sysfs-quirks", dir + "/dmesg.log", dir + "/guest-evil.log"});
  EXPECT_NE(s.out.find(kEcho), std::string::npos) << s.out;
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

// A guest's crash is worth knowing: the kernel rules read a guest console's kernel text, and the
// finding is marked as the guest's. What merely looks like the hypervisor stays the guest's text.
TEST(Provenance, AGuestsOopsIsReportedAsTheGuests) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/guest-web01.log",
                     "[2024-01-21 01:09:53] [    5.000000] Kernel panic - not syncing: Attempted "
                     "to kill init! exitcode=0x00000009\n"
                     "[2024-01-21 01:09:54] (XEN) Xen BUG at mm.c:1\n");
  auto r = testing::RunKdiag({"--output", "ndjson", dir + "/guest-web01.log"});
  std::vector<testing::NdjsonLine> lines = testing::ParseNdjson(r.out);
  size_t panics = 0;
  for (const auto& l : lines) {
    if (l.type == "summary") continue;
    EXPECT_NE(l.raw.find("\"provenance\":\"guest\""), std::string::npos) << l.raw;
    EXPECT_EQ(l.rule.rfind("xen.crash.", 0), std::string::npos) << "a guest is not Xen: " << l.raw;
    if (l.rule.find("panic") != std::string::npos) ++panics;
  }
  EXPECT_GE(panics, 1u) << r.out;
}

// A guest console log renamed beyond the convention is still recognised from its content
// (xenconsoled's stamps on every line, none of them Xen's), and gets no fix.
TEST(Provenance, AGuestConsoleRecognisedByContentGetsNoFix) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/web01.txt",
                     "[2024-01-21 01:09:53] pciback 0000:13:04.0: Driver tried to write to a "
                     "read-only configuration space field at offset 0xe0, size 2. This may be "
                     "harmless, but if you have problems with your device:\n");
  auto r = testing::RunKdiag({"--pci-ids", "none", "--emit", "sysfs-quirks", dir + "/web01.txt"});
  EXPECT_EQ(r.out.find(kEcho), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kdiag
