// Quirk discovery (remedy/quirk_discovery.h) from pciback's verbose requests
// (correlate/config_writes.h): every register a device's guest wrote, minus what pciback handles.
#include "analyzer/remedy/quirk_discovery.h"

#include <gtest/gtest.h>

#include "run_kdiag.h"

namespace kdiag {
namespace {

std::vector<std::string> Fields(const QuirkDiscovery& d, const char* bdf) {
  std::vector<std::string> out;
  auto it = d.devices.find(*Bdf::Parse(bdf));
  if (it == d.devices.end()) return out;
  for (const QuirkNeed& n : it->second.needs) out.push_back(n.field.ToString());
  return out;
}

TEST(QuirkDiscoveryTest, HeaderRegistersNeverGetAQuirk) {
  ConfigWrites w;
  w.Add("dmesg", 1, "0000:03:00.0", "0x4", "2");    // command
  w.Add("dmesg", 2, "0000:03:00.0", "0x10", "4");   // BAR0
  w.Add("dmesg", 3, "0000:03:00.0", "0x3c", "1");   // interrupt line
  w.Add("dmesg", 4, "0000:03:00.0", "0x30", "4");   // expansion ROM
  w.Add("dmesg", 5, "0000:03:00.0", "0xe0", "2");   // device-specific
  w.Add("dmesg", 6, "0000:03:00.0", "0x1d6", "2");  // extended space
  QuirkDiscovery d = DiscoverQuirks(w, PciInventory());
  EXPECT_EQ(Fields(d, "0000:03:00.0"),
            (std::vector<std::string>{"000000e0:2:00000000", "000001d6:2:00000000"}));
  EXPECT_EQ(d.devices.begin()->second.handled.size(), 4u);
}

TEST(QuirkDiscoveryTest, MsiCapabilityKnownFromLspciIsRefused) {
  PciInventory inv;
  Bdf bdf = *Bdf::Parse("0000:03:00.0");
  inv.Add(bdf, PciId{0x8086, 0x10d3, {}, {}}, std::nullopt, "lspci");
  PciInterruptCapability msi;
  msi.offset = 0xd0;
  msi.length = 0x18;
  inv.SetInterruptCapabilities(bdf, {msi});
  ConfigWrites w;
  w.Add("dmesg", 1, "0000:03:00.0", "0xd4", "4");  // MSI address: never
  w.Add("dmesg", 2, "0000:03:00.0", "0xe8", "4");
  QuirkDiscovery d = DiscoverQuirks(w, inv);
  EXPECT_EQ(Fields(d, "0000:03:00.0"), (std::vector<std::string>{"000000e8:4:00000000"}));
  ASSERT_EQ(d.devices.begin()->second.needs.size(), 1u);
  EXPECT_FALSE(d.devices.begin()->second.needs[0].msi_layout_unknown);
  ASSERT_TRUE(d.devices.begin()->second.needs[0].id);
}

TEST(QuirkDiscoveryTest, RepeatsAndNestedFieldsCollapse) {
  ConfigWrites w;
  w.Add("dmesg", 1, "0000:04:00.0", "0x80", "2");
  w.Add("dmesg", 2, "0000:04:00.0", "0x80", "2");
  w.Add("dmesg", 3, "0000:04:00.0", "0x82", "2");
  w.Add("dmesg", 4, "0000:04:00.0", "0x80", "4");
  w.Add("other", 9, "0000:04:00.0", "0x80", "4");  // the same field in another input
  QuirkDiscovery d = DiscoverQuirks(w, PciInventory());
  EXPECT_EQ(Fields(d, "0000:04:00.0"), (std::vector<std::string>{"00000080:4:00000000"}));
  EXPECT_EQ(d.devices.begin()->second.writes, 5u);
  EXPECT_EQ(d.devices.begin()->second.needs[0].reported_by, "dmesg:4");
}

TEST(QuirkDiscoveryTest, InvalidValuesAreCountedNotKept) {
  ConfigWrites w;
  w.Add("dmesg", 1, "0000:03:00.0", "0x1000", "1");  // beyond config space
  w.Add("dmesg", 2, "0000:03:00.0", "0x40", "3");    // no such size
  w.Add("dmesg", 3, "0000:03:00.0", "0x42", "4");    // unaligned: pciback refuses it
  w.Add("dmesg", 4, "0000:03:20.0", "0x40", "4");    // device 0x20
  w.Add("dmesg", 5, "03:00.0", "0x40", "4");         // no domain
  EXPECT_EQ(w.invalid(), 5u);
  EXPECT_TRUE(w.fields().empty());
}

TEST(QuirkDiscoveryTest, TheTableIsBounded) {
  ConfigWrites w;
  for (unsigned bus = 0; bus < 64; ++bus) {
    for (unsigned reg = 0x40; reg < 0x1000; reg += 0x20) {
      char bdf[16], off[8];
      std::snprintf(bdf, sizeof bdf, "0000:%02x:00.0", bus);
      std::snprintf(off, sizeof off, "0x%x", reg);
      w.Add("dmesg", 1, bdf, off, "4");
    }
  }
  EXPECT_EQ(w.fields().size(), ConfigWrites::kMaxFields);
  EXPECT_EQ(w.dropped(), 64u * ((0x1000 - 0x40) / 0x20) - ConfigWrites::kMaxFields);
  QuirkDiscovery d = DiscoverQuirks(w, PciInventory());
  EXPECT_EQ(d.dropped, w.dropped());
}

TEST(QuirkDiscoveryTest, AGuestsInputIsLeftOut) {
  ConfigWrites w;
  w.Add("dom0.log", 1, "0000:03:00.0", "0xe0", "2");
  w.Add("guest-vm1.log", 1, "0000:03:00.0", "0xe4", "4");
  QuirkDiscovery d = DiscoverQuirks(w.Without({"guest-vm1.log"}), PciInventory());
  EXPECT_EQ(Fields(d, "0000:03:00.0"), (std::vector<std::string>{"000000e0:2:00000000"}));
}

TEST(QuirkDiscoveryTest, DiscoveredNeedsJoinTheWarningsWithoutDuplicates) {
  ConfigWrites w;
  w.Add("dmesg", 1, "0000:04:00.0", "0x80", "4");
  w.Add("dmesg", 2, "0000:04:00.0", "0x98", "1");
  w.Add("dmesg", 3, "0000:03:00.0", "0xe0", "2");
  QuirkDiscovery d = DiscoverQuirks(w, PciInventory());
  std::vector<QuirkNeed> needs(2);
  needs[0].bdf = *Bdf::Parse("0000:04:00.0");
  needs[0].field = *QuirkField::Parse("0x80", "2");  // the warning's: replaced by 0x80:4
  needs[1].bdf = *Bdf::Parse("0000:03:00.0");
  needs[1].field = *QuirkField::Parse("0xe0", "2");  // the same as discovered: kept once
  AddDiscoveredNeeds(d, &needs);
  std::vector<std::string> got;
  for (const QuirkNeed& n : needs) got.push_back(n.bdf.ToString() + "-" + n.field.ToString());
  EXPECT_EQ(got, (std::vector<std::string>{"0000:03:00.0-000000e0:2:00000000",
                                           "0000:04:00.0-00000080:4:00000000",
                                           "0000:04:00.0-00000098:1:00000000"}));
}

// End to end: the guest's own log (pcifront's text in it) yields no quirk, the host's does.
TEST(QuirkDiscoveryTest, EndToEndOnlyTheHostsLinesCount) {
  const std::string writes =
      "[   98.101003] xen-pciback: 0000:03:00.0: write request 2 bytes at 0xe0 = 8000\n"
      "[   98.101120] xen-pciback: 0000:03:00.0: write request 4 bytes at 0x4 = 7\n"
      "[   98.101340] pciback 0000:03:00.0: xen-pciback: write request 2 bytes at 0x1d6 = 0\n";
  testing::RunResult host =
      testing::RunKdiag({"--pci-ids", "none", "--emit", "sysfs-quirks"}, "", writes);
  EXPECT_NE(host.out.find("0000:03:00.0-000000e0:2:00000000"), std::string::npos) << host.out;
  EXPECT_NE(host.out.find("0000:03:00.0-000001d6:2:00000000"), std::string::npos) << host.out;
  EXPECT_EQ(host.out.find("00000004:"), std::string::npos) << host.out;
  testing::RunResult guest = testing::RunKdiag(
      {"--pci-ids", "none", "--emit", "sysfs-quirks"}, "",
      writes + "[    5.120001] e1000e 0000:00:00.0: pci frontend enable msi failed for dev 0:0\n");
  EXPECT_EQ(guest.out.find("000000e0:2"), std::string::npos) << guest.out;
}

}  // namespace
}  // namespace kdiag
