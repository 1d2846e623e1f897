#include "analyzer/input/console_prefix.h"

#include <cstdint>
#include <optional>

#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

constexpr int64_t kUsecPerSec = 1000000;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsLowerAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z');
}

// The scanning helpers below consume at *pos (always <= s.size()) and move it only on success.

bool Take(std::string_view s, size_t* pos, std::string_view lit) {
  if (s.size() - *pos < lit.size() || s.compare(*pos, lit.size(), lit) != 0) return false;
  *pos += lit.size();
  return true;
}

bool TakeChar(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// Between min and max (<= 18) decimal digits, and no further digit after them.
bool TakeNumber(std::string_view s, size_t* pos, size_t min, size_t max, int64_t* value) {
  size_t p = *pos;
  int64_t v = 0;
  while (p < s.size() && p - *pos < max && IsDigit(s[p])) v = v * 10 + (s[p++] - '0');
  if (p - *pos < min || (p < s.size() && IsDigit(s[p]))) return false;
  *pos = p;
  if (value != nullptr) *value = v;
  return true;
}

// Exactly n hexadecimal digits.
bool TakeHex(std::string_view s, size_t* pos, size_t n) {
  if (s.size() - *pos < n || !ParseHex(s.substr(*pos, n), n)) return false;
  *pos += n;
  return true;
}

size_t SkipSpaces(std::string_view s, size_t pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  return pos;
}

// A stamp must be followed by its separating space (consumed) or the end of the line.
bool TakeSeparator(std::string_view s, size_t* pos) {
  return *pos == s.size() || TakeChar(s, pos, ' ');
}

// "%5lu.%06lu" and "%12.06f" with their padding: seconds and exactly six decimals. At most 12
// digits of seconds, so microseconds fit in int64_t whatever the input.
bool TakeSeconds(std::string_view s, size_t* pos, int64_t* usec) {
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

// "HH:MM" or "HH:MM:SS" (with_seconds), range-checked.
bool TakeClock(std::string_view s, size_t* pos, bool with_seconds) {
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

bool TakeName(std::string_view s, size_t* pos, const std::string_view* names, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (Take(s, pos, names[i])) return true;
  }
  return false;
}

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

bool TakeMonth(std::string_view s, size_t* pos) {
  return TakeName(s, pos, kMonths, 12);
}

// strftime "%e" (space-padded) or "%d" (zero-padded) day of month.
bool TakeDay(std::string_view s, size_t* pos) {
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

// ISO 8601 / RFC 3339 "YYYY-MM-DDTHH:MM:SS[.,]frac(Z|+hh:mm|+hhmm)". *frac_sep is the decimal
// separator, '\0' without a fraction: util-linux writes ',', rsyslog and RFC 5424 write '.'.
bool TakeIso8601(std::string_view s, size_t* pos, char* frac_sep) {
  size_t p = *pos;
  int64_t month = 0, day = 0;
  if (!TakeNumber(s, &p, 4, 4, nullptr) || !TakeChar(s, &p, '-') ||
      !TakeNumber(s, &p, 2, 2, &month) || month < 1 || month > 12 || !TakeChar(s, &p, '-') ||
      !TakeNumber(s, &p, 2, 2, &day) || day < 1 || day > 31 || !TakeChar(s, &p, 'T') ||
      !TakeClock(s, &p, true)) {
    return false;
  }
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

// ---- Kernel console and util-linux dmesg ---------------------------------------------------

// Linux kernel/printk/printk.c print_syslog(): "<%u>", facility << 3 | level. Facilities stop at
// local7 (23), so "<999>" is text.
bool TakePriority(std::string_view s, size_t* pos, Record* record) {
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
  kStampDelta = 2,    // "[<%12.06f>] ": time since the previous record, not since boot
  kStampCtime = 4,    // "-T": "[%a %b %e %H:%M:%S %Y] ", with -d "[... %Y <%12.06f>] "
  kStampRelMin = 8,   // reltime at a new minute: "[%b%e %H:%M] "
  kStampRelOff = 16,  // reltime otherwise: "[  %+8.06f] "
  kStampIso = 32,     // "--time-format iso": "%Y-%m-%dT%H:%M:%S,%06ld%z "
  kStampAll = 63,
};

// " <%12.06f>" after the raw or ctime stamp of util-linux -d.
bool TakeDeltaSuffix(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!Take(s, &p, " <") || !TakeSeconds(s, &p, nullptr) || !TakeChar(s, &p, '>')) return false;
  *pos = p;
  return true;
}

// The inside of a "[...]" util-linux stamp, up to and excluding ']'. Returns its kind, 0 if none.
unsigned TakeBracketStampBody(std::string_view s, size_t* pos, Record* record) {
  size_t p = *pos;
  int64_t usec = 0;
  if (TakeChar(s, &p, '<')) {
    if (!TakeSeconds(s, &p, nullptr) || !TakeChar(s, &p, '>')) return 0;
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
    if (!TakeSeconds(s, &q, nullptr)) return 0;
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

// ---- Xen ------------------------------------------------------------------------------------

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

// ---- Syslog ---------------------------------------------------------------------------------

// RFC 3164 / journalctl short: "%b %e %H:%M:%S" (journalctl zero-pads the day, short-precise
// adds ".%06u"), then a space.
bool TakeRfc3164Stamp(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!TakeMonth(s, &p) || !TakeChar(s, &p, ' ') || !TakeDay(s, &p) || !TakeChar(s, &p, ' ') ||
      !TakeClock(s, &p, true)) {
    return false;
  }
  size_t q = p;
  if (TakeChar(s, &q, '.') && TakeNumber(s, &q, 1, 9, nullptr)) p = q;
  *pos = p;
  return true;
}

// A run of at most `max` bytes that are neither space nor one of `stop`.
std::string_view TakeToken(std::string_view s, size_t* pos, size_t max, std::string_view stop) {
  size_t p = *pos;
  while (p < s.size() && p - *pos < max && s[p] != ' ' &&
         stop.find(s[p]) == std::string_view::npos) {
    ++p;
  }
  std::string_view token = s.substr(*pos, p - *pos);
  *pos = p;
  return token;
}

// RFC 3164 TAG: "kernel: ", "xl[1234]: ". *tag excludes the "[pid]".
bool TakeTag(std::string_view s, size_t* pos, std::string_view* tag) {
  size_t p = *pos;
  std::string_view t = TakeToken(s, &p, 64, ":[]");
  if (t.empty()) return false;
  if (TakeChar(s, &p, '[')) {
    TakeToken(s, &p, 32, "[]");
    if (!TakeChar(s, &p, ']')) return false;
  }
  if (!TakeChar(s, &p, ':') || !TakeSeparator(s, &p)) return false;
  *tag = t;
  *pos = p;
  return true;
}

// RFC 5424 STRUCTURED-DATA: "-" or "[id k="v" ...]..." where '\' escapes inside values.
bool TakeStructuredData(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (TakeChar(s, &p, '-')) {
    *pos = p;
    return true;
  }
  if (p >= s.size() || s[p] != '[') return false;
  while (TakeChar(s, &p, '[')) {
    bool quoted = false;
    for (;; ++p) {
      if (p >= s.size()) return false;
      if (quoted && s[p] == '\\') {
        ++p;
        if (p >= s.size()) return false;
      } else if (s[p] == '"') {
        quoted = !quoted;
      } else if (!quoted && s[p] == ']') {
        break;
      }
    }
    ++p;
  }
  *pos = p;
  return true;
}

struct SyslogHeader {
  std::string_view stamp;
  std::string_view host;
  std::string_view tag;  // empty: no tag at all (then the message is the kernel's)
  int pri = -1;
};

// RFC 5424 section 6: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]"; "-" is nil.
bool TakeRfc5424Header(std::string_view s, size_t* pos, SyslogHeader* h) {
  size_t p = *pos;
  Record pri;
  if (!TakePriority(s, &p, &pri) || !Take(s, &p, "1 ")) return false;
  size_t begin = p;
  char sep = '\0';
  if (!TakeChar(s, &p, '-') && (!TakeIso8601(s, &p, &sep) || sep == ',')) return false;
  h->stamp = s.substr(begin, p - begin);
  if (h->stamp == "-") h->stamp = {};
  if (!TakeChar(s, &p, ' ')) return false;
  h->host = TakeToken(s, &p, 255, "");
  if (!TakeChar(s, &p, ' ')) return false;
  h->tag = TakeToken(s, &p, 48, "");
  if (!TakeChar(s, &p, ' ') || TakeToken(s, &p, 128, "").empty() || !TakeChar(s, &p, ' ') ||
      TakeToken(s, &p, 32, "").empty() || !TakeChar(s, &p, ' ') || !TakeStructuredData(s, &p) ||
      !TakeSeparator(s, &p)) {
    return false;
  }
  if (h->host.empty() || h->tag.empty()) return false;
  if (h->host == "-") h->host = {};
  Take(s, &p, "\xEF\xBB\xBF");  // RFC 5424 MSG may start with a UTF-8 BOM
  h->pri = pri.level + pri.facility * 8;
  *pos = p;
  return true;
}

// journalctl short-full: "%a %Y-%m-%d %H:%M:%S %Z" ("Mon 2025-11-03 18:54:01 CET"); the zone
// abbreviation may also be numeric ("+03"). systemd src/shared/logs-show.c
// output_timestamp_realtime(), verified against journalctl 252.
bool TakeShortFullStamp(std::string_view s, size_t* pos) {
  size_t p = *pos;
  int64_t month = 0, day = 0;
  if (!TakeName(s, &p, kWeekdays, 7) || !TakeChar(s, &p, ' ') ||
      !TakeNumber(s, &p, 4, 4, nullptr) || !TakeChar(s, &p, '-') ||
      !TakeNumber(s, &p, 2, 2, &month) || month < 1 || month > 12 || !TakeChar(s, &p, '-') ||
      !TakeNumber(s, &p, 2, 2, &day) || day < 1 || day > 31 || !TakeChar(s, &p, ' ') ||
      !TakeClock(s, &p, true) || !TakeChar(s, &p, ' ')) {
    return false;
  }
  size_t zone = p;
  while (p < s.size() && p - zone < 8 && s[p] != ' ') ++p;
  if (p == zone) return false;
  *pos = p;
  return true;
}

// journalctl short-unix: "%lu.%06lu" seconds since the epoch (logs-show.c,
// output_timestamp_realtime(), OUTPUT_SHORT_UNIX).
bool TakeUnixStamp(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!TakeNumber(s, &p, 1, 12, nullptr) || !TakeChar(s, &p, '.') ||
      !TakeNumber(s, &p, 6, 6, nullptr)) {
    return false;
  }
  *pos = p;
  return true;
}

// journalctl short-monotonic: "[%5lu.%06lu]" (logs-show.c output_timestamp_monotonic(); newer
// systemd's short-delta adds " <%12.06f>" before the ']'). The time is the entry's
// _SOURCE_MONOTONIC_TIMESTAMP when it has one, which for kernel records is the printk time.
bool TakeMonotonicStamp(std::string_view s, size_t* pos, int64_t* usec) {
  size_t p = *pos;
  if (!TakeChar(s, &p, '[') || !TakeSeconds(s, &p, usec)) return false;
  TakeDeltaSuffix(s, &p);
  if (!TakeChar(s, &p, ']')) return false;
  *pos = p;
  return true;
}

// RFC 3164 (and journalctl short, short-precise) or RFC 3339 (rsyslog's default since Debian 12,
// journalctl short-iso, short-iso-precise), journalctl short-full and short-unix: stamp, then
// "host tag: ", or just "tag: " when the host is left out. util-linux's iso stamp (',' before the
// fraction) is a dmesg rendering, not syslog.
//
// journalctl short-unix and short-monotonic stamps are plain numbers, so they make a syslog header
// only with "host tag: " after them. short-monotonic also looks like the kernel console
// ("[   43.052271] usb 1-1: ..." is kernel text whose device name reads like "host tag: "), so a
// monotonic stamp makes a syslog header only with a host and the tag "kernel", or, once such a line
// was seen in the input (*monotonic_mode), with a host and any tag.
bool TakeStampedHeader(std::string_view s, size_t* pos, SyslogHeader* h, Record* record,
                       bool* monotonic_mode) {
  size_t p = *pos;
  char sep = '\0';
  int64_t usec = 0;
  bool monotonic = false;
  bool needs_host = false;  // a bare number is too weak a stamp without "host tag: "
  if (p < s.size() && s[p] == '[') {
    // Every kernel console line starts with a monotonic-looking stamp: until the input showed
    // short-monotonic, look for "] host kernel:" (two memchr and a compare) before parsing.
    if (!*monotonic_mode && !LooksLikeMonotonicHeader(s.substr(p))) return false;
    if (!TakeMonotonicStamp(s, &p, &usec)) return false;
    monotonic = needs_host = true;
  } else if (TakeUnixStamp(s, &p)) {
    needs_host = true;
  } else if (!TakeRfc3164Stamp(s, &p) && !TakeShortFullStamp(s, &p) &&
             (!TakeIso8601(s, &p, &sep) || sep == ',')) {
    return false;
  }
  std::string_view stamp = s.substr(*pos, p - *pos);
  if (!TakeChar(s, &p, ' ')) return false;
  size_t q = p;
  std::string_view host = TakeToken(s, &q, 255, "");
  std::string_view tag;
  if (!host.empty() && TakeChar(s, &q, ' ') && TakeTag(s, &q, &tag)) {
    p = q;
  } else if (needs_host) {
    return false;
  } else {
    host = {};
    TakeTag(s, &p, &tag);  // no tag either: the rest is the message, with its stamp
  }
  if (monotonic) {
    if (tag != "kernel" && !*monotonic_mode) return false;
    *monotonic_mode = true;
    record->time_us = usec;
  } else {
    h->stamp = stamp;
  }
  h->host = host;
  h->tag = tag;
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

bool LooksLikeMonotonicHeader(std::string_view s) {
  size_t close = s.find(']');
  if (close == std::string_view::npos || close + 2 >= s.size() || s[close + 1] != ' ') {
    return false;
  }
  size_t space = s.find(' ', close + 2);
  return space != std::string_view::npos && space != close + 2 &&
         s.compare(space + 1, 7, "kernel:") == 0;
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

size_t ParseKernelPrefix(std::string_view line, Record* record) {
  size_t pos = 0;
  if (!TakePriority(line, &pos, record)) TakeDecode(line, &pos, record);
  unsigned seen = 0;
  while (seen != kStampAll && TakeDmesgStamp(line, &pos, record, &seen)) {
  }
  TakeCaller(line, &pos, record);
  return pos;
}

size_t ParseKernelStampInMessage(std::string_view message, Record* record) {
  size_t pos = 0;
  unsigned seen = kStampAll & ~kStampRaw;  // only the kernel's own "[%5lu.%06lu]"
  TakeDmesgStamp(message, &pos, record, &seen);
  TakeCaller(message, &pos, record);
  return pos;
}

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

bool ParseSyslogLine(std::string_view line, Record* record, size_t* text_begin,
                     size_t* header_width, bool* monotonic_mode) {
  size_t pos = 0;
  SyslogHeader h;
  if (line.empty()) return false;
  if (line[0] == '<') {
    if (!TakeRfc5424Header(line, &pos, &h)) return false;
  } else if (!TakeStampedHeader(line, &pos, &h, record, monotonic_mode)) {
    return false;
  }
  *header_width = pos;
  record->wall_time.assign(h.stamp);
  record->host.assign(h.host);
  if (h.pri >= 0) {
    record->level = h.pri & 7;
    record->facility = h.pri >> 3;
  }
  std::string_view message = line.substr(pos);
  size_t inner = 0;
  if (h.tag.empty() || h.tag == "kernel") {
    record->source = Source::kKernel;
    pos += ParseKernelStampInMessage(message, record);
  } else if (ParseXenLine(message, record, &inner) || ParseGuestLine(message, record, &inner)) {
    pos += inner;  // Xen console relayed through syslog: the hypervisor, not the tag, spoke
  } else {
    record->source = Source::kUserspace;
    record->program.assign(h.tag);
  }
  *text_begin = pos;
  return true;
}

JournalctlMarker ParseJournalctlMarker(std::string_view line, std::string* boot_id) {
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  size_t pos = 0;
  if (!Take(line, &pos, "-- ") || line.size() < 6 || line.substr(line.size() - 3) != " --") {
    return JournalctlMarker::kNone;
  }
  std::string_view inner = line.substr(3, line.size() - 6);
  if (inner == "Reboot") return JournalctlMarker::kBoot;
  size_t p = 0;
  if (Take(inner, &p, "Boot ") && inner.size() - p == 32 && TakeHex(inner, &p, 16) &&
      TakeHex(inner, &p, 16)) {
    boot_id->assign(inner.substr(5));
    return JournalctlMarker::kBoot;
  }
  p = 0;
  if (inner == "No entries" || Take(inner, &p, "Logs begin at ") ||
      Take(inner, &p, "Journal begins at ")) {
    return JournalctlMarker::kNote;
  }
  return JournalctlMarker::kNone;
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
