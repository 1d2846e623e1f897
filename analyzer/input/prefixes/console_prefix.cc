#include "analyzer/input/prefixes/console_prefix.h"

#include <cstdint>

#include "analyzer/input/prefixes/prefix_scan.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

// util-linux sys-utils/dmesg.c facility_names[] and level_names[], indexed by number.
constexpr std::string_view kFacilityNames[] = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "res0",   "res1",   "res2",   "res3",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};
constexpr std::string_view kLevelNames[] = {"emerg", "alert",  "crit", "err",
                                            "warn",  "notice", "info", "debug"};

// One "%-6s:" field of the decode prefix: a known name, padded with spaces to six columns.
bool TakeDecodeField(std::string_view s, size_t* pos, const std::string_view* names, size_t count,
                     int* index) {
  size_t p = *pos;
  while (p < s.size() && p - *pos < 8 && IsLowerAlnum(s[p])) ++p;
  std::string_view name = s.substr(*pos, p - *pos);
  for (size_t i = 0; i < count; ++i) {
    if (names[i] != name) continue;
    size_t width = name.size() < 6 ? 6 : name.size();
    while (p - *pos < width && TakeChar(s, &p, ' ')) {
    }
    if (p - *pos != width || !TakeChar(s, &p, ':')) return false;
    *index = static_cast<int>(i);
    *pos = p;
    return true;
  }
  return false;
}

// util-linux dmesg -x/--decode: "%-6s:%-6s: " ("kern  :info  : ", "authpriv:notice: ").
bool TakeDecode(std::string_view s, size_t* pos, Record* record) {
  size_t p = *pos;
  int facility = 0, level = 0;
  if (!TakeDecodeField(s, &p, kFacilityNames, 24, &facility) ||
      !TakeDecodeField(s, &p, kLevelNames, 8, &level) || !TakeChar(s, &p, ' ')) {
    return false;
  }
  record->facility = facility;
  record->level = level;
  *pos = p;
  return true;
}

// The util-linux time formats, each allowed once per line (`--time-format` may repeat them:
// "[    0.000000] [Fri Feb 13 23:31:30 2009] 2009-02-13T23:31:30,123456+00:00 msg").
enum StampKind : unsigned {
  kStampRaw = 1,      // "[%5ld.%06ld] " (also the kernel's own), "-d": "[%5ld.%06ld <%12.06f>] "
  kStampDelta = 2,    // "[<%12.06f>] ": time since the previous record, not since boot (%f: a
                      // decimal comma in some locales, TakeLocaleSeconds)
  kStampCtime = 4,    // "-T": "[%a %b %e %H:%M:%S %Y] ", with -d "[... %Y <%12.06f>] "
  kStampRelMin = 8,   // reltime at a new minute: "[%b%e %H:%M] "
  kStampRelOff = 16,  // reltime otherwise: "[  %+8.06f] "
  kStampIso = 32,     // "--time-format iso": "%Y-%m-%dT%H:%M:%S,%06ld%z "
  kStampAll = 63,
};

// The inside of a "[...]" util-linux stamp, up to and excluding ']'. Returns its kind, 0 if none.
unsigned TakeBracketStampBody(std::string_view s, size_t* pos, Record* record) {
  size_t p = *pos;
  int64_t usec = 0;
  if (TakeChar(s, &p, '<')) {
    if (!TakeLocaleSeconds(s, &p) || !TakeChar(s, &p, '>')) return 0;
    *pos = p;
    return kStampDelta;
  }
  if (TakeName(s, &p, kWeekdays, 7)) {
    size_t begin = *pos;
    if (!TakeChar(s, &p, ' ') || !TakeMonth(s, &p) || !TakeChar(s, &p, ' ') || !TakeDay(s, &p) ||
        !TakeChar(s, &p, ' ') || !TakeClock(s, &p, true) || !TakeChar(s, &p, ' ') ||
        !TakeNumber(s, &p, 4, 4, nullptr)) {
      return 0;
    }
    if (record->wall_time.empty()) record->wall_time.assign(s.substr(begin, p - begin));
    TakeDeltaSuffix(s, &p);
    *pos = p;
    return kStampCtime;
  }
  if (TakeMonth(s, &p)) {
    size_t begin = *pos;
    if (!TakeDay(s, &p) || !TakeChar(s, &p, ' ') || !TakeClock(s, &p, false)) return 0;
    if (record->wall_time.empty()) record->wall_time.assign(s.substr(begin, p - begin));
    *pos = p;
    return kStampRelMin;
  }
  size_t q = SkipSpaces(s, p);
  if (TakeChar(s, &q, '+') || TakeChar(s, &q, '-')) {
    if (!TakeLocaleSeconds(s, &q)) return 0;
    *pos = q;
    return kStampRelOff;
  }
  if (!TakeSeconds(s, &p, &usec)) return 0;
  TakeDeltaSuffix(s, &p);
  record->time_us = usec;
  *pos = p;
  return kStampRaw;
}

