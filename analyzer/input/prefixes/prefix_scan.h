// Prefix scanning: the small hand-written scanners the console (console_prefix.h), Xen
// (xen_prefix.h) and syslog (syslog_prefix.h) prefix parsers are made of. No regex: they run on
// every line of multi-gigabyte logs, and the shapes are fixed printf formats.
//
// Every scanner consumes at *pos (always <= s.size()) and moves it only on success.
#ifndef KDIAG_INPUT_PREFIXES_PREFIX_SCAN_H_
#define KDIAG_INPUT_PREFIXES_PREFIX_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzer/input/hex.h"
#include "analyzer/input/record.h"

namespace kdiag {
namespace scan {

inline constexpr int64_t kUsecPerSec = 1000000;

inline bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool IsLowerAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z');
}

inline bool Take(std::string_view s, size_t* pos, std::string_view lit) {
  if (s.size() - *pos < lit.size() || s.compare(*pos, lit.size(), lit) != 0) return false;
  *pos += lit.size();
  return true;
}

inline bool TakeChar(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// Between min and max (<= 18) decimal digits, and no further digit after them.
inline bool TakeNumber(std::string_view s, size_t* pos, size_t min, size_t max, int64_t* value) {
  size_t p = *pos;
  int64_t v = 0;
  while (p < s.size() && p - *pos < max && IsDigit(s[p])) v = v * 10 + (s[p++] - '0');
  if (p - *pos < min || (p < s.size() && IsDigit(s[p]))) return false;
  *pos = p;
  if (value != nullptr) *value = v;
  return true;
}

// Exactly n hexadecimal digits.
inline bool TakeHex(std::string_view s, size_t* pos, size_t n) {
  if (s.size() - *pos < n || !ParseHex(s.substr(*pos, n), n)) return false;
  *pos += n;
  return true;
}

inline size_t SkipSpaces(std::string_view s, size_t pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  return pos;
}

// A stamp must be followed by its separating space (consumed) or the end of the line.
inline bool TakeSeparator(std::string_view s, size_t* pos) {
  return *pos == s.size() || TakeChar(s, pos, ' ');
}

// "%5lu.%06lu" and "%12.06f" with their padding: seconds and exactly six decimals. At most 12
// digits of seconds, so microseconds fit in int64_t whatever the input.
inline bool TakeSeconds(std::string_view s, size_t* pos, int64_t* usec) {
  size_t p = SkipSpaces(s, *pos);
  int64_t sec = 0;
  int64_t frac = 0;
  if (!TakeNumber(s, &p, 1, 12, &sec) || !TakeChar(s, &p, '.') || !TakeNumber(s, &p, 6, 6, &frac)) {
    return false;
  }
  *pos = p;
  if (usec != nullptr) *usec = sec * kUsecPerSec + frac;
  return true;
}

// util-linux dmesg's "%+8.06f" (reltime) and "%12.06f" (delta) stamps come from printf's %f after
// setlocale(LC_ALL, ""), so in a locale with a decimal comma (de_DE, nl_NL, ...) they read
// "[  +0,000002]" and "<    7,000000>". The kernel's own "%5lu.%06lu" never does.
inline bool TakeLocaleSeconds(std::string_view s, size_t* pos) {
  size_t p = SkipSpaces(s, *pos);
  if (!TakeNumber(s, &p, 1, 12, nullptr) || !(TakeChar(s, &p, '.') || TakeChar(s, &p, ',')) ||
      !TakeNumber(s, &p, 6, 6, nullptr)) {
    return false;
  }
  *pos = p;
  return true;
}

// "HH:MM" or "HH:MM:SS" (with_seconds), range-checked.
inline bool TakeClock(std::string_view s, size_t* pos, bool with_seconds) {
  size_t p = *pos;
  int64_t h = 0, m = 0, sec = 0;
  if (!TakeNumber(s, &p, 2, 2, &h) || h > 23 || !TakeChar(s, &p, ':') ||
      !TakeNumber(s, &p, 2, 2, &m) || m > 59) {
    return false;
  }
  if (with_seconds && (!TakeChar(s, &p, ':') || !TakeNumber(s, &p, 2, 2, &sec) || sec > 60)) {
    return false;
  }
  *pos = p;
  return true;
}

inline bool TakeName(std::string_view s, size_t* pos, const std::string_view* names, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (Take(s, pos, names[i])) return true;
  }
  return false;
}

inline constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

inline bool TakeMonth(std::string_view s, size_t* pos) {
  return TakeName(s, pos, kMonths, 12);
}

// strftime "%e" (space-padded) or "%d" (zero-padded) day of month.
inline bool TakeDay(std::string_view s, size_t* pos) {
  size_t p = *pos;
  int64_t day = 0;
  if (TakeChar(s, &p, ' ')) {
    if (!TakeNumber(s, &p, 1, 1, &day)) return false;
  } else if (!TakeNumber(s, &p, 1, 2, &day)) {
    return false;
  }
  if (day < 1 || day > 31) return false;
  *pos = p;
  return true;
}

// "YYYY-MM-DD" `sep` "HH:MM:SS" (month 1-12, day 1-31): the date and clock that ISO 8601 (sep
// 'T'), xenconsoled, xend, xentoollog, libvirt and journalctl's short-full (sep ' ') each write
// inside their own surroundings.
inline bool TakeDateTime(std::string_view s, size_t* pos, char sep) {
  size_t p = *pos;
  int64_t month = 0, day = 0;
  if (!TakeNumber(s, &p, 4, 4, nullptr) || !TakeChar(s, &p, '-') ||
      !TakeNumber(s, &p, 2, 2, &month) || month < 1 || month > 12 || !TakeChar(s, &p, '-') ||
      !TakeNumber(s, &p, 2, 2, &day) || day < 1 || day > 31 || !TakeChar(s, &p, sep) ||
      !TakeClock(s, &p, true)) {
    return false;
  }
  *pos = p;
  return true;
}

// ISO 8601 / RFC 3339 "YYYY-MM-DDTHH:MM:SS[.,]frac(Z|+hh:mm|+hhmm)". *frac_sep is the decimal
// separator, '\0' without a fraction: util-linux writes ',', rsyslog and RFC 5424 write '.'.
inline bool TakeIso8601(std::string_view s, size_t* pos, char* frac_sep) {
  size_t p = *pos;
  if (!TakeDateTime(s, &p, 'T')) return false;
  *frac_sep = '\0';
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    *frac_sep = s[p++];
    if (!TakeNumber(s, &p, 1, 9, nullptr)) return false;
  }
  if (!TakeChar(s, &p, 'Z')) {
    // "+01:00" (RFC 3339), or "+0100" (strftime "%z": util-linux, journalctl short-iso)
    if (!TakeChar(s, &p, '+') && !TakeChar(s, &p, '-')) return false;
    size_t zone = p;
    if (!TakeNumber(s, &p, 4, 4, nullptr) &&
        (!TakeNumber(s, &p, 2, 2, nullptr) || !TakeChar(s, &p, ':') ||
         !TakeNumber(s, &p, 2, 2, nullptr))) {
      p = zone;
      return false;
    }
  }
  *pos = p;
  return true;
}

// Linux kernel/printk/printk.c print_syslog(): "<%u>", facility << 3 | level. Facilities stop at
// local7 (23), so "<999>" is text.
inline bool TakePriority(std::string_view s, size_t* pos, Record* record) {
  size_t p = *pos;
  int64_t pri = 0;
  if (!TakeChar(s, &p, '<') || !TakeNumber(s, &p, 1, 3, &pri) || !TakeChar(s, &p, '>') ||
      pri > 23 * 8 + 7) {
    return false;
  }
  record->level = static_cast<int>(pri & 7);
  record->facility = static_cast<int>(pri >> 3);
  *pos = p;
  return true;
}

// " <%12.06f>" after a raw or ctime stamp (util-linux dmesg -d) and inside journalctl's
// short-delta stamp.
inline bool TakeDeltaSuffix(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!Take(s, &p, " <") || !TakeLocaleSeconds(s, &p) || !TakeChar(s, &p, '>')) return false;
  *pos = p;
  return true;
}

}  // namespace scan
}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_PREFIX_SCAN_H_
