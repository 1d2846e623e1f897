// WallClock: the shapes and the rules are in the header.
#include "analyzer/input/wall_clock.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace kdiag {
namespace {

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

constexpr std::string_view kLog = "log";
constexpr std::string_view kLogLocal = "log-local";
constexpr std::string_view kLogLocalYear = "log-local+year";
constexpr std::string_view kJournal = "journal";
constexpr std::string_view kKmsgClock = "kmsg+clock";
constexpr std::string_view kAnchor = "anchor";
constexpr std::string_view kApproximate = "approximate-after-suspend";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Exactly `n` digits at *p.
bool Digits(std::string_view s, size_t* p, size_t n, int* out) {
  if (*p + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*p + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return true;
}

// One or two digits (a day of month, space-padded or not).
bool Day(std::string_view s, size_t* p, int* out) {
  while (*p < s.size() && s[*p] == ' ') ++*p;
  int v = 0;
  size_t n = 0;
  while (*p < s.size() && n < 2 && IsDigit(s[*p])) v = v * 10 + (s[(*p)++] - '0'), ++n;
  *out = v;
  return n > 0;
}

bool Name(std::string_view s, size_t* p, const std::string_view* names, int count, int* index) {
  for (int i = 0; i < count; ++i) {
    if (s.substr(*p, 3) == names[i]) {
      *p += 3;
      *index = i;
      return true;
    }
  }
  return false;
}

struct Parsed {
  struct tm tm = {};
  int64_t micros = 0;
  bool zoned = false;
  int64_t offset_seconds = 0;  // east of UTC, when zoned
};

// "HH:MM[:SS][.ffffff|,ffffff]".
bool Clock(std::string_view s, size_t* p, Parsed* out) {
  int h = 0, m = 0, sec = 0;
  if (!Digits(s, p, 2, &h) || *p >= s.size() || s[*p] != ':' || (++*p, !Digits(s, p, 2, &m))) {
    return false;
  }
  if (*p < s.size() && s[*p] == ':') {
    ++*p;
    if (!Digits(s, p, 2, &sec)) return false;
    if (*p < s.size() && (s[*p] == '.' || s[*p] == ',')) {
      ++*p;
      int64_t scale = 100000;
      size_t n = 0;
      while (*p < s.size() && IsDigit(s[*p])) {
        if (n < 6) out->micros += (s[*p] - '0') * scale, scale /= 10;
        ++*p;
        ++n;
      }
      if (n == 0) return false;
    }
  }
  if (h > 23 || m > 59 || sec > 60) return false;
  out->tm.tm_hour = h;
  out->tm.tm_min = m;
  out->tm.tm_sec = sec;
  return true;
}

// After the clock: "Z", "+01:00", "+0100", "+01", " UTC", " GMT"; anything else is local.
void Zone(std::string_view s, size_t p, Parsed* out) {
  if (p >= s.size()) return;
  if (s[p] == 'Z') {
    out->zoned = true;
    return;
  }
  if (s[p] == '+' || s[p] == '-') {
    int sign = s[p] == '-' ? -1 : 1;
    size_t q = p + 1;
    int h = 0, m = 0;
    if (!Digits(s, &q, 2, &h)) return;
    if (q < s.size() && s[q] == ':') ++q;
    if (q < s.size() && IsDigit(s[q]) && !Digits(s, &q, 2, &m)) return;
    if (h > 23 || m > 59) return;
    out->zoned = true;
    out->offset_seconds = sign * (h * 3600 + m * 60);
    return;
  }
  std::string_view rest = s.substr(p);
  if (rest == " UTC" || rest == " GMT") out->zoned = true;
  // journalctl short-full writes a numeric zone after a space when the zone has no name ("+03").
  if (rest.size() > 2 && rest[0] == ' ' && (rest[1] == '+' || rest[1] == '-')) Zone(s, p + 1, out);
}

// journalctl short-unix: "%lu.%06lu" seconds since the epoch, the whole stamp.
bool UnixSeconds(std::string_view s, int64_t* unix_us) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 12 || s.size() != dot + 7) return false;
  int64_t v = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == dot) continue;
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  *unix_us = v;
  return true;
}

// "YYYY-MM-DD[T ]HH:MM[:SS[.f]]" and what follows.
bool Iso(std::string_view s, size_t p, Parsed* out) {
  int y = 0, mo = 0, d = 0;
  if (!Digits(s, &p, 4, &y) || p >= s.size() || s[p++] != '-' || !Digits(s, &p, 2, &mo) ||
      p >= s.size() || s[p++] != '-' || !Digits(s, &p, 2, &d) || p >= s.size() ||
      (s[p] != 'T' && s[p] != ' ')) {
    return false;
  }
  ++p;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || !Clock(s, &p, out)) return false;
  out->tm.tm_year = y - 1900;
  out->tm.tm_mon = mo - 1;
  out->tm.tm_mday = d;
  Zone(s, p, out);
  return true;
}