// One util-linux (or kernel) time stamp with its separator. A bracket stamp may be followed
// directly by the caller id: the kernel prints "[    0.000000][    T1] " without a space.
bool TakeDmesgStamp(std::string_view s, size_t* pos, Record* record, unsigned* seen) {
  size_t p = *pos;
  Record probe;  // fields land here first, so a stamp that fails late changes nothing
  unsigned kind = 0;
  if (TakeChar(s, &p, '[')) {
    kind = TakeBracketStampBody(s, &p, &probe);
    if (kind == 0 || !TakeChar(s, &p, ']')) return false;
    if (p < s.size() && s[p] != '[' && !TakeChar(s, &p, ' ')) return false;
  } else {
    size_t begin = p;
    char sep = '\0';
    if (!TakeIso8601(s, &p, &sep)) return false;
    probe.wall_time.assign(s.substr(begin, p - begin));
    if (!TakeSeparator(s, &p)) return false;
    kind = kStampIso;
  }
  if ((*seen & kind) != 0) return false;
  // The first wall-clock stamp wins, except that a full date beats reltime's minute.
  bool only_minute_so_far = (*seen & (kStampCtime | kStampIso)) == 0;
  *seen |= kind;
  if (probe.time_us) record->time_us = probe.time_us;
  if (!probe.wall_time.empty() &&
      (record->wall_time.empty() || (kind != kStampRelMin && only_minute_so_far))) {
    record->wall_time = std::move(probe.wall_time);
  }
  *pos = p;
  return true;
}

// Linux print_caller(): "[%6s]" of "T<pid>" or "C<cpu>" (CONFIG_PRINTK_CALLER); util-linux pads
// to its own width ("[T1]", "[    T1]").
bool TakeCaller(std::string_view s, size_t* pos, Record* record) {
  size_t p = *pos;
  if (!TakeChar(s, &p, '[')) return false;
  p = SkipSpaces(s, p);
  size_t begin = p;
  if (!TakeChar(s, &p, 'T') && !TakeChar(s, &p, 'C')) return false;
  if (!TakeNumber(s, &p, 1, 10, nullptr)) return false;
  size_t end = p;
  if (!TakeChar(s, &p, ']') || !TakeSeparator(s, &p)) return false;
  record->caller.assign(s.substr(begin, end - begin));
  *pos = p;
  return true;
}

// ECMA-48: the index after the escape sequence that starts with ESC at s[i].
size_t SkipEscape(std::string_view s, size_t i) {
  size_t p = i + 1;
  if (p >= s.size()) return p;  // a lone ESC at the end
  auto in = [&](size_t at, unsigned lo, unsigned hi) {
    if (at >= s.size()) return false;
    unsigned c = static_cast<unsigned char>(s[at]);
    return c >= lo && c <= hi;
  };
  if (s[p] == '[') {  // CSI: parameters 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E
    ++p;
    while (p < s.size() && in(p, 0x30, 0x3F)) ++p;
    while (p < s.size() && in(p, 0x20, 0x2F)) ++p;
    if (p < s.size() && in(p, 0x40, 0x7E)) ++p;
    return p;
  }
  if (s[p] == ']') {  // OSC: up to BEL or ST ("ESC \")
    for (++p; p < s.size(); ++p) {
      if (s[p] == '\a') return p + 1;
      if (s[p] == '\x1b') return p + 1 < s.size() && s[p + 1] == '\\' ? p + 2 : p;
    }
    return p;
  }
  if (in(p, 0x20, 0x2F)) {  // nF, e.g. "ESC ( B" from tput sgr0
    while (p < s.size() && in(p, 0x20, 0x2F)) ++p;
    if (p < s.size() && in(p, 0x30, 0x7E)) ++p;
    return p;
  }
  if (in(p, 0x30, 0x7E)) return p + 1;  // two-byte escapes: "ESC 7", "ESC M", "ESC c"
  return p;                             // a lone ESC
}

}  // namespace

