#include <gtest/gtest.h>

#include <string>

#include "analyzer/correlate/pci_inventory.h"

namespace kdiag {
namespace {

Bdf B(const char* s) {
  return *Bdf::Parse(s);
}

// The ID string of the device at `bdf`, or "missing".
std::string IdAt(const PciInventory& inv, const char* bdf) {
  const PciDevice* d = inv.Find(B(bdf));
  return d && d->id ? d->id->ToString() : "missing";
}

uint32_t ClassAt(const PciInventory& inv, const char* bdf) {
  const PciDevice* d = inv.Find(B(bdf));
  return d && d->class_code ? *d->class_code : 0xffffffff;
}

TEST(LspciTest, ReadsNumeric) {
  PciInventory inv;
  auto err = ReadLspci(
      "00:00.0 0600: 8086:2578 (rev 02)\n"
      "00:1d.7 0c03: 8086:24dd (rev 02)\n"
      "13:04.0 0200: 8086:10b5 (rev 03)\n"
      "13:04.1 0200: 8086:10b5\n",
      "lspci.txt", &inv);
  ASSERT_FALSE(err) << err->ToString();
  EXPECT_EQ(inv.devices().size(), 4u);
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "8086:10b5");
  EXPECT_EQ(IdAt(inv, "0000:13:04.1"), "8086:10b5");
  EXPECT_EQ(ClassAt(inv, "0000:13:04.0"), 0x020000u);
  EXPECT_EQ(ClassAt(inv, "0000:00:1d.7"), 0x0c0300u);  // no prog-if without -v
  EXPECT_EQ(inv.Find(B("0000:13:04.0"))->source, "lspci");
}

TEST(LspciTest, ReadsNumericWithDomainAndOldClassPrefix) {
  PciInventory inv;
  ASSERT_FALSE(
      ReadLspci("0001:13:04.0 0200: 8086:10b5 (rev 03)\n"
                "00:00.0 Class 0600: 8086:7190 (rev 03)\n",  // early pciutils
                "x", &inv));
  EXPECT_EQ(IdAt(inv, "0001:13:04.0"), "8086:10b5");
  EXPECT_EQ(IdAt(inv, "0000:00:00.0"), "8086:7190");
  EXPECT_EQ(ClassAt(inv, "0000:00:00.0"), 0x060000u);
}

TEST(LspciTest, ReadsNamedNumeric) {
  PciInventory inv;
  ASSERT_FALSE(ReadLspci(
      "13:04.0 Ethernet controller [0200]: Intel Corporation 82546GB Gigabit Ethernet "
      "Controller [8086:10b5] (rev 03)\n"
      // Brackets in names: the ID is the last pair.
      "01:00.0 VGA compatible controller [0300]: Advanced Micro Devices, Inc. [AMD/ATI] Cedar "
      "[Radeon HD 5000/6000/7350/8350 Series] [1002:68f9]\n"
      "02:00.0 Unassigned class [ff00]: Device [1af4:1000]\n"
      "0000:03:00.0 Class [ff00]: Red Hat, Inc. Device [1af4:1001] (rev 01)\n",
      "x", &inv));
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "8086:10b5");
  EXPECT_EQ(ClassAt(inv, "0000:13:04.0"), 0x020000u);
  EXPECT_EQ(IdAt(inv, "0000:01:00.0"), "1002:68f9");
  EXPECT_EQ(ClassAt(inv, "0000:01:00.0"), 0x030000u);
  EXPECT_EQ(IdAt(inv, "0000:02:00.0"), "1af4:1000");
  EXPECT_EQ(IdAt(inv, "0000:03:00.0"), "1af4:1001");
  EXPECT_EQ(ClassAt(inv, "0000:03:00.0"), 0xff0000u);
}

TEST(LspciTest, NamedLineMustEndWithTheId) {
  PciInventory inv;
  // Cut short by pciutils' name buffer: the last bracket pair belongs to a name, not the device.
  auto err = ReadLspci(
      "13:04.0 Ethernet controller [0200]: Vendor Name [1234:5678] and a long name that was c...\n",
      "x", &inv);
  ASSERT_TRUE(err);
  EXPECT_EQ(inv.devices().size(), 0u);
}

