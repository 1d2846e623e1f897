#include "analyzer/input/prefixes/xen_prefix.h"

#include <cstdint>
#include <optional>

#include "analyzer/input/prefixes/prefix_scan.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

// Xen xen/drivers/char/console.c printk_start_of_line(), console_timestamps=:
//   date "[%04u-%02u-%02u %02u:%02u:%02u] ", datems the same with ".%03u", boot "[%5lu.%06lu] ",
//   raw "[%016lx] " (a cycle counter: neither wall clock nor time since boot).
bool TakeXenStamp(std::string_view s, size_t* pos, Record* record) {
  size_t p = *pos;
  if (!TakeChar(s, &p, '[')) return false;
  size_t begin = p;
  size_t q = p;
  int64_t usec = 0;
  std::string_view wall;
  std::optional<int64_t> time_us;
  if (TakeNumber(s, &q, 4, 4, nullptr) && TakeChar(s, &q, '-') &&
      TakeNumber(s, &q, 2, 2, nullptr) && TakeChar(s, &q, '-') &&
      TakeNumber(s, &q, 2, 2, nullptr) && TakeChar(s, &q, ' ') && TakeClock(s, &q, true)) {
    size_t r = q;
    if (TakeChar(s, &r, '.') && TakeNumber(s, &r, 3, 3, nullptr)) q = r;
    wall = s.substr(begin, q - begin);
    p = q;
  } else if (TakeHex(s, &p, 16)) {
    // raw: nothing to keep
  } else if (TakeSeconds(s, &p, &usec)) {
    time_us = usec;
  } else {
    return false;
  }
  if (!TakeChar(s, &p, ']') || !TakeSeparator(s, &p)) return false;
  if (!wall.empty()) record->wall_time.assign(wall);
  if (time_us) record->time_us = time_us;
  *pos = p;
  return true;
}

// Xen 4.4+ guest_printk(): "(d%d) "; before, hvm_print_line() printed "HVM%u: " via printk.
bool TakeGuestTag(std::string_view s, size_t* pos, Record* record) {
  size_t p = *pos;
  int64_t domain = 0;
  if (Take(s, &p, "(d")) {
    if (!TakeNumber(s, &p, 1, 5, &domain) || !TakeChar(s, &p, ')') || !TakeSeparator(s, &p)) {
      return false;
    }
  } else if (Take(s, &p, "HVM")) {
    if (!TakeNumber(s, &p, 1, 5, &domain) || !TakeChar(s, &p, ':') || !TakeSeparator(s, &p)) {
      return false;
    }
  } else {
    return false;
  }
  record->source = Source::kGuest;
  record->domain = static_cast<int>(domain);
  *pos = p;
  return true;
}
}  // namespace

bool ParseXenLine(std::string_view line, Record* record, size_t* text_begin) {
  size_t pos = 0;
  // "(XEN)" alone: an empty printk line whose trailing space some tool trimmed.
  if (!Take(line, &pos, "(XEN)") || !TakeSeparator(line, &pos)) return false;
  record->source = Source::kXen;
  bool stamped = TakeXenStamp(line, &pos, record);
  // Guest output inside a "(XEN) " line: "HVM%u: " before Xen 4.4; "(d%d) " is accepted here too,
  // as some relays prepend "(XEN) " to everything.
  if (TakeGuestTag(line, &pos, record) && !stamped) TakeXenStamp(line, &pos, record);
  *text_begin = pos;
  return true;
}

bool ParseGuestLine(std::string_view line, Record* record, size_t* text_begin) {
  size_t pos = 0;
  if (!TakeGuestTag(line, &pos, record)) return false;
  // guest_printk() goes through printk_start_of_line() with "(d%d) " as the prefix, so the
  // console_timestamps stamp follows it. The guest's own kernel stamp stays in the text.
  TakeXenStamp(line, &pos, record);
  *text_begin = pos;
  return true;
}

bool LooksLikeXenBanner(std::string_view line) {
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  size_t pos = SkipSpaces(line, 0);
  // Newer Xen: " Xen 4.17.5" (plus an "-unstable" or "-rc" suffix).
  if (pos > 0 && Take(line, &pos, "Xen ") && pos < line.size() && IsDigit(line[pos])) {
    for (; pos < line.size(); ++pos) {
      char c = line[pos];
      if (!IsLowerAlnum(c) && !(c >= 'A' && c <= 'Z') && c != '.' && c != '-' && c != '_' &&
          c != '+') {
        return false;
      }
    }
    return true;
  }
  // xen_banner(): figlet art, made only of these characters, its rows starting with a space.
  if (line.empty() || line[0] != ' ') return false;
  size_t strokes = 0;
  for (char c : line) {
    if (std::string_view(" _/\\|()<>'`,.-=~^").find(c) == std::string_view::npos) return false;
    if (c != ' ') ++strokes;
  }
  return strokes >= 2 && line.find_first_of("_/\\|") != std::string_view::npos;
}

}  // namespace kdiag
