// Generic frames: the functions a crash title never names.
//
// The guilty frame of a report is the first frame of its stack that is not generic: reporting and
// sanitizer code, allocators, locking, string and copy helpers, list and refcount checks, driver
// core teardown and the like run in the traces of bugs they did not cause. kdiag takes the list
// and its semantics from syzkaller's Linux report parser (pkg/report/linux.go, linuxStackParams
// .skipPatterns, syzkaller commit 1e72964b0111319984575e60f266d1fa0a98abb5): each entry is a
// regular expression that skips a frame when it matches ANYWHERE in the function's name
// (report.go appendStackFrame: skipRe.MatchString), so "alloc" skips "__kmalloc" and
// "kvmalloc_node" alike, and an entry that must match a whole name says so with ^ and $.
//
// A report type adds its own entries (syzkaller's per-format stackFmt.skip lists) in its crash
// rule's `skip`, with the same matching; see rules/kernel-crash.toml.
#ifndef KDIAG_CORRELATE_GENERIC_FRAMES_H_
#define KDIAG_CORRELATE_GENERIC_FRAMES_H_

#include <string>
#include <string_view>

namespace kdiag {

// One RE2 alternation "(?:p1)|(?:p2)|..." of a table of patterns (frame tables are data, matched
// with a single RE2 each).
template <size_t N>
std::string FramePatternAlternation(const char* const (&patterns)[N]) {
  std::string alternation;
  for (const char* p : patterns) {
    if (!alternation.empty()) alternation += '|';
    alternation += "(?:";
    alternation += p;
    alternation += ')';
  }
  return alternation;
}

// Is the (normalized) function generic, never the guilty frame of any report?
bool IsGenericFrame(std::string_view function);

// Is the (normalized) function one of the kernel's own oops-printing or fault-dispatch functions
// (die, show_registers, do_page_fault, ...)? Old kernels' traces show them: 2.6-era x86 unwinders
// printed every text address on the stack, dump_stack printed its own callees (dump_trace,
// show_trace), and an oops inside the oops path printed the first one's frames. They are never
// guilty; a stall's anchor that is one of them (do_page_fault) is still an anchor.
bool IsOopsPrintingFrame(std::string_view function);

// Is the raw function name (suffixes not yet removed) fault injection's should_fail or
// should_failslab? Its stack (lib/fault-inject.c fail_dump) is printed into the console while other
// reports print theirs, so a report whose trace reaches such a frame is corrupted: its frames end
// there (syzkaller pkg/report/linux.go linuxStackParams.corruptedLines, report.go
// extractStackFrameImpl, commit 1e72964b0111).
bool IsFaultInjectionFrame(std::string_view function);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_GENERIC_FRAMES_H_
