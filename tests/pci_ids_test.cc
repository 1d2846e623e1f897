#include "analyzer/correlate/pci_ids.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

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

// NameAll reads a vendor's block once for all its IDs: each must get what Lookup gives it alone,
// whatever the other IDs of the vendor (one device with two subsystems, one only in a later
// device's block, a repeated device line, a vendor repeated, one after the class section).
TEST(PciIdsTest, NameAllReadsEachVendorOnceForAllItsIds) {
  PciIds ids;
  ids.LoadText(std::string(kIds) + "8086  Intel again\n\t10b5  Not the first line\n");
  const PciId asked[] = {
      Id(0x8086, 0x10b5, 0x103c, 0x3109),
      Id(0x8086, 0x10b5, 0x8086, 0x1099),
      Id(0x8086, 0x10b5, 0x0e11, 0xb0df),  // 0e11:b0df is 1000's subsystem, not 10b5's
      Id(0x8086, 0x1000, 0x0e11, 0xb0df),
      Id(0x8086, 0x24dd, 0x103c, 0x3109),
      Id(0x8086, 0x1000),
      Id(0x8086, 0xffff),
      Id(0x0e11, 0x10b5),
      Id(0x103c, 0x3220, 0x1111, 0x2222),
      Id(0x1234, 0x5678),
      Id(0xabcd, 0x0000)};
  PciInventory inv;
  int n = 0;
  for (const PciId& id : asked) {
    inv.Add(*Bdf::Parse("0000:" + std::to_string(10 + n++) + ":00.0"), id, std::nullopt, "log");
  }
  ids.NameAll(&inv);
  int named = 0;
  for (const auto& [bdf, dev] : inv.devices()) {
    std::optional<PciName> alone = ids.Lookup(*dev.id);
    EXPECT_EQ(dev.name, alone ? alone->vendor + " " + alone->device : "") << dev.id->ToString();
    EXPECT_EQ(dev.subsystem_name, alone ? alone->subsystem : "") << dev.id->ToString();
    named += alone.has_value();
  }
  EXPECT_EQ(named, 8);
  EXPECT_EQ(inv.Find(B("0000:12:00.0"))->subsystem_name, "");
  EXPECT_EQ(inv.Find(B("0000:13:00.0"))->subsystem_name,
            "NC6132 Gigabit Ethernet Adapter (1000-SX)");
  EXPECT_EQ(inv.Find(B("0000:14:00.0"))->subsystem_name, "Wrong device's subsystem");
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

// On the real database: an inventory of many IDs of many vendors (every 7th device line, with the
// subsystem IDs of its first subsystem line when it has one) is named as Lookup names each ID.
TEST(PciIdsTest, SystemDatabaseNameAllAgreesWithLookup) {
  auto path = PciIds::DefaultPath();
  if (!path) GTEST_SKIP() << "no pci.ids installed (Debian package pci.ids)";
  std::string text;
  {
    std::FILE* f = std::fopen(path->c_str(), "rb");
    ASSERT_TRUE(f);
    char buf[65536];
    for (size_t got; (got = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, got);
    std::fclose(f);
  }
  PciIds ids;
  ids.LoadText(text);
  PciInventory inv;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && line.rfind("C ", 0) != 0;) lines.push_back(line);
  auto hex = [](const std::string& line, size_t at) {
    return static_cast<uint16_t>(std::stoul(line.substr(at, 4), nullptr, 16));
  };
  uint16_t vendor = 0;
  int devices = 0, added = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 6 && std::isxdigit(static_cast<unsigned char>(line[0])))
      vendor = hex(line, 0);
    if (line.size() < 7 || line[0] != '\t' || line[1] == '\t' || ++devices % 7 != 0) continue;
    PciId id = Id(vendor, hex(line, 1));
    if (devices % 2 == 0 && i + 1 < lines.size() && lines[i + 1].rfind("\t\t", 0) == 0) {
      id = Id(vendor, hex(line, 1), hex(lines[i + 1], 2), hex(lines[i + 1], 7));
    }
    ++added;
    inv.Add(Bdf{0, static_cast<uint8_t>(added >> 8), static_cast<uint8_t>((added >> 3) & 31),
                static_cast<uint8_t>(added & 7)},
            id, std::nullopt, "log");
  }
  ASSERT_GT(added, 1000);
  ids.NameAll(&inv);
  int subsystems = 0;
  for (const auto& [bdf, dev] : inv.devices()) {
    std::optional<PciName> alone = ids.Lookup(*dev.id);
    ASSERT_TRUE(alone) << dev.id->ToString();
    EXPECT_EQ(dev.name, alone->vendor + " " + alone->device) << dev.id->ToString();
    EXPECT_EQ(dev.subsystem_name, alone->subsystem) << dev.id->ToString();
    subsystems += !dev.subsystem_name.empty();
  }
  EXPECT_GT(subsystems, 100);
}

}  // namespace
}  // namespace kdiag
