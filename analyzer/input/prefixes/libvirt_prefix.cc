#include "analyzer/input/prefixes/libvirt_prefix.h"

#include <cstdint>

#include "analyzer/input/prefixes/prefix_scan.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

bool TakeLibvirtStamp(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!TakeDateTime(s, &p, ' ') || !TakeChar(s, &p, '.') || !TakeNumber(s, &p, 3, 3, nullptr) ||
      !Take(s, &p, "+0000")) {
    return false;
  }
  *pos = p;
  return true;
}

// libvirt's src/util/virlog.c virLogPriorityString(): "debug", "info", "warning", "error".
bool TakeLibvirtdLevel(std::string_view s, size_t* pos, int* level) {
  struct Name {
    std::string_view name;
    int level;
  };
  static constexpr Name kNames[] = {{"debug", 7}, {"info", 6}, {"warning", 4}, {"error", 3}};
  for (const Name& n : kNames) {
    size_t p = *pos;
    if (Take(s, &p, n.name) && Take(s, &p, " : ")) {
      *level = n.level;
      *pos = p;
      return true;
    }
  }
  return false;
}

}  // namespace

bool ParseLibvirtLine(std::string_view line, Record* record, size_t* text_begin) {
  size_t p = 0;
  if (!TakeLibvirtStamp(line, &p)) return false;
  size_t stamp_end = p;
  if (!Take(line, &p, ": ")) return false;
  std::string_view program = "libvirt";
  int level = -1;
  size_t q = p;
  if (TakeNumber(line, &q, 1, 10, nullptr) && Take(line, &q, ": ") &&
      TakeLibvirtdLevel(line, &q, &level)) {
    program = "libvirtd";  // libvirtd.log: "<stamp>: <pid>: <level> : <where> : <message>"
    p = q;
  } else {
    // libxl_logger.c: the xentoollog context libxl passes ("libxl"), lower-case, then ": ".
    q = p;
    while (q < line.size() && q - p < 32 &&
           (IsLowerAlnum(line[q]) || line[q] == '-' || line[q] == '_')) {
      ++q;
    }
    if (q > p && line.compare(q, 2, ": ") == 0) {
      program = line.substr(p, q - p);
      p = q + 2;
    }
  }
  record->source = Source::kUserspace;
  record->program.assign(program);
  record->level = level;
  record->wall_time.assign(line.substr(0, stamp_end));
  *text_begin = p;
  return true;
}

}  // namespace kdiag
