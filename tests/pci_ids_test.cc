#include "analyzer/correlate/pci_ids.h"

#include <gtest/gtest.h>

#include <string>

namespace kdiag {
namespace {

Bdf B(const char* s) {
  return *Bdf::Parse(s);
}

PciId Id(uint16_t v, uint16_t d) {
  PciId id;
  id.vendor = v;
  id.device = d;
  return id;
}

PciId Id(uint16_t v, uint16_t d, uint16_t sv, uint16_t sd) {
  PciId id = Id(v, d);
  id.subvendor = sv;
  id.subdevice = sd;
  return id;
}

// A small database in the pci.ids syntax.
constexpr char kIds[] =
    "#\n"
    "#\tList of PCI ID's\n"
    "#\n"
    "# Syntax:\n"
    "# vendor  vendor_name\n"
    "#\tdevice  device_name\t\t\t\t<-- single tab\n"
    "\n"
    "0e11  Compaq Computer Corporation\n"
    "\t10b5  Not the Intel one\n"
    "103c  Hewlett-Packard Company\n"
    "\t3220  Smart Array P600\n"
    "8086  Intel Corporation\n"
    "\t1000  82542 Gigabit Ethernet Controller (Fiber)\n"
    "\t\t0e11 b0df  NC6132 Gigabit Ethernet Adapter (1000-SX)\n"
    "\t10b5  82546GB Gigabit Ethernet Controller (Copper)\n"
    "\t\t103c 3109  NC340T PCI-X Quad-port Gigabit Server Adapter\n"
    "# a comment inside a vendor block\n"
    "\t\t8086 1099  PRO/1000 GT Quad Port Server Adapter\n"
    "\t\t8086 10b5  Subsystem \x01with\x7f control\tbytes \n"
    "\t24dd  82801EB/ER (ICH5/ICH5R) USB2 EHCI Controller #2\n"
    "\t\t103c 3109  Wrong device's subsystem\n"
    "abcd  Vendor Without Devices\n"
    "C 02  Network controller\n"
    "\t00  Ethernet controller\n"
    "1234  Not a vendor: in the class section\n"
    "\t5678  Nor a device\n";

TEST(PciIdsTest, LooksUpVendorAndDevice) {
  PciIds ids;
  ids.LoadText(kIds);
  auto n = ids.Lookup(Id(0x8086, 0x10b5));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->vendor, "Intel Corporation");
  EXPECT_EQ(n->device, "82546GB Gigabit Ethernet Controller (Copper)");
  EXPECT_EQ(n->subsystem, "");
  auto usb = ids.Lookup(Id(0x8086, 0x24dd));
  ASSERT_TRUE(usb);
  EXPECT_EQ(usb->device, "82801EB/ER (ICH5/ICH5R) USB2 EHCI Controller #2");
  // The same device ID under another vendor.
  EXPECT_EQ(ids.Lookup(Id(0x0e11, 0x10b5))->device, "Not the Intel one");
}

TEST(PciIdsTest, LooksUpSubsystemOfTheRightDevice) {
  PciIds ids;
  ids.LoadText(kIds);
  auto n = ids.Lookup(Id(0x8086, 0x10b5, 0x103c, 0x3109));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->subsystem, "NC340T PCI-X Quad-port Gigabit Server Adapter");
  // Past a comment line inside the device's block.
  EXPECT_EQ(ids.Lookup(Id(0x8086, 0x10b5, 0x8086, 0x1099))->subsystem,
            "PRO/1000 GT Quad Port Server Adapter");
  // An unknown subsystem still names the device; another device's subsystems do not count.
  auto other = ids.Lookup(Id(0x8086, 0x1000, 0x103c, 0x3109));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->device, "82542 Gigabit Ethernet Controller (Fiber)");
  EXPECT_EQ(other->subsystem, "");
}

TEST(PciIdsTest, StripsControlBytes) {
  PciIds ids;
  ids.LoadText(kIds);
  EXPECT_EQ(ids.Lookup(Id(0x8086, 0x10b5, 0x8086, 0x10b5))->subsystem,
            "Subsystem with controlbytes");
}

TEST(PciIdsTest, UnknownIdsAndClassSection) {
  PciIds ids;
  ids.LoadText(kIds);
  EXPECT_FALSE(ids.Lookup(Id(0x8086, 0xffff)));
  EXPECT_FALSE(ids.Lookup(Id(0x10de, 0x0001)));
  EXPECT_FALSE(ids.Lookup(Id(0xabcd, 0x0000)));
  EXPECT_FALSE(ids.Lookup(Id(0x1234, 0x5678)));  // after "C " lines
  EXPECT_FALSE(ids.Lookup(Id(0x0002, 0x0000)));  // "C 02" is not vendor 0002
  PciIds empty;
  EXPECT_FALSE(empty.Lookup(Id(0x8086, 0x10b5)));
}

