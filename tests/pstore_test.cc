// pstore dumps (fs/pstore/platform.c pstore_dump: "%s#%d Part%u\n" headers, part 1 the newest
// piece of log) are joined oldest piece first, one dump per crash.
#include "analyzer/input/sources/pstore.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

TEST(Pstore, RecordNames) {
  EXPECT_TRUE(IsPstoreDmesgPath("/sys/fs/pstore/dmesg-ramoops-0"));
  EXPECT_TRUE(IsPstoreDmesgPath("dmesg-efi-176459040001001"));
  EXPECT_FALSE(IsPstoreDmesgPath("/sys/fs/pstore/dmesg-efi-176459040001001.enc.z"));
  EXPECT_FALSE(IsPstoreDmesgPath("/sys/fs/pstore/console-ramoops-0"));
  EXPECT_FALSE(IsPstoreDmesgPath("/var/log/dmesg"));
  EXPECT_FALSE(IsPstoreDmesgPath("/var/log/dmesg-1"));
}

TEST(Pstore, PartsJoinHighestFirstWithoutHeaders) {
  // ramoops' ring wrapped: Part1 and Part2 in zones 1 and 2, Part3 in zone 0.
  std::vector<std::string> rest;
  auto dumps = AssemblePstoreDumps({{"p/dmesg-ramoops-0", "Panic#1 Part3\n<6>[ 1.0] a\n"},
                                    {"p/dmesg-ramoops-1", "Panic#1 Part1\n<0>[ 3.0] c\n"},
                                    {"p/dmesg-ramoops-2", "Panic#1 Part2\n<4>[ 2.0] b"}},
                                   &rest);
  ASSERT_EQ(dumps.size(), 1u);
  EXPECT_EQ(dumps[0].text, "<6>[ 1.0] a\n<4>[ 2.0] b\n<0>[ 3.0] c\n");
  EXPECT_EQ(dumps[0].name, "p/dmesg-ramoops-1 (Panic#1, parts 3-1)");
  EXPECT_TRUE(rest.empty());
}

TEST(Pstore, DumpsStaySeparate) {
  // Two counters; the same counter from two boots (a part number comes again); two directories;
  // ids compared as numbers.
  std::vector<std::string> rest;
  auto dumps = AssemblePstoreDumps({{"p/dmesg-efi-9002001", "Oops#1 Part2\nb\n"},
                                    {"p/dmesg-efi-10001001", "Oops#1 Part1\nz\n"},
                                    {"p/dmesg-efi-9001001", "Oops#1 Part1\nc\n"},
                                    {"p/dmesg-efi-9001002", "Panic#2 Part1\nd\n"},
                                    {"q/dmesg-efi-9001001", "Oops#1 Part1\ne\n"}},
                                   &rest);
  ASSERT_EQ(dumps.size(), 4u);
  EXPECT_EQ(dumps[0].text, "b\nc\n");
  EXPECT_EQ(dumps[1].text, "d\n");
  EXPECT_EQ(dumps[2].text, "z\n");
  EXPECT_EQ(dumps[3].text, "e\n");
  EXPECT_EQ(dumps[3].name, "q/dmesg-efi-9001001 (Oops#1, part 1)");
}

TEST(Pstore, FilesWithoutAHeaderAreLeftAlone) {
  std::vector<std::string> rest;
  auto dumps = AssemblePstoreDumps({{"p/dmesg-ramoops-0", "<6>[ 1.0] no header\n"},
                                    {"p/dmesg-ramoops-1", "Oops#x Part1\n"},
                                    {"p/dmesg-ramoops-2", ""},
                                    {"p/messages", "Oops#1 Part1\n"}},
                                   &rest);
  EXPECT_TRUE(dumps.empty());
  EXPECT_EQ(rest.size(), 4u);
}

}  // namespace
}  // namespace kdiag
