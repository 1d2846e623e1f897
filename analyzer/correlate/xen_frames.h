// Xen frames: reading function names out of the lines of a Xen hypervisor crash report.
//
// Xen prints its own execution state, not Linux's, and in its own shapes (xen/arch/x86/traps.c
// and xen/arch/x86/x86_64/traps.c):
//   - the register dump names the faulting location when the CPU was in the hypervisor:
//     "RIP:    %04x:[<%016lx>]" then " %pS" (4.4+; print_symbol(" %s") before), e.g.
//     "RIP:    e008:[<ffff82d04023a355>] credit2.c#csched2_free_domdata+0x65/0xd0". In guest
//     context (a domain crash) no symbol follows: the address is the guest's, not Xen's.
//   - "Xen call trace:" is followed by one frame a line: "   [<%p>] %pS" (4.4 to 4.12; "[<%p>]"
//     then print_symbol(" %s\n   ") before), and since 4.13 "   [<%p>] R %pS" (the RIP),
//     "   [<%p>] S %pS" (a return address found by scanning the stack) or "   [<%p>] F %pS" (one
//     found by following frame pointers).
//   - %pS prints "%s+%#lx/%#lx" (xen/common/vsprintf.c, symbols.c), so a zero offset reads "+0/"
//     where Linux prints "+0x0/"; since 4.7 (xen/tools/symbols.c) a static function's name is
//     qualified by its file, "core.c#sched_slave".
// The kernel forms (stack_frames.cc) are tried first; a line reaches these only when it is none of
// them. The file qualifier is dropped: a title names the function, and names stay the same across
// releases that did and did not qualify them.
#ifndef KDIAG_CORRELATE_XEN_FRAMES_H_
#define KDIAG_CORRELATE_XEN_FRAMES_H_

#include <string>
#include <string_view>

#include "analyzer/correlate/stack_frames.h"

namespace kdiag {

// Classifies one line of a Xen report (its message text, "(XEN) " and time stamp removed): a call
// trace frame (kFrame, whatever its R/S/F marker) or the register dump's hypervisor RIP
// (kLocation). Sets `function` to the function name, its "file.c#" qualifier removed.
FrameKind ParseXenFrameLine(std::string_view line, std::string* function);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_XEN_FRAMES_H_
