// Stall frames: which frame names a stall, a lockup or a stack overflow.
//
// A stall loops somewhere, across several functions; where the watchdog's trace caught it is
// chance, so the top frame would give one stall many titles. syzkaller names it by the work being
// done instead (pkg/report/linux.go linuxStallFrameExtractor, commit 1e72964b0111): walking the
// trace from the top, the first anchor frame -- a syscall entry, a generic dispatch layer
// (vfs_read, vfs_ioctl, sock_sendmsg, process_one_work, call_timer_fn, __fput, ...) -- ends the
// search, and the frame just above it (the syscall itself, the device's ioctl, the protocol's
// sendmsg, the work or timer function) is the name. A trace that is caught inside
// smp_call_function* is named "smp_call_function". The anchors are syzkaller's
// linuxStallAnchorFrames, matched anywhere in a name like its skip patterns.
#ifndef KDIAG_CORRELATE_STALL_FRAMES_H_
#define KDIAG_CORRELATE_STALL_FRAMES_H_

#include <string>
#include <string_view>
#include <vector>

namespace kdiag {

// Is the (normalized) function an anchor: an entry or dispatch point a stall's work runs above?
bool IsStallAnchor(std::string_view function);

// The name a title gives a frame: syzkaller's linuxStackParams.stripFramePrefixes applied the way
// report.go stripFrames applies them, the shortest of the names that one prefix leaves:
// "__do_sys_pause" -> "pause", "SyS_rmdir" -> "rmdir", "__x64_sys_rmdir" -> "sys_rmdir".
std::string_view StripFramePrefix(std::string_view function);

// The frame naming a stall: `frames` are the trace's guilty frames (generic and skipped ones
// already removed), top first. Empty when no anchor is found (the trace is cut short).
std::string StallFrame(const std::vector<std::string>& frames);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_STALL_FRAMES_H_
