// Stack frames: reading function names out of the lines of a kernel crash report.
//
// A report names code in two ways: the faulting location in the register dump ("RIP:
// 0010:f+0x1/0x2" on x86 since 4.x, "RIP: 0010:[<addr>]  [<addr>] f+0x1/0x2" and "IP: [<addr>]
// f+0x1/0x2" before, "pc : f+0x1/0x2" and "PC is at f+0x1/0x2" on arm, "EIP: f+0x1/0x2" on i386),
// and the frames of a call trace, one per line, as lib/vsprintf.c's %pS/%pB prints them
// ("f+0x1a/0x20", "f+0x1a/0x20 [module]", after "[<addr>] " on old kernels, " ? " before an
// unreliable frame (arch/x86/kernel/ dumpstack.c printk_stack_address), or symbolised by syzbot as
// "f+0x1a/0x20 net/core/dev.c:123" and "f include/linux/list.h:123 [inline]").
//
// Which frames a title may name is generic_frames.h's business.
#ifndef KDIAG_CORRELATE_STACK_FRAMES_H_
#define KDIAG_CORRELATE_STACK_FRAMES_H_

#include <string>
#include <string_view>

namespace kdiag {

enum class FrameKind {
  kNone,        // not a frame line
  kFrame,       // a call trace frame
  kUnreliable,  // a call trace frame marked "? " (a stale address found on the stack)
  kLocation,    // the faulting location of a register dump (RIP:, IP:, pc :, PC is at, EIP:)
};

// Classifies one report line (its message text, prefixes removed) and sets `function` to the raw
// function name it names. Xen's own frame and RIP shapes are read too (xen_frames.h).
FrameKind ParseFrameLine(std::string_view line, std::string* function);
// The same; an arm backtrace line names two functions, "[<%08lx>] (callee) from [<%08lx>]
// (caller+0x1/0x2)" (arch/arm/kernel/traps.c dump_backtrace_entry): `caller` gets the second, the
// frame below, which is the last line's only mention of the outermost frame (syzkaller's arm
// frameRes captures both). Empty for every other line.
FrameKind ParseFrameLine(std::string_view line, std::string* function, std::string* caller);

// A frame's function without compiler suffixes (".isra.0", ".constprop.3", ".part.1", ".cold"),
// as syzkaller's {{FUNC}} reads it. Syscall entry prefixes stay: generic frames and anchors match
// the raw name, and the title strips them (stall_frames.h StripFramePrefix).
std::string NormalizeFunction(std::string_view name);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_STACK_FRAMES_H_
