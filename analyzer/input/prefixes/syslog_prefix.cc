#include "analyzer/input/prefixes/syslog_prefix.h"

#include <cstdint>

#include "analyzer/input/prefixes/console_prefix.h"
#include "analyzer/input/prefixes/prefix_scan.h"
#include "analyzer/input/prefixes/xen_prefix.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

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
  if (!TakeName(s, &p, kWeekdays, 7) || !TakeChar(s, &p, ' ') || !TakeDateTime(s, &p, ' ') ||
      !TakeChar(s, &p, ' ')) {
    return false;
  }
  size_t zone = p;
  while (p < s.size() && p - zone < 8 && s[p] != ' ') ++p;
  if (p == zone) return false;
  *pos = p;
  return true;
}

// OpenWrt's logread (ubox log/logread.c log_notify(), the file and stdout targets):
//   snprintf(buf, ..., "%s %s%s.%s%s %s\n", c, log_timestamp ? buf_ts : "", facility name,
//            priority name, source is the kernel ? " kernel:" : "", message)
// c is ctime() without its newline ("Wed Feb 24 00:35:21 2021", the day space-padded); buf_ts,
// with -t, is "[%lu.%03u] " (seconds since the epoch); the names are syslog.h's facilitynames and
// prioritynames ("kern.info", "daemon.err", "authpriv.notice"). A user program's message starts
// with its own "tag[pid]: ". Read: the stamp, the optional epoch stamp, the names (as level and
// facility) and the tag; the kernel's message keeps its "[time]".
bool TakeCtimeStamp(std::string_view s, size_t* pos) {
  size_t p = *pos;
  if (!TakeName(s, &p, kWeekdays, 7) || !TakeChar(s, &p, ' ') || !TakeMonth(s, &p) ||
      !TakeChar(s, &p, ' ') || !TakeDay(s, &p) || !TakeChar(s, &p, ' ') ||
      !TakeClock(s, &p, true) || !TakeChar(s, &p, ' ') || !TakeNumber(s, &p, 4, 4, nullptr)) {
    return false;
  }
  *pos = p;
  return true;
}

// "facility.priority" of logread, as numbers (syslog.h's codes; "warn", "error" and "panic" are
// the old aliases prioritynames also lists).
bool TakeLogreadPriority(std::string_view s, size_t* pos, int* pri) {
  static constexpr std::string_view kFacilities[] = {
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
      "uucp",   "cron",   "authpriv", "ftp",    "",       "",       "",       "",
      "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};
  static constexpr std::string_view kPriorities[] = {"emerg",   "alert",  "crit", "err",
                                                     "warning", "notice", "info", "debug"};
  size_t p = *pos;
  std::string_view facility = TakeToken(s, &p, 16, ".");
  if (!TakeChar(s, &p, '.')) return false;
  std::string_view priority = TakeToken(s, &p, 16, "");
  int f = -1;
  for (int i = 0; i < 24; ++i) {
    if (!kFacilities[i].empty() && facility == kFacilities[i]) f = i;
  }
  int level = -1;
  for (int i = 0; i < 8; ++i) {
    if (priority == kPriorities[i]) level = i;
  }
  if (priority == "warn") level = 4;
  if (priority == "error") level = 3;
  if (priority == "panic") level = 0;
  if (f < 0 || level < 0) return false;
  *pri = f * 8 + level;
  *pos = p;
  return true;
}

// logread's header after the stamp and its space (see TakeCtimeStamp).
bool TakeLogreadHeader(std::string_view s, size_t* pos, SyslogHeader* h) {
  size_t p = *pos;
  size_t q = p;
  if (TakeChar(s, &q, '[') && TakeNumber(s, &q, 1, 12, nullptr) && TakeChar(s, &q, '.') &&
      TakeNumber(s, &q, 3, 3, nullptr) && TakeChar(s, &q, ']') && TakeChar(s, &q, ' ')) {
    p = q;
  }
  if (!TakeLogreadPriority(s, &p, &h->pri)) return false;
  if (Take(s, &p, " kernel:")) {
    h->tag = "kernel";
    TakeChar(s, &p, ' ');
  } else if (TakeChar(s, &p, ' ')) {
    TakeTag(s, &p, &h->tag);  // no tag: the rest is the message
  } else {
    return false;
  }
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
  } else if (TakeCtimeStamp(s, &p)) {
    std::string_view stamp = s.substr(*pos, p - *pos);
    if (!TakeChar(s, &p, ' ') || !TakeLogreadHeader(s, &p, h)) return false;
    h->stamp = stamp;
    *pos = p;
    return true;
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

}  // namespace

bool LooksLikeMonotonicHeader(std::string_view s) {
  size_t close = s.find(']');
  if (close == std::string_view::npos || close + 2 >= s.size() || s[close + 1] != ' ') {
    return false;
  }
  size_t space = s.find(' ', close + 2);
  return space != std::string_view::npos && space != close + 2 &&
         s.compare(space + 1, 7, "kernel:") == 0;
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

}  // namespace kdiag
