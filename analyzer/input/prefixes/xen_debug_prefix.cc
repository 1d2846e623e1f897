#include "analyzer/input/prefixes/xen_debug_prefix.h"

#include <cstdint>

#include "analyzer/input/prefixes/prefix_scan.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

bool IsPathChar(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '/' || c == '.';
}

// A C source path of at most 128 characters ending in ".c" (or ".h": inline helpers), taken up to
// `stop`.
bool TakeSourceFile(std::string_view s, size_t* pos, char stop) {
  size_t p = *pos;
  while (p < s.size() && p - *pos < 128 && IsPathChar(s[p])) ++p;
  if (p >= s.size() || s[p] != stop) return false;
  std::string_view file = s.substr(*pos, p - *pos);
  if (file.size() < 3 || file[0] == '.' || file[0] == '/' ||
      (file.substr(file.size() - 2) != ".c" && file.substr(file.size() - 2) != ".h")) {
    return false;
  }
  *pos = p;
  return true;
}

// "d%d" or a system domain's name, "d[IDLE]", then "v%d" when it is a vcpu (%pv).
bool TakeDomainVcpu(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!TakeChar(s, &p, 'd')) return false;
  if (TakeChar(s, &p, '[')) {
    size_t name = p;
    while (p < s.size() && p - name < 8 && s[p] >= 'A' && s[p] <= 'Z') ++p;
    if (p == name || !TakeChar(s, &p, ']')) return false;
  } else if (!TakeNumber(s, &p, 1, 5, nullptr)) {
    return false;
  }
  size_t q = p;
  if (TakeChar(s, &q, 'v') && TakeNumber(s, &q, 1, 5, nullptr)) p = q;
  *pos = p;
  return true;
}

}  // namespace

bool LooksLikeXenDebugLine(std::string_view line) {
  size_t p = 0;
  if (Take(line, &p, "DOM")) {
    if (!TakeNumber(line, &p, 1, 5, nullptr) || !Take(line, &p, ": ")) return false;
  }
  if (Take(line, &p, "(file=")) {
    return TakeSourceFile(line, &p, ',') && Take(line, &p, ", line=") &&
           TakeNumber(line, &p, 1, 6, nullptr) && Take(line, &p, ") ") && p < line.size();
  }
  if (p != 0) return false;  // "DOMn: " is only ever followed by "(file="
  return TakeSourceFile(line, &p, ':') && TakeChar(line, &p, ':') &&
         TakeNumber(line, &p, 1, 6, nullptr) && TakeChar(line, &p, ':') &&
         TakeDomainVcpu(line, &p) && TakeChar(line, &p, ' ') && p < line.size();
}

}  // namespace kdiag
