#include "analyzer/input/prefixes/xtl_prefix.h"

#include <cstdint>

#include "analyzer/input/prefixes/prefix_scan.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

// tools/libs/toollog/xtl_core.c level_strings[] with the syslog level each corresponds to.
struct XtlLevel {
  std::string_view name;
  int syslog_level;
};
constexpr XtlLevel kLevels[] = {
    {"debug", 7},  {"verbose", 7}, {"detail", 7}, {"progress", 6}, {"info", 6},
    {"notice", 5}, {"warning", 4}, {"error", 3},  {"critical", 2},
};

// Contexts that make an undated line a xentoollog line (xtl_log() callers in tools/).
constexpr std::string_view kContexts[] = {"libxl", "xl", "xc", "domainbuilder",
                                          "libxl-save-helper"};

bool TakeLevel(std::string_view s, size_t* pos, int* level) {
  size_t p = *pos;
  for (const XtlLevel& l : kLevels) {
    if (Take(s, &p, l.name) && Take(s, &p, ": ")) {
      *level = l.syslog_level;
      *pos = p;
      return true;
    }
    p = *pos;
  }
  return false;
}

// "%04d-%02d-%02d %02d:%02d:%02d %s ": the zone is tzname[], "UTC", "CEST", or "+03" for zones
// without an abbreviation.
bool TakeXtlDate(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!TakeDateTime(s, &p, ' ') || !TakeChar(s, &p, ' ')) return false;
  size_t zone = p;
  while (p < s.size() && p - zone < 8 &&
         ((s[p] >= 'A' && s[p] <= 'Z') || IsDigit(s[p]) || s[p] == '+' || s[p] == '-')) {
    ++p;
  }
  if (p == zone || !TakeChar(s, &p, ' ')) return false;
  *pos = p;
  return true;
}

// The context token: what xtl_log() callers pass, lower-case words joined by '-' or '_'.
std::string_view TakeContext(std::string_view s, size_t* pos) {
  size_t p = *pos;
  while (p < s.size() && p - *pos < 32 && (IsLowerAlnum(s[p]) || s[p] == '-' || s[p] == '_')) {
    ++p;
  }
  std::string_view context = s.substr(*pos, p - *pos);
  if (context.empty() || !Take(s, &p, ": ")) return {};
  *pos = p;
  return context;
}

}  // namespace

bool ParseXtlLine(std::string_view line, Record* record, size_t* text_begin) {
  size_t p = 0;
  bool dated = TakeXtlDate(line, &p);
  size_t date_end = p;
  if (dated && TakeChar(line, &p, '[')) {
    if (!TakeNumber(line, &p, 1, 10, nullptr) || !Take(line, &p, "] ")) return false;
  }
  int level = -1;
  size_t after_context = p;
  std::string_view context = TakeContext(line, &after_context);
  if (!context.empty() && TakeLevel(line, &after_context, &level)) {
    p = after_context;
  } else if (dated && TakeLevel(line, &p, &level)) {
    context = {};  // a logger created without a context
  } else {
    return false;
  }
  if (!dated) {
    bool known = false;
    for (std::string_view c : kContexts) known = known || c == context;
    if (!known) return false;
  }
  record->source = Source::kUserspace;
  record->program.assign(context.empty() ? std::string_view("xentoollog") : context);
  record->level = level;
  if (dated) record->wall_time.assign(line.substr(0, date_end - 1));
  *text_begin = p;
  return true;
}

}  // namespace kdiag
