// Stall naming after syzkaller's linuxStallFrameExtractor (pkg/report/linux.go, commit
// 1e72964b0111): the frame above the first anchor, or "smp_call_function".
#include "analyzer/correlate/stall_frames.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

TEST(StallFrames, AnchorsMatchAnywhereUnlessAnchored) {
  for (const char* f : {"do_syscall_64", "vfs_ioctl", "process_one_work", "__run_timers", "__fput",
                        "sys_connect", "kthread"}) {
    EXPECT_TRUE(IsStallAnchor(f)) << f;
  }
  for (const char* f : {"sys_futex", "kvm_vcpu_ioctl", "kthread_worker_fn", "my_sock_sendmsg"}) {
    EXPECT_FALSE(IsStallAnchor(f)) << f;
  }
}

TEST(StallFrames, TheFrameAboveTheFirstAnchorNamesTheStall) {
  EXPECT_EQ(StallFrame({"loop_step", "my_ioctl", "vfs_ioctl", "do_syscall_64"}), "my_ioctl");
  // An anchor at the top names itself.
  EXPECT_EQ(StallFrame({"process_one_work", "worker_thread"}), "process_one_work");
  EXPECT_EQ(StallFrame({"csd_lock_wait", "smp_call_function_many_cond", "on_each_cpu_cond_mask",
                        "do_syscall_64"}),
            "smp_call_function");
  EXPECT_EQ(StallFrame({"a", "b"}), "");
  EXPECT_EQ(StallFrame({}), "");
}

TEST(StallFrames, TitlesStripOneSyscallPrefixTheShortestWay) {
  // syzkaller report.go stripFrames: of the names one prefix leaves, the shortest.
  EXPECT_EQ(StripFramePrefix("__do_sys_pause"), "pause");
  EXPECT_EQ(StripFramePrefix("SyS_rmdir"), "rmdir");
  EXPECT_EQ(StripFramePrefix("sys_rmdir"), "rmdir");
  EXPECT_EQ(StripFramePrefix("__x64_sys_rmdir"), "sys_rmdir");  // one prefix only
  EXPECT_EQ(StripFramePrefix("__se_sys_futex"), "futex");
  EXPECT_EQ(StripFramePrefix("ksys_read"), "read");
  EXPECT_EQ(StripFramePrefix("tcp_sendmsg"), "tcp_sendmsg");
}

}  // namespace
}  // namespace kdiag
