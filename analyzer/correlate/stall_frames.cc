#include "analyzer/correlate/stall_frames.h"

#include <re2/re2.h>

#include "analyzer/correlate/generic_frames.h"

namespace kdiag {
namespace {

// syzkaller pkg/report/linux.go, linuxStallAnchorFrames (commit 1e72964b0111), in its order.
constexpr const char* kStallAnchors[] = {
    // Dispatch of work (workqueues, syscall entry, softirqs, timers, kthreads), with some of the
    // callers, so that a renamed function does not leave a trace without anchors.
    "process_one_work",
    "do_syscall_",
    "do_fast_syscall_",
    "sysenter_dispatch",
    "tracesys_phase2",
    "el0_svc_handler",
    "invoke_syscall",
    "ret_fast_syscall",
    "netif_receive_skb",
    "do_softirq",
    "call_timer_fn",
    "_run_timers",
    "run_timer_softirq",
    "hrtimer_run",
    "run_ksoftirqd",
    "smpboot_thread_fn",
    "^kthread$",
    "start_secondary",
    "cpu_startup_entry",
    "ret_from_fork",
    // The generic layers of syscalls whose work is the callee (file_operations and the like).
    "vfs_write",
    "vfs_read",
    "vfs_iter_read",
    "vfs_iter_write",
    "do_iter_read",
    "do_iter_write",
    "call_read_iter",
    "call_write_iter",
    "new_sync_read",
    "new_sync_write",
    "vfs_ioctl",
    "ksys_ioctl",
    "compat_ioctl",
    "compat_sys_ioctl",
    "blkdev_driver_ioctl",
    "blkdev_ioctl",
    "^call_read_iter",
    "^call_write_iter",
    "do_iter_readv_writev",
    "^call_mmap",
    "mmap_region",
    "do_mmap",
    "do_dentry_open",
    "vfs_open",
    // Socket operations.
    "^sock_sendmsg",
    "^sock_recvmsg",
    "^sock_release",
    "^__sock_release",
    "^setsockopt$",
    "kernel_setsockopt",
    "sock_common_setsockopt",
    "^listen$",
    "kernel_listen",
    "sk_common_release",
    "^sock_mmap",
    "^accept$",
    "kernel_accept",
    "^sock_do_ioctl",
    "^sock_ioctl",
    "^compat_sock_ioctl",
    "^nfnetlink_rcv_msg",
    "^rtnetlink_rcv_msg",
    "^netlink_dump",
    "^(sys_)?(socketpair|connect|ioctl)",
    // Page faults.
    "__do_fault",
    "do_page_fault",
    "^page_fault$",
    // Work run on the way back to user space (task_work, file release), cross-CPU calls,
    // tasklets.
    "__fput",
    "task_work_run",
    "exit_to_usermode",
    "smp_call_function",
    "tasklet_action",
    "tasklet_hi_action",
};

// syzkaller pkg/report/linux.go, linuxStackParams.stripFramePrefixes (commit 1e72964b0111): the
// syscall spellings anchors are matched without ("__sys_setsockopt" is "setsockopt").
constexpr const char* kSyscallPrefixes[] = {
    "SYSC_",     "SyS_",      "sys_",         "__x64_",      "__ia32_",
    "__arm64_",  "____sys_",  "___sys_",      "__sys_",      "__se_",
    "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_",
};

// The shortest name one of the prefixes leaves (the name itself when none applies).
std::string_view Stripped(std::string_view function) {
  std::string_view best = function;
  for (std::string_view prefix : kSyscallPrefixes) {
    if (function.substr(0, prefix.size()) == prefix &&
        function.size() - prefix.size() < best.size()) {
      best = function.substr(prefix.size());
    }
  }
  return best;
}

const RE2& AnchorRe() {
  static const RE2* re = new RE2(FramePatternAlternation(kStallAnchors));
  return *re;
}

}  // namespace

std::string_view StripFramePrefix(std::string_view function) {
  return Stripped(function);
}

bool IsStallAnchor(std::string_view function) {
  std::string_view name = Stripped(function);
  return RE2::PartialMatch(re2::StringPiece(name.data(), name.size()), AnchorRe());
}

std::string StallFrame(const std::vector<std::string>& frames) {
  if (frames.empty()) return "";
  const std::string* above = &frames.front();
  for (const std::string& f : frames) {
    if (IsStallAnchor(f)) {
      // Cross-CPU calls spin inside smp_call_function*: that is the stall itself.
      if (f.find("smp_call_function") != std::string::npos) return "smp_call_function";
      return *above;
    }
    above = &f;
  }
  return "";
}

}  // namespace kdiag