TEST(LspciTest, ReadsVerboseNamedWithSubsystemAndProgIf) {
  PciInventory inv;
  ASSERT_FALSE(ReadLspci(
      "00:1d.7 USB controller [0c03]: Intel Corporation 82801EB/ER (ICH5/ICH5R) USB2 EHCI "
      "Controller [8086:24dd] (rev 02) (prog-if 20 [EHCI])\n"
      "\tSubsystem: Hewlett-Packard Company Device [103c:3208]\n"
      "\tControl: I/O- Mem+ BusMaster+ SpecCycle- MemWINV+ VGASnoop- ParErr- Stepping- SERR+ "
      "FastB2B- DisINTx-\n"
      "\tCapabilities: [50] Power Management version 2\n"
      "\tKernel driver in use: ehci-pci\n"
      "\n"
      "13:04.0 Ethernet controller [0200]: Intel Corporation 82546GB Gigabit Ethernet "
      "Controller [8086:10b5] (rev 03)\n"
      "\tSubsystem: Hewlett-Packard Company NC340T PCI-X Quad-port Gigabit Server Adapter "
      "[103c:3109]\n"
      "\tFlags: bus master, 66MHz, medium devsel, latency 64, IRQ 48\n"
      "\tCapabilities: [e0] PCI-X non-bridge device\n"
      "\n"
      "00:1e.0 PCI bridge [0604]: Intel Corporation 82801 PCI Bridge [8086:244e] (rev c2) "
      "(prog-if 01 [Subtractive decode])\n"
      "\tCapabilities: [50] Subsystem: Hewlett-Packard Company Device [103c:3208]\n"
      "\n",
      "lspci_-nnvv", &inv));
  EXPECT_EQ(IdAt(inv, "0000:00:1d.7"), "8086:24dd:103c:3208");
  EXPECT_EQ(ClassAt(inv, "0000:00:1d.7"), 0x0c0320u);
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "8086:10b5:103c:3109");
  EXPECT_EQ(ClassAt(inv, "0000:13:04.0"), 0x020000u);
  // A bridge's SSVID capability is not the device's Subsystem line.
  EXPECT_EQ(IdAt(inv, "0000:00:1e.0"), "8086:244e");
  EXPECT_EQ(ClassAt(inv, "0000:00:1e.0"), 0x060401u);
}

TEST(LspciTest, ReadsVerboseNumericAndDeviceNameWithoutNewline) {
  PciInventory inv;
  ASSERT_FALSE(ReadLspci(
      "13:04.0 0200: 8086:10b5 (rev 03)\r\n"
      "\tSubsystem: 103c:3109\r\n"
      "\r\n"
      "01:00.0 Ethernet controller [0200]: Broadcom Inc. and subsidiaries NetXtreme BCM5720 "
      "Gigabit Ethernet PCIe [14e4:165f]\n"
      // lspci.c prints "\tDeviceName: %s" without a newline before the Subsystem line.
      "\tDeviceName: NIC1\tSubsystem: Dell NetXtreme BCM5720 Gigabit Ethernet PCIe [1028:1f5b]\n",
      "x", &inv));
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "8086:10b5:103c:3109");
  EXPECT_EQ(IdAt(inv, "0000:01:00.0"), "14e4:165f:1028:1f5b");
}

TEST(LspciTest, SubsystemLineBelongsOnlyToItsDevice) {
  PciInventory inv;
  ASSERT_FALSE(ReadLspci(
      "13:04.0 Ethernet controller: Intel Corporation 82546GB Gigabit Ethernet Controller\n"
      "\tSubsystem: Hewlett-Packard Company Device [103c:3109]\n"  // header had no ID: skipped
      "13:04.1 0200: 8086:10b5\n"
      "00: 86 80 b5 10 07 01 30 02 03 00 00 02 10 40 80 00\n"  // -x dump ends the detail lines
      "\tSubsystem: 103c:3109\n",
      "x", &inv));
  EXPECT_EQ(inv.Find(B("0000:13:04.0")), nullptr);
  EXPECT_EQ(IdAt(inv, "0000:13:04.1"), "8086:10b5");
}

TEST(LspciTest, ReadsMachineNumeric) {
  PciInventory inv;
  ASSERT_FALSE(
      ReadLspci("Slot:\t00:1d.7\n"
                "Class:\t0c03\n"
                "Vendor:\t8086\n"
                "Device:\t24dd\n"
                "SVendor:\t103c\n"
                "SDevice:\t3208\n"
                "Rev:\t02\n"
                "ProgIf:\t20\n"
                "\n"
                "Slot:\t0000:13:04.0\n"
                "Class:\t0200\n"
                "Vendor:\t8086\n"
                "Device:\t10b5\n"
                "Rev:\t03\n"
                "IOMMUGroup:\t7\n"
                "\n",
                "x", &inv));
  EXPECT_EQ(IdAt(inv, "0000:00:1d.7"), "8086:24dd:103c:3208");
  EXPECT_EQ(ClassAt(inv, "0000:00:1d.7"), 0x0c0320u);
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "8086:10b5");
  EXPECT_EQ(ClassAt(inv, "0000:13:04.0"), 0x020000u);
}

