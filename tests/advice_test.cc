// The pci-quirk advice of the report, end to end: log lines in, the finding's advice out.
#include <gtest/gtest.h>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::RunKdiag;

const char kWarning[] =
    "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only configuration "
    "space field at offset 0xe0, size 2. This may be harmless, but if you have problems with "
    "your device:\n";

// The advice field of the first finding of `log`'s NDJSON, with JSON's "\n" turned back into
// newlines (the report wraps lines, which would split the phrases a test looks for).
std::string Advice(const std::string& log, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"--pci-ids", "none", "--output", "ndjson"});
  testing::RunResult r = RunKdiag(args, "", log);
  EXPECT_EQ(r.status, 0) << r.err;
  size_t key = r.out.find("\"type\":\"finding\",\"rule\":\"xen.pciback.ro_config_write\"");
  if (key == std::string::npos) return "";
  size_t begin = r.out.find("\"advice\":\"", key);
  size_t end = r.out.find("\",\"", begin + 10);
  std::string advice = r.out.substr(begin + 10, end - begin - 10);
  std::string out;
  for (size_t i = 0; i < advice.size(); ++i) {
    if (advice[i] == '\\' && i + 1 < advice.size() && advice[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += advice[i];
    }
  }
  return out;
}

// A sysfs quirk is freed whenever a domain releases the device (pcistub_put_pci_dev ->
// xen_pcibk_config_free_dyn_fields), not only at a host reboot or re-bind, and the warning flag
// is not reset then.
TEST(AdviceTest, SysfsQuirkLifetimeIsTheGuestsNotTheHosts) {
  std::string advice = Advice(kWarning);
  ASSERT_FALSE(advice.empty());
  EXPECT_EQ(advice.find("until reboot or re-bind"), std::string::npos) << advice;
  EXPECT_NE(advice.find("lost whenever the domain releases the device"), std::string::npos)
      << advice;
  EXPECT_NE(advice.find("before every start of the domain"), std::string::npos) << advice;
  EXPECT_NE(advice.find("no new warning"), std::string::npos) << advice;
}

const char kEnumerated[] = "[    0.312345] pci 0000:13:04.0: [8086:10b5] type 00 class 0x020000\n";
const char kXen343[] =
    "(XEN) Xen version 3.4.3 (mockbuild@centos.org) (gcc version 4.1.2 20080704 (Red Hat "
    "4.1.2-54)) Tue Jan  8 17:55:01 EST 2013\n";
const char kXen4175[] =
    "(XEN) Xen version 4.17.5 (pkg-xen-devel@lists.alioth.debian.org) (gcc (Debian 12.2.0-14) "
    "12.2.0) debug=n Tue Nov 26 2024\n";
const char kXen42[] = "(XEN) Xen version 4.2.5 (root@) (gcc 4.7) Mon Jan 1 2014\n";
const char kLibxl[] =
    "libxl: error: libxl_pci.c:1489:libxl__device_pci_add: Domain 12:PCI device 0000:03:00.0 "
    "already assigned to a different guest?\n";

