// Xen's call trace and RIP shapes, through ParseFrameLine (which tries the kernel's first) and
// ParseXenFrameLine itself.
#include "analyzer/correlate/xen_frames.h"

#include <gtest/gtest.h>

#include <string>

#include "analyzer/correlate/stack_frames.h"

namespace kdiag {
namespace {

TEST(XenFrames, ReadsTraceFramesOfEveryEra) {
  std::string f;
  // 4.13+ markers: R (the RIP), S (found on the stack), F (found by frame pointers).
  EXPECT_EQ(ParseFrameLine("   [<ffff82d0403a5ef8>] R amd_iommu_prepare+0x288/0x390", &f),
            FrameKind::kFrame);
  EXPECT_EQ(f, "amd_iommu_prepare");
  EXPECT_EQ(
      ParseFrameLine("   [<ffff82d0402443a3>] S core.c#sched_wait_rendezvous_in+0xe3/0x2b0", &f),
      FrameKind::kFrame);
  EXPECT_EQ(f, "sched_wait_rendezvous_in");  // the 4.7+ file qualifier is dropped
  EXPECT_EQ(ParseFrameLine("   [<ffff82d08022b1a3>] F do_IRQ+0x13/0x5a0", &f), FrameKind::kFrame);
  EXPECT_EQ(f, "do_IRQ");
  // %#lx of a zero offset is "0", not "0x0".
  EXPECT_EQ(ParseFrameLine("   [<ffff82d0402e4360>] S domain.c#idle_loop+0/0xf0", &f),
            FrameKind::kFrame);
  EXPECT_EQ(f, "idle_loop");
  // 4.4 to 4.12 (no marker), and print_symbol before.
  EXPECT_EQ(ParseFrameLine("   [<ffff828c80114d28>] __bug+0x28/0x40", &f), FrameKind::kFrame);
  EXPECT_EQ(f, "__bug");
  EXPECT_EQ(ParseFrameLine("   [<ffff82d08020fc3e>] entry.o#create_bounce_frame+0/0x142", &f),
            FrameKind::kFrame);
  EXPECT_EQ(f, "create_bounce_frame");
  // arm (xen/arch/arm/traps.c show_trace, 4.4+): "   [<%p>] %pS (PC)", then "(LR)", then frames.
  EXPECT_EQ(ParseFrameLine("   [<00000a0000277b2c>] vgic_v3_emulate_sysreg+0x1c/0x2d0 (PC)", &f),
            FrameKind::kFrame);
  EXPECT_EQ(f, "vgic_v3_emulate_sysreg");
}

TEST(XenFrames, ReadsTheHypervisorRip) {
  std::string f;
  EXPECT_EQ(ParseFrameLine(
                "RIP:    e008:[<ffff82d04023a355>] credit2.c#csched2_free_domdata+0x65/0xd0", &f),
            FrameKind::kLocation);
  EXPECT_EQ(f, "csched2_free_domdata");
  EXPECT_EQ(ParseXenFrameLine("RIP:    e008:[<ffff82d04022ecbd>] xmem_pool_free+0x25f/0x3da", &f),
            FrameKind::kLocation);
  EXPECT_EQ(f, "xmem_pool_free");
}

TEST(XenFrames, GuestRegistersAndOtherDumpLinesAreNotFrames) {
  std::string f;
  for (const char* line : {
           "RIP:    0010:[<ffffffffc08eede5>]",                   // a guest's RIP: no Xen symbol
           "RIP:    e008:[<0000000045f1e11f>] 0000000045f1e11f",  // firmware, not in Xen
           "Xen call trace:",
           "   [Fault on access]",
           "CPU7 @ e008:ffff82d04026c31b (mwait_idle_with_hints+0xfb/0x140)",
           "Xen code around <ffff82d04023a355> (credit2.c#csched2_free_domdata+0x65/0xd0):",
           "   ffff8308bcbea000 0000000000000001 ffff8308bca73000 0000000000000000",
           "----[ Xen-4.17.2  x86_64  debug=n  Not tainted ]----",
           "[<ffff82d0403a5ef8>] X amd_iommu_prepare+0x288/0x390",
           "",
       }) {
    EXPECT_EQ(ParseFrameLine(line, &f), FrameKind::kNone) << line;
  }
}

TEST(XenFrames, HostileLinesAreBoundedAndSafe) {
  std::string f;
  // Long runs of the shapes' pieces: the patterns are anchored with bounded repetitions, so these
  // fail quickly instead of backtracking, and a name longer than any symbol is not taken.
  std::string many(100000, '[');
  EXPECT_EQ(ParseXenFrameLine(many + "<", &f), FrameKind::kNone);
  std::string brackets;
  for (int i = 0; i < 20000; ++i) brackets += "[<ffff82d0403a5ef8>] ";
  EXPECT_EQ(ParseFrameLine(brackets + "R f+0x1/0x2", &f), FrameKind::kNone);
  std::string name(100000, 'a');
  EXPECT_EQ(ParseFrameLine("   [<ffff82d0403a5ef8>] S " + name + "+0x1/0x2", &f), FrameKind::kNone);
  std::string nul = "   [<ffff82d0403a5ef8>] S f+0x1/0x2";
  nul.push_back('\0');
  nul += "tail";
  EXPECT_EQ(ParseFrameLine(nul, &f), FrameKind::kFrame);
}

}  // namespace
}  // namespace kdiag