TEST(LspciTest, ReadsMachineNamedWithoutTrailingBlankLine) {
  PciInventory inv;
  ASSERT_FALSE(
      ReadLspci("Slot:\t13:04.0\n"
                "Class:\tEthernet controller [0200]\n"
                "Vendor:\tIntel Corporation [8086]\n"
                "Device:\t82546GB Gigabit Ethernet Controller [10b5]\n"
                "SVendor:\tHewlett-Packard Company [103c]\n"
                "SDevice:\tNC340T PCI-X Quad-port Gigabit Server Adapter [3109]\n"
                "Rev:\t03\n"
                "Slot:\t13:04.1\n"  // no blank line: the next slot still ends the record
                "Class:\tEthernet controller [0200]\n"
                "Vendor:\tIntel Corporation [8086]\n"
                "Device:\tDevice [10b9]",
                "x", &inv));
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "8086:10b5:103c:3109");
  EXPECT_EQ(IdAt(inv, "0000:13:04.1"), "8086:10b9");
  EXPECT_EQ(ClassAt(inv, "0000:13:04.1"), 0x020000u);
}

TEST(LspciTest, ReadsSingleMachineFlagWhereTheSlotIsCalledDevice) {
  PciInventory inv;
  ASSERT_FALSE(
      ReadLspci("Device:\t13:04.0\n"
                "Class:\t0200\n"
                "Vendor:\t8086\n"
                "Device:\t10b5\n"
                "\n",
                "x", &inv));
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "8086:10b5");
}

TEST(LspciTest, MachineRecordNeedsValidSlotAndIds) {
  PciInventory inv;
  auto err = ReadLspci(
      "Slot:\t13:24.0\nVendor:\t8086\nDevice:\t10b5\n\n"
      "Slot:\t13:04.0\nVendor:\t80861\nDevice:\t10b5\n\n"
      "Slot:\t13:04.0\nVendor:\t8086\n\n"
      "Slot:\t13:04.0\nVendor:\tIntel [8086] x\nDevice:\t10b5\n\n",
      "bad.txt", &inv);
  ASSERT_TRUE(err);
  EXPECT_EQ(inv.devices().size(), 0u);
}

TEST(LspciTest, RejectsMalformedTerseLines) {
  PciInventory inv;
  auto err = ReadLspci(
      "13:04.0 0200: 8086:10b\n"
      "13:04.0 0200: 8086:10b55\n"
      "13:04.0 020: 8086:10b5\n"
      "13:04.0 0200 8086:10b5\n"
      "13:04.0 0200: 8086-10b5\n"
      "13:04.0  0200: 8086:10b5\n"
      "13:04.0 0200: 8086:10b5 junk\n"
      "13:04.0 0200: 8086:10b5 (prog-if zz)\n"  // accepted, prog-if ignored (checked below)
      "13:34.0 0200: 8086:10b5\n"
      "113:04.0 0200: 8086:10b5\n"
      "13:04.0 Ethernet controller: Intel [8086:10b5]\n"
      "13:04.0 Ethernet controller [020]: Intel [8086:10b5]\n"
      "13:04.0 Ethernet controller [0200]: Intel [8086:10b]\n",
      "bad.txt", &inv);
  ASSERT_FALSE(err);
  ASSERT_EQ(inv.devices().size(), 1u);
  EXPECT_EQ(ClassAt(inv, "0000:13:04.0"), 0x020000u);
}

TEST(LspciTest, NoDevicesIsAnError) {
  PciInventory inv;
  for (const char* text :
       {"", "\n\n", "garbage\n", "13:04.0 Ethernet controller: Intel Corporation 82546GB\n",
        "\tSubsystem: 103c:3109\n", "Slot:\t\n", ":\t\n", "[8086:10b5]"}) {
    auto err = ReadLspci(text, "lspci.txt", &inv);
    ASSERT_TRUE(err) << text;
    EXPECT_EQ(err->ToString(),
              "lspci.txt: no PCI devices found (expected lspci -n, -nn, -vmm -n or -nnvv output)");
  }
  EXPECT_EQ(inv.devices().size(), 0u);
}