std::string_view CleanConsoleLine(std::string_view line, std::string* scratch) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t esc = line.find('\x1b');
  if (esc == std::string_view::npos) return line;
  scratch->assign(line.substr(0, esc));
  for (size_t i = esc; i < line.size();) {
    if (line[i] == '\x1b') {
      i = SkipEscape(line, i);
    } else {
      scratch->push_back(line[i++]);
    }
  }
  while (!scratch->empty() && scratch->back() == '\r') scratch->pop_back();
  return *scratch;
}

bool TakeConsoleStamp(std::string_view line, int64_t* time_us) {
  // TakeSeconds' grammar, unrolled: this runs on most lines of a log.
  size_t n = line.size(), p = 1;
  if (n < 10 || line[0] != '[') return false;
  while (p < n && line[p] == ' ') ++p;
  int64_t sec = 0;
  size_t digits = p;
  while (p < n && IsDigit(line[p]) && p - digits < 12) sec = sec * 10 + (line[p++] - '0');
  if (p == digits || p + 8 > n || line[p] != '.') return false;
  int64_t frac = 0;
  for (size_t i = p + 1; i < p + 7; ++i) {
    if (!IsDigit(line[i])) return false;
    frac = frac * 10 + (line[i] - '0');
  }
  p += 7;
  if (line[p] != ']') return false;
  ++p;
  int64_t usec = sec * kUsecPerSec + frac;
  if (p < n && line[p] != ' ' && line[p] != '[') return false;
  // ParseKernelPrefix goes on with more util-linux stamps: reltime's "[%b%e %H:%M]" would give
  // the record a wall time without a year (syslog_year.h), so a line whose text starts with a
  // bracket ("[drm] ...", a caller id, another stamp) is parsed in full to be sure.
  size_t q = p < n && line[p] == ' ' ? p + 1 : p;
  if (q < n && line[q] == '[') {
    Record probe;
    ParseKernelPrefix(line, &probe);
    if (!probe.wall_time.empty() || probe.time_us != usec) return false;
  }
  *time_us = usec;
  return true;
}

// A printk level inside the message. Before 2.6.37 a level was the text "<N>" (KERN_EMERG "<0>"
// to KERN_DEBUG "<7>", include/linux/kernel.h; late 2.6 also KERN_DEFAULT "<d>" and KERN_CONT
// "<c>"), and printk consumed it only at the start of a line. A level printed after a continuation
// (2.6.18 arch/i386/kernel/traps.c show_registers: printk("\n" KERN_EMERG "Stack: ")) or one a
// syslog daemon did not strip reaches the log as text: "<0>Stack: ...", " <0>Kernel panic".
bool TakeInnerLevel(std::string_view s, size_t* pos, Record* record) {
  size_t p = SkipSpaces(s, *pos);
  if (p + 3 > s.size() || s[p] != '<' || s[p + 2] != '>') return false;
  char c = s[p + 1];
  if (!((c >= '0' && c <= '7') || c == 'c' || c == 'd')) return false;
  if (record->level < 0 && c >= '0' && c <= '7') record->level = c - '0';
  *pos = p + 3;
  return true;
}

size_t ParseKernelPrefix(std::string_view line, Record* record) {
  size_t pos = 0;
  if (!TakePriority(line, &pos, record)) TakeDecode(line, &pos, record);
  unsigned seen = 0;
  while (seen != kStampAll && TakeDmesgStamp(line, &pos, record, &seen)) {
  }
  TakeCaller(line, &pos, record);
  TakeInnerLevel(line, &pos, record);
  return pos;
}

size_t ParseKernelStampInMessage(std::string_view message, Record* record) {
  size_t pos = 0;
  unsigned seen = kStampAll & ~kStampRaw;  // only the kernel's own "[%5lu.%06lu]"
  TakeDmesgStamp(message, &pos, record, &seen);
  TakeCaller(message, &pos, record);
  TakeInnerLevel(message, &pos, record);
  return pos;
}
namespace {

template <size_t N>
int NameIndex(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int FacilityByName(std::string_view name) {
  return NameIndex(kFacilityNames, name);
}
int LevelByName(std::string_view name) {
  return NameIndex(kLevelNames, name);
}

}  // namespace kdiag
