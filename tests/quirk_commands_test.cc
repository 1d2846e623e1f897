// sysfs quirks commands and the xl permissive alternative.
#include <gtest/gtest.h>

#include "analyzer/remedy/quirk.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;

QuirkNeed Need(const char* bdf, const char* offset, const char* size, const char* by = "-:1",
               const char* name = "") {
  QuirkNeed n;
  n.bdf = *Bdf::Parse(bdf);
  n.field = *QuirkField::Parse(offset, size);
  n.reported_by = by;
  n.device_name = name;
  return n;
}

// Every line is a comment, blank, or one of the allowed command shapes.
void ExpectOnlyCommentsAnd(const std::string& text, const std::vector<std::string>& prefixes) {
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    ASSERT_NE(nl, std::string::npos) << "output must end with a newline";
    std::string line = text.substr(start, nl - start);
    bool ok = line.empty() || line[0] == '#';
    for (const std::string& p : prefixes) ok = ok || line.rfind(p, 0) == 0;
    EXPECT_TRUE(ok) << "unexpected line: " << line;
    start = nl + 1;
  }
}

TEST(SysfsQuirksTest, OneEchoPerDeviceAndField) {
  QuirkNeed with_id = Need("0000:13:04.0", "0xe0", "2", "-:1");
  with_id.id = PciId{0x8086, 0x10b5, std::nullopt, std::nullopt};
  std::string out = RenderSysfsQuirks({with_id, Need("0000:13:04.0", "0xe0", "2", "-:9"),
                                       Need("0000:13:04.1", "0xe0", "2", "-:5"),
                                       Need("0000:13:04.0", "0x1d6", "2", "-:12")});
  EXPECT_EQ(Count(out, "echo "), 3u);
  EXPECT_NE(out.find("echo 0000:13:04.0-000000e0:2:00000000 > "
                     "/sys/bus/pci/drivers/pciback/quirks\n"
                     "echo 0000:13:04.0-000001d6:2:00000000 > "
                     "/sys/bus/pci/drivers/pciback/quirks\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("echo 0000:13:04.1-000000e0:2:00000000 > "
                     "/sys/bus/pci/drivers/pciback/quirks\n"),
            std::string::npos);
  EXPECT_NE(out.find("# 0000:13:04.0 [8086:10b5] (reported by -:1, -:9, -:12)"), std::string::npos)
      << out;
  ExpectOnlyCommentsAnd(out, {"echo 0000:13:04."});
}

// pciback frees a device's dynamically added (quirk) fields whenever a domain releases it:
// pcistub_put_pci_dev() calls xen_pcibk_config_free_dyn_fields(), and quirks are `clean` fields
// (pci_stub.c; drivers/xen/pciback/pci_stub.c in 2.6.18-xen). So they vanish at every guest
// shutdown, not only at a host reboot or an unbind, and the once-per-binding warning flag is not
// reset with them.
TEST(SysfsQuirksTest, SaysTheyVanishWhenTheGuestReleasesTheDevice) {
  std::string out = RenderSysfsQuirks({Need("0000:13:04.0", "0xe0", "2")});
  EXPECT_EQ(out.find("last only until the host reboots"), std::string::npos) << out;
  EXPECT_NE(out.find("pcistub_put_pci_dev"), std::string::npos) << out;
  for (const char* event : {"shutdown", "reboot", "destroy", "pci-detach"}) {
    EXPECT_NE(out.find(event), std::string::npos) << event;
  }
  EXPECT_NE(out.find("without a new"), std::string::npos) << out;
  EXPECT_NE(out.find("before EVERY start"), std::string::npos) << out;
}

// What re-applies them: xl has no pre-start hook and restarts a rebooting guest by itself
// (tools/xl/xl_vmcontrol.c, `goto start`), libvirt's libxl driver runs its hook before every
// start, xend re-sent its quirks file at every domain start (pciif.py setupOneDevice, PCIQuirk).
TEST(SysfsQuirksTest, SaysHowToReapplyThemBeforeEveryStart) {
  std::string out = RenderSysfsQuirks({Need("0000:13:04.0", "0xe0", "2")});
  EXPECT_NE(out.find("&& xl create"), std::string::npos) << out;
  EXPECT_NE(out.find("on_reboot = \"destroy\""), std::string::npos) << out;
  EXPECT_NE(out.find("/etc/libvirt/hooks/libxl"), std::string::npos) << out;
  EXPECT_NE(out.find("start begin"), std::string::npos) << out;
  EXPECT_NE(out.find("writes the fields of /etc/xen/xend-pci-quirks.sxp"), std::string::npos)
      << out;
  EXPECT_NE(out.find("once per device binding"), std::string::npos);
}

