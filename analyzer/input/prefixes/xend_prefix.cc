#include "analyzer/input/prefixes/xend_prefix.h"

#include <cstdint>

#include "analyzer/input/prefixes/prefix_scan.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

// Python logging's level names and the syslog level each corresponds to.
struct PythonLevel {
  std::string_view name;
  int syslog_level;
};
constexpr PythonLevel kLevels[] = {
    {"DEBUG", 7}, {"INFO", 6}, {"WARNING", 4}, {"ERROR", 3}, {"CRITICAL", 2},
};

bool IsModuleChar(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_';
}

}  // namespace

bool ParseXendLine(std::string_view line, Record* record, size_t* text_begin) {
  size_t p = 0;
  if (!TakeChar(line, &p, '[') || !TakeDateTime(line, &p, ' ')) return false;
  size_t stamp_end = p;
  if (!TakeChar(line, &p, ' ') || !TakeNumber(line, &p, 1, 10, nullptr) || !Take(line, &p, "] ")) {
    return false;
  }
  int level = -1;
  for (const PythonLevel& l : kLevels) {
    size_t q = p;
    if (Take(line, &q, l.name) && TakeChar(line, &q, ' ')) {
      level = l.syslog_level;
      p = q;
      break;
    }
  }
  if (level < 0 || !TakeChar(line, &p, '(')) return false;
  size_t module = p;
  while (p < line.size() && p - module < 64 && IsModuleChar(line[p])) ++p;
  if (p == module || !TakeChar(line, &p, ':') || !TakeNumber(line, &p, 1, 7, nullptr) ||
      !TakeChar(line, &p, ')') || !TakeSeparator(line, &p)) {
    return false;
  }
  record->source = Source::kUserspace;
  record->program = "xend";
  record->level = level;
  record->wall_time.assign(line.substr(1, stamp_end - 1));
  *text_begin = p;
  return true;
}

}  // namespace kdiag
