#include "analyzer/correlate/pci_inventory.h"

#include <gtest/gtest.h>

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

TEST(PciInventoryTest, IdToString) {
  EXPECT_EQ(Id(0x8086, 0x10b5).ToString(), "8086:10b5");
  EXPECT_EQ(Id(0x8086, 0x10b5, 0x103c, 0x3109).ToString(), "8086:10b5:103c:3109");
}

TEST(PciInventoryTest, AddsAndFinds) {
  PciInventory inv;
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5), 0x020000, "log");
  const PciDevice* d = inv.Find(B("0000:13:04.0"));
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->bdf, B("0000:13:04.0"));
  ASSERT_TRUE(d->id);
  EXPECT_EQ(d->id->ToString(), "8086:10b5");
  EXPECT_EQ(d->class_code, 0x020000u);
  EXPECT_EQ(d->source, "log");
  EXPECT_EQ(d->conflict, "");
  EXPECT_EQ(inv.Find(B("0000:13:04.1")), nullptr);
  EXPECT_EQ(inv.devices().size(), 1u);
}

TEST(PciInventoryTest, LaterSourceFillsSubsystemAndClass) {
  PciInventory inv;
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5), std::nullopt, "log");
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5, 0x103c, 0x3109), 0x020000, "lspci");
  const PciDevice* d = inv.Find(B("0000:13:04.0"));
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->id->ToString(), "8086:10b5:103c:3109");
  EXPECT_EQ(d->class_code, 0x020000u);
  EXPECT_EQ(d->source, "log");
  EXPECT_EQ(d->conflict, "");
}

TEST(PciInventoryTest, FirstSourceWinsOnKnownParts) {
  PciInventory inv;
  inv.Add(B("0000:00:1d.7"), Id(0x8086, 0x24cd), 0x0c0320, "log");
  // lspci -n shows no prog-if: a different class code is not a conflict, and is not taken.
  inv.Add(B("0000:00:1d.7"), Id(0x8086, 0x24cd), 0x0c0300, "lspci");
  const PciDevice* d = inv.Find(B("0000:00:1d.7"));
  EXPECT_EQ(d->class_code, 0x0c0320u);
  EXPECT_EQ(d->conflict, "");
}

TEST(PciInventoryTest, VendorDeviceConflictKeepsFirst) {
  PciInventory inv;
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5), std::nullopt, "log");
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b9, 0x103c, 0x3109), 0x020000, "lspci");
  const PciDevice* d = inv.Find(B("0000:13:04.0"));
  EXPECT_EQ(d->id->ToString(), "8086:10b5");  // nothing of the other device is taken
  EXPECT_FALSE(d->class_code);
  EXPECT_EQ(d->source, "log");
  EXPECT_EQ(d->conflict, "lspci says 8086:10b9");

  // A second disagreeing source is added to the note, a repeated one is not.
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b9), std::nullopt, "lspci");
  inv.Add(B("0000:13:04.0"), Id(0x14e4, 0x1644), std::nullopt, "sysfs");
  EXPECT_EQ(inv.Find(B("0000:13:04.0"))->conflict, "lspci says 8086:10b9; sysfs says 14e4:1644");
}

TEST(PciInventoryTest, SubsystemConflictIsNoted) {
  PciInventory inv;
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5, 0x103c, 0x3109), std::nullopt, "lspci");
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5, 0x103c, 0x310a), std::nullopt, "sysfs");
  const PciDevice* d = inv.Find(B("0000:13:04.0"));
  EXPECT_EQ(d->id->ToString(), "8086:10b5:103c:3109");
  EXPECT_EQ(d->conflict, "sysfs says 8086:10b5:103c:310a");
  // Agreeing again, or saying less, is no conflict.
  PciInventory inv2;
  inv2.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5, 0x103c, 0x3109), std::nullopt, "lspci");
  inv2.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5), std::nullopt, "log");
  inv2.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5, 0x103c, 0x3109), std::nullopt, "sysfs");
  EXPECT_EQ(inv2.Find(B("0000:13:04.0"))->conflict, "");
  EXPECT_EQ(inv2.Find(B("0000:13:04.0"))->id->ToString(), "8086:10b5:103c:3109");
}

TEST(PciInventoryTest, DevicesAreOrderedByBdf) {
  PciInventory inv;
  inv.Add(B("0001:00:00.0"), Id(1, 1), std::nullopt, "sysfs");
  inv.Add(B("0000:13:04.1"), Id(2, 2), std::nullopt, "sysfs");
  inv.Add(B("0000:13:04.0"), Id(3, 3), std::nullopt, "sysfs");
  std::vector<std::string> order;
  for (const auto& [bdf, dev] : inv.devices()) order.push_back(bdf.ToString());
  EXPECT_EQ(order, (std::vector<std::string>{"0000:13:04.0", "0000:13:04.1", "0001:00:00.0"}));
}

TEST(PciInventoryTest, DeviceWithoutIdTakesTheFirstId) {
  PciInventory inv;
  PciDevice& d = inv.mutable_devices()[B("0000:13:04.0")];
  d.bdf = B("0000:13:04.0");
  inv.Add(B("0000:13:04.0"), Id(0x8086, 0x10b5), 0x020000, "sysfs");
  const PciDevice* found = inv.Find(B("0000:13:04.0"));
  EXPECT_EQ(found->id->ToString(), "8086:10b5");
  EXPECT_EQ(found->source, "sysfs");
  EXPECT_EQ(found->conflict, "");
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

TEST(PciInventoryBound, StaysBoundedAgainstForgedLines) {
  PciInventory inv;
  PciId id;
  id.vendor = 0x8086;
  id.device = 0x10b5;
  size_t added = 0;
  for (unsigned bus = 0; bus < 256 && added < PciInventory::kMaxDevices + 100; ++bus) {
    for (unsigned dev = 0; dev < 32; ++dev) {
      for (unsigned fn = 0; fn < 8; ++fn, ++added) {
        Bdf b;
        b.bus = static_cast<uint8_t>(bus), b.device = static_cast<uint8_t>(dev);
        b.function = static_cast<uint8_t>(fn);
        inv.Add(b, id, std::nullopt, "log");
      }
    }
  }
  EXPECT_EQ(inv.devices().size(), PciInventory::kMaxDevices);
  EXPECT_GT(inv.ignored(), 0u);
}

}  // namespace
}  // namespace kdiag
