#include "analyzer/correlate/xen_frames.h"

#include <re2/re2.h>

namespace kdiag {
namespace {

// A symbol as Xen's symbol table holds it: an optional "file.c#" qualifier (4.7+), then a C name
// (dots for compiler suffixes). The offset is "0" or "0x..." (%#lx of zero is "0").
#define KDIAG_XEN_SYMBOL "(?:[A-Za-z0-9_.-]{1,128}#)?([A-Za-z_$][A-Za-z0-9_.$]{0,255})"
#define KDIAG_XEN_OFFSET "\\+(?:0x[0-9a-f]{1,16}|0)/0x[0-9a-f]{1,16}"

// "   [<ffff82d0403a5ef8>] R amd_iommu_prepare+0x288/0x390", "[<ffff828c80114d28>] __bug+0x28/0x40"
const RE2& XenTraceRe() {
  static const RE2 re(
      "^\\s*\\[<[0-9a-f]{8,16}>\\]\\s{1,8}(?:[RSF]\\s{1,8})?" KDIAG_XEN_SYMBOL KDIAG_XEN_OFFSET);
  return re;
}

// "RIP:    e008:[<ffff82d04023a355>] credit2.c#csched2_free_domdata+0x65/0xd0"
const RE2& XenRipRe() {
  static const RE2 re(
      "^RIP:\\s{1,8}[0-9a-f]{4}:\\[<[0-9a-f]{8,16}>\\]\\s{1,8}" KDIAG_XEN_SYMBOL KDIAG_XEN_OFFSET);
  return re;
}

#undef KDIAG_XEN_SYMBOL
#undef KDIAG_XEN_OFFSET

}  // namespace

FrameKind ParseXenFrameLine(std::string_view line, std::string* function) {
  // Both shapes hold "[<"; most report lines (registers, stack words) do not. The patterns are
  // anchored and their repetitions bounded, so a hostile line costs linear time at most.
  if (line.find("[<") == std::string_view::npos) return FrameKind::kNone;
  re2::StringPiece text(line.data(), line.size());
  re2::StringPiece name;
  if (RE2::PartialMatch(text, XenTraceRe(), &name)) {
    function->assign(name.data(), name.size());
    return FrameKind::kFrame;
  }
  if (RE2::PartialMatch(text, XenRipRe(), &name)) {
    function->assign(name.data(), name.size());
    return FrameKind::kLocation;
  }
  return FrameKind::kNone;
}

}  // namespace kdiag