bool ToMicros(Parsed* p, int64_t* out) {
  struct tm copy = p->tm;
  time_t t;
  if (p->zoned) {
    t = timegm(&copy);
    if (t == static_cast<time_t>(-1)) return false;
    t -= p->offset_seconds;
  } else {
    // mktime() costs microseconds (it consults the zone rules each call), and a syslog file has
    // a stamp per line: the start of the hour is converted once and the minutes added.
    struct HourCache {
      int year = -1, mon = 0, mday = 0, hour = 0;
      std::string tz;
      time_t start = 0;
      struct tm normalised = {};
    };
    thread_local HourCache cache;
    const char* tz_env = std::getenv("TZ");
    std::string_view tz = tz_env ? tz_env : "";
    if (cache.year != copy.tm_year || cache.mon != copy.tm_mon || cache.mday != copy.tm_mday ||
        cache.hour != copy.tm_hour || cache.tz != tz) {
      struct tm hour = copy;
      hour.tm_min = hour.tm_sec = 0;
      hour.tm_isdst = -1;
      time_t start = mktime(&hour);
      if (start == static_cast<time_t>(-1)) return false;
      cache = HourCache{copy.tm_year,    copy.tm_mon, copy.tm_mday, copy.tm_hour,
                        std::string(tz), start,       hour};
    }
    t = cache.start + copy.tm_min * 60 + copy.tm_sec;
    copy.tm_mday = cache.normalised.tm_mday;
  }
  // mktime/timegm normalise Feb 31 into March: an impossible date is refused, not moved.
  if (copy.tm_mday != p->tm.tm_mday && !p->zoned) return false;
  *out = static_cast<int64_t>(t) * 1000000 + p->micros;
  return true;
}

// `dmesg -T` ("Fri Feb 13 23:31:30 2009") and `--time-format iso` (its ',' before the fraction)
// compute the wall time from the kernel stamp, so they drift like it after a resume.
bool ComputedByDmesg(std::string_view wall) {
  size_t p = 0;
  int i = 0;
  if (Name(wall, &p, kWeekdays, 7, &i) && p < wall.size() && wall[p] == ' ') {
    ++p;
    return Name(wall, &p, kMonths, 12, &i);
  }
  return wall.size() > 20 && wall[4] == '-' && wall[10] == 'T' && wall[19] == ',';
}

// A kernel line after which the kernel stamp has stopped for a while (the header names them).
bool IsResume(std::string_view text) {
  return StartsWith(text, "PM: suspend exit") || StartsWith(text, "PM: hibernation exit") ||
         StartsWith(text, "PM: hibernation: hibernation exit") || StartsWith(text, "PM: resume");
}

// The line printed just before the machine sleeps: the lines after it may be past the gap.
bool IsSuspendEntry(std::string_view text) {
  return StartsWith(text, "PM: suspend entry");
}

// drivers/rtc/hctosys.c: "setting system clock to %ptR UTC (%lld)\n" (and "%ptR (%lld)" in some
// trees): the seconds since the epoch the clock was set to, at this record's kernel stamp.
bool RtcAnchor(std::string_view text, int64_t* unix_us) {
  size_t at = text.find("setting system clock to ");
  if (at == std::string_view::npos || text.empty() || text.back() != ')') return false;
  size_t open = text.rfind('(');
  if (open == std::string_view::npos || open < at) return false;
  int64_t v = 0;
  size_t n = 0;
  for (size_t i = open + 1; i + 1 < text.size(); ++i, ++n) {
    if (!IsDigit(text[i]) || n > 12) return false;
    v = v * 10 + (text[i] - '0');
  }
  if (n == 0) return false;
  *unix_us = v * 1000000;
  return true;
}

