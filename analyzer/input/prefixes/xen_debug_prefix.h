// Xen's guest-debug messages pasted without their "(XEN) " prefix: users copy the interesting line
// out of `xl dmesg` and drop the prefix ("mm.c:907:d16 Error getting mfn ..."), and some tools
// relay the console text without it.
//
// gdprintk() puts the source location and the current domain in front of the message:
//   Xen 3.0.4 to 4.4 (xen/include/xen/config.h, commit df82928d90): "%s:%d:d%d "
//     -> "mm.c:907:d16 "
//   Xen 4.5+ (xen/include/xen/lib.h, commit 2315025cce, %pv from xen/common/vsprintf.c):
//     "%s:%d:%pv " -> "mm.c:1096:d157v0 ", "arch/x86/mm.c:2159:d0v0 ", system domains by name
//     ("d[IDLE]v0", "d[IO]", "d[XEN]", "d[COW]")
//   Xen 3.0.3 and before (xen/include/xen/config.h DPRINTK, mm.c MEM_LOG):
//     "(file=%s, line=%d) ", in mm.c after "DOM%d: " -> "DOM4: (file=mm.c, line=512) "
// Such a line is the hypervisor's; its text stays whole, as in a "(XEN) " line, since the rules
// expect the location. The framer tries this only on lines with no prefix of their own: a kernel,
// guest or syslog line whose message happens to read like it keeps its source.
#ifndef KDIAG_INPUT_PREFIXES_XEN_DEBUG_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_XEN_DEBUG_PREFIX_H_

#include <string_view>

namespace kdiag {

// True when `line` starts with a gdprintk()/DPRINTK location as above, followed by a space and
// message text.
bool LooksLikeXenDebugLine(std::string_view line);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_XEN_DEBUG_PREFIX_H_
