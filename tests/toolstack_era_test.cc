// ToolstackEra: the thresholds (xl first in Xen 4.0, xend removed in 4.5, the permissive-file bug
// of xend before 3.4) and the toolstack messages that override them.
#include "analyzer/remedy/toolstack_era.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

PlatformFacts Xen(int major, int minor) {
  PlatformFacts f;
  f.xen = XenVersion{major, minor, ".1"};
  f.xen_where = "xl-dmesg.log:2";
  return f;
}

TEST(ToolstackEraTest, VersionThresholds) {
  EXPECT_EQ(EraOf(Xen(3, 0)).toolstack, Toolstack::kXend);
  EXPECT_EQ(EraOf(Xen(3, 4)).toolstack, Toolstack::kXend);
  EXPECT_EQ(EraOf(Xen(4, 0)).toolstack, Toolstack::kUnknown);  // xl.c first in RELEASE-4.0.0
  EXPECT_EQ(EraOf(Xen(4, 4)).toolstack, Toolstack::kUnknown);  // pciquirk.py still in 4.4.0
  EXPECT_EQ(EraOf(Xen(4, 5)).toolstack, Toolstack::kXl);       // xend removed for 4.5
  EXPECT_EQ(EraOf(Xen(4, 17)).toolstack, Toolstack::kXl);
  EXPECT_EQ(EraOf(Xen(5, 0)).toolstack, Toolstack::kXl);
  EXPECT_EQ(EraOf(PlatformFacts{}).toolstack, Toolstack::kUnknown);
}

TEST(ToolstackEraTest, ToolstackMessagesWin) {
  PlatformFacts f = Xen(4, 2);
  f.xend_where = "xend.log:7";
  EXPECT_EQ(EraOf(f).toolstack, Toolstack::kXend);
  f.libxl_where = "xl-guest.log:1";
  EXPECT_EQ(EraOf(f).toolstack, Toolstack::kUnknown);  // both: the log is of two hosts or eras
  f.xend_where.clear();
  EXPECT_EQ(EraOf(f).toolstack, Toolstack::kXl);
  EXPECT_NE(EraSentence(EraOf(f)).find("libxl's messages (xl-guest.log:1), Xen 4.2.1"),
            std::string::npos);
}

// pciquirk.py raised UnboundLocalError without xend-pci-permissive.sxp until 3.4.0-rc1
// (cef052b621).
TEST(ToolstackEraTest, OldXendBugOnlyWhereItCanBe) {
  EXPECT_TRUE(EraOf(Xen(3, 3)).MayHaveOldXend());
  EXPECT_FALSE(EraOf(Xen(3, 4)).MayHaveOldXend());
  EXPECT_FALSE(EraOf(Xen(4, 2)).MayHaveOldXend());
  EXPECT_FALSE(EraOf(Xen(4, 17)).MayHaveOldXend());
  EXPECT_TRUE(EraOf(PlatformFacts{}).MayHaveOldXend());
}

}  // namespace
}  // namespace kdiag
