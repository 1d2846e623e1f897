// Guarded registers: where a quirk would bypass pciback's own handlers (conf_space_header.c,
// conf_space_capability.c), kdiag refuses it.
#include "analyzer/remedy/guarded_registers.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

QuirkField Field(const char* reg, const char* size) {
  return *QuirkField::Parse(reg, size);
}

TEST(GuardedRegistersTest, HeaderRegistersPcibackHandles) {
  for (auto [reg, size] : std::vector<std::pair<const char*, const char*>>{
           {"0x0", "2"},   // vendor ID
           {"0x4", "2"},   // command
           {"0x4", "4"},   // command + status
           {"0x10", "4"},  // BAR0
           {"0x12", "2"},  // inside BAR0
           {"0x24", "4"},  // BAR5
           {"0x30", "4"},  // expansion ROM
           {"0x38", "4"},  // a bridge's expansion ROM
           {"0x3c", "1"},  // interrupt line
           {"0x3e", "2"},  // a bridge's control register
       }) {
    EXPECT_TRUE(RefuseQuirk(Field(reg, size), nullptr)) << reg << " size " << size;
  }
  auto bar = RefuseQuirk(Field("0x10", "4"), nullptr);
  ASSERT_TRUE(bar);
  EXPECT_NE(bar->what.find("BARs"), std::string::npos);
  EXPECT_NE(bar->why.find("bar_write"), std::string::npos);
}

TEST(GuardedRegistersTest, OtherRegistersAreNotRefused) {
  for (auto [reg, size] : std::vector<std::pair<const char*, const char*>>{
           {"0x6", "2"},    // status (RW1C error bits)
           {"0xe", "1"},    // header type
           {"0x40", "4"},   // device-specific
           {"0xe0", "2"},   // the founding case
           {"0x1d6", "2"},  // PCIe extended config space
       }) {
    EXPECT_FALSE(RefuseQuirk(Field(reg, size), nullptr)) << reg << " size " << size;
  }
}

TEST(GuardedRegistersTest, MsiCapabilitiesOnlyWhereKnown) {
  PciDevice dev;
  dev.capabilities_known = true;
  dev.interrupt_capabilities = {{PciInterruptCapability::Kind::kMsi, 0xd0, 24},
                                {PciInterruptCapability::Kind::kMsiX, 0xa0, 12}};
  auto msi = RefuseQuirk(Field("0xd4", "4"), &dev);  // the message address
  ASSERT_TRUE(msi);
  EXPECT_NE(msi->what.find("MSI capability at 0xd0 (0xd0-0xe7"), std::string::npos) << msi->what;
  EXPECT_TRUE(RefuseQuirk(Field("0xe6", "2"), &dev));   // last word of it
  EXPECT_FALSE(RefuseQuirk(Field("0xe8", "2"), &dev));  // just after it
  EXPECT_TRUE(RefuseQuirk(Field("0xa4", "4"), &dev));   // MSI-X table offset
  EXPECT_FALSE(RefuseQuirk(Field("0xac", "4"), &dev));
  EXPECT_FALSE(MsiLayoutUnknown(Field("0xe8", "2"), &dev));

  EXPECT_TRUE(MsiLayoutUnknown(Field("0xe0", "2"), nullptr));
  PciDevice unknown;
  EXPECT_TRUE(MsiLayoutUnknown(Field("0xe0", "2"), &unknown));
  EXPECT_FALSE(MsiLayoutUnknown(Field("0x1d6", "2"), nullptr));  // extended space: never MSI
  EXPECT_FALSE(MsiLayoutUnknown(Field("0x6", "2"), nullptr));
}

}  // namespace
}  // namespace kdiag