int64_t Micros(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace

bool ParseWallTime(std::string_view s, int year, int64_t* unix_us, bool* zoned) {
  Parsed parsed;
  size_t p = 0;
  int i = 0;
  bool ok = false;
  if (UnixSeconds(s, unix_us)) {
    *zoned = true;
    return true;
  }
  if (!s.empty() && IsDigit(s[0])) {
    ok = Iso(s, 0, &parsed);
  } else if (Name(s, &p, kWeekdays, 7, &i) && p < s.size() && s[p] == ' ') {
    ++p;
    int month = 0, day = 0, y = 0;
    if (IsDigit(s.substr(p, 1).empty() ? ' ' : s[p])) {
      ok = Iso(s, p, &parsed);  // journalctl short-full: "Mon 2025-11-03 18:54:01 CET"
    } else if (Name(s, &p, kMonths, 12, &month) && Day(s, &p, &day) && p < s.size() &&
               s[p++] == ' ' && Clock(s, &p, &parsed) && p < s.size() && s[p++] == ' ' &&
               Digits(s, &p, 4, &y)) {
      parsed.tm.tm_year = y - 1900;  // ctime: "Fri Feb 13 23:31:30 2009"
      parsed.tm.tm_mon = month;
      parsed.tm.tm_mday = day;
      ok = day >= 1 && day <= 31;
    }
  } else if (year > 0 && Name(s, &p, kMonths, 12, &i)) {
    int day = 0;
    // RFC 3164 "Nov  3 18:54:01", journalctl short-precise, util-linux reltime "Jan13 18:54".
    if (Day(s, &p, &day) && p < s.size() && s[p++] == ' ' && Clock(s, &p, &parsed) && day >= 1 &&
        day <= 31) {
      parsed.tm.tm_year = year - 1900;
      parsed.tm.tm_mon = i;
      parsed.tm.tm_mday = day;
      ok = true;
    }
  }
  if (!ok || !ToMicros(&parsed, unix_us)) return false;
  *zoned = parsed.zoned;
  return true;
}

bool IsDerivedTimestamp(std::string_view timestamp_source) {
  return timestamp_source == kAnchor || timestamp_source == kApproximate;
}

std::string FormatRfc3339Utc(int64_t usec) {
  int64_t seconds = usec / 1000000;
  int64_t micros = usec % 1000000;
  if (micros < 0) micros += 1000000, --seconds;
  time_t t = static_cast<time_t>(seconds);
  struct tm tm;
  if (!gmtime_r(&t, &tm) || tm.tm_year > 9999 - 1900 || tm.tm_year < -1900) return "";
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros));
  return buf;
}

std::string FormatLocalWallTime(int64_t usec) {
  time_t t = static_cast<time_t>(usec / 1000000);
  struct tm tm;
  if (!localtime_r(&t, &tm) || tm.tm_year > 9999 - 1900 || tm.tm_year < -1900) return "";
  char buf[80];
  if (strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm) == 0) return "";
  return buf;
}

void WallClock::Place(Record* r) {
  if (r->boot != boot_) {
    boot_ = r->boot;
    offset_us_.reset();
    suspended_ = false;
  }
  const bool kernel = r->source == Source::kKernel;
  // A resume line is stamped after the gap already.
  if (kernel && IsResume(r->text)) suspended_ = true;
  if (r->timestamp_us) {
    if (r->timestamp_source.empty()) r->timestamp_source = kJournal;
  } else if (!r->wall_time.empty()) {
    int64_t us = 0;
    bool zoned = false;
    if (ParseWallTime(r->wall_time, r->wall_year, &us, &zoned)) {
      r->timestamp_us = us;
      r->timestamp_source = zoned ? kLog : r->wall_year > 0 ? kLogLocalYear : kLogLocal;
      if (kernel && suspended_ && ComputedByDmesg(r->wall_time)) {
        r->timestamp_source = kApproximate;
      }
    }
  }
  if (!kernel || !r->time_us) return;
  int64_t rtc = 0;
  if (r->timestamp_us && r->timestamp_source != kApproximate) {
    offset_us_ = *r->timestamp_us - *r->time_us;
    suspended_ = false;
  } else if (!r->timestamp_us && live_) {
    r->timestamp_us = Micros(CLOCK_REALTIME) - Micros(CLOCK_MONOTONIC) + *r->time_us;
    r->timestamp_source = kKmsgClock;
  } else if (!r->timestamp_us && RtcAnchor(r->text, &rtc)) {
    offset_us_ = rtc - *r->time_us;
    suspended_ = false;
    r->timestamp_us = rtc;
    r->timestamp_source = kAnchor;
  } else if (!r->timestamp_us && offset_us_) {
    r->timestamp_us = *offset_us_ + *r->time_us;
    r->timestamp_source = suspended_ ? kApproximate : kAnchor;
  }
  if (IsSuspendEntry(r->text)) suspended_ = true;
}

bool WallClock::AwaitsAnchor(const Record& r) const {
  return !live_ && r.source == Source::kKernel && r.time_us && !r.timestamp_us && r.boot == boot_ &&
         !offset_us_ && !suspended_;
}

bool WallClock::WouldAwaitAnchor(int boot) const {
  // Place() starts a new boot unanchored and not suspended.
  return !live_ && (boot != boot_ || (!offset_us_ && !suspended_));
}

void WallClock::PlaceFromAnchor(Record* r) const {
  if (!offset_us_ || r->source != Source::kKernel || !r->time_us || r->timestamp_us) return;
  r->timestamp_us = *offset_us_ + *r->time_us;
  r->timestamp_source = kAnchor;
}

}  // namespace kdiag
