#include "analyzer/correlate/stack_frames.h"

#include <re2/re2.h>

#include "analyzer/correlate/xen_frames.h"

namespace kdiag {
namespace {

// A C (or Rust-mangled-free) symbol as kallsyms prints it; dots for compiler suffixes.
#define KDIAG_SYMBOL "([A-Za-z_$][A-Za-z0-9_.$]*)"

const RE2& FrameRe() {
  // [<addr>] prefixes (pre-4.x x86, arm, kmemleak), an optional "? ", then the symbol with its
  // offset/size, or syzbot's symbolised inline frame.
  static const RE2 re("^\\s*(?:\\[<?[0-9a-fA-F]+>?\\]\\s*)*(\\?\\s+)?" KDIAG_SYMBOL
                      "(?:\\+0x[0-9a-f]+/0x[0-9a-f]+|\\s+\\S+:\\d+(?::\\d+)?\\s+\\[inline\\])");
  return re;
}

const RE2& LocationRe() {
  // arch/x86/kernel/process_64.c __show_regs "RIP: %04x:%pS"; older "RIP: %04lx:[<%016lx>] %pS"
  // and "IP: [<...>] %pS" (arch/x86/mm/fault.c); arm64 "pc : %pS"; arm "PC is at %pS"; i386
  // "EIP: %pS" (and "EIP: [<...>] %pS").
  static const RE2 re(
      "^\\s*(?:RIP: [0-9a-f]{4}:|EIP: (?:[0-9a-f]{4}:)?|IP: |pc : |PC is at |NIP: |epc : )"
      "\\s*(?:\\[<[0-9a-f]+>\\]\\s*)*" KDIAG_SYMBOL "\\+0x[0-9a-f]+");
  return re;
}

#undef KDIAG_SYMBOL

const RE2& SuffixRe() {
  static const RE2 re("(?:\\.(?:isra|constprop|part|cold|llvm|lto_priv|localalias)(?:\\.\\d+)?)+$");
  return re;
}

const RE2& SyscallRe() {
  static const RE2 re("^(?:__(?:x64|ia32|x32|arm64|s390x|riscv|se|do)_sys_|SyS_|sys_)(\\w+)$");
  return re;
}

// Generic frames, by area. Anchored at the start of the normalized name.
const RE2& GenericRe() {
  static const RE2 re(
      "^(?:"
      // reporting and sanitizers
      "_*(?:kasan|kmsan|kcsan|kfence|ubsan|asan|msan|tsan|sanitizer)|check_memory_region|"
      "print_address_description|print_report|print_trailer|object_err|slab_err|"
      "dump_stack|show_stack|show_trace|__dump_stack|report_bug|handle_bug|fixup_bug|"
      "__warn|warn_slowpath|warn_alloc|__report_bad|do_error_trap|do_trap|do_invalid_op|"
      "exc_invalid_op|asm_exc_|invalid_op|_*panic|nmi_cpu_backtrace|fortify_panic|skb_panic|"
      "skb_over_panic|skb_under_panic|should_fail|__should_fail|should_failslab|fail_dump|"
      "dump_backtrace|walk_stackframe|unwind_|__unwind|arch_stack_walk|stack_trace_save|"
      "usercopy_warn|usercopy_abort|__x86_indirect_thunk|__x86_return_thunk|"
      "timer_is_static_object|work_is_static_object|is_static_object|"
      "__do_kernel_fault|do_mem_abort|do_tag_check_fault|do_bad_area|do_DataAbort|__dabt_svc|"
      "do_translation_fault|do_sea|report_tag_fault|print_unlock_imbalance_bug|"
      "device_(?:add|del|remove_file|destroy|release|unregister|register)$|get_device_parent|"
      "dpm_sysfs_remove|dev_vprintk_emit|dev_printk|__dev_printk|_dev_(?:err|warn|info|notice)|"
      "va_format|try_to_grab_pending|_cond_resched|__cond_resched|logic_in|logic_out|"
      "nmi_trigger_cpumask_backtrace|"
      "arch_trigger_cpumask_backtrace|trigger_all_cpu_backtrace|bad_page|free_pages_check|"
      "bad_range|kmemleak_|__kmemleak|create_object|"
      // printk
      "_?v?printk|vprintk|_printk|console_|"
      // lockdep, debug objects, might_sleep
      "lockdep_|__lockdep|lock_acquire|lock_release|lock_is_held|__lock_acquire|"
      "__lock_release|mark_lock|mark_held_locks|mark_usage|validate_chain|check_prev_add|"
      "check_prevs_add|check_noncircular|check_irq_usage|print_circular_bug|print_usage_bug|"
      "register_lock_class|look_up_lock_class|debug_lockdep|debug_object|debug_check_no|"
      "debug_print_object|__debug_object|debug_mutex|__might_sleep|___might_sleep|"
      "__might_resched|__might_fault|might_fault|might_sleep|"
      // locking primitives
      "_raw_spin|raw_spin|do_raw_spin|spin_|queued_spin|native_queued_spin|__pv_queued|"
      "_raw_read|_raw_write|do_raw_read|do_raw_write|queued_read|queued_write|"
      "__mutex_lock|mutex_lock|mutex_unlock|__mutex_unlock|mutex_trylock|"
      "down_read|down_write|up_read|up_write|__down|__up|down$|up$|down_trylock|"
      "rwsem_|__rwsem|percpu_down|percpu_up|rt_mutex|__rt_mutex|rt_spin|"
      "preempt_count|_*preempt_schedule|retint_kernel|call_rwsem_|lock_sock|__lock_sock|"
      "release_sock|osq_lock|mutex_remove_waiter|__raw_read|__raw_write|"
      "__local_bh|local_bh_|_local_bh|__rcu_read|rcu_read_|"
      "rcu_lock_|rcu_lockdep|"
      // scheduler and waiting
      "schedule$|__schedule|schedule_timeout|schedule_preempt|io_schedule|context_switch|"
      "__switch_to|finish_task_switch|"
      // allocators
      "kmalloc|__kmalloc|kmem_cache_alloc|kmem_cache_free|__kmem_cache|kmem_cache_zalloc|"
      "kfree|__kfree|kzalloc|kcalloc|krealloc|__krealloc|kvmalloc|__kvmalloc|kvzalloc|kvfree|"
      "kvcalloc|kmemdup|kstrdup|kstrndup|slab_|__slab_|___slab_|slab_alloc|slab_free|"
      "alloc_pages|__alloc_pages|alloc_page_interleave|__get_free_pages|get_zeroed_page|"
      "free_pages|__free_pages|vmalloc|__vmalloc|vzalloc|vfree|__vfree|memdup_user|"
      "__do_kmalloc|kmalloc_trace|kmalloc_node|kmalloc_large|__kmalloc_node|"
      "kmem_cache_alloc_node|new_slab|allocate_slab|___cache_free|cache_alloc|"
      "__cache_free|qlist_|quarantine_|"
      // string, memory and user copies
      "mem(?:cpy|set|move|cmp|chr|scan|dup)|__mem(?:cpy|set|move)|str(?:cpy|ncpy|lcpy|scpy|"
      "cat|ncat|cmp|ncmp|casecmp|len|nlen|chr|rchr|str|nstr)$|__str|"
      "copy_to_user|copy_from_user|_copy_to_user|_copy_from_user|__copy_to_user|"
      "__copy_from_user|raw_copy_|copyout|copyin|copy_user_|instrument_|check_object_size|"
      "__check_object_size|get_user|put_user|__get_user|__put_user|strncpy_from_user|"
      "strnlen_user|copy_page_to_iter|copy_page_from_iter|_copy_to_iter|_copy_from_iter|"
      // list, tree and refcount helpers, and the driver core and workqueue plumbing a bug passes
      // through on its way
      "__list_|list_|refcount_|__refcount_|kref_|rb_|__rb_|kobject_|sysfs_|device_del|"
      "device_unregister|add_uevent_var|kobject_uevent|devres_release_all|"
      "kthread_stop|finish_wait|wait_for_completion|__flush_work|flush_work|flush_workqueue|"
      "__cancel_work|cancel_work_sync|cancel_delayed_work|del_timer|timer_delete|"
      "usb_kill_urb|call_rcu|__call_rcu|kfree_rcu|__vunmap|vunmap|copy_from_iter|copy_to_iter|"
      // vsprintf internals
      "string$|hex_string|pointer$|vsnprintf|snprintf|sprintf|scnprintf|vscnprintf|"
      "format_decode|number$|"
      // interrupt and syscall entry
      "entry_SYSCALL|do_syscall_|do_fast_syscall|do_int80|syscall_exit|"
      "exit_to_user_mode|exit_to_usermode_loop|prepare_exit_to_usermode|ret_from_fork|"
      "entry_INT80|asm_|sysvec_|irq_exit|__irq_exit|"
      "do_softirq|__do_softirq|__softirqentry|handle_softirqs|"
      "apic_timer_interrupt|smp_apic_timer_interrupt|hrtimer_interrupt|__hrtimer_run_queues|"
      "tick_sched|update_process_times|el1_|el0_|el1h_|el0t_|__primary_switched|"
      "trace_hardirqs|trace_softirqs|__sanitizer_cov|write_comp_data|"
      // printing helpers of WARN/BUG
      "__warn_printk|warn_|__bug"
      ")");
  return re;
}

const RE2& EntryRe() {
  static const RE2 re(
      "^(?:"
      "entry_SYSCALL|do_syscall_|do_fast_syscall|do_int80|ret_fast_syscall|el0_svc|el0t_|"
      "invoke_syscall|"
      // file syscalls' generic layers
      "sys_ioctl$|ksys_ioctl|vfs_ioctl|do_vfs_ioctl|sys_compat_ioctl|compat_sys_ioctl|"
      "compat_SyS_ioctl|__vfs_write|__vfs_read|exit_to_usermode_loop|task_work_run|"
      "blkdev_ioctl|compat_blkdev_ioctl|blkdev_common_ioctl|kvm_vm_compat_ioctl|"
      "kvm_vcpu_compat_ioctl|"
      "sys_read$|ksys_read|vfs_read|new_sync_read|sys_write$|ksys_write|vfs_write|new_sync_write|"
      "sys_readv|sys_writev|do_readv|do_writev|vfs_readv|vfs_writev|do_iter_readv_writev|"
      "do_iter_write|do_iter_read|sys_pread64|sys_pwrite64|"
      // socket syscalls' generic layers
      "sys_sendmsg$|__sys_sendmsg|___sys_sendmsg|____sys_sendmsg|sys_sendmmsg$|__sys_sendmmsg|"
      "sock_sendmsg|sock_write_iter|sys_sendto$|__sys_sendto|sys_recvmsg$|__sys_recvmsg|"
      "___sys_recvmsg|sock_recvmsg|sock_read_iter|sys_recvfrom$|__sys_recvfrom|"
      "sys_connect$|__sys_connect|sys_bind$|__sys_bind|sys_setsockopt$|__sys_setsockopt|"
      "sock_common_setsockopt|sys_getsockopt$|__sys_getsockopt|sock_common_getsockopt|"
      "netlink_sendmsg|netlink_unicast|netlink_rcv_skb|rtnetlink_rcv|nfnetlink_rcv|genl_rcv|"
      // mmap
      "sys_mmap|ksys_mmap_pgoff|vm_mmap_pgoff|do_mmap|mmap_region|"
      // deferred work
      "process_one_work|worker_thread|kthread$|ret_from_fork|call_timer_fn|expire_timers|"
      "__run_timers|run_timer_softirq|__run_hrtimer|net_rx_action|__napi_poll|napi_poll|"
      "process_backlog|__netif_receive_skb|netif_receive_skb|tasklet_action|"
      "rcu_do_batch|rcu_core|__do_softirq|handle_softirqs|do_softirq|irq_exit"
      ")");
  return re;
}

}  // namespace

bool IsEntryFrame(std::string_view function) {
  return RE2::PartialMatch(re2::StringPiece(function.data(), function.size()), EntryRe());
}

FrameKind ParseFrameLine(std::string_view line, std::string* function) {
  // Every form below holds one of these literals; most lines of a report (and the unrelated lines
  // a report without an end marker takes in) hold none, and three RE2 matches cost far more.
  if (line.find("+0x") == std::string_view::npos &&
      line.find("[inline]") == std::string_view::npos &&
      line.find(") from [<") == std::string_view::npos) {
    return ParseXenFrameLine(line, function);
  }
  // arch/arm/kernel/traps.c dump_backtrace_entry: "[<%08lx>] (%ps) from [<%08lx>] (%pS)\n".
  static const RE2 arm("^\\s*\\[<[0-9a-f]+>\\] \\(([A-Za-z_$][A-Za-z0-9_.$]*)\\) from \\[<");
  re2::StringPiece text(line.data(), line.size());
  re2::StringPiece unreliable, name;
  if (RE2::PartialMatch(text, arm, &name)) {
    function->assign(name.data(), name.size());
    return FrameKind::kFrame;
  }
  if (RE2::PartialMatch(text, LocationRe(), &name)) {
    function->assign(name.data(), name.size());
    return FrameKind::kLocation;
  }
  if (RE2::PartialMatch(text, FrameRe(), &unreliable, &name)) {
    function->assign(name.data(), name.size());
    return unreliable.empty() ? FrameKind::kFrame : FrameKind::kUnreliable;
  }
  // Xen's own shapes ("[<addr>] S f+0x1/0x2", "RIP:    e008:[<addr>] f+0x1/0x2"): xen_frames.h.
  return ParseXenFrameLine(line, function);
}

std::string NormalizeFunction(std::string_view name) {
  std::string f(name);
  RE2::Replace(&f, SuffixRe(), "");
  std::string base;
  if (RE2::FullMatch(f, SyscallRe(), &base)) return "sys_" + base;
  return f;
}

bool IsGenericFrame(std::string_view function) {
  return RE2::PartialMatch(re2::StringPiece(function.data(), function.size()), GenericRe());
}

}  // namespace kdiag
