// Linux errno values as the kernel prints them ("failed with error -110"): a rule's summary or
// advice writes {error:errno} and reads "-110 (ETIMEDOUT: connection timed out)" instead of a bare
// number (rule.h ExpandTemplate).
//
// The values are the kernel's own: include/uapi/asm-generic/errno-base.h (1-34) and
// include/uapi/asm-generic/errno.h (35-133), which x86, arm, arm64, riscv, powerpc and s390 use,
// plus the kernel-internal codes of include/linux/errno.h (512-531) that never reach user space but
// do reach the log (EPROBE_DEFER 517 is "probe again later"). The table holds every value of
// errno-base.h and the values of errno.h that drivers and the block, network and NFS layers return;
// any other number is printed bare. Alpha, MIPS, PA-RISC and SPARC number 35 and up differently; a
// log from one of those decodes wrongly above 34. The meanings are the usual strerror() texts,
// shortened.
#ifndef KDIAG_MATCH_ERRNO_NAMES_H_
#define KDIAG_MATCH_ERRNO_NAMES_H_

#include <string>
#include <string_view>

namespace kdiag {

// "-110" or "110" -> "-110 (ETIMEDOUT: connection timed out)"; a value that is not an errno
// number is returned as it is.
std::string DescribeErrno(std::string_view value);

}  // namespace kdiag

#endif  // KDIAG_MATCH_ERRNO_NAMES_H_
