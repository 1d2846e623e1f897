// The shipped crash rules follow syzkaller's title rules (pkg/report/linux.go, commit
// 1e72964b0111): each test states one of them -- a per-report-type skip list, a stall or hang
// anchor, a stack-start marker, a reason for "corrupted" -- and checks it on a small report built
// for it, through the whole pipeline.
#include <gtest/gtest.h>

#include <string>

#include "pipeline_run.h"

namespace kdiag {
namespace {

// The first crash event's title ("" when none), and whether it is corrupted.
std::string Title(const std::string& log, bool* corrupted = nullptr) {
  testing::PipelineRun run = testing::RunShippedRules(log, "t.log");
  for (const Event& e : run.events) {
    if (!e.crash) continue;
    if (corrupted) *corrupted = e.crash->corrupted;
    return e.crash->title;
  }
  return "";
}

TEST(SyzkallerRules, MemoryLeakSkipsFramesContainingAlloc) {
  // "BUG: memory leak" stackFmt.skip holds "alloc", "kmem", "slab", "strdup", ...
  EXPECT_EQ(Title("unreferenced object 0xffff88810a3b5c00 (size 32):\n"
                  "  backtrace:\n"
                  "    [<00000000>] kmemleak_alloc_recursive+0x1/0x2\n"
                  "    [<00000000>] __kmalloc+0x17d/0x2f0\n"
                  "    [<00000000>] my_table_alloc+0x1a/0x150\n"
                  "    [<00000000>] my_ioctl_create+0xb0/0x330\n"),
            "memory leak in my_ioctl_create");
}

TEST(SyzkallerRules, KernelBugSkipsSkbWrappers) {
  // "kernel BUG at" stackFmt.skip "^skb_": the skb helper's caller is to blame.
  EXPECT_EQ(Title("kernel BUG at net/core/skbuff.c:104!\n"
                  "invalid opcode: 0000 [#1] SMP KASAN\n"
                  "RIP: 0010:skb_panic+0x15c/0x1f0\n"
                  "Call Trace:\n"
                  " skb_put+0x17b/0x1f0\n"
                  " my_proto_send+0x2a/0x90\n"),
            "kernel BUG in my_proto_send");
}

TEST(SyzkallerRules, GlobalSkipPatternsMatchInsideNames) {
  // linuxStackParams.skipPatterns "atomic(64)?_(dec|...)" skips _atomic_dec_and_lock.
  EXPECT_EQ(Title("BUG: KASAN: use-after-free in _atomic_dec_and_lock+0x1/0x2\n"
                  "Write of size 4 at addr ffff888000000000 by task a/1\n"
                  "Call Trace:\n"
                  " dump_stack+0x1/0x2\n"
                  " kasan_report+0x1/0x2\n"
                  " _atomic_dec_and_lock+0x1/0x2\n"
                  " put_my_counts+0x1/0x2\n"),
            "KASAN: use-after-free Write in put_my_counts");
}

TEST(SyzkallerRules, HungTaskAnchorsOnRtnlLockBeforeSkipping) {
  // linuxHangTaskFrameExtractor: rtnl_lock names the hang although "_lock" is in its skip list.
  EXPECT_EQ(Title("INFO: task syz:123 blocked for more than 143 seconds.\n"
                  "Call Trace:\n"
                  " __schedule+0x1/0x2\n"
                  " schedule+0x1/0x2\n"
                  " __mutex_lock+0x1/0x2\n"
                  " rtnl_lock+0x1/0x2\n"
                  " my_netdev_ioctl+0x1/0x2\n"),
            "INFO: task hung in rtnl_lock");
  // Without an anchor, the skip list (sched, _lock, wait, ...) leaves the waiter's caller.
  EXPECT_EQ(Title("INFO: task syz:123 blocked for more than 143 seconds.\n"
                  "Call Trace:\n"
                  " __schedule+0x1/0x2\n"
                  " schedule+0x1/0x2\n"
                  " io_schedule+0x1/0x2\n"
                  " folio_wait_bit_common+0x1/0x2\n"
                  " my_fs_read_folio+0x1/0x2\n"),
            "INFO: task hung in my_fs_read_folio");
}

TEST(SyzkallerRules, StallIsNamedByTheFrameAboveTheFirstAnchor) {
  // linuxStallFrameExtractor: the frame above vfs_ioctl (an anchor) names the stall; the timer
  // interrupt's frames before the stack-start marker are not read.
  EXPECT_EQ(Title("rcu: INFO: rcu_preempt self-detected stall on CPU\n"
                  "Call Trace:\n"
                  " <IRQ>\n"
                  " tick_sched_timer+0x1/0x2\n"
                  " hrtimer_interrupt+0x1/0x2\n"
                  " </IRQ>\n"
                  " <TASK>\n"
                  " asm_sysvec_apic_timer_interrupt+0x1a/0x20\n"
                  "RIP: 0010:my_loop_step+0x1/0x2\n"
                  " my_loop+0x1/0x2\n"
                  " my_dev_ioctl+0x1/0x2\n"
                  " vfs_ioctl+0x1/0x2\n"
                  " do_syscall_64+0x1/0x2\n"),
            "INFO: rcu detected stall in my_dev_ioctl");
}

TEST(SyzkallerRules, FaultInjectionFramesCorruptTheReport) {
  // linuxStackParams.corruptedLines: a should_fail frame ends the stack and corrupts the report.
  bool corrupted = false;
  EXPECT_EQ(Title("WARNING: CPU: 0 PID: 1 at mm/x.c:1 my_check+0x1/0x2\n"
                  "Call Trace:\n"
                  " dump_stack+0x1/0x2\n"
                  " should_fail+0x1/0x2\n"
                  " should_failslab+0x1/0x2\n"
                  " my_caller+0x1/0x2\n",
                  &corrupted),
            "WARNING in corrupted");
  EXPECT_TRUE(corrupted);
}

TEST(SyzkallerRules, AWarningWithoutRipOrCallTraceIsCorrupted) {
  // warningStackFmt reads the RIP line and the call trace, never the header's function.
  bool corrupted = false;
  EXPECT_EQ(Title("WARNING: CPU: 0 PID: 1 at mm/x.c:1 my_check+0x1/0x2\nother line\n", &corrupted),
            "WARNING in corrupted");
  EXPECT_TRUE(corrupted);
  EXPECT_EQ(Title("WARNING: CPU: 0 PID: 1 at mm/x.c:1 my_check+0x1/0x2\n"
                  "RIP: 0010:my_check+0x1/0x2\n"),
            "WARNING in my_check");
}

TEST(SyzkallerRules, ABugInListDebugIsACorruptedList) {
  // "kernel BUG at lib/list_debug.c" is titled "BUG: corrupted list in", from the call trace, with
  // or without the "list_del corruption." line before it (one report either way).
  const std::string bug =
      "kernel BUG at lib/list_debug.c:56!\n"
      "invalid opcode: 0000 [#1] SMP\n"
      "RIP: 0010:__list_del_entry_valid+0xa0/0xb0\n"
      "Call Trace:\n"
      " __list_del_entry include/linux/list.h:134 [inline]\n"
      " my_remove_pack+0x2cf/0x490\n";
  EXPECT_EQ(Title(bug), "BUG: corrupted list in my_remove_pack");
  EXPECT_EQ(Title("list_del corruption. next->prev should be ffff8801d8caa528, but was "
                  "ffffffff868a8010\n" +
                  bug),
            "BUG: corrupted list in my_remove_pack");
}

TEST(SyzkallerRules, ALockOrderReportIsNamedFromTheStackWhereTheLockBecameSafe) {
  // "-safe -> -unsafe lock order detected": the stack after "which became ... at:".
  EXPECT_EQ(Title("WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected\n"
                  "syz/1 is trying to acquire:\n"
                  "ffff8880120b9168 (&new->fa_lock){.?.+}-{2:2}, at: my_kill+0x14b/0x460\n"
                  "... which became HARDIRQ-irq-safe at:\n"
                  "  lock_acquire+0x1/0x2\n"
                  "  _raw_spin_lock_irqsave+0x1/0x2\n"
                  "  my_input_event+0x1/0x2\n"),
            "possible deadlock in my_input_event");
}

TEST(SyzkallerRules, AListCorruptionLineInsideAReportIsOneOfItsLines) {
  // "list_add corruption." is no report header to syzkaller: the KASAN report goes on past it,
  // its call trace to the first frame that is not skipped.
  EXPECT_EQ(Title("BUG: KASAN: stack-out-of-bounds in debug_lockdep_rcu_enabled+0x50/0x60\n"
                  "Read of size 4 at addr ffff8880a9eb8cbc by task a/1\n"
                  "Call Trace:\n"
                  " dump_stack+0x1/0x2\n"
                  " kasan_report+0x1/0x2\n"
                  " debug_lockdep_rcu_enabled+0x1/0x2\n"
                  "list_add corruption. next->prev should be prev (ffff8880ae72d8d8), but was "
                  "ffff8880a9eb8600. (next=ffff8880a9eb84f0).\n"
                  " my_udp_err+0x1/0x2\n"),
            "KASAN: stack-out-of-bounds Read in my_udp_err");
}

TEST(SyzkallerRules, ReportStartIgnoresDoNotEndTheReport) {
  // reportStartIgnores: "unregister_netdevice: waiting for" and "PANIC: double fault" inside a
  // report start no second one.
  EXPECT_EQ(Title("INFO: task syz:6102 blocked for more than 120 seconds.\n"
                  "Call Trace:\n"
                  " schedule+0x1/0x2\n"
                  "unregister_netdevice: waiting for lo to become free. Usage count = 6\n"
                  " schedule_preempt_disabled+0x1/0x2\n"
                  " mutex_lock_nested+0x1/0x2\n"
                  " my_copy_ns+0x1/0x2\n"),
            "INFO: task hung in my_copy_ns");
  EXPECT_EQ(Title("BUG: unable to handle kernel paging request at ffffc90001fd7ff8\n"
                  "PANIC: double fault, error_code: 0x0\n"
                  "RIP: 0010:my_lookup+0x1/0x2\n"),
            "BUG: unable to handle kernel paging request in my_lookup");
}

TEST(SyzkallerRules, AnotherTasksHeaderDoesNotEndTheReport) {
  // findReport keeps only the report's context: a second oops of another task in between.
  EXPECT_EQ(Title("[   34.404245][ T3083] Unable to handle kernel paging request at virtual "
                  "address 00616161616161a1\n"
                  "[   34.415404][ T3080] Unable to handle kernel paging request at virtual "
                  "address 00616161616161a1\n"
                  "[   34.423545][ T3083] Internal error: Oops: 0000000096000004 [#1] PREEMPT SMP\n"
                  "[   34.434950][ T3083] pc : __kmem_cache_alloc_node+0x17c/0x350\n"
                  "[   34.470248][ T3083] Call trace:\n"
                  "[   34.471114][ T3083]  __kmem_cache_alloc_node+0x17c/0x350\n"
                  "[   34.472525][ T3083]  my_xattr_alloc+0xbc/0x14c\n"),
            "BUG: unable to handle kernel paging request in my_xattr_alloc");
}

TEST(SyzkallerRules, ArmBacktracesNameTheLastLinesCaller) {
  // The arm frameRes takes "(callee) from ... (caller+0x..)" as two frames: the outermost frame is
  // only the last line's caller.
  EXPECT_EQ(Title("Unhandled fault: page domain fault (0x01b) at 0x00000e30\n"
                  "Internal error: : 1b [#1] PREEMPT SMP ARM\n"
                  "PC is at __sanitizer_cov_trace_pc+0x4c/0x78\n"
                  "Backtrace: \n"
                  "[<802b3ffc>] (__sanitizer_cov_trace_pc) from [<802e1324>] "
                  "(trace_hardirqs_off+0x6c/0x120)\n"
                  "[<802e12b8>] (trace_hardirqs_off) from [<80100a74>] (my_arm_entry+0x54/0xa0)\n"),
            "Unhandled fault in my_arm_entry");
}

TEST(SyzkallerRules, RiscvOopses) {
  // arch/riscv/mm/fault.c die_kernel_fault, then die(regs, "Oops") and show_regs "epc : %pS";
  // syzkaller's "Unable to handle kernel (paging request|...|access to user memory)" format.
  EXPECT_EQ(Title("Unable to handle kernel access to user memory without uaccess routines at "
                  "virtual address 000000000cc6b0d0\n"
                  "Oops [#1]\n"
                  "epc : my_tail+0x72/0xb2\n"
                  " ra : my_tail+0x70/0xb2\n"
                  "Call Trace:\n"
                  "[<ffffffe00008c762>] my_tail+0x72/0xb2\n"),
            "BUG: unable to handle kernel access to user memory in my_tail");
  EXPECT_EQ(Title("Unable to handle kernel paging request at virtual address ffffffd800000000\n"
                  "Oops [#1]\n"
                  "epc : my_walk+0x1/0x2\n"),
            "BUG: unable to handle kernel paging request in my_walk");
  // A trap's die() without a fault line is an oops of its own.
  EXPECT_EQ(Title("Oops - illegal instruction [#1]\n"
                  "epc : my_decode+0x1/0x2\n"),
            "Internal error in my_decode");
}

TEST(SyzkallerRules, AKasanReportWithoutItsAccessLineIsTitledByItsHeader) {
  // The KASAN format's report regexp needs the "Read/Write of size" line; without it syzkaller
  // falls back to "KASAN: %s" of the header (offsets and addresses replaced), corrupted.
  bool corrupted = false;
  EXPECT_EQ(Title("BUG: KASAN: slab-out-of-bounds in my_gup.part.3+0x739/0x770 at addr "
                  "ffff8800b46111c0\n",
                  &corrupted),
            "KASAN: slab-out-of-bounds in my_gup.part.NUM at addr ADDR");
  EXPECT_TRUE(corrupted);
  // With it (the 4.0-4.10 access line has no address), the usual title.
  EXPECT_EQ(Title("BUG: KASAN: slab-out-of-bounds in my_gup+0x739/0x770 at addr ffff8800b46111c0\n"
                  "Read of size 8 by task syz-executor0/1234\n"
                  "Call Trace:\n"
                  " kasan_report+0x1/0x2\n"
                  " my_gup+0x1/0x2\n",
                  &corrupted),
            "KASAN: slab-out-of-bounds Read in my_gup");
  EXPECT_FALSE(corrupted);
}

TEST(SyzkallerRules, EveryBadFreeIsAnInvalidFree) {
  // One format for "double-free or invalid-free", "double-free" and "invalid-free", skipping
  // slab_, kfree, vunmap and vfree frames.
  for (const char* kind : {"double-free or invalid-free", "double-free", "invalid-free"}) {
    EXPECT_EQ(Title(std::string("BUG: KASAN: ") + kind +
                    " in kfree+0xd9/0x260\n"
                    "Call Trace:\n"
                    " dump_stack+0x1/0x2\n"
                    " kfree+0x1/0x2\n"
                    " my_table_free+0x1/0x2\n"),
              "KASAN: invalid-free in my_table_free");
  }
}

TEST(SyzkallerRules, TheOldSoftLockupLineIsASoftLockup) {
  // 2.6.18 kernel/softlockup.c: "BUG: soft lockup detected on CPU#%d!" and dump_stack() from the
  // timer interrupt; the stall is named above the first anchor of the interrupted code.
  EXPECT_EQ(Title("BUG: soft lockup detected on CPU#0!\n"
                  "Call Trace:\n"
                  " [<ffffffff802b0b8a>] softlockup_tick+0xdb/0xed\n"
                  " [<ffffffff80293b6f>] update_process_times+0x42/0x68\n"
                  " [<ffffffff8025cbfa>] apic_timer_interrupt+0x66/0x6c\n"
                  " [<ffffffff8800a1b2>] my_spin+0x22/0x40\n"
                  " [<ffffffff8800a3c0>] my_write+0x80/0x100\n"
                  " [<ffffffff8028bb01>] vfs_write+0xce/0x174\n"),
            "BUG: soft lockup in my_write");
}

}  // namespace
}  // namespace kdiag