TEST(PciIdsTest, ToleratesMalformedText) {
  PciIds ids;
  ids.LoadText(
      "8086\n"
      "8086 \n"
      "808x  Bad\n"
      "\t10b5\n"
      "\t\t103c\n"
      "8086  Intel Corporation\r\n"
      "\t10b\n"
      "\t10b5  82546GB\r\n"
      "\t\t103c3109  Bad\n"
      "\t\t103c 3109  NC340T\r\n");
  auto n = ids.Lookup(Id(0x8086, 0x10b5, 0x103c, 0x3109));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->vendor, "Intel Corporation");
  EXPECT_EQ(n->device, "82546GB");
  EXPECT_EQ(n->subsystem, "NC340T");
  // Every prefix of the database: no crash, no read past the end (ASan builds).
  std::string text = kIds;
  for (size_t i = 0; i <= text.size(); ++i) {
    PciIds part;
    part.LoadText(text.substr(0, i));
    part.Lookup(Id(0x8086, 0x10b5, 0x103c, 0x3109));
  }
}

TEST(PciIdsTest, NameAllNamesDevicesWithIds) {
  PciIds ids;
  ids.LoadText(kIds);
  PciInventory inv;
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5, 0x103c, 0x3109), 0x020000, "lspci");
  inv.Add(B("0000:13:04.1"), Id(0x8086, 0x10b5, 0x103c, 0x3109), 0x020000, "lspci");
  inv.Add(B("0000:00:1d.7"), Id(0x8086, 0x24dd), std::nullopt, "log");
  inv.Add(B("0000:02:00.0"), Id(0x10de, 0x0001), std::nullopt, "log");
  inv.mutable_devices()[B("0000:03:00.0")].bdf = B("0000:03:00.0");  // no ID
  ids.NameAll(&inv);
  const PciDevice* nic = inv.Find(B("0000:13:04.1"));
  EXPECT_EQ(nic->name, "Intel Corporation 82546GB Gigabit Ethernet Controller (Copper)");
  EXPECT_EQ(nic->subsystem_name, "NC340T PCI-X Quad-port Gigabit Server Adapter");
  EXPECT_EQ(inv.Find(B("0000:13:04.0"))->name, nic->name);
  EXPECT_EQ(inv.Find(B("0000:00:1d.7"))->name,
            "Intel Corporation 82801EB/ER (ICH5/ICH5R) USB2 EHCI Controller #2");
  EXPECT_EQ(inv.Find(B("0000:00:1d.7"))->subsystem_name, "");
  EXPECT_EQ(inv.Find(B("0000:02:00.0"))->name, "");
  EXPECT_EQ(inv.Find(B("0000:03:00.0"))->name, "");
}

TEST(PciIdsTest, LoadErrors) {
  PciIds ids;
  auto err = ids.Load("/nonexistent/kdiag/pci.ids");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString(), "cannot read /nonexistent/kdiag/pci.ids: No such file or directory");
  // A directory opens but cannot be read.
  EXPECT_TRUE(ids.Load("/"));
  // A failed load keeps what was loaded before.
  ids.LoadText("8086  Intel Corporation\n\t10b5  82546GB\n");
  EXPECT_TRUE(ids.Load("/nonexistent/kdiag/pci.ids"));
  EXPECT_TRUE(ids.Lookup(Id(0x8086, 0x10b5)));
}

TEST(PciIdsTest, SystemDatabase) {
  auto path = PciIds::DefaultPath();
  if (!path) GTEST_SKIP() << "no pci.ids installed (Debian package pci.ids)";
  PciIds ids;
  auto err = ids.Load(*path);
  ASSERT_FALSE(err) << err->ToString();
  auto n = ids.Lookup(Id(0x8086, 0x10b5, 0x103c, 0x3109));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->vendor, "Intel Corporation");
  EXPECT_NE(n->device.find("82546GB"), std::string::npos) << n->device;
  EXPECT_NE(n->subsystem.find("NC340T"), std::string::npos) << n->subsystem;
  // The last vendor of the file and a vendor only defined after many others.
  EXPECT_TRUE(ids.Lookup(Id(0x1af4, 0x1000)));
}

}  // namespace
}  // namespace kdiag
