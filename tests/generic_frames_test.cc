// The generic-frame list follows syzkaller's skip semantics (pkg/report/linux.go
// linuxStackParams.skipPatterns, report.go appendStackFrame, commit 1e72964b0111): a pattern skips
// a frame when it matches anywhere in the name, unless the pattern anchors itself.
#include "analyzer/correlate/generic_frames.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

TEST(GenericFrames, PatternsMatchAnywhereInTheName) {
  // "kasan", "alloc" (k?v?(?:m|z|c)alloc), "spin_lock", "atomic_dec", "printk", "string" inside
  // longer names.
  for (const char* f : {"kasan_report", "__kasan_check_read", "__kmalloc_node_track_caller",
                        "kvmalloc_node", "_raw_spin_lock_irqsave", "_atomic_dec_and_lock",
                        "vprintk_emit", "hex_string", "__list_add_valid_or_report",
                        "__x86_indirect_thunk_rax", "ref_tracker_free", "test_and_clear_bit"}) {
    EXPECT_TRUE(IsGenericFrame(f)) << f;
  }
}

TEST(GenericFrames, AnchoredPatternsMatchWholeNamesOnly) {
  // "^down$", "^kv?free$", "^iput$", "^mutex_", "^refcount_", "^rb_".
  EXPECT_TRUE(IsGenericFrame("down"));
  EXPECT_FALSE(IsGenericFrame("ldsem_down"));  // "down" only as the whole name
  EXPECT_TRUE(IsGenericFrame("kfree"));
  EXPECT_FALSE(IsGenericFrame("kfree_rcu_work"));
  EXPECT_TRUE(IsGenericFrame("iput"));
  EXPECT_FALSE(IsGenericFrame("ext4_iput"));
  EXPECT_TRUE(IsGenericFrame("mutex_lock_nested"));
  EXPECT_FALSE(IsGenericFrame("ww_mutex_lock"));  // "^mutex_" is a prefix rule
  EXPECT_TRUE(IsGenericFrame("refcount_warn_saturate"));
  EXPECT_TRUE(IsGenericFrame("rb_erase"));
  EXPECT_FALSE(IsGenericFrame("perf_rb_free"));
}

TEST(GenericFrames, FramesSyzkallerKeepsAreGuilty) {
  // Neither in the list nor matched by any of its patterns: entry code, the scheduler, console
  // drivers, the work item's own function.
  for (const char* f : {"ixgbe_open", "tcp_sendmsg", "ext4_fill_super", "synchronize_rcu",
                        "rtnl_lock", "sys_futex", "strp_check_rcv", "do_syscall_64", "__schedule",
                        "console_unlock", "serial8250_console_write", "process_one_work"}) {
    EXPECT_FALSE(IsGenericFrame(f)) << f;
  }
}

TEST(GenericFrames, OopsPrintingFramesAreNeverGuilty) {
  // 2.6-era x86 traces hold the oops path itself (arch/i386/kernel/traps.c die, show_registers,
  // show_trace_log_lvl, dump_trace; arch/i386/mm/fault.c do_page_fault; the error_code stub).
  for (const char* f : {"die", "__die", "show_registers", "show_trace_log_lvl", "show_trace",
                        "dump_trace", "do_page_fault", "__do_page_fault", "error_code",
                        "page_fault", "oops_end", "show_regs", "__show_regs", "exc_page_fault"}) {
    EXPECT_TRUE(IsOopsPrintingFrame(f)) << f;
  }
  // Whole names only: a driver's own "die" or fault handler is guilty.
  for (const char* f : {"die_chain_notify", "ext4_die_handler", "handle_mm_fault",
                        "__bad_area_nosemaphore", "kvm_mmu_page_fault", "filemap_fault"}) {
    EXPECT_FALSE(IsOopsPrintingFrame(f)) << f;
  }
}

}  // namespace
}  // namespace kdiag