TEST(LspciTest, SurvivesGarbage) {
  // Every prefix of a valid dump, and some binary noise: must not crash (ASan/UBSan builds).
  const std::string dump =
      "00:1d.7 USB controller [0c03]: Intel Corporation USB2 EHCI Controller [8086:24dd] (rev 02) "
      "(prog-if 20 [EHCI])\n\tDeviceName: x\tSubsystem: HP Device [103c:3208]\n\n"
      "Slot:\t13:04.0\nClass:\tClass 0200\nVendor:\tIntel [8086]\nDevice:\t[10b5]\n"
      "SVendor:\t103c\nSDevice:\t3109\nProgIf:\t01\n\n13:04.0 0200: 8086:10b5 (prog-if 0";
  for (size_t n = 0; n <= dump.size(); ++n) {
    PciInventory inv;
    ReadLspci(std::string_view(dump).substr(0, n), "x", &inv);
  }
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise.push_back(static_cast<char>((i * 7919) % 251));
  PciInventory inv;
  ReadLspci(noise, "x", &inv);
  ReadLspci(std::string("13:04.0 0200: 8086:10b5\0\n", 25), "x", &inv);
  EXPECT_EQ(IdAt(inv, "0000:13:04.0"), "missing");
}

TEST(LspciTest, LaterLinesDoNotOverrideEarlierOnes) {
  PciInventory inv;
  PciId from_log;
  from_log.vendor = 0x8086;
  from_log.device = 0x10b5;
  inv.Add(B("0000:13:04.0"), from_log, std::nullopt, "log");
  ASSERT_FALSE(ReadLspci("13:04.0 0200: 8086:10b9\n\tSubsystem: 103c:3109\n", "x", &inv));
  const PciDevice* d = inv.Find(B("0000:13:04.0"));
  EXPECT_EQ(d->id->ToString(), "8086:10b5");
  EXPECT_EQ(d->conflict, "lspci says 8086:10b9");
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

// -vv capability lines place the MSI and MSI-X capabilities (pciutils ls-caps.c cap_msi,
// cap_msix), which must never get a quirk (remedy/guarded_registers.h).
TEST(LspciTest, ReadsMsiAndMsixCapabilities) {
  PciInventory inv;
  ASSERT_FALSE(
      ReadLspci("03:00.0 0200: 8086:1521 (rev 01)\n"
                "\tSubsystem: 8086:0001\n"
                "\tCapabilities: [40] Power Management version 3\n"
                "\tCapabilities: [50] MSI: Enable- Count=1/1 Maskable+ 64bit+\n"
                "\tCapabilities: [70] MSI-X: Enable+ Count=10 Masked-\n"
                "\tCapabilities: [100 v2] Advanced Error Reporting\n"
                "13:04.0 0200: 8086:10b5 (rev 03)\n"
                "\tCapabilities: [e4] Message Signalled Interrupts: 64bit- Queue=0/0 Enable-\n"
                "14:00.0 0200: 8086:10d3\n"
                "\tCapabilities: <access denied>\n"
                "15:00.0 0200: 8086:10d3\n",
                "lspci", &inv));
  const PciDevice* igb = inv.Find(*Bdf::Parse("0000:03:00.0"));
  ASSERT_TRUE(igb);
  EXPECT_TRUE(igb->capabilities_known);
  ASSERT_EQ(igb->interrupt_capabilities.size(), 2u);
  EXPECT_EQ(igb->interrupt_capabilities[0].kind, PciInterruptCapability::Kind::kMsi);
  EXPECT_EQ(igb->interrupt_capabilities[0].offset, 0x50);
  EXPECT_EQ(igb->interrupt_capabilities[0].length, 24);  // 64-bit with per-vector masking
  EXPECT_EQ(igb->interrupt_capabilities[1].kind, PciInterruptCapability::Kind::kMsiX);
  EXPECT_EQ(igb->interrupt_capabilities[1].offset, 0x70);
  EXPECT_EQ(igb->interrupt_capabilities[1].length, 12);
  EXPECT_EQ(igb->id->subvendor, 0x8086);  // the subsystem line still reads

  const PciDevice* old = inv.Find(*Bdf::Parse("0000:13:04.0"));
  ASSERT_TRUE(old);
  ASSERT_EQ(old->interrupt_capabilities.size(), 1u);
  EXPECT_EQ(old->interrupt_capabilities[0].length, 20);  // 32-bit, masking not shown: assumed

  EXPECT_FALSE(inv.Find(*Bdf::Parse("0000:14:00.0"))->capabilities_known);
  EXPECT_FALSE(inv.Find(*Bdf::Parse("0000:15:00.0"))->capabilities_known);
}

}  // namespace
}  // namespace kdiag
