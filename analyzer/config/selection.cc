// Selection: the forms and the rules are in the header.
#include "analyzer/config/selection.h"

#include <fnmatch.h>

#include <ctime>

#include "analyzer/input/wall_clock.h"

namespace kdiag {
namespace {

constexpr int64_t kSecond = 1000000;

// Local midnight of the day `days` after today's (`now_us`).
std::optional<int64_t> LocalMidnight(int64_t now_us, int days) {
  time_t t = static_cast<time_t>(now_us / kSecond);
  struct tm tm;
  if (!localtime_r(&t, &tm)) return std::nullopt;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_mday += days;
  tm.tm_isdst = -1;
  time_t m = mktime(&tm);
  if (m == static_cast<time_t>(-1)) return std::nullopt;
  return static_cast<int64_t>(m) * kSecond;
}

// "h", "hours", "min", ... -> microseconds; 0 when unknown.
int64_t UnitMicros(std::string_view u) {
  struct Unit {
    std::string_view name;
    int64_t us;
  };
  static constexpr Unit kUnits[] = {{"s", kSecond},
                                    {"sec", kSecond},
                                    {"second", kSecond},
                                    {"seconds", kSecond},
                                    {"m", 60 * kSecond},
                                    {"min", 60 * kSecond},
                                    {"minute", 60 * kSecond},
                                    {"minutes", 60 * kSecond},
                                    {"h", 3600 * kSecond},
                                    {"hr", 3600 * kSecond},
                                    {"hour", 3600 * kSecond},
                                    {"hours", 3600 * kSecond},
                                    {"d", 86400 * kSecond},
                                    {"day", 86400 * kSecond},
                                    {"days", 86400 * kSecond},
                                    {"w", 7 * 86400 * kSecond},
                                    {"week", 7 * 86400 * kSecond},
                                    {"weeks", 7 * 86400 * kSecond}};
  for (const Unit& unit : kUnits) {
    if (unit.name == u) return unit.us;
  }
  return 0;
}

// "-1h", "+30min", "-2d", "3 hours ago", "-1h30min" (several number-unit pairs add up).
bool Relative(std::string_view s, int64_t now_us, int64_t* out) {
  int sign = 0;
  constexpr std::string_view kAgo = " ago";
  if (s.size() > kAgo.size() && s.substr(s.size() - kAgo.size()) == kAgo) {
    sign = -1;
    s.remove_suffix(kAgo.size());
  } else if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  } else {
    return false;
  }
  int64_t total = 0;
  size_t p = 0;
  bool any = false;
  while (p < s.size()) {
    while (p < s.size() && s[p] == ' ') ++p;
    int64_t n = 0;
    size_t digits = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9' && p - digits < 9)
      n = n * 10 + (s[p++] - '0');
    if (p == digits) return false;
    while (p < s.size() && s[p] == ' ') ++p;
    size_t unit = p;
    while (p < s.size() && ((s[p] >= 'a' && s[p] <= 'z') || (s[p] >= 'A' && s[p] <= 'Z'))) ++p;
    int64_t us = UnitMicros(s.substr(unit, p - unit));
    if (us == 0) return false;
    total += n * us;
    any = true;
  }
  if (!any) return false;
  *out = now_us + sign * total;
  return true;
}

}  // namespace

std::optional<std::string> ParseTimeSpec(std::string_view text, int64_t now_us, int64_t* unix_us) {
  std::optional<int64_t> t;
  int64_t v = 0;
  bool zoned = false;
  if (text == "now") {
    t = now_us;
  } else if (text == "today") {
    t = LocalMidnight(now_us, 0);
  } else if (text == "yesterday") {
    t = LocalMidnight(now_us, -1);
  } else if (text == "tomorrow") {
    t = LocalMidnight(now_us, 1);
  } else if (Relative(text, now_us, &v)) {
    t = v;
  } else if (text.size() == 10 && ParseWallTime(std::string(text) + " 00:00:00", 0, &v, &zoned)) {
    t = v;
  } else if (ParseWallTime(text, 0, &v, &zoned) && !text.empty() && text[0] >= '0' &&
             text[0] <= '9') {
    t = v;
  }
  if (!t) {
    return "'" + std::string(text) +
           "' is not a time (RFC 3339, YYYY-MM-DD[ HH:MM[:SS]], now, today, yesterday, -1h, "
           "'2 days ago')";
  }
  *unix_us = *t;
  return std::nullopt;
}

bool GlobMatch(std::string_view glob, std::string_view text) {
  return fnmatch(std::string(glob).c_str(), std::string(text).c_str(), 0) == 0;
}

bool Selection::Reports(const Rule& rule, Severity severity) const {
  if (has_min_severity && severity < min_severity) return false;
  if (!rules.empty()) {
    bool kept = false;
    for (const std::string& g : rules) kept = kept || GlobMatch(g, rule.id);
    if (!kept) return false;
  }
  for (const std::string& g : skip_rules) {
    if (GlobMatch(g, rule.id)) return false;
  }
  return true;
}

bool Selection::InWindow(const std::optional<int64_t>& timestamp_us) const {
  if (!has_window()) return true;
  if (!timestamp_us) return false;
  if (since_us && *timestamp_us < *since_us) return false;
  if (until_us && *timestamp_us > *until_us) return false;
  return true;
}

std::optional<std::string> MakeSelection(const Options& opt, int64_t now_us, Selection* out) {
  Selection s;
  int64_t v = 0;
  if (!opt.since.empty()) {
    if (auto err = ParseTimeSpec(opt.since, now_us, &v)) return "--since: " + *err;
    s.since_us = v;
  }
  if (!opt.until.empty()) {
    if (auto err = ParseTimeSpec(opt.until, now_us, &v)) return "--until: " + *err;
    s.until_us = v;
  }
  if (!opt.min_severity.empty()) {
    if (!ParseSeverity(opt.min_severity, &s.min_severity)) {
      return "--min-severity: unknown severity '" + opt.min_severity + "'";
    }
    s.has_min_severity = true;
  }
  s.rules = opt.rule_globs;
  s.skip_rules = opt.skip_rule_globs;
  *out = std::move(s);
  return std::nullopt;
}

}  // namespace kdiag
