// ConsoleFramer: every line-per-message text shape of kernel and Xen logs, detected per line.
//
// Handles, in any mix within one stream (serial captures interleave them):
//   - kernel console / syslog(2) text: optional "<pri>", optional "[%5lu.%06lu]" time, optional
//     caller id "[T123]" / "[ C1]" (CONFIG_PRINTK_CALLER), then the message;
//   - util-linux dmesg renderings: default, -r, -x/--decode ("kern  :info  : "), -T/ctime,
//     --time-format iso, delta ("[<    7.000000>] "), -d, reltime, -t (notime), caller ids, and
//     continuation lines indented to the prefix width (joined into the previous record);
//   - xl dmesg / Xen serial: "(XEN) " with every console_timestamps form (none, date, datems,
//     boot, raw), the banner line without "(XEN)", "(dN) " guest lines, old "HVMn: " lines;
//   - syslog-wrapped lines: RFC 3164 "Nov  3 18:54:01 host kernel: ...", RFC 3339
//     "2023-11-03T18:54:01.123456+01:00 host kernel: ...", RFC 5424 "<4>1 <ts> host kernel - - - ";
//     the kernel's own "[time]" inside the message is parsed too; lines tagged with other programs
//     become Source::kUserspace records with `program` set;
//   - journalctl's short renderings (short, short-precise, short-iso, short-iso-precise,
//     short-full, short-monotonic, short-unix) as syslog lines; its "-- Boot <id> --" and
//     "-- Reboot --" separators start a boot (the records after one carry its id), and its
//     "-- Logs begin at ... --" style notes are skipped;
//   - stamps without a year (RFC 3164, journalctl short, dmesg reltime) get wall_year, inferred
//     from the input's modification time (syslog_year.h);
//   - CRLF line ends and ANSI escape sequences of serial captures (removed before parsing);
//   - xenconsoled's "[YYYY-MM-DD HH:MM:SS] " before a console line: Xen's, a relayed guest's, the
//     banner, or console text (hypervisor.log, guest console logs; xenconsoled_prefix.h);
//   - Xen gdprintk() lines pasted without "(XEN) " (xen_debug_prefix.h), and the toolstack's
//     lines: xentoollog ("libxl: error: ...", dated with `xl -T`; xtl_prefix.h), libvirt's
//     libxl-driver.log (libvirt_prefix.h) and xend.log lines (xend_prefix.h), as
//     Source::kUserspace records with the writer as `program`.
// Formats: Linux kernel/printk/printk.c, util-linux sys-utils/dmesg.c, Xen
// xen/drivers/char/console.c; see ../shared/docs/log-formats.md.
#ifndef KDIAG_INPUT_FRAMERS_CONSOLE_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_CONSOLE_FRAMER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"
#include "analyzer/input/prefixes/syslog_year.h"

namespace kdiag {

class ConsoleFramer : public Framer {
 public:
  explicit ConsoleFramer(std::string input_name);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& sink) override;
  void SetReferenceTime(int64_t unix_seconds) override { year_ = SyslogYear(unix_seconds); }
  bool LinesOfText() const override { return true; }
  // Passes over kernel console lines "[%5lu.%06lu] text" (console_prefix.h TakeConsoleStamp)
  // while no journalctl boot separator or short-monotonic header was seen. Its own literals: ESC
  // (a line with escape sequences is cleaned first) and "Linux version " (a boot marker).
  const std::vector<std::string>* PassOverLiterals() const override;
  bool PlainKernelLine(std::string_view line, int next, const RecordSink& sink,
                       int64_t* time_us) override;

 private:
  // One line's record, prefixes parsed; *continuation_width is 0 when the shape never indents
  // continuation lines (Xen, guest, banner, unprefixed text).
  Record Frame(std::string_view line, uint64_t number, size_t* continuation_width);
  // The shapes a line can have after xenconsoled's stamp (or without one): sets the record's
  // source and prefix fields, returns where the text starts.
  size_t FrameShape(std::string_view line, bool copied_by_xenconsoled, Record* record,
                    size_t* continuation_width);
  bool IsContinuation(std::string_view line) const;
  void AppendContinuation(std::string_view line);
  void Flush(const RecordSink& sink);

  std::string input_name_;
  std::optional<Record> pending_;    // held until the next line shows it is not continued
  size_t pending_prefix_width_ = 0;  // width of the pending record's prefix, for continuations
  uint32_t held_blank_lines_ = 0;    // blank lines after pending_, kept if a continuation follows
  bool seen_xen_line_ = false;       // the Xen banner only precedes the first "(XEN) " line
  bool monotonic_headers_ = false;   // journalctl short-monotonic seen (ParseSyslogLine)
  bool boot_start_ = false;          // a journalctl boot separator precedes the next record
  std::string boot_id_;              // the id of the last "-- Boot <id> --", for later records
  SyslogYear year_;                  // for RFC 3164 and journalctl short stamps
  std::string scratch_;              // the current line without ANSI escape sequences
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_CONSOLE_FRAMER_H_
