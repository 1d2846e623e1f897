// SyslogYear: the rule is in the header.
#include "analyzer/input/prefixes/syslog_year.h"

#include <ctime>

namespace kdiag {

SyslogYear::SyslogYear(int64_t reference) {
  time_t t = reference != 0 ? static_cast<time_t>(reference) : time(nullptr);
  struct tm tm;
  if (localtime_r(&t, &tm) != nullptr) {
    reference_year_ = tm.tm_year + 1900;
    reference_month_ = tm.tm_mon + 1;
    reference_day_ = tm.tm_mday;
  }
}

int SyslogYear::Year(int month, int day) {
  if (year_ == 0) {
    bool after_reference =
        month > reference_month_ || (month == reference_month_ && day > reference_day_ + 1);
    year_ = after_reference ? reference_year_ - 1 : reference_year_;
  } else if (month < last_month_ - 6) {
    ++year_;
  }
  last_month_ = month;
  return year_;
}

void SyslogYear::SetFirstDate(int year, int month) {
  if (year_ != 0) return;
  year_ = year;
  last_month_ = month;
}

bool JournalctlHeaderDate(std::string_view line, int* year, int* month) {
  // systemd journalctl.c: "-- Journal begins at %s, ends at %s. --" and, before 246,
  // "-- Logs begin at %s, end at %s. --", each %s format_timestamp(): "%a %Y-%m-%d %H:%M:%S %Z".
  size_t at = 0;
  for (std::string_view lead : {"-- Journal begins at ", "-- Logs begin at "}) {
    if (line.substr(0, lead.size()) == lead) at = lead.size();
  }
  if (at == 0 || line.size() < at + 4 + 11) return false;
  std::string_view date = line.substr(at + 4, 7);  // after "Mon ": "2022-12"
  int y = 0, m = 0;
  for (size_t i = 0; i < 7; ++i) {
    char c = date[i];
    if (i == 4) {
      if (c != '-') return false;
      continue;
    }
    if (c < '0' || c > '9') return false;
    (i < 4 ? y : m) = (i < 4 ? y : m) * 10 + (c - '0');
  }
  if (m < 1 || m > 12 || y < 1970) return false;
  *year = y;
  *month = m;
  return true;
}

bool YearlessMonthDay(std::string_view s, int* month, int* day) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 6) return false;
  int m = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(0, 3) == kMonths[i]) m = i + 1;
  }
  if (m == 0) return false;
  size_t p = 3;
  if (s[p] == ' ') ++p;
  if (p < s.size() && s[p] == ' ') ++p;
  int d = 0;
  size_t digits = 0;
  while (p < s.size() && digits < 2 && s[p] >= '0' && s[p] <= '9') {
    d = d * 10 + (s[p++] - '0');
    ++digits;
  }
  if (digits == 0 || d < 1 || d > 31 || p >= s.size() || s[p] != ' ') return false;
  *month = m;
  *day = d;
  return true;
}

}  // namespace kdiag
