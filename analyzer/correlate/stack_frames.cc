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
  // "EIP: %pS" (and "EIP: [<...>] %pS"); 2.6 i386 show_registers "EIP is at %s" (print_symbol);
  // powerpc show_regs "NIP [%016lx] %pS".
  static const RE2 re(
      "^\\s*(?:RIP: [0-9a-f]{4}:|EIP: (?:[0-9a-f]{4}:)?|EIP is at |IP: |pc : |PC is at |"
      "NIP: |NIP \\[[0-9a-f]+\\] |epc : )"
      "\\s*(?:\\[<[0-9a-f]+>\\]\\s*)*" KDIAG_SYMBOL "\\+0x[0-9a-f]+");
  return re;
}

#undef KDIAG_SYMBOL

const RE2& SuffixRe() {
  static const RE2 re("(?:\\.(?:isra|constprop|part|cold|llvm|lto_priv|localalias)(?:\\.\\d+)?)+$");
  return re;
}

}  // namespace

FrameKind ParseFrameLine(std::string_view line, std::string* function) {
  std::string caller;
  return ParseFrameLine(line, function, &caller);
}

FrameKind ParseFrameLine(std::string_view line, std::string* function, std::string* caller) {
  caller->clear();
  // Every form below holds one of these literals; most lines of a report (and the unrelated lines
  // a report without an end marker takes in) hold none, and three RE2 matches cost far more.
  if (line.find("+0x") == std::string_view::npos &&
      line.find("[inline]") == std::string_view::npos &&
      line.find(") from [<") == std::string_view::npos) {
    return ParseXenFrameLine(line, function);
  }
  // arch/arm/kernel/traps.c dump_backtrace_entry: "[<%08lx>] (%ps) from [<%08lx>] (%pS)\n".
  static const RE2 arm(
      "^\\s*\\[<[0-9a-f]+>\\] \\(([A-Za-z_$][A-Za-z0-9_.$]*)\\) from \\[<[0-9a-f]+>\\]"
      "(?: \\(([A-Za-z_$][A-Za-z0-9_.$]*)\\+0x)?");
  re2::StringPiece text(line.data(), line.size());
  re2::StringPiece unreliable, name, below;
  if (RE2::PartialMatch(text, arm, &name, &below)) {
    function->assign(name.data(), name.size());
    caller->assign(below.data(), below.size());
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

namespace {

// The Itanium C++ ABI mangling of a plain or namespaced function, without its parameters (what
// syzkaller's demangle.Filter(name, demangle.NoParams) gives, pkg/report/linux.go symbolize):
// "_Z8fakeNameiii" -> "fakeName", "_ZN3foo3barEv" -> "foo::bar". Anything else (templates,
// substitutions, operators) stays as printed.
std::string Demangled(std::string_view name) {
  if (name.size() < 3 || name.substr(0, 2) != "_Z") return std::string(name);
  size_t p = 2;
  bool nested = name[p] == 'N';
  if (nested) ++p;
  std::string out;
  while (p < name.size() && name[p] >= '1' && name[p] <= '9') {
    size_t len = 0;
    while (p < name.size() && name[p] >= '0' && name[p] <= '9' && len < 10000) {
      len = len * 10 + static_cast<size_t>(name[p++] - '0');
    }
    if (len == 0 || p + len > name.size()) return std::string(name);
    if (!out.empty()) out += "::";
    out.append(name.substr(p, len));
    p += len;
    if (!nested) break;
  }
  if (out.empty() || (nested && (p >= name.size() || name[p] != 'E'))) return std::string(name);
  return out;
}

}  // namespace

std::string NormalizeFunction(std::string_view name) {
  std::string f = Demangled(name);
  RE2::Replace(&f, SuffixRe(), "");
  return f;
}

}  // namespace kdiag
