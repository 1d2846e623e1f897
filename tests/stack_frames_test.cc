#include "analyzer/correlate/stack_frames.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

FrameKind Kind(std::string_view line, std::string* f) {
  return ParseFrameLine(line, f);
}

TEST(StackFrames, ReadsEveryFrameShape) {
  std::string f;
  EXPECT_EQ(Kind(" ixgbe_open+0x30c/0x5c0 [ixgbe]", &f), FrameKind::kFrame);
  EXPECT_EQ(f, "ixgbe_open");
  EXPECT_EQ(Kind(" [<ffffffff8108a1c5>] warn_slowpath_common+0x85/0xc0", &f), FrameKind::kFrame);
  EXPECT_EQ(f, "warn_slowpath_common");
  EXPECT_EQ(Kind(" [<ffffffff8108a1c5>] ? printk+0x4d/0x4f", &f), FrameKind::kUnreliable);
  EXPECT_EQ(Kind(" ? __warn+0x7d/0xc0", &f), FrameKind::kUnreliable);
  EXPECT_EQ(Kind(" list_add include/linux/list.h:79 [inline]", &f), FrameKind::kFrame);
  EXPECT_EQ(f, "list_add");
  EXPECT_EQ(Kind(" tcp_sendmsg+0x2f/0x50 net/ipv4/tcp.c:1459", &f), FrameKind::kFrame);
  EXPECT_EQ(Kind("[<802918b8>] (do_mount) from [<80292a90>] (ksys_mount+0x9c/0x100)", &f),
            FrameKind::kFrame);
  EXPECT_EQ(f, "do_mount");
  EXPECT_EQ(Kind("    [<000000001ed8d8f4>] __kmalloc+0x17d/0x2f0", &f), FrameKind::kFrame);
  EXPECT_EQ(f, "__kmalloc");
}

TEST(StackFrames, ReadsFaultingLocations) {
  std::string f;
  EXPECT_EQ(Kind("RIP: 0010:d_walk+0x840/0xc80", &f), FrameKind::kLocation);
  EXPECT_EQ(f, "d_walk");
  EXPECT_EQ(Kind("RIP: 0010:[<ffffffff82d4e304>]  [<ffffffff82d4e304>] __memset+0x24/0x30", &f),
            FrameKind::kLocation);
  EXPECT_EQ(f, "__memset");
  EXPECT_EQ(Kind("IP: [<ffffffff83b1b7a4>] tcp_v4_send_reset+0x4f4/0x1460", &f),
            FrameKind::kLocation);
  EXPECT_EQ(Kind("pc : __list_add_valid+0x3c/0xa0", &f), FrameKind::kLocation);
  EXPECT_EQ(Kind("PC is at ns558_init+0x1c/0x60", &f), FrameKind::kLocation);
  // 2.6 i386 show_registers "EIP is at %s"; powerpc show_regs "NIP [%016lx] %pS".
  EXPECT_EQ(Kind("EIP is at e1000_clean_tx_irq+0x42/0x2c0 [e1000]", &f), FrameKind::kLocation);
  EXPECT_EQ(f, "e1000_clean_tx_irq");
  EXPECT_EQ(Kind("NIP [c00000000022d79c] partition_sched_domains_locked+0x1ac/0x5f0", &f),
            FrameKind::kLocation);
  EXPECT_EQ(f, "partition_sched_domains_locked");
}

TEST(StackFrames, OtherLinesAreNotFrames) {
  std::string f;
  for (const char* line :
       {"Call Trace:", " <TASK>", "RIP: 0033:0x455777", "Modules linked in: ixgbe",
        "RSP: 0018:ffff880066befc88  EFLAGS: 00010006",
        " #0: ffff8880 (&lock){+.+.}-{3:3}, at: f+0x1/0x2", "Code: 48 89 e5 41 57", ""}) {
    EXPECT_EQ(Kind(line, &f), FrameKind::kNone) << line;
  }
}

TEST(StackFrames, NormalizesCompilerSuffixesAndSyscalls) {
  EXPECT_EQ(NormalizeFunction("p9_client_flush.isra.0"), "p9_client_flush");
  EXPECT_EQ(NormalizeFunction("foo.constprop.3.cold"), "foo");
  // C++ names demangled without parameters, as syzkaller's demangle.Filter(NoParams).
  EXPECT_EQ(NormalizeFunction("_Z8fakeNameiii"), "fakeName");
  EXPECT_EQ(NormalizeFunction("_ZN3foo3barEv"), "foo::bar");
  EXPECT_EQ(NormalizeFunction("_ZN3fooE"), "foo");
  EXPECT_EQ(NormalizeFunction("_ZN3foo3bar"), "_ZN3foo3bar");  // no 'E': left as printed
  EXPECT_EQ(NormalizeFunction("_Z99x"), "_Z99x");
  EXPECT_EQ(NormalizeFunction("_Zfoo"), "_Zfoo");
  // Syscall prefixes stay until the title (StripFramePrefix).
  EXPECT_EQ(NormalizeFunction("__x64_sys_futex.cold"), "__x64_sys_futex");
  EXPECT_EQ(NormalizeFunction("__do_sys_mount"), "__do_sys_mount");
  EXPECT_EQ(NormalizeFunction("ksys_read"), "ksys_read");
}

TEST(StackFrames, AnArmBacktraceLineNamesItsCallerToo) {
  // dump_backtrace_entry "[<%08lx>] (%ps) from [<%08lx>] (%pS)": both functions, as syzkaller's
  // arm frameRes captures them.
  std::string f, caller;
  EXPECT_EQ(ParseFrameLine("[<802e12b8>] (trace_hardirqs_off) from [<80100a74>] "
                           "(__dabt_svc+0x54/0xa0)",
                           &f, &caller),
            FrameKind::kFrame);
  EXPECT_EQ(f, "trace_hardirqs_off");
  EXPECT_EQ(caller, "__dabt_svc");
  EXPECT_EQ(ParseFrameLine(" ixgbe_open+0x30c/0x5c0 [ixgbe]", &f, &caller), FrameKind::kFrame);
  EXPECT_EQ(caller, "");
}

}  // namespace
}  // namespace kdiag
