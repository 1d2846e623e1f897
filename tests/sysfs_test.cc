#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "analyzer/correlate/pci_inventory.h"

namespace kdiag {
namespace {

namespace fs = std::filesystem;

Bdf B(const char* s) {
  return *Bdf::Parse(s);
}

// A fake sysfs root in a fresh temporary directory, removed at the end of the test.
class SysfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "kdiag_sysfs_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    devices_ = root_ / "bus" / "pci" / "devices";
    fs::create_directories(devices_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void Write(const std::string& bdf, const std::string& file, const std::string& text) {
    fs::create_directories(devices_ / bdf);
    std::ofstream(devices_ / bdf / file) << text;
  }

  // A device as the kernel shows it (drivers/pci/pci-sysfs.c).
  void Device(const std::string& bdf, const char* vendor, const char* device, const char* cls,
              const char* sv = nullptr, const char* sd = nullptr) {
    Write(bdf, "vendor", vendor);
    Write(bdf, "device", device);
    Write(bdf, "class", cls);
    if (sv) Write(bdf, "subsystem_vendor", sv);
    if (sd) Write(bdf, "subsystem_device", sd);
  }

  fs::path root_;
  fs::path devices_;
};

TEST_F(SysfsTest, ReadsDevices) {
  Device("0000:13:04.0", "0x8086\n", "0x10b5\n", "0x020000\n", "0x103c\n", "0x3109\n");
  Device("0000:00:1d.7", "0x8086\n", "0x24dd\n", "0x0c0320\n");
  Device("0000:00:1e.0", "0x8086\n", "0x244e\n", "0x060401\n", "0x0000\n", "0x0000\n");
  PciInventory inv;
  auto err = ReadSysfs(root_.string(), &inv);
  ASSERT_FALSE(err) << err->ToString();
  ASSERT_EQ(inv.devices().size(), 3u);
  const PciDevice* nic = inv.Find(B("0000:13:04.0"));
  ASSERT_NE(nic, nullptr);
  EXPECT_EQ(nic->id->ToString(), "8086:10b5:103c:3109");
  EXPECT_EQ(nic->class_code, 0x020000u);
  EXPECT_EQ(nic->source, "sysfs");
  EXPECT_EQ(inv.Find(B("0000:00:1d.7"))->id->ToString(), "8086:24dd");
  EXPECT_EQ(inv.Find(B("0000:00:1d.7"))->class_code, 0x0c0320u);
  // Subsystem vendor 0 means none, as in lspci.c.
  EXPECT_EQ(inv.Find(B("0000:00:1e.0"))->id->ToString(), "8086:244e");
}

TEST_F(SysfsTest, FollowsSymlinksAndTrailingSlash) {
  fs::create_directories(root_ / "devices" / "pci0000:00" / "0000:00:1f.2");
  std::ofstream(root_ / "devices" / "pci0000:00" / "0000:00:1f.2" / "vendor") << "0x8086\n";
  std::ofstream(root_ / "devices" / "pci0000:00" / "0000:00:1f.2" / "device") << "0x2922\n";
  std::ofstream(root_ / "devices" / "pci0000:00" / "0000:00:1f.2" / "class") << "0x010601\n";
  fs::create_directory_symlink("../../../devices/pci0000:00/0000:00:1f.2",
                               devices_ / "0000:00:1f.2");
  PciInventory inv;
  ASSERT_FALSE(ReadSysfs(root_.string() + "/", &inv));
  ASSERT_NE(inv.Find(B("0000:00:1f.2")), nullptr);
  EXPECT_EQ(inv.Find(B("0000:00:1f.2"))->id->ToString(), "8086:2922");
  EXPECT_EQ(inv.Find(B("0000:00:1f.2"))->class_code, 0x010601u);
}

TEST_F(SysfsTest, SkipsMalformedDevices) {
  Device("0000:13:04.0", "0x8086\n", "0x10b5\n", "0x020000\n");  // the one good device
  Device("0000:13:04.1", "0x8086", "0x10b5", "0x020000");        // no newline: fine too
  Device("0000:13:05.0", "8086\n", "0x10b5\n", "0x020000\n");    // no 0x
  Device("0000:13:05.1", "0x80861\n", "0x10b5\n", "0x020000\n");
  Device("0000:13:05.2", "0x8086\n", "0x10g5\n", "0x020000\n");
  Device("0000:13:05.3", "0x8086\n", "0x10b5\n", "0x0200\n");
  Device("0000:13:05.4", "0x8086\n", "0x10b5\n", "0x020000\n", "0x103c\n", "junk\n");
  Device("0000:13:05.5", "0x8086\n\n", "0x10b5\n", "0x020000\n");
  Device("0000:13:05.6", "", "0x10b5\n", "0x020000\n");
  Device("0000:13:05.7", std::string(1000, '0').c_str(), "0x10b5\n", "0x020000\n");
  Write("0000:13:06.0", "vendor", "0x8086\n");                    // no device or class file
  Device("13:06.1", "0x8086\n", "0x10b5\n", "0x020000\n");        // not a full BDF
  Device("0000:13:26.0", "0x8086\n", "0x10b5\n", "0x020000\n");   // device > 0x1f
  Device("0000:13:06.2 ", "0x8086\n", "0x10b5\n", "0x020000\n");  // trailing space
  fs::create_directories(devices_ / "0000:13:06.3" / "vendor");   // a directory, not a file
  Write("0000:13:06.3", "device", "0x10b5\n");
  Write("0000:13:06.3", "class", "0x020000\n");
  std::ofstream(devices_ / "0000:13:07.0") << "a plain file\n";
  PciInventory inv;
  ASSERT_FALSE(ReadSysfs(root_.string(), &inv));
  EXPECT_EQ(inv.devices().size(), 2u);
  EXPECT_NE(inv.Find(B("0000:13:04.0")), nullptr);
  EXPECT_NE(inv.Find(B("0000:13:04.1")), nullptr);
}

TEST_F(SysfsTest, EmptyDirectoryIsNoError) {
  PciInventory inv;
  EXPECT_FALSE(ReadSysfs(root_.string(), &inv));
  EXPECT_TRUE(inv.devices().empty());
}

TEST_F(SysfsTest, MissingDirectoryIsAnError) {
  PciInventory inv;
  std::string missing = (root_ / "nowhere").string();
  auto err = ReadSysfs(missing, &inv);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "cannot read " + missing + "/bus/pci/devices: No such file or directory");
  EXPECT_EQ(err->ToString(), err->message);  // the message names the path already
}

TEST_F(SysfsTest, KeepsEarlierSources) {
  Device("0000:13:04.0", "0x8086\n", "0x10b9\n", "0x020000\n", "0x103c\n", "0x3109\n");
  PciInventory inv;
  PciId from_log;
  from_log.vendor = 0x8086;
  from_log.device = 0x10b5;
  inv.Add(B("0000:13:04.0"), from_log, std::nullopt, "log");
  ASSERT_FALSE(ReadSysfs(root_.string(), &inv));
  EXPECT_EQ(inv.Find(B("0000:13:04.0"))->id->ToString(), "8086:10b5");
  EXPECT_EQ(inv.Find(B("0000:13:04.0"))->conflict, "sysfs says 8086:10b9");
}

}  // namespace
}  // namespace kdiag