TEST(SysfsQuirksTest, NothingInvalidIsPrinted) {
  QuirkNeed bad_reg = Need("0000:13:04.0", "0xe0", "2");
  bad_reg.field.reg = 0x1000;
  QuirkNeed bad_dev = Need("0000:13:04.0", "0xe0", "2");
  bad_dev.bdf.device = 0x40;
  QuirkNeed hostile = Need("0000:13:05.0", "0xe0", "2", "x\n; rm -rf /\n", "a\nb\x1b[2J");
  std::string out = RenderSysfsQuirks({bad_reg, bad_dev, hostile});
  EXPECT_EQ(Count(out, "echo "), 1u) << out;
  EXPECT_EQ(out.find("00001000"), std::string::npos);
  EXPECT_EQ(out.find(":40."), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_NE(out.find("# 0000:13:05.0 ab[2J (reported by x; rm -rf /)"), std::string::npos) << out;
  ExpectOnlyCommentsAnd(out, {"echo 0000:13:05.0-000000e0:2:00000000 > "});
  EXPECT_EQ(RenderSysfsQuirks({}).find("echo"), std::string::npos);
}

// xl's config parser keeps only the last assignment of a key (libxlu_cfg.c, find() returns the
// newest setting), so two `pci = [...]` lines would leave the domain only the second device.
TEST(XlPermissiveTest, OneListHoldsEveryDevice) {
  std::string out =
      RenderXlPermissive({Need("0000:13:04.0", "0xe0", "2"), Need("0000:13:04.0", "0x1d6", "2"),
                          Need("0000:13:04.1", "0xe0", "2")});
  EXPECT_EQ(Count(out, "\npci = ["), 1u) << out;
  EXPECT_EQ(Count(out, "\npci = [ '0000:13:04.0,permissive=1', '0000:13:04.1,permissive=1' ]\n"),
            1u)
      << out;
  EXPECT_NE(out.find("keeps only the last"), std::string::npos) << out;
  EXPECT_NE(out.find("already has"), std::string::npos) << out;
  EXPECT_EQ(Count(out, "echo 0000:13:04.0 > /sys/bus/pci/drivers/pciback/permissive\n"), 1u);
  EXPECT_EQ(Count(out, "echo 0000:13:04.1 > /sys/bus/pci/drivers/pciback/permissive\n"), 1u);
  ExpectOnlyCommentsAnd(out, {"pci = [ '0000:13:04.", "echo 0000:13:04."});
}

TEST(XlPermissiveTest, OneDeviceOneEntry) {
  std::string out = RenderXlPermissive({Need("0000:13:04.0", "0xe0", "2")});
  EXPECT_EQ(Count(out, "\npci = [ '0000:13:04.0,permissive=1' ]\n"), 1u) << out;
}

TEST(XlPermissiveTest, CarriesTheSecurityWarning) {
  std::string out = RenderXlPermissive({Need("0000:13:04.0", "0xe0", "2")});
  EXPECT_NE(out.find("SECURITY WARNING"), std::string::npos);
  EXPECT_NE(out.find("ANY configuration register"), std::string::npos);
  EXPECT_NE(out.find("BARs"), std::string::npos);
  EXPECT_NE(out.find("MSI"), std::string::npos);
  EXPECT_NE(out.find("command register"), std::string::npos);
  EXPECT_NE(out.find("trust"), std::string::npos);
  EXPECT_NE(out.find("prefer the narrow fix"), std::string::npos);
  EXPECT_LT(out.find("SECURITY WARNING"), out.find("pci = ["));
}

TEST(XlPermissiveTest, NothingInvalidIsPrinted) {
  QuirkNeed bad = Need("0000:13:04.0", "0xe0", "2");
  bad.bdf.function = 8;
  std::string out = RenderXlPermissive({bad});
  EXPECT_EQ(out.find("pci = ["), std::string::npos);
  EXPECT_EQ(out.find("echo"), std::string::npos);
}

}  // namespace
}  // namespace kdiag