// The founding case: Xen 3.4 with xend. Nothing about xl, whose config and commands do not exist
// there.
TEST(AdviceTest, XendEraGetsXendFilesOnly) {
  std::string advice = Advice(std::string(kXen343) + kEnumerated + kWarning);
  EXPECT_NE(advice.find("This host runs xend: Xen 3.4.3 (-:1)"), std::string::npos) << advice;
  EXPECT_NE(advice.find("/etc/xen/xend-pci-quirks.sxp"), std::string::npos) << advice;
  EXPECT_NE(advice.find("'000000e0:2:00000000'"), std::string::npos) << advice;
  EXPECT_NE(advice.find("/etc/xen/xend-pci-permissive.sxp"), std::string::npos) << advice;
  EXPECT_NE(advice.find("(unconstrained_dev_ids ('8086:10b5'))"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("pci = ["), std::string::npos) << advice;
  EXPECT_EQ(advice.find("xl/libxl:"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("xl pci-assignable-add"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("/sys/bus/pci/drivers/pciback/quirks"), std::string::npos) << advice;
  // 3.4 has the fix for the missing-permissive-file bug: no warning about it.
  EXPECT_EQ(advice.find("UnboundLocalError"), std::string::npos) << advice;
}

TEST(AdviceTest, XlEraGetsSysfsQuirksAndPermissive) {
  std::string advice = Advice(std::string(kXen4175) + kEnumerated + kWarning);
  EXPECT_NE(advice.find("This host runs xl/libxl: Xen 4.17.5 (-:1): xend was removed in Xen 4.5"),
            std::string::npos)
      << advice;
  EXPECT_NE(advice.find("echo 0000:13:04.0-000000e0:2:00000000 > "
                        "/sys/bus/pci/drivers/pciback/quirks"),
            std::string::npos)
      << advice;
  EXPECT_NE(advice.find("before every start of the domain"), std::string::npos) << advice;
  EXPECT_NE(advice.find("pci = [ '0000:13:04.0,permissive=1' ]"), std::string::npos) << advice;
  EXPECT_NE(advice.find("xl pci-assignable-add 0000:13:04.0"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("xend:"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("xend-pci-quirks.sxp"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("xend-pci-permissive.sxp"), std::string::npos) << advice;
}

TEST(AdviceTest, LibxlMessagesMakeAnXlHostWhateverTheVersion) {
  std::string advice = Advice(std::string(kXen42) + kLibxl + kEnumerated + kWarning);
  EXPECT_NE(advice.find("This host runs xl/libxl: libxl's messages (-:2), Xen 4.2.5 (-:1)"),
            std::string::npos)
      << advice;
  EXPECT_EQ(advice.find("xend-pci-quirks.sxp"), std::string::npos) << advice;
}

// Xen 4.0 to 4.4 ship both toolstacks; without a toolstack message both fixes are given, each
// labelled, and the missing-permissive-file bug of xend before 3.4 is named when the version does
// not rule it out.
TEST(AdviceTest, UnknownEraGetsBothLabelled) {
  std::string advice = Advice(std::string(kXen42) + kEnumerated + kWarning);
  EXPECT_NE(advice.find("kdiag cannot tell whether this host runs xend"), std::string::npos)
      << advice;
  EXPECT_NE(advice.find("If the host runs xend"), std::string::npos) << advice;
  EXPECT_NE(advice.find("If it runs xl/libxl"), std::string::npos) << advice;
  EXPECT_NE(advice.find("xend-pci-quirks.sxp"), std::string::npos) << advice;
  EXPECT_NE(advice.find("/sys/bus/pci/drivers/pciback/quirks"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("UnboundLocalError"), std::string::npos) << advice;  // 4.2 is fixed

  std::string no_version = Advice(std::string(kEnumerated) + kWarning);
  EXPECT_NE(no_version.find("neither the hypervisor's version"), std::string::npos) << no_version;
  EXPECT_NE(no_version.find("UnboundLocalError"), std::string::npos) << no_version;
}

// The emitted files are printed in every era (a contract); their comments follow it.
TEST(AdviceTest, EmittedFilesSayWhatTheEraMeans) {
  auto emit = [](const std::string& what, const std::string& log) {
    testing::RunResult r = RunKdiag({"--pci-ids", "none", "--emit", what}, "", log);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  };
  std::string xend_host = std::string(kXen343) + kEnumerated + kWarning;
  std::string xl_host = std::string(kXen4175) + kEnumerated + kWarning;

  std::string xl_on_xend = emit("xl", xend_host);
  EXPECT_NE(xl_on_xend.find("This host runs xend"), std::string::npos) << xl_on_xend;
  EXPECT_NE(xl_on_xend.find("kdiag --emit xend-permissive"), std::string::npos) << xl_on_xend;
  EXPECT_NE(xl_on_xend.find("pci = [ '0000:13:04.0,permissive=1' ]"), std::string::npos);

  std::string sysfs_on_xend = emit("sysfs-quirks", xend_host);
  EXPECT_NE(sysfs_on_xend.find("This host runs xend"), std::string::npos) << sysfs_on_xend;
  EXPECT_EQ(sysfs_on_xend.find("&& xl create"), std::string::npos) << sysfs_on_xend;
  EXPECT_NE(sysfs_on_xend.find("echo 0000:13:04.0-000000e0:2:00000000"), std::string::npos);

  std::string sysfs_on_xl = emit("sysfs-quirks", xl_host);
  EXPECT_NE(sysfs_on_xl.find("&& xl create"), std::string::npos) << sysfs_on_xl;
  EXPECT_EQ(sysfs_on_xl.find("xend-pci-quirks.sxp"), std::string::npos) << sysfs_on_xl;

  std::string xend_on_xl = emit("xend-quirks", xl_host);
  EXPECT_NE(xend_on_xl.find("This host runs xl/libxl"), std::string::npos) << xend_on_xl;
  EXPECT_NE(xend_on_xl.find("nothing on it reads this"), std::string::npos) << xend_on_xl;
  EXPECT_NE(xend_on_xl.find("('000000e0:2:00000000')"), std::string::npos) << xend_on_xl;

  std::string permissive = emit("xend-permissive", xend_host);
  EXPECT_NE(permissive.find("(unconstrained_dev_ids\n    ('8086:10b5')"), std::string::npos)
      << permissive;
  EXPECT_NE(permissive.find("SECURITY WARNING"), std::string::npos) << permissive;
}

// A "warning" naming BAR0 (0x10): pciback handles the BARs itself (bar_write), and a quirk there
// would pass the guest's writes to the real BAR. No artifact may carry it.
TEST(AdviceTest, GuardedRegisterGetsNoQuirkAnywhere) {
  std::string log = std::string(kXen343) + kEnumerated +
                    "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only "
                    "configuration space field at offset 0x10, size 4. This may be harmless, but "
                    "if you have problems with your device:\n";
  std::string advice = Advice(log);
  EXPECT_NE(advice.find("No quirk: offset 0x10"), std::string::npos) << advice;
  EXPECT_NE(advice.find("the BARs"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("00000010:4"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("unconstrained_dev_ids"), std::string::npos) << advice;

  for (const char* what : {"xend-quirks", "sysfs-quirks", "xl", "xend-permissive"}) {
    testing::RunResult r = RunKdiag({"--pci-ids", "none", "--emit", what}, "", log);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.find("00000010:4"), std::string::npos) << what << "\n" << r.out;
    EXPECT_EQ(r.out.find("echo 0000:13:04.0"), std::string::npos) << what << "\n" << r.out;
    EXPECT_EQ(r.out.find("pci = ["), std::string::npos) << what << "\n" << r.out;
    EXPECT_EQ(r.out.find("('8086:10b5')"), std::string::npos) << what << "\n" << r.out;
    EXPECT_NE(r.err.find("BARs"), std::string::npos) << what << "\n" << r.err;
  }
  std::string dir = testing::TempDir();
  testing::WriteFile(
      dir + "/quirks.sxp",
      "(card (pci_ids ('8086:10b5')) (pci_config_space_fields ('000000e4:4:00000000')))\n");
  testing::RunResult merged = RunKdiag(
      {"--pci-ids", "none", "--emit", "xend-quirks", "--merge", dir + "/quirks.sxp"}, "", log);
  EXPECT_EQ(merged.out, testing::ReadFile(dir + "/quirks.sxp"));
}

// MSI and MSI-X capabilities are refused where lspci -vv placed them, and where it did not, the
// advice says that kdiag could not check.
TEST(AdviceTest, MsiCapabilityFromLspciIsRefused) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/lspci.txt",
                     "13:04.0 Ethernet controller [0200]: Intel Corporation 82546GB Gigabit "
                     "Ethernet Controller [8086:10b5] (rev 03)\n"
                     "\tSubsystem: Hewlett-Packard Company NC340T [103c:3109]\n"
                     "\tCapabilities: [dc] Power Management version 2\n"
                     "\tCapabilities: [e4] PCI-X non-bridge device\n"
                     "\tCapabilities: [f0] MSI: Enable- Count=1/1 Maskable- 64bit+\n");
  std::string msi = std::string(kXen343) +
                    "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only "
                    "configuration space field at offset 0xf4, size 4. This may be harmless, but "
                    "if you have problems with your device:\n";
  std::string advice = Advice(msi, {"--lspci", dir + "/lspci.txt"});
  EXPECT_NE(advice.find("No quirk: offset 0xf4"), std::string::npos) << advice;
  EXPECT_NE(advice.find("MSI capability at 0xf0 (0xf0-0xfd"), std::string::npos) << advice;
  testing::RunResult r = RunKdiag(
      {"--pci-ids", "none", "--emit", "sysfs-quirks", "--lspci", dir + "/lspci.txt"}, "", msi);
  EXPECT_EQ(r.out.find("echo 0000:13:04.0"), std::string::npos) << r.out;

  // 0xe0 is outside it: the quirk stands, and no caveat is needed.
  std::string ok = Advice(std::string(kXen343) + kWarning, {"--lspci", dir + "/lspci.txt"});
  EXPECT_NE(ok.find("'000000e0:2:00000000'"), std::string::npos) << ok;
  EXPECT_EQ(ok.find("could not check"), std::string::npos) << ok;
  // Without the capability list kdiag says it could not check.
  std::string unchecked = Advice(std::string(kXen343) + kEnumerated + kWarning);
  EXPECT_NE(unchecked.find("could not check"), std::string::npos) << unchecked;
}

// A capture from the log goes into advice commands an operator pastes into a root shell only when a
// shell would take it as it is: "sda1;reboot" is left out of every command, and said so.
TEST(AdviceTest, LogValuesWithShellCharactersStayOutOfCommands) {
  std::string dir = testing::TempDir(), log = dir + "/kern.log";
  testing::WriteFile(log,
                     "[ 10.000000] EXT4-fs error (device sda1;reboot): ext4_lookup:1589: inode #2: "
                     "comm ls: deleted inode referenced: 1835009\n"
                     "[ 11.000000] EXT4-fs error (device sdb1): ext4_lookup:1589: inode #2: "
                     "comm ls: deleted inode referenced: 1835009\n");
  auto r = RunKdiag({log}, "", "", {"COLUMNS=200"});
  EXPECT_EQ(r.out.find("e2fsck -fn /dev/sda1;reboot"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("{detail} out of"), std::string::npos) << r.out;  // in no command
  EXPECT_NE(r.out.find("e2fsck -fn /dev/<device>"), std::string::npos) << r.out;
  // A command between backticks in a sentence is a command too; the prose keeps the value.
  EXPECT_NE(r.out.find("`debugfs -R \"ncheck <inode>\" /dev/<device>`"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("ncheck <inode>\" /dev/sda1;reboot"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("The ext filesystem on /dev/sda1;reboot found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kdiag left {device} out of the commands above: the log's value "
                       "'sda1;reboot'"),
            std::string::npos)
      << r.out;
  // A plain device name is filled in as before.
  EXPECT_NE(r.out.find("e2fsck -fn /dev/sdb1"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kdiag
