#include "analyzer/input/boot_segmenter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace kdiag {
namespace {

Record Kernel(std::optional<int64_t> seconds, bool version = false) {
  Record r;
  if (seconds) r.time_us = *seconds * 1000000;
  r.boot_marker = version;
  return r;
}

Record Other(Source source, int64_t seconds) {
  Record r;
  r.source = source;
  r.time_us = seconds * 1000000;
  return r;
}

std::vector<int> Boots(std::vector<Record> records, int* boots = nullptr) {
  BootSegmenter segmenter;
  std::vector<int> out;
  for (Record& r : records) {
    segmenter.Assign(&r);
    out.push_back(r.boot);
  }
  if (boots != nullptr) *boots = segmenter.boots();
  return out;
}

TEST(BootSegmenter, NoRecordsNoBoots) {
  BootSegmenter segmenter;
  EXPECT_EQ(segmenter.boots(), 0);
}

TEST(BootSegmenter, OneBoot) {
  int boots = 0;
  EXPECT_EQ(Boots({Kernel(0, true), Kernel(0), Kernel(1), Kernel(30)}, &boots),
            (std::vector<int>{0, 0, 0, 0}));
  EXPECT_EQ(boots, 1);
}

TEST(BootSegmenter, SecondLinuxVersionStartsABoot) {
  int boots = 0;
  EXPECT_EQ(Boots({Kernel(0, true), Kernel(0), Kernel(0, true), Kernel(0)}, &boots),
            (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(boots, 2);
}

TEST(BootSegmenter, LinuxVersionAfterMidBootStart) {
  // A dmesg that began after a ring-buffer wrap, then a reboot.
  EXPECT_EQ(Boots({Kernel(32459), Kernel(32460), Kernel(0, true), Kernel(1)}),
            (std::vector<int>{0, 0, 1, 1}));
  // Within the first second, a "Linux version" belongs to the boot already started.
  Record early = Kernel(std::nullopt);
  early.time_us = 500000;
  EXPECT_EQ(Boots({early, Kernel(0, true)}), (std::vector<int>{0, 0}));
}

TEST(BootSegmenter, TimestampReset) {
  EXPECT_EQ(Boots({Kernel(100), Kernel(200), Kernel(3), Kernel(4), Kernel(3)}),
            (std::vector<int>{0, 0, 1, 1, 1}));
  // Less than one second back is jitter (interleaved CPUs), not a reboot.
  Record a = Kernel(std::nullopt);
  a.time_us = 5000000;
  Record b = Kernel(std::nullopt);
  b.time_us = 4200000;
  EXPECT_EQ(Boots({a, b}), (std::vector<int>{0, 0}));
}

TEST(BootSegmenter, ResetAndVersionTogetherCountOnce) {
  EXPECT_EQ(Boots({Kernel(0, true), Kernel(500), Kernel(0, true), Kernel(1)}),
            (std::vector<int>{0, 0, 1, 1}));
}

TEST(BootSegmenter, XenAndGuestClocksAreIgnored) {
  int boots = 0;
  EXPECT_EQ(Boots({Kernel(0, true), Kernel(50), Other(Source::kXen, 900), Other(Source::kGuest, 0),
                   Kernel(51), Other(Source::kXen, 1), Kernel(52)},
                  &boots),
            (std::vector<int>{0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(boots, 1);
  // Xen records alone before dom0's first line do not make "Linux version" a second boot.
  EXPECT_EQ(Boots({Other(Source::kXen, 5), Kernel(0, true)}), (std::vector<int>{0, 0}));
}

TEST(BootSegmenter, UntimedKernelRecords) {
  EXPECT_EQ(Boots({Kernel(std::nullopt, true), Kernel(std::nullopt), Kernel(std::nullopt, true),
                   Kernel(std::nullopt)}),
            (std::vector<int>{0, 0, 1, 1}));
  // An untimed record does not hide a reset between the timed ones around it.
  EXPECT_EQ(Boots({Kernel(90), Kernel(std::nullopt), Kernel(1)}), (std::vector<int>{0, 0, 1}));
}

TEST(BootSegmenter, ThreeBoots) {
  int boots = 0;
  Boots({Kernel(0, true), Kernel(10), Kernel(0, true), Kernel(10), Kernel(0, true)}, &boots);
  EXPECT_EQ(boots, 3);
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

TEST(BootSegmenterBootId, BootIdsDecideAndOverrideGuesses) {
  BootSegmenter seg;
  auto rec = [](const char* id, int64_t us, bool marker = false) {
    Record r;
    r.boot_id = id;
    r.time_us = us;
    r.boot_marker = marker;
    return r;
  };
  Record a = rec("aaa", 5000000), b = rec("aaa", 1000, true), c = rec("bbb", 9000000),
         d = rec("bbb", 10);
  seg.Assign(&a), seg.Assign(&b), seg.Assign(&c), seg.Assign(&d);
  EXPECT_EQ(a.boot, 0);
  EXPECT_EQ(b.boot, 0);  // a version line and a time reset, but the same boot id
  EXPECT_EQ(c.boot, 1);
  EXPECT_EQ(d.boot, 1);
  EXPECT_EQ(seg.boots(), 2);
}

}  // namespace
}  // namespace kdiag
