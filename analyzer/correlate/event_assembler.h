// EventAssembler: records in, events out, with multi-line messages and crash reports grouped.
//
// Renderings that repeat the prefix on every line of a multi-line message (console, serial,
// syslog(2) dmesg) turn one kernel record into several lines; pciback's read-only warning is the
// classic case: one dev_warn with two '\n' (drivers/xen/xen-pciback/conf_space.c). A rule's
// `continuation` pattern says which following records belong to its event. The assembler holds
// such an event open until a record arrives that does not continue it (or the limit is reached),
// so events leave in input order and continuation records are consumed, never matched on their
// own.
//
// A crash report is the same idea at a larger scale: the header a [rule.crash] rule matches opens
// a report that takes every following record of the same input, boot, source and task (caller id,
// when the log has them) until
//   - an end marker: "---[ end trace ...]---" or "---[ end Kernel panic ...]---" (kept), or a
//     line of '=' after the report's first line (sanitizer reports are framed by them; not kept),
//   - a line the rule's `end` pattern matches (kept; Xen's "Reboot in five seconds..."),
//   - the header of another report of the same task (a rule with [rule.crash] that is neither
//     `secondary` nor absorbed by the open report's rule); a header the open report's rule
//     `yields` to takes the report over instead (its rule and fields replace the report's, the
//     lines stay: Xen prints the register dump and call trace of a fatal trap before the panic
//     that names it),
//   - kMaxReportLines lines or kMaxReportBytes of text, or the end of the input or boot.
// Reports of concurrent tasks interleave line by line (CONFIG_PRINTK_CALLER's "[ T123]"): as in
// syzkaller's report parser (pkg/report/linux.go findReport: a line of another context is left
// out of the report, it does not end it), a line of another task neither joins nor ends a report,
// and a header of another task opens a report of its own beside it (at most kMaxOpenReports at
// once; past that the oldest leaves). A line without a caller id belongs to the newest report;
// after "Sending NMI from CPU" a line of a CPU context ("[ C1]", an NMI backtrace) belongs to the
// report that asked for it (syzkaller's cpuTraceback), when that CPU has no report of its own.
// Records of other tasks are matched as usual; events wait (in order, bounded) until the reports
// opened before them leave, so events always leave in the order of their first line.
#ifndef KDIAG_CORRELATE_EVENT_ASSEMBLER_H_
#define KDIAG_CORRELATE_EVENT_ASSEMBLER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/correlate/crash_report.h"
#include "analyzer/correlate/event.h"
#include "analyzer/match/matcher.h"

namespace kdiag {

using EventSink = std::function<void(Event&&)>;

// Bounds of one crash report: lines after the header, bytes of its text; events held back while
// reports are open, and reports open at once (of concurrent tasks).
constexpr size_t kMaxReportLines = 256;
constexpr size_t kMaxReportBytes = 64 * 1024;
constexpr size_t kMaxHeldEvents = 1024;
constexpr size_t kMaxOpenReports = 16;

class EventAssembler {
 public:
  explicit EventAssembler(Matcher* matcher) : matcher_(matcher), crashes_(matcher->rules()) {}

  // Returns true when the record was consumed as a continuation line of an open event or a line
  // of an open crash report. `may_match` false: the caller knows no rule can match the record
  // (candidate_scanner.h found none of the rules' literals in its lines), so it is not matched.
  bool Add(const Record& record, const EventSink& sink, bool may_match = true);
  // End of an input: emit the open event and report, if any.
  void Flush(const EventSink& sink);
  // No event waits for continuation lines and no report is open: a record that matches no rule
  // changes nothing here (the pipeline may then pass over such records).
  bool Idle() const { return !open_ && reports_.empty(); }

 private:
  // An open crash report: its header event and the lines after it.
  struct Report {
    uint64_t id = 0;  // its place in pending_
    Event event;
    std::vector<std::string> lines;
    size_t header = 0;  // index of the line whose rule the report is (yields), 0: the first
    size_t bytes = 0;
    std::string oops;            // die()'s "[#N]" counter of the oops the report holds, or empty
    bool cpu_traceback = false;  // "Sending NMI from CPU": other CPUs' backtraces follow
  };
  // What waits to leave: an event, or the place of an open report (event empty, report set).
  struct Pending {
    uint64_t report = 0;
    std::optional<Event> event;
  };

  bool Continue(const Record& record, const EventSink& sink);
  // The open report `record` is a line of (same source and task), or -1.
  int ReportOf(const Record& record) const;
  // Emits `e` now, or holds it behind the open reports.
  void Emit(Event&& e, const EventSink& sink);
  void OpenReport(Event&& e, const EventSink& sink);
  void AppendToReport(Report* report, const Record& record);
  void CloseReport(size_t index, const EventSink& sink);
  void CloseAllReports(const EventSink& sink);
  // Sends what no open report holds back any more.
  void Drain(const EventSink& sink);

  Matcher* matcher_;
  CrashAnalyzer crashes_;
  std::optional<Event> open_;    // an event waiting for continuation lines
  std::vector<Report> reports_;  // open crash reports, oldest first
  std::deque<Pending> pending_;  // output in input order, while a report before it is open
  uint64_t next_report_ = 1;
  std::vector<RuleMatch> matches_;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_EVENT_ASSEMBLER_H_
