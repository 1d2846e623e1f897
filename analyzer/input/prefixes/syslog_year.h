// SyslogYear: the year that RFC 3164 stamps ("Nov  3 18:54:01"), journalctl's short and
// short-precise stamps and util-linux's reltime minutes leave out.
//
// The choice, made for streams (records leave before the input ends, and stdin cannot be read
// twice): the reference is when the log was last written, the file's mtime (now for stdin and
// pipes), in local time as syslog writes it. The first stamp takes the reference's year, or the
// year before when its month and day lie after the reference's (a line cannot be newer than
// the file's last write; one day of slack absorbs time zones). Going forward, a month more than
// six months below the previous stamp's is the turn of a year (Dec -> Jan), and the year goes
// up; smaller steps back (out-of-order or clock-adjusted lines) keep the year. A log that spans
// more than a year without an mtime after its end gets years that are too late for its start;
// nothing in the stamps can tell, unless the log names a year: journalctl's header
// "-- Journal begins at Mon 2022-12-05 10:00:00 UTC, ends at ... --" (systemd 246 and later;
// "-- Logs begin at ..., end at ... --" before) gives the first entry's date, and the stamps are
// counted from it instead of from the mtime (a December 2022 journal piped on stdin in 2025 is
// then 2022, not 2025).
#ifndef KDIAG_INPUT_PREFIXES_SYSLOG_YEAR_H_
#define KDIAG_INPUT_PREFIXES_SYSLOG_YEAR_H_

#include <cstdint>
#include <string_view>

namespace kdiag {

class SyslogYear {
 public:
  // `reference`: seconds since the epoch; 0 means now.
  explicit SyslogYear(int64_t reference = 0);
  // The year of a stamp of month 1..12, day 1..31, called for the stamps in input order.
  int Year(int month, int day);
  // The date of the log's first entry, when the log says it (before any stamp; ignored after).
  void SetFirstDate(int year, int month);

 private:
  int reference_year_ = 1970;
  int reference_month_ = 1;
  int reference_day_ = 1;
  int year_ = 0;  // 0 before the first stamp
  int last_month_ = 0;
};

// The month (1..12) and day of a year-less stamp as ConsoleFramer keeps it in wall_time:
// "Nov  3 18:54:01", "Nov 03 18:54:01.123456", "Nov 3 18:54"; false for anything else.
bool YearlessMonthDay(std::string_view wall_time, int* month, int* day);

// The year and month of the first date in a journalctl header line ("-- Journal begins at Mon
// 2022-12-05 10:00:00 UTC, ends at ... --", "-- Logs begin at ... --"); false for other lines.
bool JournalctlHeaderDate(std::string_view line, int* year, int* month);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_SYSLOG_YEAR_H_
